"""Ranking alone, before and after: ``search/scoring.py`` at a git revision against the working tree's.

    .venv/bin/python -m bench.rank_cost --index var/bench/index --before main --rounds 9 [--only work time]

Loads ``search/scoring.py`` of revision ``--before`` beside the working tree's (both on the working tree's
other modules, so the two must share their imports) and, on one index, one commit and one postings
cache, runs what a search does to rank each query of the benchmark (``bench/results/latest.json``):
``Evaluator.rank`` with ``match="most"`` and the first page's ``top``, with a new evaluator each time
(its postings joined afresh, as in a search). The two alternate query by query, first one then the other,
so machine noise falls on both alike; it prints each query's CPU milliseconds (medians of the rounds)
and checks that both give the same documents, tiers and scores, bit for bit, and the same first page.
:mod:`bench.profile_query` measures whole searches; this is the ranking share of them.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def load_scoring(rev: str):
    """``search/scoring.py`` of git revision ``rev``, as a module of its own."""
    source = subprocess.run(["git", "show", f"{rev}:search/scoring.py"], cwd=ROOT, check=True,
                            capture_output=True, text=True).stdout
    with tempfile.TemporaryDirectory(prefix="scoring-before-") as folder:
        path = Path(folder) / "scoring_before.py"
        path.write_text(source, encoding="utf-8")
        spec = importlib.util.spec_from_file_location("scoring_before", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # the file is read here; nothing loads it again
    return module


def same(a, b) -> bool:
    """Whether two ``Matches`` hold the same documents, tiers and score bits."""
    tiers = (a.tiers is None and b.tiers is None) or \
        (a.tiers is not None and b.tiers is not None and np.array_equal(a.tiers, b.tiers))
    return np.array_equal(a.ids, b.ids) and a.scores.tobytes() == b.scores.tobytes() and tiers


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default="var/bench/index")
    parser.add_argument("--before", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--rounds", type=int, default=9, help="timed rounds per query (default 9)")
    parser.add_argument("--queries", default=str(ROOT / "bench/results/latest.json"))
    parser.add_argument("--only", nargs="*", help="these queries instead of the benchmark's")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from search import scoring as after
    from search.engine import open_index
    from search.query import expand_words, parse
    from search.whoosh_engine import BM25_B, BM25_K1

    before = load_scoring(args.before)
    classes = json.loads(Path(args.queries).read_text())["queries"]
    texts = args.only or [text for texts in classes.values() for text in texts]
    engine = open_index(args.index)
    different = []
    ms: dict[str, dict[str, list[float]]] = {text: {"before": [], "after": []} for text in texts}
    with engine.session() as session:
        commit, searcher = session.commit, session.searcher

        def ranked(module, q):
            evaluator = module.Evaluator(searcher, commit.table.live, engine.postings, BM25_K1, BM25_B,
                                         lengths=commit.lengths)
            found = evaluator.rank(q, "most")
            return found, module.top(found, None, 10)

        queries = {}
        for text in texts:
            queries[text] = expand_words(parse(text, searcher.schema).query, searcher.reader(), None,
                                         stems=commit.stems)[0]
            (a, a_top), (b, b_top) = ranked(before, queries[text]), ranked(after, queries[text])
            if not same(a, b) or a_top != b_top:
                different.append(text)
        for round_ in range(args.rounds):
            for text in texts:
                pair = (("before", before), ("after", after))
                for name, module in pair if round_ % 2 == 0 else pair[::-1]:
                    started = time.process_time()
                    ranked(module, queries[text])
                    ms[text][name].append((time.process_time() - started) * 1000)
    total = {"before": 0.0, "after": 0.0}
    print(f"CPU ms to rank, medians of {args.rounds} rounds")
    for text in texts:
        median = {name: float(np.median(runs)) for name, runs in ms[text].items()}
        for name in total:
            total[name] += median[name]
        print(f"{text:<24} {median['before']:8.3f} -> {median['after']:8.3f}  "
              f"{median['after'] / median['before']:5.2f}x")
    ratio = total["after"] / total["before"]
    print(f"{'sum':<24} {total['before']:8.3f} -> {total['after']:8.3f}  {ratio:5.2f}x")
    print("identical rankings on every query" if not different else f"DIFFERENT rankings: {different}")


if __name__ == "__main__":
    main()
