"""A long-lived engine sees add/update/build results without restarting, and never stale or doubled hits.

This is why Whoosh is pinned at 2.7.4: forks return stale or duplicated passages after a refresh.
"""

from __future__ import annotations

import threading
from collections import Counter

import pytest
from searchkit import ACCENTS_ARTICLE, COVID, STOP_MOTION, all_passages, copy_seeds

from index import build as builder
from search.engine import open_index


@pytest.fixture
def setup(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    engine = open_index(index_dir)
    yield corpus, index_dir, engine
    engine.close()


def expected_passages(engine) -> Counter:
    """What the index should hold: every passage of every article the engine can fetch, once."""
    articles = {a for a, _ in all_passages(engine)}
    return Counter((a, p.number) for a in articles for p in engine.article(a).passages)


def assert_no_duplicates(engine):
    seen = Counter(all_passages(engine))
    assert max(seen.values()) == 1, [k for k, v in seen.items() if v > 1]
    assert engine.stats()["passages"] == sum(seen.values())


def test_added_article_is_found_by_an_open_engine(setup, tmp_path):
    corpus, index_dir, engine = setup
    assert engine.search("ceramics").total == 0
    new = tmp_path / "therese.txt"
    new.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    builder.add([new], corpus, index_dir, publication="Ceramics Weekly")
    result = engine.search("ceramics")
    assert result.total >= 1 and result.hits[0].publication == "Ceramics Weekly"
    assert "Ceramics Weekly" in {v.value for v in result.facets["publication"].values}
    assert_no_duplicates(engine)


def test_update_leaves_no_stale_or_duplicate_passage(setup):
    corpus, index_dir, engine = setup
    before = Counter(all_passages(engine))
    assert engine.search("quarantine").total == 1
    path = corpus / "voyagela" / "000_713f14fa217934a6.txt"
    original = path.read_text(encoding="utf-8")
    # Several rounds of changes, each one refreshing the same engine.
    for round_number in range(4):
        word = f"zorblax{round_number}"
        path.write_text(original.replace("quarantine", word), encoding="utf-8")
        builder.update(corpus, index_dir)
        assert [(h.article, h.passage) for h in engine.search(word).hits] == [(COVID, 4)]
        assert engine.search("quarantine").total == 0
        for old in range(round_number):
            assert engine.search(f"zorblax{old}").total == 0, "stale text of an earlier version"
        assert Counter(all_passages(engine)) == before
        assert_no_duplicates(engine)
        # The article page shows the new text, and the facet counts match the passages.
        assert word in engine.article(COVID).passages[-1].answer
        publications = {v.value: v.count for v in engine.search("").facets["publication"].values}
        assert sum(publications.values()) == sum(before.values())


def test_deleted_article_disappears_from_an_open_engine(setup):
    corpus, index_dir, engine = setup
    assert engine.search("stop motion", match="all").total > 0
    (corpus / "litang-zone" / "003_a09c00f12582b7b2.txt").unlink()
    builder.update(corpus, index_dir)
    assert engine.search("stop motion", match="all").total == 0
    assert STOP_MOTION not in {a for a, _ in all_passages(engine)}
    assert "litang.zone" not in {v.value.lower() for v in engine.search("").facets["publication"].values}
    assert_no_duplicates(engine)


def test_a_new_generation_is_picked_up(setup):
    corpus, index_dir, engine = setup
    before = Counter(all_passages(engine))
    first = engine.stats()["generation"]
    builder.build(corpus, index_dir)
    assert engine.stats()["generation"] != first
    assert Counter(all_passages(engine)) == before == expected_passages(engine)


def test_threads_share_one_engine_during_updates(setup):
    corpus, index_dir, engine = setup
    path = corpus / "voyagela" / "000_713f14fa217934a6.txt"
    original = path.read_text(encoding="utf-8")
    expected_total = engine.search("").total
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader():
        try:
            while not stop.is_set():
                result = engine.search("", per_page=100)
                pairs = [(h.article, h.passage) for h in result.hits]
                assert len(pairs) == len(set(pairs)) == result.total == expected_total
                engine.search("film stop motion", filters={"publication": ["litang.zone"]})
        except BaseException as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        for round_number in range(3):
            path.write_text(original.replace("quarantine", f"quokka{round_number}"), encoding="utf-8")
            builder.update(corpus, index_dir)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert not errors, errors[0]
    assert engine.search("quokka2").total == 1


def _settle(index_dir, seconds: float = 60) -> None:
    """Date CURRENT and every generation folder ``seconds`` back, as if the index had been left alone."""
    import os
    import time

    past = time.time() - seconds
    for path in [index_dir / "CURRENT", *index_dir.glob("gen-*")]:
        os.utime(path, (past, past))


def test_an_index_left_alone_then_changed_is_seen_at_once(setup, tmp_path):
    # Once the folder has settled, two stats stand in for reading CURRENT and listing the generation
    # (search.whoosh_engine.SETTLED_S): an add or a new build after that must still show at once.
    corpus, index_dir, engine = setup
    _settle(index_dir)
    assert engine.search("ceramics").total == 0
    assert engine._commit.settled is not None  # the stat path is what the next search takes
    new = tmp_path / "therese.txt"
    new.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    builder.add([new], corpus, index_dir, publication="Ceramics Weekly")
    assert engine.search("ceramics").total >= 1
    _settle(index_dir)
    engine.search("ceramics")
    next(corpus.rglob("therese.txt")).unlink()
    builder.build(corpus, index_dir)  # a new generation: CURRENT replaced
    assert engine.search("ceramics").total == 0
