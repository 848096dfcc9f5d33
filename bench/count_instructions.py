"""Instructions per search, counted by valgrind's cachegrind: a measure the shared machine's load cannot move.

    .venv/bin/python -m bench.count_instructions --index var/bench/index --before 68e021b \
        --queries bench/data/profile_rare_words.json --class rare_word --rounds 40

For the engine at git revision ``--before`` (exported as :mod:`bench.profile_query` does) and the working
tree's, runs a process under ``valgrind --tool=cachegrind`` that opens the index, searches the class's
queries twice (the warm-up), then ``--rounds`` more times, and once more with no rounds after the
warm-up; the difference of the two counts over the rounds' searches is the instructions per search.
``PYTHONHASHSEED`` is fixed so that both runs hash alike. Slow (valgrind runs Python about 50× slower:
about a minute for 560 rare-word searches at 1M passages) but repeatable to about half a percent, where
CPU times on a loaded machine move by more than the change being measured. Instructions are not time:
cache misses are not counted, so a change that touches less memory gains more time than this shows.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.profile_query import ROOT, export

WORKER = r'''
import json, sys
sys.path.insert(0, sys.argv[1])
from search.engine import open_index
engine = open_index(sys.argv[2])
texts = json.loads(open(sys.argv[3]).read())["queries"][sys.argv[4]]
for _ in range(2 + int(sys.argv[5])):
    for text in texts:
        engine.search(text)
'''


def instructions(root: Path, index: str, queries: str, cls: str, rounds: int) -> int:
    """Instructions executed by one worker process (see the module docstring) under cachegrind."""
    with tempfile.TemporaryDirectory(prefix="engine-cg-") as folder:
        out = Path(folder) / "cachegrind.out"
        run = subprocess.run(["valgrind", "--tool=cachegrind", "--cache-sim=no",
                              f"--cachegrind-out-file={out}", sys.executable, "-c", WORKER, str(root),
                              index, queries, cls, str(rounds)],
                             cwd=folder, capture_output=True, text=True,
                             env={**os.environ, "PYTHONHASHSEED": "0"}, check=True)
    found = re.search(r"I\s+refs:\s+([\d,]+)", run.stderr)
    if not found:
        raise RuntimeError(f"no instruction count in valgrind's output:\n{run.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default="var/bench/index")
    parser.add_argument("--before", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--queries", default=str(ROOT / "bench/data/profile_rare_words.json"))
    parser.add_argument("--class", dest="cls", default="rare_word", help="query class (default rare_word)")
    parser.add_argument("--rounds", type=int, default=40, help="counted rounds of the class (default 40)")
    args = parser.parse_args()
    index = str(Path(args.index).resolve())
    queries = str(Path(args.queries).resolve())
    count = len(json.loads(Path(queries).read_text())["queries"][args.cls]) * args.rounds
    per_search = {}
    for name, root in (("before", export(args.before)), ("after", ROOT)):
        spent = instructions(root, index, queries, args.cls, args.rounds) \
            - instructions(root, index, queries, args.cls, 0)
        per_search[name] = spent / count
        print(f"{name:>6}: {per_search[name] / 1e6:.3f} M instructions per search ({count} searches)",
              flush=True)
    print(f"after / before: {per_search['after'] / per_search['before']:.3f}")


if __name__ == "__main__":
    main()
