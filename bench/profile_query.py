"""Before/after CPU time of faceted searches: the engine at a git revision against the working tree's.

    .venv/bin/python -m bench.profile_query --index var/bench/index --before HEAD~1 --rounds 5 [--repeat 4]

Exports git revision ``--before`` into a temporary folder and starts one worker process on it and one on
the working tree, each with the same index open; the benchmark's queries (from
``bench/results/latest.json``) go to the two in turn, so machine noise falls on both alike. Reports each
class's CPU milliseconds per query (``time.process_time`` inside the worker: other processes' load does
not count), p50 and p95, of each query's first run (the words of earlier queries only decoded, as in the
speed benchmark's warm-up pass) and of the timed rounds after it, and checks that both return the same
hits, scores, snippets and facet counts. By default the two workers alternate every search, so each
finds its caches as the other left them (as under load); ``--repeat N`` has a worker run a query N times
in a row each round, every run timed (caches warm, as on a quiet machine). ``--evict MB`` has each worker
write over a buffer of that many megabytes before each search (untimed), so that the search finds nothing
in the CPU's caches: in the speed benchmark the other engines' searches run between two of ours, and a
rare word there costs about twice its CPU time repeated in a loop, spread over every stage of the search
(the interpreter's code and objects as much as the index's arrays).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from bench.speed import percentile

ROOT = Path(__file__).resolve().parent.parent

WORKER = r'''
import json, sys, time
sys.path.insert(0, sys.argv[1])
import numpy as np
from search.engine import open_index

engine = open_index(sys.argv[2])
# Written over before each search when --evict is given: what the search touches is then in no cache.
evict = np.zeros(int(sys.argv[3]) << 20, dtype=np.uint8) if int(sys.argv[3]) else None
for line in sys.stdin:
    text = json.loads(line)
    if evict is not None:
        evict += 1
    started = time.process_time()
    result = engine.search(text)
    ms = (time.process_time() - started) * 1000
    hits = [(h.article, h.passage, h.score, h.snippet, h.question_html) for h in result.hits]
    facets = [(name, [(v.value, v.count) for v in f.values], f.more)
              for name, f in sorted(result.facets.items())]
    print(json.dumps({"ms": ms, "seen": [result.total, hits, facets]}), flush=True)
'''


class Worker:
    """A process searching ``index`` with the engine found in the folder ``root``."""

    def __init__(self, root: Path, index: str, evict_mb: int = 0):
        self.process = subprocess.Popen([sys.executable, "-c", WORKER, str(root), index, str(evict_mb)],
                                        cwd=root,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def search(self, text: str) -> dict:
        self.process.stdin.write(json.dumps(text) + "\n")
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker stopped (exit {self.process.wait()})")
        return json.loads(line)

    def close(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=60)


def export(rev: str) -> Path:
    """The tracked files of git revision ``rev``, in a new temporary folder."""
    folder = Path(tempfile.mkdtemp(prefix="engine-before-"))
    archive = subprocess.run(["git", "archive", "--format=tar", rev, "index", "search"], cwd=ROOT, check=True,
                             capture_output=True).stdout
    tar = folder / "rev.tar"
    tar.write_bytes(archive)
    with tarfile.open(tar) as fh:
        # filter="data" where tarfile has it (Python 3.11.4+; Debian's 3.11.2, which .venv is made from,
        # lacks it); the archive is our own git's output either way.
        fh.extractall(folder, **({"filter": "data"} if hasattr(tarfile, "data_filter") else {}))
    tar.unlink()
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default="var/bench/index")
    parser.add_argument("--before", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per query (default 5)")
    parser.add_argument("--queries", default=str(ROOT / "bench/results/latest.json"))
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of a query in a row by one worker per round, all timed (default 1: the "
                             "workers alternate every search; more keeps a worker's caches warm)")
    parser.add_argument("--evict", type=int, default=0, metavar="MB",
                        help="write over a buffer of MB megabytes before each search, so that the search "
                             "finds none of its memory in the CPU's caches, as in the speed benchmark, where "
                             "other engines' searches run in between (default 0: no eviction; 64 is twice "
                             "the last-level cache of the benchmark machine)")
    args = parser.parse_args()
    index = str(Path(args.index).resolve())
    queries = json.loads(Path(args.queries).read_text())["queries"]
    workers = {"before": Worker(export(args.before), index, args.evict),
               "after": Worker(ROOT, index, args.evict)}
    ms: dict[tuple[str, str], list[float]] = {}
    first: dict[tuple[str, str], list[float]] = {}
    different = []
    try:
        for cls, texts in queries.items():
            for text in texts:
                answers = {name: w.search(text) for name, w in workers.items()}  # warm-up, and compare
                for name, answer in answers.items():
                    first.setdefault((cls, name), []).append(answer["ms"])
                if answers["before"]["seen"] != answers["after"]["seen"]:
                    different.append(text)
                for _ in range(args.rounds):
                    for name, w in workers.items():
                        for _ in range(args.repeat):
                            ms.setdefault((cls, name), []).append(w.search(text)["ms"])
    finally:
        for w in workers.values():
            w.close()
    print(f"CPU ms per query, p50 / p95: first run, then {args.rounds} warm rounds"
          + (f" of {args.repeat} runs in a row" if args.repeat > 1 else "")
          + (f", {args.evict} MB written over before each search" if args.evict else ""))
    print(f"{'class':<14} {'first before':>15} {'first after':>15} {'warm before':>15} {'warm after':>15}")
    for cls in queries:
        cells = [f"{percentile(runs[(cls, name)], 50):.2f} / {percentile(runs[(cls, name)], 95):.2f}"
                 for runs in (first, ms) for name in ("before", "after")]
        print(f"{cls:<14} " + " ".join(f"{cell:>15}" for cell in cells))
    print("identical results on every query" if not different else f"DIFFERENT results: {different}")


if __name__ == "__main__":
    main()
