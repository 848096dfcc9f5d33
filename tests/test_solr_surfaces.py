"""Every surface takes a Solr collection URL where it takes an index folder: the ``interviews`` command
(``--index URL`` and ``INTERVIEWS_INDEX``), ``interviews serve`` (the same page and JSON API) and the
README's Python example."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request

import pytest
from searchkit import COVID, INTERVIEWS, ROOT, copy_seeds
from webfixtures import LiveServer

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory, solr_cluster):
    """The seed corpus, built into a fresh collection by `interviews build --index URL`."""
    root = tmp_path_factory.mktemp("solr-site")
    corpus = copy_seeds(root / "corpus")
    url = solr_cluster.new_collection()
    done = subprocess.run([INTERVIEWS, "build", "--corpus", str(corpus), "--index", url],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    assert re.search(r"build \S+: 3 articles, \d+ passages, 0 files skipped", done.stdout + done.stderr)
    yield {"root": root, "corpus": corpus, "url": url}
    solr_cluster.drop_collection(url)


def _cli(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([INTERVIEWS, *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **(env or {})})


def test_cli_search_with_a_collection_url(site):
    done = _cli("search", "--index", site["url"], "covid", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["total"] >= 1 and data["hits"][0]["article"] == COVID
    assert "<mark>Covid</mark>" in data["hits"][0]["snippet"]


def test_cli_takes_the_url_from_the_environment(site):
    done = _cli("search", "stop motion", env={"INTERVIEWS_INDEX": site["url"]})
    assert done.returncode == 0, done.stderr
    assert "litang-zone/003_a09c00f12582b7b2" in done.stdout
    done = _cli("update", "--corpus", str(site["corpus"]), env={"INTERVIEWS_INDEX": site["url"]})
    assert done.returncode == 0, done.stderr
    assert "0 articles" in done.stdout + done.stderr and "3 unchanged" in done.stdout + done.stderr


def test_a_second_writer_is_refused(site):
    from index.solr_store import SolrStore

    with SolrStore(site["url"]).writing():
        done = _cli("update", "--corpus", str(site["corpus"]), "--index", site["url"])
    assert done.returncode != 0
    assert "already running" in done.stderr


def test_an_unreachable_cluster_is_a_clear_error():
    done = _cli("search", "--index", "http://127.0.0.1:9/solr/passages", "covid")
    assert done.returncode != 0
    assert "Traceback" not in done.stderr and "127.0.0.1:9" in done.stderr


def test_serve_gives_the_same_page_and_api(site):
    server = LiveServer(site["corpus"], site["url"], workers=1)
    try:
        data = server.get_json("/api/search?q=covid&publication=VoyageLA")
        assert data["total"] >= 1 and data["hits"][0]["article"] == COVID
        assert any(v["value"] == "VoyageLA" and v["selected"] for v in data["facets"]["publication"])
        with urllib.request.urlopen(server.url + "/?q=covid", timeout=30) as response:
            page = response.read().decode("utf-8")
        assert "<mark>Covid</mark>" in page and "Jinsui Song" in page
        with urllib.request.urlopen(server.url + f"/articles/{COVID}?q=covid", timeout=30) as response:
            assert "<mark>" in response.read().decode("utf-8")
        similar = server.get_json(f"/api/similar?article={COVID}&passage=4&limit=3")
        assert similar
        health = server.get_json("/healthz")
        assert health["status"] == "ok" and health["passages"] > 0
    finally:
        server.stop()


def test_readme_python_example_runs_on_the_cluster(site, tmp_path):
    section = README.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    assert 'open_index("var/index")' in code
    code = code.replace('open_index("var/index")', f"open_index({site['url']!r})")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "voyagela/000_713f14fa217934a6 4 Jinsui Song" in result.stdout
    assert "did you mean: animation" in result.stdout


def test_bench_runs_on_the_cluster(site, tmp_path):
    """`make bench BENCH_ENGINE=solr`, tiny: both engines built from one corpus, every query class timed."""
    out = subprocess.run([sys.executable, "-m", "bench.speed", "--engine", "solr", "--solr", site["url"],
                          "--articles", "20", "--quick", "--quiet", "--work", str(tmp_path)],
                         cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr
    assert "| common_word |" in out.stdout and "passages/s" in out.stdout
