"""The Solr writer (``index/solr_store.py``) on a real cluster: a full build fills a new collection and
moves the alias to it, so a build that fails or is killed half-way leaves the last good collection
serving; ``update`` and ``add`` write through the alias."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading

import pytest
from searchkit import COVID, INTERVIEWS, ROOT, copy_seeds, copy_usesthis

from index import solr_store
from index.build import add, build, update
from index.solr_store import SolrStore
from search.engine import open_index

KILL_AT = 12
"""The article after which the killed build dies (batches of :data:`SMALL_BATCH` were sent by then)."""
SMALL_BATCH = 10


def _corpus(target, usesthis: int = 30):
    copy_seeds(target)
    copy_usesthis(target, usesthis)
    return target


def _zeppelin(corpus) -> None:
    """Change the Covid article so that a build of this corpus is told from the last one."""
    article = corpus / "voyagela" / "000_713f14fa217934a6.txt"
    article.write_text(re.sub("covid", "zeppelin", article.read_text(encoding="utf-8"), flags=re.I),
                       encoding="utf-8")


def _state(url: str) -> tuple[str, list[str]]:
    """(the collection the alias names, every collection of this alias's builds)."""
    store = SolrStore(url)
    ours = sorted(c for c in store.client.collections() if c.startswith(store.name))
    return store.serving(), ours


@pytest.fixture
def served(tmp_path, solr_cluster):
    """A collection built from seeds + usesthis, and an engine searching it."""
    corpus = _corpus(tmp_path / "corpus")
    url = solr_cluster.new_collection()
    build(corpus, url)
    engine = open_index(url)
    yield {"corpus": corpus, "url": url, "engine": engine, "covid": engine.search("covid").total}
    engine.close()
    solr_cluster.drop_collection(url)


def test_the_first_build_turns_the_collection_into_an_alias(served):
    store = SolrStore(served["url"])
    serving, ours = _state(served["url"])
    assert store.client.aliases()[store.name] == [serving]
    assert ours == [serving] and re.fullmatch(re.escape(store.name) + r"_\d{8}_\d{6}_\d{3}", serving)
    assert served["covid"] >= 1
    assert store.generation().startswith(serving + "@")


def test_a_failed_build_leaves_the_last_good_collection_serving(served, monkeypatch):
    url, engine, corpus = served["url"], served["engine"], served["corpus"]
    before = _state(url)
    _zeppelin(corpus)
    monkeypatch.setattr(solr_store, "BATCH_DOCS", SMALL_BATCH)  # blocks are sent before it fails

    def fail_midway(done: int, total: int, rel: str) -> None:
        if done == KILL_AT:
            raise RuntimeError("the build fails here")

    with pytest.raises(RuntimeError, match="fails here"):
        build(corpus, url, progress=fail_midway)
    assert _state(url) == before  # its collection deleted, the alias where it was
    assert engine.search("covid").total == served["covid"]
    assert engine.search("zeppelin").total == 0
    assert engine.article(COVID) is not None
    # The lock went with the failed build: the next one runs, and its contents are served.
    build(corpus, url)
    assert engine.search("zeppelin").total >= 1 and engine.search("covid").total < served["covid"]
    serving, ours = _state(url)
    assert ours == [serving] and serving != before[0]


def test_a_killed_build_leaves_the_last_good_collection_serving(served):
    url, engine, corpus = served["url"], served["engine"], served["corpus"]
    before = _state(url)
    _zeppelin(corpus)
    code = (f"import os\nfrom index import solr_store\nfrom index.build import build\n"
            f"solr_store.BATCH_DOCS = {SMALL_BATCH}\n"
            f"build({str(corpus)!r}, {url!r}, progress=lambda done, total, rel: done == {KILL_AT} "
            f"and os.kill(os.getpid(), {int(signal.SIGKILL)}))\n")
    killed = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    serving, ours = _state(url)
    assert serving == before[0] and len(ours) == 2  # the killed build's collection is left over
    assert engine.search("covid").total == served["covid"] and engine.search("zeppelin").total == 0

    # Its lock belongs to a process that is gone: the next build takes it, deletes the leftover and
    # is served.
    done = subprocess.run([INTERVIEWS, "build", "--corpus", str(corpus), "--index", url],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    serving, ours = _state(url)
    assert ours == [serving] and serving not in before[1]
    assert engine.search("zeppelin").total >= 1


def test_searches_answer_throughout_a_rebuild(served):
    """While two builds of the same corpus swap the alias (and delete the collection searched a moment
    before), searches from another thread never fail and always see the whole index."""
    url, engine, corpus = served["url"], served["engine"], served["corpus"]
    seen: list[object] = []
    done = threading.Event()

    def search() -> None:
        while not done.is_set():
            try:
                seen.append(engine.search("covid").total)
            except Exception as exc:  # any failure is what this test looks for
                seen.append(exc)

    reader = threading.Thread(target=search)
    reader.start()
    try:
        for _ in range(2):
            build(corpus, url)
    finally:
        done.set()
        reader.join()
    assert len(seen) > 10 and set(seen) == {served["covid"]}


def test_update_and_add_write_through_the_alias(served, tmp_path):
    url, engine, corpus = served["url"], served["engine"], served["corpus"]
    serving = _state(url)[0]
    _zeppelin(corpus)
    report = update(corpus, url)
    assert report.articles == 1 and report.generation == serving
    assert engine.search("zeppelin").total >= 1 and engine.search("covid").total < served["covid"]
    extra = copy_usesthis(tmp_path / "more", 31)[-1]
    report = add([extra], corpus, url)
    assert report.articles == 1
    assert _state(url)[0] == serving  # the same collection, changed in place
    entry = next(e for path, e in SolrStore(url).manifest().items() if path.endswith("/" + extra.name))
    assert engine.article(entry["article"]) is not None
