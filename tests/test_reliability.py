"""Crashes, concurrent writers and readers, and a hostile environment: the index keeps serving.

Quick versions of ``bench/crash_test.py`` (a few SIGKILLs instead of 50) and of the concurrency run
(8 searching threads, half through the library and half through the real server, while 10 updates and
rebuilds run), plus environment faults: a full disk (a small tmpfs; skipped when mounting is not
permitted), a read-only index folder, a missing corpus folder, and a corpus file deleted mid-build.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import shutil
import subprocess
import threading
import urllib.request
from pathlib import Path

import pytest
from webfixtures import ARTIFACTS, LiveServer

from index import build as builder
from index import whoosh_store
from search.engine import open_index

ROOT = Path(__file__).resolve().parent.parent


def _load_crash_test():
    spec = importlib.util.spec_from_file_location("crash_test", ROOT / "bench" / "crash_test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


crash = _load_crash_test()


@pytest.fixture()
def site(tmp_path):
    """A corpus of the seeds and 12 The Setup interviews, indexed: (Corpus, index folder)."""
    corpus = crash.make_corpus(tmp_path, articles=12, seed=3)
    proc = crash.run_cli("build", corpus.folder, tmp_path / "index")
    assert proc.returncode == 0, proc.stderr
    return corpus, tmp_path / "index"


# --- crash safety ---------------------------------------------------------------------------------------

def test_sigkilled_builds_and_updates_leave_a_whole_index_and_the_next_update_works(tmp_path):
    result = crash.crash_rounds(tmp_path, kills=4, articles=12, seed=11, log=lambda line: None)
    assert result["failures"] == []
    assert result["kills"] == 4


def test_a_lock_held_by_a_live_writer_is_a_clear_error_and_a_dead_ones_is_not(site):
    corpus, index = site
    holder = subprocess.Popen(
        [str(Path(crash.INTERVIEWS).parent / "python"), "-c",
         "import sys, time; from index.whoosh_store import writer_lock\n"
         f"with writer_lock({str(index)!r}):\n    print('held', flush=True); time.sleep(60)"],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        busy = crash.run_cli("update", corpus.folder, index)
        assert busy.returncode == 1
        assert "already running" in busy.stderr and f"pid {holder.pid}" in busy.stderr
    finally:
        holder.kill()
        holder.wait()
    # The lock file still names the dead writer; the kernel released its lock, so the update proceeds.
    assert (index / whoosh_store.LOCK_NAME).read_text().strip() == str(holder.pid)
    after = crash.run_cli("update", corpus.folder, index)
    assert after.returncode == 0, after.stderr


# --- concurrency ------------------------------------------------------------------------------------------

def test_searches_during_10_updates_and_rebuilds_all_come_from_one_whole_state(site):
    corpus, index = site
    counts = {corpus.passages()}
    server = LiveServer(corpus.folder, index, workers=2)
    stop = threading.Event()
    seen: list[tuple[int, int]] = []
    errors: list[str] = []

    def check(total: int, publications: int, where: str) -> None:
        seen.append((total, publications))
        # Every passage has one publication: facet counts and the total must describe the same state.
        if publications != total:
            errors.append(f"{where}: total {total} but publication counts sum to {publications}")

    def library_client(number: int) -> None:
        try:
            engine = open_index(index)
        except Exception as exc:  # noqa: BLE001 - opening while commits land is part of what is tested
            errors.append(f"library client {number} opening: {type(exc).__name__}: {exc}")
            return
        with engine:
            while not stop.is_set():
                try:
                    result = engine.search("", per_page=5, facet_limit=None)
                    check(result.total, sum(v.count for v in result.facets["publication"].values), "library")
                    engine.search("software OR covid", page=2)
                except Exception as exc:  # noqa: BLE001 - every error is a failure, reported below
                    errors.append(f"library client {number}: {type(exc).__name__}: {exc}")

    def http_client(number: int) -> None:
        while not stop.is_set():
            try:
                data = server.get_json("/api/search?per_page=5&more=publication")
                check(data["total"], sum(v["count"] for v in data["facets"]["publication"]), "server")
                with urllib.request.urlopen(server.url + "/?q=software", timeout=10) as page:
                    assert page.status == 200
            except Exception as exc:  # noqa: BLE001
                errors.append(f"http client {number}: {type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=library_client, args=(n,)) for n in range(4)]
    threads += [threading.Thread(target=http_client, args=(n,)) for n in range(4)]
    rng = random.Random(5)
    try:
        for thread in threads:
            thread.start()
        for number in range(10):
            if number % 2 == 0:
                corpus.change(rng, number)
                counts.add(corpus.passages())
            proc = crash.run_cli("update" if number % 2 == 0 else "build", corpus.folder, index)
            assert proc.returncode == 0, proc.stderr
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        server.stop()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "concurrency.json").write_text(json.dumps({
        "searches_checked": len(seen), "states": sorted(counts), "totals_seen": sorted({t for t, _ in seen}),
        "errors": len(errors), "error_samples": errors[:5]}))
    assert errors == [], errors[:5]
    assert len(seen) > 50, "the clients searched throughout"
    assert {total for total, _ in seen} <= counts, "every total is the passage count of a committed state"


def test_a_generation_deleted_while_a_reader_opens_it_is_not_an_error(site):
    # Found by the concurrency test: CURRENT was read, then a build deleted that generation before its
    # table of contents was opened, and FileNotFoundError reached the searching thread.
    corpus, index = site
    with open_index(index) as engine:
        before = engine.stats(top=0)["passages"]
        vanishing = index / "gen-000099"
        vanishing.mkdir()
        (vanishing / "_MAIN_1.toc").symlink_to(vanishing / "deleted")  # listed, but gone when opened
        (index / whoosh_store.CURRENT).write_text("gen-000099\n")
        assert whoosh_store.current_generation(index) is None
        assert engine.search("").total == before, "the open engine keeps serving what it has"


def test_sanitising_from_many_threads_at_once_gives_each_the_right_html():
    # Found by the concurrency test: one shared bleach Cleaner in gunicorn's threads gave IndexError → 500.
    from webui import sanitize

    fragments = [f"<mark>w{i}</mark> a &lt;b&gt; <i>x</i></b></p></div> " + "<mark>y</mark> " * (i % 7)
                 for i in range(50)]
    texts = [f"Paragraph {i} about https://example.com/{i}\n\nand <b>more</b>" for i in range(50)]
    expected = [(str(sanitize.snippet(f)), str(sanitize.text_html(t, "paragraph"))) for f, t in zip(
        fragments, texts, strict=True)]
    problems: list[str] = []

    def work() -> None:
        for _ in range(20):
            for fragment, text, want in zip(fragments, texts, expected, strict=True):
                try:
                    got = (str(sanitize.snippet(fragment)), str(sanitize.text_html(text, "paragraph")))
                    if got != want:
                        problems.append(f"wrong HTML for {fragment[:30]!r}")
                except Exception as exc:  # noqa: BLE001 - any exception is the failure
                    problems.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert problems == [], problems[:5]


# --- environment faults -------------------------------------------------------------------------------

def _serves(index: Path, passages: int) -> None:
    with open_index(index) as engine:
        assert engine.stats(top=0)["passages"] == passages
        assert engine.search(crash.KNOWN_QUERY[0]).total > 0


@pytest.fixture()
def tmpfs(tmp_path):
    """Mount a small tmpfs (root only); yields a function ``mount(size)`` returning the mount point."""
    mounted: list[Path] = []

    def mount(size: str, options: str = "") -> Path:
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}{options}", "tmpfs", str(point)],
                              capture_output=True, text=True)
        if proc.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {proc.stderr.strip() or proc.returncode}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_a_full_disk_fails_the_build_clearly_and_the_old_index_keeps_serving(site, tmpfs):
    corpus, built = site
    size = sum(p.stat().st_size for p in built.rglob("*") if p.is_file())
    disk = tmpfs(f"{size * 3 // 2 // 1024 + 64}k")
    index = disk / "index"
    shutil.copytree(built, index)
    passages = corpus.passages()
    for path in sorted((crash.CORPUS / "usesthis").glob("*.markdown"))[200:260]:
        shutil.copy(path, corpus.folder / "usesthis")  # enough new text that the next build cannot fit
    for command in ("build", "update"):
        proc = crash.run_cli(command, corpus.folder, index)
        assert proc.returncode == 1, (command, proc.stdout, proc.stderr)
        assert "No space left on device" in proc.stderr and "Traceback" not in proc.stderr
        _serves(index, passages)
    assert [p.name for p in index.glob("gen-*")] == [whoosh_store.current_generation(index).name], \
        "the half-written generation was removed"


def test_a_read_only_index_folder_fails_writes_clearly_and_keeps_serving(site, tmpfs):
    corpus, built = site
    disk = tmpfs("64m")
    shutil.copytree(built, disk / "index")
    passages = corpus.passages()
    proc = subprocess.run(["mount", "-o", "remount,ro", str(disk)], capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip(f"cannot remount read-only: {proc.stderr.strip()}")
    corpus.change(random.Random(1), 1)
    for command in ("build", "update"):
        proc = crash.run_cli(command, corpus.folder, disk / "index")
        assert proc.returncode == 1, (command, proc.stdout, proc.stderr)
        assert "Read-only file system" in proc.stderr and "Traceback" not in proc.stderr
        _serves(disk / "index", passages)


def test_a_missing_corpus_folder_is_a_clear_error_and_the_index_is_untouched(site, tmp_path):
    corpus, index = site
    passages = corpus.passages()
    generation = whoosh_store.current_generation(index).name
    missing = tmp_path / "no-such-corpus"
    for command in ("build", "update"):
        proc = crash.run_cli(command, missing, index)
        assert proc.returncode == 1
        assert str(missing) in proc.stderr and "not found" in proc.stderr and "Traceback" not in proc.stderr
        assert whoosh_store.current_generation(index).name == generation
        _serves(index, passages)


def test_a_corpus_file_deleted_during_a_build_is_reported_and_the_rest_indexed(site):
    corpus, index = site
    for path in sorted((crash.CORPUS / "usesthis").glob("*.markdown"))[300:330]:
        shutil.copy(path, corpus.folder / "usesthis")  # more files than one parse batch holds
    files = sorted((corpus.folder / "usesthis").glob("*.markdown"))
    victim = files[-1]
    deleted: list[str] = []

    def progress(done: int, total: int, name: str) -> None:
        if not deleted:
            victim.unlink()
            deleted.append(name)

    report = builder.build(corpus.folder, index, progress=progress)
    rel = f"usesthis/{victim.name}"
    assert rel in dict(report.skipped), report.skipped
    assert dict(report.skipped)[rel], "the skip says why"
    _serves(index, corpus.passages())
    assert os.path.exists(index / whoosh_store.CURRENT)
