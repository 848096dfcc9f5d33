"""One query on our engine, tantivy and SQLite FTS5 in turn, with the CPU's caches written over before each
search or not: what each engine's search costs when the memory it touches was evicted.

    .venv/bin/python -m bench.evicted --work /work/h-scale/var/bench --query venezuela --rounds 200

Reads the index, ``tantivy/`` and ``fts5.db`` that a ``bench.speed`` run left in ``--work`` (FTS5 opened
read-only: nothing there is written). In the speed benchmark the engines answer each query in turn, so
each search finds the caches as the other engines' searches left them (and ours comes right after FTS5's
previous query, a second of ``GROUP BY`` for a common word); a rare word then costs ours about twice what
it costs repeated in a loop. Here every engine gets the same treatment: two passes of ``--rounds`` rounds
(each engine once per round, in the benchmark's order), the first as they come, the second with a buffer
of ``--evict`` megabytes written over before every search (untimed); ``--alone`` first runs ours alone,
the query repeated. Prints each engine's median wall milliseconds per pass. ``--stages`` adds where our
search's time went, per stage (the engine's functions wrapped with timers for this run; the wrappers' own
cost is in the totals).
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import time
from pathlib import Path

import numpy as np

from bench.baselines import Fts5, QuerySpec, TantivyFaceted


def _timed_stages(spent: dict[str, float]) -> None:
    """Wrap the stages of our engine's search with timers adding wall seconds to ``spent``."""
    import index.whoosh_internals as internals
    import search.facets as facets
    import search.scoring as scoring
    import search.whoosh_engine as engine

    stages = [(engine, "parse", "parse"), (scoring.Evaluator, "rank", "rank"),
              (facets.FacetTable, "facet", "facets"), (engine, "top", "top"),
              (engine.highlight, "query_terms", "marked terms"),
              (internals.StoredFields, "__call__", "stored"),
              (engine.WhooshEngine, "_hit", "hits"), (engine, "_suggest", "did you mean"),
              (engine.SearchRequest, "make", "request"), (engine.WhooshEngine, "_current", "freshness")]
    for owner, name, label in stages:
        function = getattr(owner, name)

        def timed(*args, _function=function, _label=label, **kwargs):
            started = time.perf_counter()
            try:
                return _function(*args, **kwargs)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - started

        static = isinstance(vars(owner).get(name), staticmethod)
        setattr(owner, name, staticmethod(timed) if static else timed)


class _ReadOnlyFts5(Fts5):
    """:class:`bench.baselines.Fts5` opened read-only (the benchmark's database is someone else's)."""

    def open(self) -> None:
        self.db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", default="var/bench", help="a bench.speed work folder (default var/bench)")
    parser.add_argument("--query", default="venezuela", help="one word (default venezuela)")
    parser.add_argument("--rounds", type=int, default=200, help="rounds per pass (default 200)")
    parser.add_argument("--evict", type=int, default=64, metavar="MB",
                        help="megabytes written over before each search in the second pass (default 64: "
                             "twice the benchmark machine's last-level cache)")
    parser.add_argument("--stages", action="store_true", help="also time the stages of our search")
    parser.add_argument("--alone", action="store_true",
                        help="first a pass of our engine alone, the query repeated (caches warm)")
    args = parser.parse_args()
    from search.engine import open_index

    spent: dict[str, float] = {}
    if args.stages:
        _timed_stages(spent)

    work = Path(args.work)
    spec = QuerySpec("word", (args.query,))
    ours = open_index(str(work / "index"))
    tantivy = TantivyFaceted(work / "tantivy")
    tantivy.open()
    fts5 = _ReadOnlyFts5(work / "fts5.db")
    fts5.open()
    systems = {"ours": lambda: ours.search(args.query), "tantivy": lambda: tantivy.search(spec),
               "fts5": lambda: fts5.search(spec)}
    for search in systems.values():  # warm-up: every engine has read what the query needs
        search()
        search()
    buffer = np.zeros(args.evict << 20, dtype=np.uint8)
    passes = [("ours alone, repeated", {"ours": systems["ours"]}, False)] if args.alone else []
    passes += [("in turn", systems, False),
               (f"{args.evict} MB written over before each search", systems, True)]
    for label, searches, evict in passes:
        ms: dict[str, list[float]] = {name: [] for name in searches}
        stages: dict[str, list[float]] = {}
        for _ in range(args.rounds):
            for name, search in searches.items():
                if evict:
                    buffer += 1
                spent.clear()
                started = time.perf_counter()
                search()
                ms[name].append((time.perf_counter() - started) * 1000)
                if name == "ours":
                    for stage, seconds in spent.items():
                        stages.setdefault(stage, []).append(seconds * 1000)
        print(f"{label:<42} " + "  ".join(f"{name} {statistics.median(v):.3f}" for name, v in ms.items()),
              flush=True)
        if stages:
            print("  ours by stage: " + ", ".join(f"{stage} {statistics.median(v):.3f}"
                                                 for stage, v in stages.items()), flush=True)
    ours.close()
    tantivy.close()
    fts5.close()


if __name__ == "__main__":
    main()
