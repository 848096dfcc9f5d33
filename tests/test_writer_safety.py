"""A killed build leaves the old index serving; a second writer is told an update is already running."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time

import pytest
from searchkit import COVID, INTERVIEWS, all_passages, copy_seeds

from index import build as builder
from index import whoosh_store
from index.corpus import iter_article_files, parse_file
from search.engine import open_index

BIG_COPIES = 1500
"""Copies of each seed in the JSONL the killed build reads: far more than it indexes before the kill."""


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([INTERVIEWS, *map(str, args)], capture_output=True, text=True, timeout=120,
                          **kwargs)


@pytest.fixture
def built(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    builder.build(corpus, index_dir)
    return corpus, index_dir


def write_big_jsonl(corpus, path):
    articles = [parse_file(p, corpus_root=corpus) for p in iter_article_files(corpus)]
    with open(path, "w", encoding="utf-8") as fh:
        for copy in range(BIG_COPIES):
            for article in articles:
                article.id = f"copies/{copy}-{article.path.rsplit('/', 1)[-1]}"
                fh.write(json.dumps(article.to_dict()) + "\n")


def test_killed_build_leaves_the_old_index_searchable(built, tmp_path):
    corpus, index_dir = built
    big = tmp_path / "big.jsonl"
    write_big_jsonl(corpus, big)
    engine = open_index(index_dir)
    before = all_passages(engine)

    proc = subprocess.Popen([INTERVIEWS, "build", "--jsonl", str(big), "--index", str(index_dir)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    # Wait until the new generation has Whoosh files in it: the build is under way.
    while not any((index_dir / "gen-000002").glob("*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.5)
    assert proc.poll() is None, "the build finished before it could be killed; make BIG_COPIES larger"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    assert (index_dir / whoosh_store.CURRENT).read_text().strip() == "gen-000001"
    assert all_passages(engine) == before
    engine.close()
    # A fresh process reads the old generation too.
    result = json.loads(run("search", "covid", "--json", "--index", index_dir).stdout)
    assert result["hits"][0]["article"] == COVID and result["hits"][0]["passage"] == 4

    # The killed writer's lock died with it: the next update runs, and cleans up the half-built generation.
    update = run("update", "--corpus", corpus, "--index", index_dir)
    assert update.returncode == 0, update.stderr
    assert "update gen-000001" in update.stdout
    assert sorted(p.name for p in index_dir.glob("gen-*")) == ["gen-000001"]
    with open_index(index_dir) as fresh:
        assert all_passages(fresh) == before


def test_second_writer_is_told_an_update_is_already_running(built):
    corpus, index_dir = built
    with whoosh_store.writer_lock(index_dir):
        for command in ("update", "build"):
            result = run(command, "--corpus", corpus, "--index", index_dir)
            assert result.returncode == 1
            assert "an update is already running" in result.stderr
            assert "Traceback" not in result.stderr and "LockError" not in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1
        with pytest.raises(builder.IndexBusy, match="an update is already running"):
            builder.update(corpus, index_dir)
    # Released: the next writer goes ahead.
    assert run("update", "--corpus", corpus, "--index", index_dir).returncode == 0
