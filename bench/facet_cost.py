"""CPU time of counting the nine facets over one query's matches: per facet, and both ways of counting.

    .venv/bin/python -m bench.facet_cost --index var/bench1m-index work "work try" "set back"

Runs each query once through the engine to capture its matching passages, then counts every facet over
them (``FacetTable.facet``, limit 10, nothing selected, as a search does) ``--rounds`` times in this
process, a new scope each round (its mask and rest made again, as in a search): the median CPU
milliseconds of all nine and of each. ``--both`` also times the same matches counted without bitmaps
(their cost forced to infinity: first values and later entries only), alternating the two ways, and
checks that both give the same facets.
"""

from __future__ import annotations

import argparse
import statistics
import time

from index import whoosh_columns
from index.facets import FACET_NAMES
from search import facets


def _matches(engine, query: str):
    """The searcher's facet table and the matching passages of ``query`` (captured from its search)."""
    seen = {}
    original = facets.FacetTable.facet

    def facet(table, name, scope, selected, limit):
        seen.setdefault("ids", scope.ids)
        seen["table"] = table
        return original(table, name, scope, selected, limit)

    facets.FacetTable.facet = facet
    try:
        engine.search(query)
    finally:
        facets.FacetTable.facet = original
    return seen["table"], seen["ids"]


def _count(table, ids) -> tuple[float, dict[str, float], list]:
    """(CPU ms of the nine facets, CPU ms of each, the facets) over a new scope of ``ids``."""
    each, found = {}, []
    started = time.process_time()
    scope = table.scope(ids)
    for name in FACET_NAMES:
        begun = time.process_time()
        found.append(table.facet(name, scope, [], 10))
        each[name] = (time.process_time() - begun) * 1000
    return (time.process_time() - started) * 1000, each, found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("queries", nargs="+")
    parser.add_argument("--index", default="var/bench/index")
    parser.add_argument("--rounds", type=int, default=20, help="timed rounds per query (default 20)")
    parser.add_argument("--both", action="store_true", help="also count without bitmaps, alternating")
    args = parser.parse_args()
    from search.engine import open_index

    word_cost = whoosh_columns.WORD_COST
    with open_index(args.index) as engine:
        for query in args.queries:
            table, ids = _matches(engine, query)
            ways = {"bitmaps": word_cost, "no bitmaps": float("inf")} if args.both else {"": word_cost}
            totals = {way: [] for way in ways}
            each = {way: {name: [] for name in FACET_NAMES} for way in ways}
            answers = {}
            for _ in range(args.rounds):
                for way, cost in ways.items():
                    whoosh_columns.WORD_COST = cost
                    try:
                        total, per, answers[way] = _count(table, ids)
                    finally:
                        whoosh_columns.WORD_COST = word_cost
                    totals[way].append(total)
                    for name, ms in per.items():
                        each[way][name].append(ms)
            for way in ways:
                print(f"{query!r} {len(ids):,} matches{' ' + way if way else ''}: nine facets "
                      f"{statistics.median(totals[way]):.2f} ms CPU (" + ", ".join(
                          f"{name} {statistics.median(each[way][name]):.2f}" for name in FACET_NAMES) + ")")
            if args.both and answers["bitmaps"] != answers["no bitmaps"]:
                raise SystemExit(f"{query!r}: the two ways gave different facets")


if __name__ == "__main__":
    main()
