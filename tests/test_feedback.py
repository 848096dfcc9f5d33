"""Pseudo-relevance feedback (search/feedback.py): long any-word queries are ranked again with the words
of their first passages; the passages found stay the same, short queries and other modes are untouched."""

from __future__ import annotations

import pytest

from bench.ir import Collection, Document
from bench.relevance import write_jsonl
from index.build import build
from index.schema import build_schema
from search import feedback
from search.engine import open_index
from search.query import parse

FILLER = "the weather was mild and the days were long that year"
DOCUMENTS = [
    # The two passages every query word finds: their other words (stoneware, wheel, clay) are what the
    # query is about.
    Document("a", "Pottery", "pottery kiln glaze stoneware wheel clay stoneware wheel clay"),
    Document("b", "Studio", "pottery kiln glaze stoneware clay wheel trimming stoneware"),
    # One query word each, the same length: "d" comes first by document order until feedback tells
    # them apart.
    Document("d", "Other", f"pottery python code compiler debugger {FILLER}"),
    Document("c", "Throwing", f"pottery stoneware wheel clay trimming {FILLER}"),
    *[Document(f"x{i}", "Filler", f"{FILLER} garden {i}") for i in range(20)],
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("feedback")
    write_jsonl(Collection("fb", DOCUMENTS, {}), root / "fb.jsonl")
    assert not build(root / "no-corpus", root / "index", jsonl=root / "fb.jsonl").skipped
    with open_index(root / "index") as engine:
        yield engine


def _order(result) -> list[str]:
    return [hit.article.removeprefix("fb/") for hit in result.hits]


def test_feedback_lifts_the_passage_that_shares_the_first_passages_words(engine, monkeypatch):
    query = "pottery kiln glaze"
    with_feedback = engine.search(query, match="any", per_page=50)
    monkeypatch.setattr(feedback, "FEEDBACK_DOCS", 0)
    without = engine.search(query, match="any", per_page=50)
    assert _order(without)[2:4] == ["d", "c"]
    assert _order(with_feedback)[2:4] == ["c", "d"]
    # Re-ranked, not widened: the same passages, the same total and facet counts.
    assert sorted(_order(with_feedback)) == sorted(_order(without))
    assert with_feedback.total == without.total == 4
    assert with_feedback.facets == without.facets


def test_short_queries_and_other_modes_get_no_feedback(engine, monkeypatch):
    runs = {}
    for docs in (feedback.FEEDBACK_DOCS, 0):
        monkeypatch.setattr(feedback, "FEEDBACK_DOCS", docs)
        runs[docs] = [[(h.article, round(h.score, 9)) for h in engine.search(q, match=m, per_page=50).hits]
                      for q, m in (("pottery kiln", "any"), ("pottery kiln glaze", "most"),
                                   ("pottery kiln glaze", "all"))]
    assert runs[feedback.FEEDBACK_DOCS] == runs[0]


def test_query_words_counts_distinct_and_typed_words():
    schema = build_schema()
    assert feedback.query_words(parse("camera", schema, "any").query) == (1, 1.0)
    assert feedback.query_words(parse("covid motion motion", schema, "any").query) == (2, 3.0)
    # A group of synonyms, a hyphenated word and a phrase are one word each.
    assert feedback.query_words(parse('covid stop-motion "text editor" films', schema, "any").query)[0] == 4


def test_relevance_model_weighs_passages_by_score_and_leaves_out_stop_words_and_numbers():
    model = feedback.relevance_model([(["clay", "clay", "wheel", "which", "1999", "x"], 3.0),
                                      (["python"], 1.0)], size=10)
    assert set(model) == {"clay", "wheel", "python"}
    assert model["clay"] == pytest.approx(0.75 * 2 / 3) and model["python"] == pytest.approx(0.25)
    assert sum(model.values()) == pytest.approx(1.0)
    assert list(feedback.relevance_model([(["kiln", "clay", "clay", "wheel"], 1.0)], size=1)) == ["clay"]
    assert feedback.relevance_model([(["the", "2020"], 1.0)]) == {}


def test_settings_are_read_at_each_search(engine, monkeypatch):
    # The tuning harness (bench.relevance --tune, bench.ranking_trials rm3-…) changes them between runs.
    monkeypatch.setattr(feedback, "FEEDBACK_TERMS", 1)
    assert list(feedback.relevance_model([(["kiln", "clay", "clay", "wheel"], 1.0)])) == ["clay"]
    scores = {}
    for weight in (0.5, 0.9):
        monkeypatch.setattr(feedback, "ORIGINAL_WEIGHT", weight)
        scores[weight] = [h.score for h in engine.search("pottery kiln glaze", match="any").hits]
    assert scores[0.5] != scores[0.9]
