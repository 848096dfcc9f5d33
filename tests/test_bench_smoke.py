"""The benchmark scripts, run on tiny inputs so they keep working (no timing is asserted anywhere)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from bench.ir import DEFAULT_ROOT
from bench.make_corpus import make_corpus
from index.corpus import iter_article_files, parse_file

REPO = Path(__file__).resolve().parent.parent


def _run(*args: str, cwd: Path = REPO) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def _tree(folder: Path) -> dict[str, bytes]:
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in files}


def test_make_corpus_is_deterministic_and_parses(tmp_path):
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    _run("bench/make_corpus.py", "--articles", "40", "--out", str(a), "--seed", "7")
    make_corpus(40, b, seed=7)
    make_corpus(40, c, seed=8)
    assert _tree(a) == _tree(b)
    assert _tree(a) != _tree(c)

    articles = [parse_file(p, corpus_root=a) for p in sorted(iter_article_files(a))]
    assert len(articles) == 40
    assert {art.format for art in articles} == {"text", "markdown"}
    passages = sum(len(art.passages) for art in articles)
    assert 6 * len(articles) <= passages <= 14 * len(articles)
    # Every publication folder names its publication, and the parser picks that name up.
    folders = [f for f in a.iterdir() if f.is_dir()]
    names = {(f / "publication.yml").read_text(encoding="utf-8").removeprefix("name: ").strip()
             for f in folders}
    assert {art.publication for art in articles} == names


def test_generator_pools_have_the_sizes_of_a_real_collection():
    """At 10,000 articles: thousands of interviewees, tens of publications, hundreds of cities, skewed."""
    import random

    from bench.make_corpus import DEFAULT_SOURCE, Generator, Vocabulary

    gen = Generator(Vocabulary.from_corpus(DEFAULT_SOURCE), 10000, seed=1)
    assert len(set(gen.people)) >= 1000
    assert 10 <= len(gen.publications) < 100
    assert len({city for city, _country in gen.cities}) >= 100
    rng = random.Random(0)
    draws = Counter(gen.publications[gen.pub_zipf.draw(rng)] for _ in range(3000))
    counts = sorted(draws.values(), reverse=True)
    assert counts[0] > 5 * counts[len(counts) // 2]


def test_make_corpus_reports_bad_arguments(tmp_path):
    proc = subprocess.run([sys.executable, "bench/make_corpus.py", "--articles", "-1", "--out",
                           str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "--articles" in proc.stderr


def test_speed_quick_run_writes_every_key(tmp_path):
    out = tmp_path / "latest.json"
    _run("-m", "bench.speed", "--articles", "25", "--quick", "--quiet", "--work", str(tmp_path / "work"),
         "--out", str(out))
    data = json.loads(out.read_text())
    assert data["passages"] > 25
    for key in ("build_passages_per_s", "open_s", "add_s", "index_mb", "build_peak_rss_mb"):
        assert data[key] > 0, key
    assert data["found"] >= 1  # the added article became searchable
    # ... and left the generated corpus as it was, so that the next full build indexes the same passages.
    corpus = tmp_path / "work" / "corpus-25-1"
    assert corpus.is_dir() and not any(corpus.rglob("added_*"))
    # A fresh search process after its searches: its own heap and the shared pages of the index files.
    assert data["search_process"]["searches"] == 20
    assert data["search_process"]["vmrss_mb"] >= data["search_process"]["rssanon_mb"] > 0
    classes = ("common_word", "rare_word", "two_word_and", "phrase", "field", "prefix")
    for system in ("whoosh_plain", "fts5"):
        for cls in classes:
            assert set(data["baselines"][system]["query_ms"][cls]) >= {"p50", "p95"}
    for cls in classes:
        assert data["query_ms"][cls]["p95"] >= data["query_ms"][cls]["p50"] > 0
        assert data["query_ms_first"]["ours"][cls]["n"] == data["query_ms"][cls]["n"] // data["run"]["rounds"]
        # Each query's own timings: one per round, and together they are the class's samples.
        per_query = data["query_ms_per_query"]["ours"][cls]
        assert list(per_query) == data["queries"][cls]
        assert {v["n"] for v in per_query.values()} == {data["run"]["rounds"]}
        # Each timed search's CPU time and page faults, to tell a slow run's causes apart.
        assert data["query_cpu_ms"]["ours"][cls]["n"] == data["query_ms"][cls]["n"]
        assert set(data["query_faults_per_search"]["fts5"][cls]) == {"minor", "major"}
        # Same passages, same words: every system finds the common words (counts may differ by stemmer).
        assert data["totals_median"]["ours"][cls] > 0, cls
    totals = data["totals_median"]
    assert totals["ours"]["common_word"] == totals["whoosh_plain"]["common_word"]


def test_speed_reuses_recorded_baselines(tmp_path):
    """--baselines-only records the baselines and the query set; --reuse-baselines rebuilds ours only and
    measures every system again on the same queries, saying whose build figures it quotes."""
    work = tmp_path / "work"
    common = ("-m", "bench.speed", "--articles", "20", "--quick", "--quiet", "--work", str(work))
    _run(*common, "--baselines-only")
    recorded = json.loads((work / "baselines.json").read_text())
    assert not (work / "index").exists()  # ours was not built
    out = tmp_path / "latest.json"
    _run(*common, "--out", str(out), "--reuse-baselines")
    data = json.loads(out.read_text())
    assert data["passages"] == recorded["passages"] > 20
    assert data["run"]["baselines_built"] == recorded["date"]
    phrases = recorded["queries"]["phrase"]
    assert data["queries"]["phrase"] == ['"' + " ".join(q["terms"]) + '"' for q in phrases]
    for name, figures in recorded["baselines"].items():
        assert data["baselines"][name]["index_s"] == figures["index_s"]
        assert data["baselines"][name]["query_ms"]["common_word"]["n"] > 0  # measured in this run
    assert data["totals_median"]["fts5"]["common_word"] > 0
    # --reuse-build keeps that index and its build figures and measures the searches again.
    again = tmp_path / "again.json"
    _run(*common, "--out", str(again), "--reuse-baselines", "--reuse-build")
    second = json.loads(again.read_text())
    assert second["run"]["index_built"] == json.loads((work / "build.json").read_text())["date"]
    assert second["build_cpu_s"] == data["build_cpu_s"]
    assert second["query_ms"]["common_word"]["n"] == data["query_ms"]["common_word"]["n"] > 0

def test_web_load_client_against_the_real_server(tmp_path):
    from bench.baselines import QuerySpec
    from bench.speed import measure_web
    from index.build import build

    corpus = tmp_path / "corpus"
    make_corpus(15, corpus, seed=3)
    build(corpus, tmp_path / "index")
    queries = {"common_word": [QuerySpec("word", ("work",))], "prefix": [QuerySpec("prefix", ("comp",))]}
    # The stdlib client (wrk may not be installed on CI), for one second.
    web = measure_web(corpus, tmp_path / "index", queries, seconds=1, connections=2, tool="python")
    assert web["tool"] == "python"
    assert web["requests"] > 0
    assert web["errors"] == 0


@pytest.mark.skipif(not (DEFAULT_ROOT / "cisi").is_dir(), reason="../shared/ir is not beside the repository")
def test_relevance_tiny_subset(tmp_path):
    out = tmp_path / "relevance.json"
    _run("-m", "bench.relevance", "--collections", "cisi,npl", "--queries", "3", "--documents", "150",
         "--no-tune", "--no-docs", "--no-judged", "--quiet", "--work", str(tmp_path / "work"), "--out",
         str(out))
    data = json.loads(out.read_text())
    assert data["cisi"]["queries"] == 3
    assert 0 < data["npl"]["at_reference_parameters"]["map"] <= 1
    assert 0 < data["cisi"]["map"] <= 1 and 0 <= data["cisi"]["ndcg_10"] <= 1
    assert set(data["baselines"]) == {"whoosh_plain", "fts5"}


def test_rank_cost_compares_a_revisions_ranking_with_the_working_trees(tmp_path):
    from searchkit import copy_seeds

    from index.build import build

    build(copy_seeds(tmp_path / "corpus"), tmp_path / "index")
    out = _run("-m", "bench.rank_cost", "--index", str(tmp_path / "index"), "--before", "HEAD",
               "--rounds", "1", "--only", "film", "festival director").stdout
    assert "identical rankings on every query" in out and "festival director" in out
