"""The cost of one search is bounded, and searches of one engine do not wait for each other.

``search/budget.py`` (the deadline) and where it is used: ``search.query.expand_words`` (prefix and fuzzy
words, with a share per query), ``search.scoring.Evaluator`` (matching), ``search.whoosh_engine`` ("did
you mean", and a searcher of its own for each search in flight). A search past its deadline returns a
*subset* of the full answer, never a passage that does not match, and says so.
"""

from __future__ import annotations

import itertools
import random
import threading

import pytest
from searchkit import COVID, copy_seeds, copy_usesthis

from index.build import build, update
from search.budget import Budget
from search.engine import open_index
from search.query import MAX_EXPANSIONS, MAX_QUERY_EXPANSIONS, MIN_EXPANSIONS, TermSet, expand_words, parse
from search.spelling import MAX_SUGGEST_WORDS


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("budget")
    corpus = copy_seeds(root / "corpus")
    copy_usesthis(corpus, 120)
    assert not build(corpus, root / "index").skipped
    return corpus, root / "index"


@pytest.fixture(scope="module")
def engine(corpus):
    with open_index(corpus[1]) as engine:
        yield engine


class Ticks:
    """A clock that moves one second per reading: a budget of N seconds allows N checks."""

    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        self.now += 1.0
        return self.now


def _expanded(session, text: str, budget: Budget | None = None, match: str = "all"):
    parsed = parse(text, session.searcher.schema, match)
    return expand_words(parsed.query, session.searcher.reader(), budget)


def test_a_budget_stops_at_its_deadline_and_remembers_what_it_cut():
    budget = Budget(4, clock=Ticks())  # started at 1
    assert not budget.stop(share=0.5) and not budget.cut  # 1 second in: before half of 4
    assert budget.stop(share=0.5) and budget.cut  # 2 seconds in: half of 4
    assert not budget.stop() and budget.stop()  # 3 seconds in, then 4: the whole deadline
    assert "stopped after 4 seconds" in budget.warning()
    assert Budget(None).stop() is False and Budget(None).warning() is None


QUERIES = ["software", "mac OR windows OR linux", "app* editor", "work -music", "camera OR lens OR photo*",
           "use NOT (mac OR linux)", '"text editor" OR keyboard', "softwre~ OR hardware", "desk -chair*",
           "software -app*"]
"""Among them NOTs of words and of prefixes: cut short, a NOT must exclude too much, never too little."""


@pytest.mark.parametrize("text", QUERIES)
def test_a_search_cut_short_finds_a_subset_of_the_full_answer(engine, text):
    with engine.session() as session:
        full = session.evaluator.evaluate(_expanded(session, text)[0])
    assert len(full), text
    everything = set(full.ids.tolist())
    shorter = []
    for seconds in range(0, 40):
        budget = Budget(seconds, clock=Ticks())
        with engine.session(budget) as session:
            q, _ = _expanded(session, text, budget)
            found = set(session.evaluator.evaluate(q).ids.tolist())
        assert found <= everything, (text, seconds, "matched passages the full search does not")
        if budget.cut:
            shorter.append(len(found))
    assert shorter, "some budgets were too short for the whole search"


def test_a_search_cut_short_returns_what_it_found_with_a_warning(engine):
    text = "camera OR lens OR keyboard OR desk OR music"
    full = engine.search(text)
    with engine.session() as session:
        q, _ = _expanded(session, text)
    partial = None
    for seconds in range(1, 60):
        budget = Budget(seconds, clock=Ticks())
        with engine.session(budget) as session:
            found = session.evaluator.evaluate(q)
        if budget.cut and len(found):
            partial = found
            break
    assert partial is not None and 0 < len(partial) < full.total, "part of an OR, not all or nothing"
    with open_index(engine.index_dir, deadline_s=0) as hurried:
        result = hurried.search(text)
    assert result.total == 0 and any("stopped after 0 seconds" in w for w in result.warnings)
    assert not any("stopped" in w for w in full.warnings)


def _prefixes(count: int) -> str:
    pairs = ["".join(p) for p in itertools.product("abcdefghilmnoprstuw", repeat=2)]
    return " ".join(p + "*" for p in random.Random(1).sample(pairs, count))


def test_the_prefix_words_of_one_query_share_a_bounded_number_of_index_words(engine):
    with engine.session() as session:
        many, warnings = _expanded(session, _prefixes(64), match="any")
        one, alone_warnings = _expanded(session, "co*")
    share = max(MIN_EXPANSIONS, MAX_QUERY_EXPANSIONS // 64)
    sets = [leaf for leaf in many.leaves() if isinstance(leaf, TermSet)]
    assert sets and max(len(s.texts) for s in sets) <= share
    for field in ("question", "answer"):
        assert sum(len(s.texts) for s in sets if s.fieldname == field) <= 64 * share
    # Many cut words are summed up in one warning, not one each.
    cut = [w for w in warnings if f"{share} most frequent" in w]
    assert len(cut) == 1 and "prefix or fuzzy words match more than" in cut[0]
    # A word alone keeps MAX_EXPANSIONS, as before the share existed.
    alone = [leaf for leaf in one.leaves() if isinstance(leaf, TermSet) and leaf.fieldname == "answer"]
    assert len(alone) == 1 and len(alone[0].texts) == MAX_EXPANSIONS
    assert any(f"searched the {MAX_EXPANSIONS} most frequent" in w for w in alone_warnings)


def _unknown_words(count: int, seed: int = 2) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(11)) for _ in range(count)]


def test_did_you_mean_only_where_a_correction_can_change_the_answer(engine):
    assert engine.search("animaton").suggestion == "animation"
    assert engine.search("stop motion animaton").suggestion == "stop motion animation"
    assert engine.search("animation").suggestion is None, "every word is known"
    few = " ".join(["softwre", *_unknown_words(MAX_SUGGEST_WORDS - 1)])
    assert engine.search(few).suggestion.startswith("software ")
    # With more unknown words than are corrected, a correction still finds nothing where every word
    # must match, or (by default) half of them.
    many = " ".join(["softwre", *_unknown_words(MAX_SUGGEST_WORDS)])
    assert engine.search(many, match="all").total == 0
    assert engine.search(many, match="all").suggestion is None
    more = " ".join(["softwre", *_unknown_words(2 * MAX_SUGGEST_WORDS)])  # half is one more than corrected
    assert engine.search(more).total == 0 and engine.search(more).suggestion is None
    # Half of them: one known word beside the corrected one is enough for a partial match.
    half = " ".join(["software", "softwre", *_unknown_words(MAX_SUGGEST_WORDS)])
    assert engine.search(half).suggestion is not None
    # Any word may match: the first unknown words are corrected, the rest left as typed.
    words = _unknown_words(63)
    late = " ".join([*words[:MAX_SUGGEST_WORDS], "softwre", *words[MAX_SUGGEST_WORDS:]])
    assert "software" not in (engine.search(late, match="any").suggestion or ""), "beyond the words tried"
    first = " ".join(["softwre", *words])
    suggestion = engine.search(first, match="any").suggestion
    assert suggestion is not None and suggestion.startswith("software ")
    assert suggestion.split()[MAX_SUGGEST_WORDS:] == words[MAX_SUGGEST_WORDS - 1:]


def test_searches_do_not_wait_for_each_other(engine):
    """A search in flight (holding its searcher) does not stop others: each gets a searcher of its own."""
    held = threading.Event()
    release = threading.Event()
    seen = {}

    def slow_search():
        with engine.session() as session:
            seen["slow"] = session
            held.set()
            release.wait(60)

    slow = threading.Thread(target=slow_search)
    slow.start()
    try:
        assert held.wait(60)
        done = []
        other = threading.Thread(target=lambda: done.append(engine.search("software").total))
        other.start()
        other.join(60)
        assert done and done[0] > 0, "a second search finished while the first still held its searcher"
        with engine.session() as session:
            assert session.searcher is not seen["slow"].searcher and session.commit is seen["slow"].commit
    finally:
        release.set()
        slow.join()


def test_threads_searching_at_once_get_what_one_thread_gets(engine):
    queries = ["software", "camera lens", '"text editor"', "mac OR linux", "photo*", "keybord~",
               "desk -chair", ""]

    def fingerprint(text: str) -> tuple:
        result = engine.search(text, filters={"publication": ["The Setup"]} if "e" in text else None)
        return (result.total, [(h.article, h.passage, h.score, h.snippet) for h in result.hits],
                {name: [(v.value, v.count) for v in f.values] for name, f in result.facets.items()})

    expected = {text: fingerprint(text) for text in queries}
    errors: list[str] = []

    def worker(offset: int) -> None:
        for text in itertools.islice(itertools.cycle(queries), offset, offset + 24):
            if fingerprint(text) != expected[text]:
                errors.append(text)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, sorted(set(errors))


def test_a_search_in_flight_keeps_its_commit_while_an_update_lands(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    build(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as engine:
        with engine.session() as before:
            passages = before.searcher.doc_count()
            (corpus / "voyagela" / "000_713f14fa217934a6.txt").unlink()
            update(corpus, tmp_path / "index")
            assert engine.article(COVID) is None, "a search that starts now sees the update"
            assert before.searcher.doc_count() == passages, "the one in flight finishes on its commit"
            assert before.searcher.document(article=COVID) is not None
        assert before.searcher.is_closed, "and its searcher closes when it ends"
