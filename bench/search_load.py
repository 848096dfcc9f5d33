"""Ordinary searches while expensive ones run, in one process: threads sharing one engine.

    .venv/bin/python -m bench.search_load --index var/index --seconds 20
    .venv/bin/python -m bench.search_load --index var/index --seconds 20 --before HEAD~3

One thread loops ordinary searches (one or two common words, a filter, a phrase: what a visitor types)
and ``--expensive`` threads loop the most expensive queries the limits allow (``search.query``): 64
two-letter prefixes with ``match=any``, 64 unknown words (every one a "did you mean" candidate) and four
20-letter words with ``~2``. First the ordinary searches run alone for ``--seconds``, then beside the
expensive ones for as long. Reported (milliseconds): the ordinary searches' latency median and p95,
alone and under load, and the expensive queries' median and slowest, each with the median CPU time of
the searching thread (``time.thread_time``: what other processes on the machine do not inflate).

With ``--before REV`` the same harness also runs on git revision ``REV`` (exported to a temporary folder,
in a process of its own), and the two alternate ``--rounds`` times so that machine noise falls on both.
Each run is a fresh process: its own engine, caches and threads. The index is opened, not built.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ORDINARY = ["software", "camera lens", "music", '"text editor"', "design", "mac", "film", "keyboard",
            "photo", "studio", "desk chair", "writing"]


def expensive_queries(seed: int = 1) -> list[tuple[str, str, str]]:
    """(name, query, match) for the most expensive queries within the limits."""
    rng = random.Random(seed)
    letters = "abcdefghilmnoprstuw"
    pairs = ["".join(p) for p in itertools.product(letters, repeat=2)]
    prefixes = " ".join(p + "*" for p in rng.sample(pairs, 64))
    unknown = " ".join("".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(12)) for _ in range(64))
    fuzzy = " ".join("".join(rng.choice(string.ascii_lowercase) for _ in range(20)) + "~2" for _ in range(4))
    return [("64 prefixes, any", prefixes, "any"), ("64 unknown words", unknown, "all"),
            ("4 fuzzy 20-letter ~2", fuzzy, "all")]


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def run(index: str, seconds: float, expensive: int) -> dict:
    """The harness itself, in this process, with whatever ``search`` package it imports."""
    from search.engine import open_index

    engine = open_index(index)
    for text in ORDINARY:  # warm the caches an ordinary visitor would find warm
        engine.search(text)

    def ordinary(stop: threading.Event, out: list[tuple[float, float]]) -> None:
        for text in itertools.cycle(ORDINARY):
            if stop.is_set():
                return
            started, cpu = time.perf_counter(), time.thread_time()
            engine.search(text, filters={"publication": ["The Setup"]} if len(out) % 3 == 2 else None)
            out.append(((time.perf_counter() - started) * 1000, (time.thread_time() - cpu) * 1000))

    def heavy(stop: threading.Event, out: dict[str, list[tuple[float, float]]], offset: int) -> None:
        queries = expensive_queries()
        for name, text, match in itertools.islice(itertools.cycle(queries), offset, None):
            if stop.is_set():
                return
            started, cpu = time.perf_counter(), time.thread_time()
            engine.search(text, match=match)
            out.setdefault(name, []).append(((time.perf_counter() - started) * 1000,
                                             (time.thread_time() - cpu) * 1000))

    def phase(threads: int) -> tuple[list, dict[str, list]]:
        stop = threading.Event()
        alone: list[tuple[float, float]] = []
        costly: dict[str, list[tuple[float, float]]] = {}
        workers = [threading.Thread(target=ordinary, args=(stop, alone))]
        workers += [threading.Thread(target=heavy, args=(stop, costly, i)) for i in range(threads)]
        for worker in workers:
            worker.start()
        time.sleep(seconds)
        stop.set()
        for worker in workers:
            worker.join()
        return alone, costly

    quiet, _ = phase(0)
    loaded, costly = phase(expensive)
    engine.close()

    def summary(times: list[tuple[float, float]]) -> dict:
        wall, cpu = [t[0] for t in times], [t[1] for t in times]
        return {"n": len(times), "median": statistics.median(wall) if wall else None,
                "p95": _percentile(wall, .95), "max": max(wall, default=None),
                "cpu_median": statistics.median(cpu) if cpu else None}

    return {"ordinary_alone_ms": summary(quiet), "ordinary_loaded_ms": summary(loaded),
            "expensive_ms": {name: summary(v) for name, v in costly.items()}}


def _export(rev: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="search-load-"))
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "index", "search"], cwd=ROOT,
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _child(root: Path, args) -> dict:
    # This harness (from the working tree) with the revision's ``search`` and ``index`` packages.
    code = ("import importlib.util, json, sys; sys.path.insert(0, sys.argv[1]); "
            "spec = importlib.util.spec_from_file_location('search_load', sys.argv[2]); "
            "harness = importlib.util.module_from_spec(spec); spec.loader.exec_module(harness); "
            "import search.engine; "
            "assert search.engine.__file__.startswith(sys.argv[1]), search.engine.__file__; "
            "print(json.dumps(harness.run(sys.argv[3], float(sys.argv[4]), int(sys.argv[5]))))")
    done = subprocess.run([sys.executable, "-c", code, str(root), __file__, str(Path(args.index).resolve()),
                           str(args.seconds), str(args.expensive)], cwd=root, capture_output=True, text=True,
                          check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def _line(label: str, result: dict) -> str:
    alone, loaded = result["ordinary_alone_ms"], result["ordinary_loaded_ms"]
    heavy = "; ".join(f"{name}: median {v['median']:.0f}, max {v['max']:.0f}, CPU {v['cpu_median']:.0f} "
                      f"(n={v['n']})" for name, v in result["expensive_ms"].items())
    return (f"{label}: ordinary alone median {alone['median']:.1f} p95 {alone['p95']:.1f} "
            f"CPU {alone['cpu_median']:.1f} (n={alone['n']}) | under load median {loaded['median']:.1f} "
            f"p95 {loaded['p95']:.1f} CPU {loaded['cpu_median']:.1f} (n={loaded['n']})\n"
            f"    expensive (ms) {heavy}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default="var/index")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase (default 20)")
    parser.add_argument("--expensive", type=int, default=4, help="threads looping expensive queries (4)")
    parser.add_argument("--before", help="git revision to compare with, run in its own process")
    parser.add_argument("--rounds", type=int, default=1, help="alternations with --before (default 1)")
    parser.add_argument("--json", help="write every run's figures to this file")
    args = parser.parse_args()
    runs = []
    roots = [("after", ROOT)] if not args.before else [("before", _export(args.before)), ("after", ROOT)]
    for _ in range(args.rounds if args.before else 1):
        for label, root in roots:
            result = _child(root, args)
            runs.append({"label": label, **result})
            print(_line(label, result), flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
