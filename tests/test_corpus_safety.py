"""Corpus file safety (issue 14): nothing outside the corpus is read or written, and no file can hang
or flood a build. Each case runs the real ``interviews`` command in a subprocess with a timeout, so a
hang fails the test instead of hanging the suite."""

from __future__ import annotations

import os
import subprocess

import pytest
from searchkit import ACCENTS_ARTICLE, INTERVIEWS, copy_seeds

from index.corpus import iter_article_files, refusal
from index.model import ArticleError
from index.read import read_limited, read_source
from search.engine import open_index

TIMEOUT = 120
"""Seconds a command may take before the test calls it hung (a FIFO used to hang `update` for ever)."""


def run(*args) -> subprocess.CompletedProcess:
    return subprocess.run([INTERVIEWS, *map(str, args)], capture_output=True, text=True, timeout=TIMEOUT)


@pytest.fixture()
def site(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    index = tmp_path / "index"
    assert run("build", "--corpus", corpus, "--index", index).returncode == 0
    return corpus, index


def passages(index, query: str) -> int:
    with open_index(index) as engine:
        return engine.search(query).total


def test_a_fifo_named_like_an_article_is_skipped_and_updates_keep_working(site):
    corpus, index = site
    os.mkfifo(corpus / "voyagela" / "x.txt")
    first = run("update", "--corpus", corpus, "--index", index)
    assert first.returncode == 0, first.stderr
    assert "voyagela/x.txt: not a regular file (a FIFO)" in first.stdout
    (corpus / "voyagela" / "therese.txt").write_text(ACCENTS_ARTICLE, encoding="utf-8")
    second = run("update", "--corpus", corpus, "--index", index)
    assert second.returncode == 0, second.stderr  # the writer lock was not left held
    assert passages(index, "ceramics") == 1
    rebuilt = run("build", "--corpus", corpus, "--index", index)
    assert rebuilt.returncode == 0 and "x.txt: not a regular file (a FIFO)" in rebuilt.stdout


def test_a_link_to_dev_zero_is_skipped(site):
    corpus, index = site
    (corpus / "voyagela" / "zero.txt").symlink_to("/dev/zero")
    result = run("update", "--corpus", corpus, "--index", index)
    assert result.returncode == 0, result.stderr
    assert "voyagela/zero.txt: a link to /dev/zero, outside the corpus" in result.stdout


def test_a_link_leaving_the_corpus_is_skipped_with_the_reason_and_never_served(site, tmp_path):
    corpus, index = site
    outside = tmp_path / "private"
    outside.mkdir()
    (outside / "secret.txt").write_text(ACCENTS_ARTICLE.replace("ceramics", "zymurgy"), encoding="utf-8")
    (corpus / "voyagela" / "leak.txt").symlink_to(outside / "secret.txt")
    (corpus / "leaked-folder").symlink_to(outside, target_is_directory=True)
    inside = corpus / "litang-zone" / "again.txt"
    inside.symlink_to(corpus / "canvasrebel" / "004_fa6f740934f22d15.txt")  # a link inside is fine
    result = run("update", "--corpus", corpus, "--index", index)
    assert result.returncode == 0, result.stderr
    assert f"voyagela/leak.txt: a link to {outside / 'secret.txt'}, outside the corpus" in result.stdout
    assert passages(index, "zymurgy") == 0
    listed = list(iter_article_files(corpus))
    assert str(inside) in listed and not any("leaked-folder" in p for p in listed)
    parse = run("parse", corpus / "voyagela" / "leak.txt", "--corpus", corpus)
    assert parse.returncode == 1 and "outside the corpus" in parse.stderr


def test_add_never_writes_through_a_planted_temp_file_link(site, tmp_path):
    corpus, index = site
    victim = tmp_path / "victim-file"
    victim.write_text("do not touch\n", encoding="utf-8")
    article = tmp_path / "therese.txt"
    article.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    folder = corpus / "voyagela"
    (folder / ".therese.txt.tmp").symlink_to(victim)  # the old fixed temp name
    result = run("add", article, "--publication", "VoyageLA", "--corpus", corpus, "--index", index)
    assert result.returncode == 0, result.stderr
    assert victim.read_text(encoding="utf-8") == "do not touch\n"
    assert (folder / "therese.txt").read_text(encoding="utf-8") == ACCENTS_ARTICLE
    assert not (folder / "therese.txt").is_symlink()
    assert not [p for p in folder.iterdir() if p.name.endswith(".tmp") and not p.is_symlink()]
    assert passages(index, "ceramics") == 1


def test_add_refuses_a_destination_that_is_a_link_and_a_source_that_is_not_a_file(site, tmp_path):
    corpus, index = site
    victim = tmp_path / "victim-file"
    victim.write_text("do not touch\n", encoding="utf-8")
    (corpus / "voyagela" / "therese.txt").symlink_to(victim)
    article = tmp_path / "therese.txt"
    article.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    result = run("add", article, fifo, "--publication", "VoyageLA", "--corpus", corpus, "--index", index)
    assert result.returncode == 1
    assert "voyagela/therese.txt is a symbolic link" in result.stdout
    assert "pipe.txt: not a regular file (a FIFO)" in result.stdout
    assert victim.read_text(encoding="utf-8") == "do not touch\n"


def test_the_size_limit_holds_while_reading_not_only_by_the_reported_size(tmp_path):
    # /proc files report size 0 however much they hold: the limit must stop the read itself.
    with pytest.raises(ArticleError, match="grew past the 0 MB limit"):
        read_limited("/proc/self/maps", max_bytes=64)
    big = tmp_path / "big.txt"
    big.write_bytes(b"word " * 100)
    with pytest.raises(ArticleError, match="over the"):
        read_source(big, max_bytes=100)
    assert read_limited(big, max_bytes=500) == b"word " * 100


def test_refusal_names_each_kind_of_file(tmp_path):
    os.mkfifo(tmp_path / "fifo.txt")
    (tmp_path / "zero.txt").symlink_to("/dev/zero")
    (tmp_path / "gone.txt").symlink_to(tmp_path / "missing")
    (tmp_path / "ok.txt").write_text("fine", encoding="utf-8")
    assert refusal(tmp_path / "fifo.txt") == "not a regular file (a FIFO)"
    assert refusal(tmp_path / "zero.txt", tmp_path) == "a link to /dev/zero, outside the corpus"
    assert refusal(tmp_path / "zero.txt") == "not a regular file (a character device)"
    assert refusal(tmp_path / "gone.txt").startswith("cannot read file")
    assert refusal(tmp_path / "ok.txt", tmp_path) is None
    with pytest.raises(ArticleError, match="a FIFO"):
        read_source(tmp_path / "fifo.txt")
