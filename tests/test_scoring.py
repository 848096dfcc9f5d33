"""Our numpy matching and ranking against Whoosh's own, on a real index with several segments and deletions.

The engine decodes Whoosh's posting blocks itself and scores them in numpy (search/postings.py,
search/scoring.py); these tests hold it to what Whoosh's matchers and BM25F scorer compute.
"""

from __future__ import annotations

import numpy as np
import pytest
from searchkit import copy_seeds, copy_usesthis

from index.build import build, update
from index.whoosh_internals import _walk, decode, decode_positions
from search.engine import open_index
from search.query import expand_words, parse
from search.scoring import Evaluator, Matches, robertson_idf, top

QUERIES = [
    "software", "use", "mac OR windows", "work -music", "app* editor", '"text editor"', "question:hardware",
    "interviewee:smith", "photoshop~", "use NOT (mac OR linux)", "dream setup", "camera lens",
    '"mac os x"', '"command line" OR "text editor"', '"my dream setup"',
    '"e-mail"', '"use a"', '"really really"',
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("scoring")
    corpus = copy_seeds(root / "corpus")
    # Enough interviews that common words span several posting blocks (128 documents each).
    sample = copy_usesthis(corpus, 160)
    assert not build(corpus, root / "index").skipped
    # An update leaves a second segment and deleted documents in the first.
    for path in sample[:5]:
        (corpus / "usesthis" / path.name).unlink()
    edited = corpus / "usesthis" / sample[5].name
    edited.write_text(edited.read_text(encoding="utf-8") + "\n\n### Anything else?\n\nA dream setup.\n",
                      encoding="utf-8")
    update(corpus, root / "index")
    with open_index(root / "index") as engine:
        yield engine


def whoosh_ranking(searcher, q) -> list[tuple[int, float]]:
    """Whoosh's full ranking (no top-N shortcuts): score high to low, then lower document number."""
    results = searcher.search(q, limit=None)
    return sorted(((d, s) for s, d in results.top_n), key=lambda pair: (-pair[1], pair[0]))


@pytest.fixture
def state(engine):
    """A searcher and evaluator of the engine's current commit, for the test."""
    with engine.session() as session:
        yield session


def expanded(state, text):
    return expand_words(parse(text, state.searcher.schema).query, state.searcher.reader())[0]


def test_the_index_has_deletions_and_several_segments(state):
    reader = state.searcher.reader()
    assert len(list(reader.leaf_readers())) >= 2 and reader.has_deletions()


def test_decoded_postings_are_exactly_whooshs(state):
    reader = state.searcher.reader()
    checked = 0
    for leaf, _ in reader.leaf_readers():
        for field in ("answer", "question", "facet_publication"):
            for btext in list(leaf.lexicon(field)):
                ids, weights = decode(leaf, field, btext)
                matcher = leaf.postings(field, btext)
                matcher = getattr(matcher, "child", matcher)  # deleted documents too
                matcher.reset()
                want_ids, want_weights = _walk(matcher)
                assert ids.tolist() == want_ids.tolist(), (field, btext)
                assert weights.tolist() == want_weights.tolist(), (field, btext)
                checked += len(ids)
    assert checked > 10_000


def test_a_words_postings_count_is_its_document_frequency(state):
    # search.scoring.Evaluator._term takes BM25's document frequency from the postings' length.
    reader = state.searcher.reader()
    for field in ("answer", "question", "title"):
        terms = list(reader.lexicon(field))
        assert terms
        for btext in terms:
            assert len(state.evaluator._postings(field, btext)[0]) == reader.doc_frequency(field, btext)


def test_decoded_positions_are_exactly_whooshs(state):
    reader = state.searcher.reader()
    checked = 0
    for leaf, _ in reader.leaf_readers():
        for btext in list(leaf.lexicon("answer"))[::7]:
            ids, bounds, positions = decode_positions(leaf, "answer", btext)
            matcher = leaf.postings("answer", btext)
            matcher = getattr(matcher, "child", matcher)
            matcher.reset()
            want = []
            while matcher.is_active():
                want.append((matcher.id(), matcher.value_as("positions")))
                matcher.next()
            got = [(int(d), positions[bounds[i]:bounds[i + 1]].tolist()) for i, d in enumerate(ids)]
            assert got == want, btext
            checked += len(positions)
    assert checked > 5_000


@pytest.mark.parametrize("text", QUERIES)
def test_matches_and_scores_are_whooshs(text, state):
    q = expanded(state, text)
    found = state.evaluator.evaluate(q)
    want = whoosh_ranking(state.searcher, q)
    assert want, f"{text!r} should match something in the sample"
    assert sorted(found.ids.tolist()) == sorted(d for d, _ in want)
    got = dict(zip(found.ids.tolist(), found.scores.tolist(), strict=True))
    assert all(got[d] == pytest.approx(s, rel=1e-9) for d, s in want)


@pytest.mark.parametrize("text", QUERIES)
def test_the_first_page_is_whooshs_full_ranking(engine, text, state):
    want = whoosh_ranking(state.searcher, expanded(state, text))[:10]
    result = engine.search(text, per_page=10, match="all")
    docids = [state.searcher.stored_fields(d)["docid"] for d, _ in want]
    assert [f"{h.article}#{h.passage}" for h in result.hits] == docids
    assert result.total == len(whoosh_ranking(state.searcher, expanded(state, text)))


def test_not_after_a_phrase_removes_every_passage_with_the_word(state):
    # Whoosh 2.7's own AndNot over a phrase matcher keeps some passages that have the excluded word
    # (here one whose answer says "Chrome"); ours must not.
    phrase, excluded = expanded(state, '"web browser"'), expanded(state, "chrome")
    want = {d for d, _ in whoosh_ranking(state.searcher, phrase)} - \
        {d for d, _ in whoosh_ranking(state.searcher, excluded)}
    got = state.evaluator.evaluate(expanded(state, '"web browser" -chrome'))
    assert want and set(got.ids.tolist()) == want


def test_a_few_matches_are_ordered_as_the_array_sort_orders_them(monkeypatch):
    # Up to FEW_TOP matches, top() sorts in Python: the same pairs as the numpy path, ties and tiers too.
    from search import scoring
    from search.scoring import Matches

    rng = np.random.default_rng(3)
    for n in (1, 2, 5, 19, 64):
        for _ in range(20):
            ids = np.sort(rng.choice(1000, n, replace=False))
            scores = rng.integers(0, 3, n).astype(float) + rng.choice([0.0, 0.25], n)
            tiers = rng.integers(0, 2, n).astype(np.int8) if rng.random() < 0.5 else None
            allowed = rng.random(1000) < 0.7 if rng.random() < 0.5 else None
            found = Matches(ids, scores, tiers)
            for count in (1, 3, 10, 100):
                few = top(found, allowed, count)
                monkeypatch.setattr(scoring, "FEW_TOP", 0)
                assert few == top(found, allowed, count)
                monkeypatch.undo()


def test_ties_go_to_the_lower_document_number():
    from search.scoring import Matches

    found = Matches(np.array([1, 2, 5, 7, 9]), np.array([1.0, 3.0, 2.0, 3.0, 2.0]))
    assert top(found, None, 3) == [(2, 3.0), (7, 3.0), (5, 2.0)]
    allowed = np.zeros(10, dtype=bool)
    allowed[[5, 9]] = True
    assert top(found, allowed, 5) == [(5, 2.0), (9, 2.0)]
    # Many ties at the cut (a prefix word scores its matches alike): the lowest numbers, after the best.
    ids = np.arange(0, 3000, 3)
    scores = np.ones(len(ids))
    scores[[500, 900]] = 2.0
    assert top(Matches(ids, scores), None, 4) == [(1500, 2.0), (2700, 2.0), (0, 1.0), (3, 1.0)]
    # Past a few thousand matches the cut is found from a sample first: still exactly the k-th best.
    rng = np.random.default_rng(7)
    for scores in (rng.random(50_000), rng.integers(0, 4, 50_000).astype(float),
                   np.r_[np.ones(50_000), [3.0, 2.0, 2.0]]):
        ids = np.arange(len(scores))
        for count in (1, 3, 10, 200):
            order = np.lexsort((ids, -scores))[:count]
            assert top(Matches(ids, scores), None, count) == [(int(i), float(scores[i])) for i in order]


def test_a_tiny_cache_gives_the_same_results(engine):
    small = open_index(engine.index_dir, cache_mb=0.01)  # a few common words do not fit: decoded each time
    try:
        for text in QUERIES:
            a, b = engine.search(text, per_page=20), small.search(text, per_page=20)
            assert (a.total, [(h.article, h.passage, h.score) for h in a.hits]) == \
                   (b.total, [(h.article, h.passage, h.score) for h in b.hits])
        assert small.postings.used <= small.postings.budget
    finally:
        small.close()


def test_phrase_keys_need_no_sort_when_read_in_index_order_and_are_sorted_when_not():
    from search.scoring import _ascending, _common

    in_order = [np.array([1, 5, 9], np.int64), np.array([12, 40], np.int64)]
    assert _ascending(in_order).tolist() == [1, 5, 9, 12, 40]
    assert _ascending([np.array([9, 1, 5, 5], np.int64)]).tolist() == [1, 5, 9]  # the guard
    assert _ascending([]).tolist() == []
    a = np.array([1, 5, 9, 12, 40], np.int64)
    assert _common(a, np.array([0, 5, 12, 41], np.int64)).tolist() == [5, 12]
    assert _common(a, np.array([41, 50], np.int64)).tolist() == []
    assert _common(a, np.zeros(0, np.int64)).tolist() == []


@pytest.mark.parametrize("match", ["most", "any", "all"])
def test_sorted_and_whole_index_combination_give_the_same_answers(engine, match, monkeypatch):
    # Unions, ANDs, NOTs and match="most"'s counts are combined by sorting document numbers when the
    # matches are few against the index and over whole-index arrays otherwise: the hits, their scores
    # and order, the totals and the facet counts must not depend on which.
    import search.scoring as scoring

    texts = [*QUERIES, "dream setup -mac", "mac windows linux", "camera lens photo editor",
             "use -(mac OR pc)"]

    def answers():
        out = []
        for text in texts:
            result = engine.search(text, per_page=30, match=match)
            out.append((text, result.total, [(h.article, h.passage, h.score, h.partial) for h in result.hits],
                        {name: [(v.value, v.count) for v in f.values] for name, f in result.facets.items()}))
        return out

    monkeypatch.setattr(scoring, "SPARSE_SHARE", 0)  # always sorted
    sorted_answers = answers()
    monkeypatch.setattr(scoring, "SPARSE_SHARE", 10**12)  # unions merged into their largest part
    monkeypatch.setattr(scoring, "MERGE_SHARE", 0)
    assert answers() == sorted_answers
    monkeypatch.setattr(scoring, "MERGE_SHARE", 10**12)  # always whole-index arrays
    assert answers() == sorted_answers
    assert sum(total for _, total, _, _ in sorted_answers) > 1000


@pytest.mark.parametrize("seed", range(6))
def test_a_union_merged_into_its_largest_part_adds_as_the_whole_index_arrays_do(seed):
    # Evaluator._merged_into must give the documents and the bit-identical scores of adding the parts
    # in order over whole-index arrays (float sums depend on the order: a + b + c != a + c + b).
    rng = np.random.default_rng(seed)
    size = 5000
    parts = []
    for count in (int(rng.integers(1500, 3000)), *rng.integers(0, 60, int(rng.integers(1, 4)))):
        ids = np.sort(rng.choice(size, int(count), replace=False)).astype(np.int64)
        parts.append(Matches(ids, rng.random(len(ids)) * 10 ** rng.uniform(-3, 3, len(ids))))
    order = rng.permutation(len(parts))
    parts = [parts[i] for i in order]
    largest = max(range(len(parts)), key=lambda i: len(parts[i]))
    merged = Evaluator._merged_into(parts, largest)
    ids, scores = whole_index_union(parts, size)
    assert merged.ids.tolist() == ids.tolist()
    assert merged.scores.tobytes() == scores.tobytes()


def whole_index_union(parts: list[Matches], size: int) -> tuple[np.ndarray, np.ndarray]:
    """The union of ``parts`` as the whole-index arrays add it: (documents ascending, their scores)."""
    seen = np.zeros(size, dtype=bool)
    total = np.zeros(size, dtype=np.float64)
    for part in parts:
        seen[part.ids] = True
        total[part.ids] += part.scores
    ids = np.flatnonzero(seen)
    return ids, total[ids]


def bm25f_per_posting(state, field: str, btext: bytes, boost: float) -> Matches:
    """A word's live matches in ``field`` scored by BM25F's formula written out per posting, as the engine
    computed it before its length-norm table (each posting's length looked up through Whoosh)."""
    searcher, reader = state.searcher, state.searcher.reader()
    k1, b = state.evaluator.k1, state.evaluator.b
    ids, tf = [], []
    for leaf, offset in reader.leaf_readers():
        if (field, btext) not in leaf:
            continue
        matcher = leaf.postings(field, btext)  # live documents only
        while matcher.is_active():
            ids.append(matcher.id() + offset)
            tf.append(matcher.weight())
            matcher.next()
    ids, tf = np.asarray(ids, np.int64), np.asarray(tf, np.float32).astype(np.float64)
    idf = robertson_idf(searcher.doc_count_all(), reader.doc_frequency(field, btext))
    avgdl = searcher.avg_field_length(field) or 1
    dl = np.array([reader.doc_field_length(int(d), field, 1) for d in ids], np.float64)
    scores = idf * ((tf * (k1 + 1)) / (tf + k1 * ((1 - b) + b * dl / avgdl)))
    return Matches(ids, scores * boost if boost != 1 else scores)


def term_samples(state) -> list[tuple[str, bytes, float]]:
    """Words of every frequency (the most common first) in fields with and without boosts."""
    reader = state.searcher.reader()
    samples = []
    for field, boost in (("answer", 1.0), ("question", 2.0), ("title", 0.3), ("interviewee", 0.3)):
        words = sorted(reader.lexicon(field), key=lambda w: -reader.doc_frequency(field, w))
        samples += [(field, w, boost) for w in words[:3] + words[len(words) // 2::max(1, len(words) // 6)]]
    return samples


def test_a_words_scores_are_the_per_posting_formula_bit_for_bit(state, monkeypatch):
    # Evaluator._term gathers each posting's length norm from a 256-entry table and computes in place:
    # the same float operations, so the same bits, with deletions, several segments, boosts, and fields
    # whose lengths are not at hand (looked up one by one).
    import search.scoring as scoring

    samples = term_samples(state)
    assert len(samples) > 20 and max(len(state.evaluator._postings(f, w)[0]) for f, w, _ in samples) > 500
    for field, btext, boost in samples:
        want = bm25f_per_posting(state, field, btext, boost)
        got = state.evaluator._term(field, btext, boost)
        assert got.ids.tolist() == want.ids.tolist(), (field, btext)
        assert got.scores.tobytes() == want.scores.tobytes(), (field, btext)
    monkeypatch.setattr(scoring.Evaluator, "_field_lengths", lambda self, field: None)
    for field, btext, boost in samples[::3]:
        fresh = Evaluator(state.searcher, state.table.live, state.evaluator.cache, state.evaluator.k1,
                          state.evaluator.b)
        want = bm25f_per_posting(state, field, btext, boost)
        assert fresh._term(field, btext, boost).scores.tobytes() == want.scores.tobytes(), (field, btext)


@pytest.mark.parametrize("share", [0, 10**9])
def test_deleted_passages_never_match_whether_or_not_the_commit_is_asked_first(state, share, monkeypatch):
    # A frequent word asks once whether the commit has deletions (EVERY_LIVE_SHARE) and then checks none
    # of its postings; this commit has deletions, so both ways must drop the deleted passages, and with
    # every passage live both must keep every posting.
    import search.scoring as scoring

    monkeypatch.setattr(scoring, "EVERY_LIVE_SHARE", share)
    live = state.table.live
    assert not live.all()
    everyone = np.ones(len(live), dtype=bool)
    for field, btext, _ in term_samples(state)[:6]:
        postings = state.evaluator._postings(field, btext)[0]
        deleted = Evaluator(state.searcher, live, state.evaluator.cache, 1.2, 0.75)
        assert deleted._term(field, btext, 1.0).ids.tolist() == postings[live[postings]].tolist()
        assert deleted._term_ids(field, btext).tolist() == postings[live[postings]].tolist()
        whole = Evaluator(state.searcher, everyone, state.evaluator.cache, 1.2, 0.75)
        assert whole._term(field, btext, 1.0).ids.tolist() == postings.tolist()
        assert whole._term_ids(field, btext).tolist() == postings.tolist()


def spread(rng, count: int) -> np.ndarray:
    """``count`` scores spread over six orders of magnitude (sums of them depend on their order)."""
    return rng.random(count) * 10.0 ** rng.uniform(-3, 3, count)


def test_a_union_merged_into_its_largest_part_at_the_edges():
    # Touched documents all inside the largest part, none inside, before its first and after its last
    # document, in several small parts at once: the dense arrays' documents and bits every time.
    rng = np.random.default_rng(11)
    size = 100
    large_ids = np.arange(10, 90, 2, dtype=np.int64)
    smalls = {
        "inside": [np.arange(10, 90, 4)],
        "outside": [np.array([0, 11, 45, 89, 99])],
        "both": [np.arange(0, 100, 3), np.arange(0, 100, 5)],
        "all three": [np.arange(10, 90, 2), np.arange(10, 90, 6), np.array([88, 89])],
    }
    for name, id_arrays in smalls.items():
        for largest in range(len(id_arrays) + 1):
            for _ in range(5):
                large, *others = [Matches(ids.astype(np.int64), spread(rng, len(ids)))
                                  for ids in (large_ids, *id_arrays)]
                parts = others[:largest] + [large] + others[largest:]
                merged = Evaluator._merged_into(parts, largest)
                ids, scores = whole_index_union(parts, size)
                assert merged.ids.tolist() == ids.tolist(), (name, largest)
                assert merged.scores.tobytes() == scores.tobytes(), (name, largest)


@pytest.mark.parametrize("size", [65, 3000, 9000, 120_000])
def test_the_best_are_the_full_sorts_first_whatever_the_ties_and_filters(size):
    # top() picks the best through a sample's bound and one pass (search.scoring._best): the same pairs
    # in the same order as sorting every allowed match, with scores all distinct, few distinct values
    # (ties at the cut), or one value; with and without a filter; counts past the sample's size too.
    rng = np.random.default_rng(size)
    ids = np.sort(rng.choice(size * 3, size, replace=False)).astype(np.int64)
    for scores in (rng.random(size), rng.integers(0, 5, size).astype(float), np.full(size, 1.5)):
        for allowed in (None, rng.random(size * 3) < 0.4):
            keep = np.ones(size, dtype=bool) if allowed is None else allowed[ids]
            for count in (1, 10, 100, 2500):
                order = np.lexsort((ids[keep], -scores[keep]))[:count]
                want = [(int(ids[keep][i]), float(scores[keep][i])) for i in order]
                assert top(Matches(ids, scores), allowed, count) == want, (count, allowed is None)


def test_postings_held_from_documents_to_scores_change_nothing(state, monkeypatch):
    # match="most" reads each word's documents, then scores them from the same joined postings (held in
    # between): the same matches, tiers and score bits as joining them afresh each time.
    texts = ["dream setup", "mac windows linux", "camera lens photo editor", "use -(mac OR pc)", "work work"]
    held = {text: state.evaluator.rank(expanded(state, text), "most") for text in texts}
    monkeypatch.setattr(Evaluator, "_postings",
                        lambda self, field, btext, hold=False: self._joined(field, btext))
    for text, found in held.items():
        fresh = Evaluator(state.searcher, state.table.live, state.evaluator.cache, state.evaluator.k1,
                          state.evaluator.b).rank(expanded(state, text), "most")
        assert found.ids.tolist() == fresh.ids.tolist() and found.scores.tobytes() == fresh.scores.tobytes()
        assert (found.tiers is None) == (fresh.tiers is None)
        assert found.tiers is None or found.tiers.tolist() == fresh.tiers.tolist()
    assert state.evaluator._posted == {}  # nothing left held once the words are scored
