"""Crash safety: SIGKILL ``interviews build`` and ``interviews update`` at random moments, then check.

    python -m bench.crash_test                 # 50 kills (what `make reliability` runs)
    python -m bench.crash_test --kills 5 --articles 10 --seed 1

A corpus of the seed articles plus ``--articles`` The Setup interviews is indexed in a temp folder. Each
round changes the corpus (adds, edits or deletes an article), starts ``interviews build`` or ``update``
(alternately), and SIGKILLs its process group after a random delay within the time such a run takes;
rounds go on until ``--kills`` runs were killed mid-run (a run that finishes first does not count).
Then:

1. the index opens and its passage count is exactly the previous state's or the new state's (each
   state's count is computed by parsing the corpus), and a known query finds the known passage;
2. ``interviews update`` (not killed) succeeds — the dead writer's lock is cleared by the kernel — and
   leaves the new state's count;
3. no generation folder other than the current one and the one before it is left behind after the next
   build.

Exits 1 if any round failed; ``--json`` writes the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
INTERVIEWS = str(Path(sys.executable).parent / "interviews")
KNOWN_QUERY = ("covid", "voyagela/000_713f14fa217934a6", 4)
"""(query, article, passage): the seed passage that must be findable in every state."""
EXTRA_QA = "\n\n### What did you change today?\n\nI changed one line of this interview, {n} times over.\n"


class Corpus:
    """A corpus folder and the passage count its articles give, parsed once per file content."""

    def __init__(self, folder: Path, pool: list[Path]):
        self.folder = folder
        self.pool = pool  # The Setup files not yet in the corpus
        self._counts: dict[tuple[str, int, int], int] = {}

    def passages(self) -> int:
        """Passages an index of the corpus as it is now must hold (duplicate numbers counted once)."""
        from index.corpus import iter_article_files, parse_file
        from index.model import ArticleError

        total = 0
        for path in iter_article_files(self.folder):
            stat = os.stat(path)
            key = (path, stat.st_mtime_ns, stat.st_size)
            if key not in self._counts:
                try:
                    article = parse_file(path, corpus_root=self.folder)
                    self._counts[key] = len({p.number for p in article.passages})
                except ArticleError:
                    self._counts[key] = 0
            total += self._counts[key]
        return total

    def change(self, rng: random.Random, round_no: int) -> str:
        """Add, edit or delete one The Setup article; returns what was done."""
        mine = sorted((self.folder / "usesthis").glob("*.markdown"))
        action = rng.choice(["add", "edit", "delete"] if len(mine) > 3 else ["add"])
        if action == "add" and self.pool:
            src = self.pool.pop()
            shutil.copy(src, self.folder / "usesthis" / src.name)
            return f"added {src.name}"
        target = rng.choice(mine)
        if action == "delete":
            target.unlink()
            return f"deleted {target.name}"
        with open(target, "a", encoding="utf-8") as fh:
            fh.write(EXTRA_QA.format(n=round_no))
        return f"edited {target.name}"


def make_corpus(base: Path, articles: int, seed: int) -> Corpus:
    folder = base / "corpus"
    for name in ("voyagela", "litang-zone", "canvasrebel"):
        shutil.copytree(CORPUS / name, folder / name)
    (folder / "usesthis").mkdir()
    shutil.copy(CORPUS / "usesthis" / "publication.yml", folder / "usesthis")
    files = sorted((CORPUS / "usesthis").glob("*.markdown"))
    random.Random(seed).shuffle(files)
    for path in files[:articles]:
        shutil.copy(path, folder / "usesthis")
    return Corpus(folder, files[articles:articles + 500])


def run_cli(command: str, corpus: Path, index: Path, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([INTERVIEWS, command, "--corpus", str(corpus), "--index", str(index)],
                          capture_output=True, text=True, timeout=timeout)


def index_state(index: Path) -> tuple[int, bool, str]:
    """(passages, known query found, generation) of the index as a new reader sees it."""
    from search.engine import open_index

    query, article, passage = KNOWN_QUERY
    with open_index(index) as engine:
        stats = engine.stats(top=0)
        hits = engine.search(query, per_page=100).hits
        found = any(h.article == article and h.passage == passage for h in hits)
        return stats["passages"], found, stats["generation"]


def kill_at_random(command: str, corpus: Path, index: Path, delay: float) -> tuple[str, float]:
    """Start ``interviews COMMAND`` and SIGKILL it (and any parse workers) after ``delay`` seconds.

    Returns ("killed" | "finished", seconds it ran)."""
    started = time.monotonic()
    proc = subprocess.Popen([INTERVIEWS, command, "--corpus", str(corpus), "--index", str(index)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=delay)
        return "finished", time.monotonic() - started
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return "killed", time.monotonic() - started


def leftover_generations(index: Path) -> list[str]:
    from index.whoosh_store import current_generation

    current = current_generation(index)
    gens = sorted(p.name for p in index.glob("gen-*"))
    older = [g for g in gens if current is not None and g < current.name]
    return [g for g in gens if current is not None and g != current.name and g not in older[-1:]]


def crash_rounds(base: Path, kills: int = 50, articles: int = 40, seed: int = 7, log=print) -> dict:
    """Run ``kills`` kill-and-check rounds in ``base``; returns the figures (``failures`` lists problems)."""
    rng = random.Random(seed)
    corpus = make_corpus(base, articles, seed)
    index = base / "index"
    started = time.monotonic()
    proc = run_cli("build", corpus.folder, index)
    if proc.returncode != 0:
        raise RuntimeError(f"first build failed: {proc.stderr}")
    durations = {"build": time.monotonic() - started, "update": None}
    before = corpus.passages()
    rounds, failures = [], []
    number = killed = 0
    # Rounds whose run finished before its kill do not count; give up after three times as many rounds.
    while killed < kills and number < 3 * kills:
        number += 1
        command = "build" if killed % 2 == 0 else "update"
        change = corpus.change(rng, number)
        after = corpus.passages()
        if durations[command] is None:  # how long an update takes: timed once, unkilled, on a copy
            scratch = base / "scratch"
            shutil.rmtree(scratch, ignore_errors=True)
            shutil.copytree(index, scratch)
            t0 = time.monotonic()
            run_cli("update", corpus.folder, scratch)
            durations["update"] = time.monotonic() - t0
            shutil.rmtree(scratch, ignore_errors=True)
        delay = rng.uniform(0.05, durations[command] * 0.95)
        outcome, ran = kill_at_random(command, corpus.folder, index, delay)
        if outcome == "killed":
            killed += 1
        else:  # it ran faster than expected: aim earlier next time
            durations[command] = ran
        problems = []
        try:
            count, found, generation = index_state(index)
        except Exception as exc:  # noqa: BLE001 - an unopenable index is exactly what we look for
            count, found, generation = -1, False, f"cannot open: {type(exc).__name__}: {exc}"
        if count not in (before, after):
            problems.append(f"after the kill the index holds {count} passages, neither {before} nor {after}")
        if not found:
            problems.append(f"the known query {KNOWN_QUERY[0]!r} lost its passage")
        t0 = time.monotonic()
        fixed = run_cli("update", corpus.folder, index)
        if fixed.returncode == 0:
            took = time.monotonic() - t0
            durations["update"] = took if durations["update"] is None else (durations["update"] + took) / 2
        if fixed.returncode != 0:
            problems.append(f"the next update failed: {fixed.stderr.strip()[-300:]}")
        try:
            final = index_state(index)[0]
        except Exception as exc:  # noqa: BLE001
            final = -1
            problems.append(f"the index cannot be opened after the update: {exc}")
        if final != after:
            problems.append(f"after the next update the index holds {final} passages, not {after}")
        row = {"round": number, "command": command, "change": change, "outcome": outcome,
               "killed_after_s": round(ran, 2), "before": before, "after": after, "seen": count,
               "state": "previous" if count == before else "new" if count == after else "neither",
               "generation": generation, "problems": problems}
        rounds.append(row)
        failures += [f"round {number} ({command}, {change}): {p}" for p in problems]
        log(f"{'ok  ' if not problems else 'FAIL'} round {number:2} {command:6} {outcome:8} after "
            f"{ran:5.2f} s: saw {count} ({row['state']}), then {final} via update; {change}")
        before = after
    proc = run_cli("build", corpus.folder, index)
    left = leftover_generations(index)
    if proc.returncode != 0 or left:
        failures.append(f"final build: exit {proc.returncode}, leftover generations {left}")
    return {
        "kills": sum(r["outcome"] == "killed" for r in rounds),
        "finished_before_kill": sum(r["outcome"] == "finished" for r in rounds),
        "rounds": len(rounds),
        "saw_previous": sum(r["state"] == "previous" and r["before"] != r["after"] for r in rounds),
        "saw_new": sum(r["state"] == "new" and r["before"] != r["after"] for r in rounds),
        "build_s": round(durations["build"], 2),
        "update_s": round(durations["update"] or 0, 2),
        "failures": failures,
        "details": rounds,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kills", type=int, default=50, help="Builds and updates to kill mid-run.")
    parser.add_argument("--articles", type=int, default=40, help="The Setup interviews in the corpus.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", default=None, help="Write the figures to this JSON file.")
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="crash-"))
    try:
        result = crash_rounds(base, args.kills, args.articles, args.seed)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print(f"\n{result['rounds']} rounds: {result['kills']} killed mid-run, {result['finished_before_kill']} "
          f"finished first; readers saw the previous state {result['saw_previous']} times and the new "
          f"{result['saw_new']} times; {len(result['failures'])} failures")
    for failure in result["failures"]:
        print("  " + failure)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
