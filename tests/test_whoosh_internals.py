"""``index/whoosh_internals.py`` against Whoosh's own public answers, on a real index of several segments.

(Posting-block decoding is checked against Whoosh's matchers in ``tests/test_scoring.py``; the writer in
``tests/test_fast_indexing.py``; the version check and the patch in ``tests/test_engine_boundary.py``.)
"""

from __future__ import annotations

import pytest
from searchkit import copy_seeds, copy_usesthis
from whoosh import index as whoosh_index

from index import whoosh_internals as internals
from index.build import build, update
from index.whoosh_store import current_generation
from search.scoring import BM25


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    root = tmp_path_factory.mktemp("internals")
    corpus = copy_seeds(root / "corpus")
    copies = copy_usesthis(corpus, 40)
    build(corpus, root / "index")
    copies[0].unlink()  # a second segment, and deletions in the first
    copies[1].write_text(copies[1].read_text(encoding="utf-8") + "\n\n### More?\n\nKeyboards.\n", "utf-8")
    update(corpus, root / "index")
    return current_generation(root / "index")


@pytest.fixture(scope="module")
def reader(index_dir):
    internals.install()
    with whoosh_index.open_dir(index_dir).reader() as reader:
        assert len(list(reader.leaf_readers())) >= 2
        yield reader


@pytest.mark.parametrize("prefix", ["co", "key", "photo", "zz", "s"])
@pytest.mark.parametrize("field", ["answer", "spell_answer", "title"])
def test_prefix_terms_are_whooshs_with_their_document_counts(reader, field, prefix):
    found = internals.prefix_terms(reader, field, prefix)
    terms = reader.expand_prefix(field, prefix)
    expected = {t.decode("utf-8"): reader.doc_frequency(field, t) for t in terms}
    assert found == expected


@pytest.mark.parametrize(("word", "dist", "prefix"), [("keybord", 1, 1), ("softwre", 2, 1), ("camra", 2, 0),
                                                      ("xqzv", 1, 1)])
def test_words_within_are_what_whoosh_finds_in_each_segment(reader, word, dist, prefix):
    dfa = internals.levenshtein_dfa(word, dist, prefix)
    for field in ("spell_answer", "spell_question", "title"):
        expected = set()
        for leaf, _ in reader.leaf_readers():
            # A segment reader's own walk (Whoosh's MultiReader falls back to another algorithm).
            expected.update(leaf.terms_within(field, word, dist, prefix=prefix))
        assert internals.words_within(reader, field, dfa) == expected


def test_a_searcher_opened_for_a_commit_stays_on_it(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    build(corpus, tmp_path / "index")
    gen = current_generation(tmp_path / "index")
    ix = whoosh_index.open_dir(gen)
    commit = internals.read_commit(ix)
    first = internals.open_searcher(ix, commit, BM25())
    (corpus / "voyagela" / "000_713f14fa217934a6.txt").unlink()
    update(corpus, tmp_path / "index")
    later = internals.open_searcher(ix, commit, BM25())  # opened after the update, for the old commit
    latest = ix.searcher()
    try:
        assert later.doc_count() == first.doc_count() > latest.doc_count()
        assert later.schema is not first.schema, "each searcher analyses with its own schema objects"
        assert internals.commit_generation(commit) < internals.commit_generation(internals.read_commit(ix))
    finally:
        for searcher in (first, later, latest):
            searcher.close()


@pytest.mark.parametrize("writer", ["whoosh", "build", "build-protocol-2"])
@pytest.mark.parametrize("walk_blocks", [1, internals.WALK_BLOCKS])
def test_decoded_postings_and_positions_are_whooshs_matchers(tmp_path, writer, walk_blocks, monkeypatch):
    # Whoosh's own writer pickles blocks with protocol 2 (as older indexes hold them), ours with protocol
    # 4 (with 2, as the ≈1M benchmark index was written, its field type shares one bytes object between
    # postings with the same positions, which the pickle then refers back to); words spanning many
    # blocks, compressed and not, and gaps between positions of every pickled integer size (one byte,
    # two, four). ``walk_blocks=1`` reads even a two-block word's protocol-2 blocks without unpickling
    # them (ids and weights, and positions).
    import pickle
    import random
    import zlib

    from whoosh import fields

    from index.schema import text_analyzer

    internals.install()
    monkeypatch.setattr(internals, "WALK_BLOCKS", walk_blocks)
    if writer == "build-protocol-2":
        monkeypatch.setattr(internals, "BLOCK_PROTOCOL", 2)
        body = internals.AnalysedText(analyzer=text_analyzer(), phrase=True)
    else:
        body = fields.TEXT(phrase=True, stored=False)
    ix = whoosh_index.create_in(str(tmp_path), fields.Schema(body=body))
    make = ix.writer if writer == "whoosh" else lambda: internals.BuildWriter(ix)
    rng = random.Random(5)
    w = make()
    for n in range(700):
        words = [rng.choice(["alpha", "beta", "gamma", "filler"]) for _ in range(rng.randint(1, 40))]
        if n % 50 == 0:
            words += ["filler"] * rng.choice([300, 70_000]) + ["alpha", "rare"]
        w.add_document(body=" ".join(words))
    w.commit()
    shared = 0  # postings whose positions the pickle gives as a reference to an earlier posting's
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            for btext in (b"alpha", b"beta", b"filler", b"rare", b"absent"):
                ids, weights = internals.decode(leaf, "body", btext)
                pids, bounds, positions = internals.decode_positions(leaf, "body", btext)
                want = []
                if ("body", btext) in leaf:
                    matcher = leaf.postings("body", btext)
                    while matcher.is_active():
                        want.append((matcher.id(), matcher.weight(), list(matcher.value_as("positions"))))
                        matcher.next()
                assert ids.tolist() == pids.tolist() == [d for d, _, _ in want], btext
                assert weights.tolist() == [wt for _, wt, _ in want], btext
                assert [positions[bounds[i]:bounds[i + 1]].tolist() for i in range(len(pids))] == \
                    [p for _, _, p in want], btext
                if writer != "build" and len(want) > 128:  # protocol 2, several blocks: not unpickled
                    raw = leaf.postings("body", btext)
                    blocks = internals._blocks(getattr(raw, "child", raw))
                    datas = [zlib.decompress(data) if level else bytes(data) for _, level, data in blocks]
                    counts = [n for n, _, _ in blocks]
                    assert internals._protocol2_positions(datas, counts, body.format) is not None, btext
                    if walk_blocks == 1:
                        assert internals._protocol2_heads(datas, counts) is not None, btext
                    # A value the pickle refers back to comes out as the very same object.
                    shared += sum(len(values) - len({id(v) for v in values})
                                  for values in (pickle.loads(data)[2] for data in datas))
    if writer == "build-protocol-2":
        assert shared > 0


def test_length_columns_read_in_one_go_are_whooshs(reader):
    # The build writer reads each field's length bytes back at commit in one read (_column_bytes);
    # Whoosh's load() reads them a document at a time, and the default for documents past the last one
    # written (fields that the last passages lack).
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN

    padded = 0
    for leaf, _ in reader.leaf_readers():
        perdoc, count = leaf._perdoc, leaf.doc_count_all()
        for name in leaf.schema.scorable_names():
            lenfield = internals._lenfield(name)
            if not perdoc.has_column(lenfield):
                continue
            column = perdoc.column_reader(lenfield, LENGTHS_COLUMN)
            assert internals._column_bytes(column, count) == bytes(column.load()), name
            padded += column._count < count
    assert padded, "no length column ended before its segment's last document"
