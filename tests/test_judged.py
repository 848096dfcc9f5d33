"""The judged interview set (bench/judged): its files are well-formed and its harness runs end to end."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from searchkit import FIXTURE_CORPUS, SEED_FOLDERS, USESTHIS

from bench import judged
from index.build import build

needs_usesthis = pytest.mark.skipif(not USESTHIS.is_dir(), reason="../shared/corpora/usesthis is missing")


def _source(article_id: str) -> Path | None:
    """Where a test finds an article of ``corpus/`` without reading the live folder: the seeds' copies in
    ``tests/fixtures/corpus``, The Setup's in ``../shared/corpora/usesthis``."""
    folder, _, name = article_id.partition("/")
    base = FIXTURE_CORPUS / folder if folder in SEED_FOLDERS else USESTHIS if folder == "usesthis" else None
    return next(base.glob(name + ".*"), None) if base else None


def test_queries_and_qrels_are_well_formed():
    queries = judged.load_queries()
    qrels = judged.load_qrels()
    assert len(queries) >= 40
    assert judged.problems(queries, qrels) == []
    assert {q.persona for q in queries} >= {"editor", "journalist", "researcher", "festival programmer"}
    graded = [q for q in queries if q.id in qrels]
    assert graded, "no query is judged"
    for q in graded:
        assert 2 in qrels[q.id].values(), f"{q.id} has no highly relevant passage"


@needs_usesthis
def test_judged_passages_exist_in_the_corpus():
    articles = {pid.split("#")[0] for per in judged.load_qrels().values() for pid in per}
    missing = {a for a in articles if _source(a) is None}
    assert not missing, sorted(missing)[:5]


def _mini_corpus(tmp_path: Path, qids: list[str]) -> Path:
    """The articles of every passage judged for ``qids``, each folder with its publication.yml."""
    qrels = judged.load_qrels()
    corpus = tmp_path / "corpus"
    for article in {pid.split("#")[0] for q in qids for pid in qrels[q]}:
        folder = corpus / article.split("/")[0]
        folder.mkdir(parents=True, exist_ok=True)
        shutil.copy(_source(article), folder)
        meta = FIXTURE_CORPUS / "usesthis.yml" if folder.name == "usesthis" else \
            FIXTURE_CORPUS / folder.name / "publication.yml"
        shutil.copy(meta, folder / "publication.yml")
    return corpus


@needs_usesthis
def test_harness_scores_every_engine_and_pools_unjudged(tmp_path):
    queries = [q for q in judged.load_queries() if q.id in judged.load_qrels()][:3]
    corpus = _mini_corpus(tmp_path, [q.id for q in queries])
    build(corpus, tmp_path / "index")
    data = judged.report(tmp_path / "index", corpus, tmp_path, queries=queries)
    assert data["queries"] == 3
    assert set(data["engines"]) == set(judged.ENGINES)
    for scores in data["engines"].values():
        assert 0 <= scores["ndcg_10"] <= 1 and 0 <= scores["mrr"] <= 1
        # The corpus holds the judged passages' articles, so every engine finds judged passages.
        assert scores["judged_10"] > 0 and scores["ndcg_10"] > 0
    assert "| bm25s |" in judged.render(data)
    assert "per_query" not in data

    # Per query: every engine's nDCG@10, whose mean is the engine's figure, and the better-of-two line.
    data = judged.report(tmp_path / "index", corpus, tmp_path, queries=queries, per_query=True)
    assert list(data["per_query"]) == [q.id for q in queries]
    for name, scores in data["engines"].items():
        mean = sum(row[name] for row in data["per_query"].values()) / 3
        assert mean == pytest.approx(scores["ndcg_10"], abs=1e-3)
    text = judged.render(data)
    assert f"| {queries[0].id} |" in text and "The better of ours and ours (any) per query" in text

    # A passage nobody judged shows up in the pool as soon as an engine returns it.
    ranked = {"ours": {queries[0].id: ["usesthis/nobody#1", *judged.load_qrels()[queries[0].id]]}}
    assert judged.unjudged(ranked, judged.load_qrels()) == {queries[0].id: ["usesthis/nobody#1"]}


def test_graded_sheet_merges_and_ungraded_is_refused(tmp_path):
    queries = judged.load_queries()[:1]
    sheet = judged.grading_sheet({queries[0].id: ["usesthis/nobody#1", "usesthis/somebody#2"]}, queries, [])
    assert sheet.count(" ?") == 2 and queries[0].narrative in sheet
    grades, left = judged.read_sheet(sheet)
    assert grades == {} and len(left) == 2
    graded = sheet.replace("usesthis/nobody#1 ?", "usesthis/nobody#1 2").replace(
        "usesthis/somebody#2 ?", "usesthis/somebody#2 0")
    assert judged.read_sheet(graded) == (
        {queries[0].id: {"usesthis/nobody#1": 2, "usesthis/somebody#2": 0}}, [])
