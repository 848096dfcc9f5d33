"""Command line for the judged interview set; see ``bench/judged/__init__.py`` and README.md."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bench import judged


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.judged", description=judged.__doc__.split("\n")[0])
    parser.add_argument("command", choices=("pool", "merge", "evaluate", "check"))
    parser.add_argument("sheet_file", nargs="?", type=Path, help="merge: a graded sheet from pool --sheet")
    parser.add_argument("--index", type=Path, default=Path("var/index"),
                        help="our index, built from --corpus as shipped (default var/index: `make index`)")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--work", type=Path, default=Path("var/judged"), help="scratch folder")
    parser.add_argument("--engines", default=",".join(judged.ENGINES), help="comma-separated subset")
    parser.add_argument("--depth", type=int, default=judged.POOL_DEPTH, help="pool: passages per engine")
    parser.add_argument("--queries", default="", help="comma-separated query ids (default: all)")
    parser.add_argument("--sheet", type=Path, help="pool: also write a shuffled grading sheet with the text")
    parser.add_argument("--json", action="store_true", help="evaluate: print JSON")
    parser.add_argument("--per-query", action="store_true", help="evaluate: also nDCG@10 per query")
    args = parser.parse_args(argv)

    try:
        queries = judged.load_queries()
        qrels = judged.load_qrels()
    except (OSError, ValueError) as exc:
        print(f"bench.judged: {exc}", file=sys.stderr)
        return 1
    if args.queries:
        wanted = set(args.queries.split(","))
        queries = [q for q in queries if q.id in wanted]
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    args.work.mkdir(parents=True, exist_ok=True)

    if args.command == "check":
        problems = judged.problems(queries, qrels)
        graded = len(set(qrels) & {q.id for q in queries})
        print("\n".join(problems) or f"ok: {len(queries)} queries ({graded} judged), "
              f"{sum(map(len, qrels.values()))} judgments")
        return 1 if problems else 0
    if args.command == "merge":
        if args.sheet_file is None:
            parser.error("merge needs the graded sheet: python -m bench.judged merge FILE")
        grades, left = judged.read_sheet(args.sheet_file.read_text(encoding="utf-8"))
        if left:
            print(f"bench.judged: {len(left)} passages in {args.sheet_file} have no grade yet "
                  f"(e.g. {left[0]}); nothing merged", file=sys.stderr)
            return 1
        for qid, per in grades.items():
            qrels.setdefault(qid, {}).update(per)
        judged.write_qrels(qrels, order=[q.id for q in judged.load_queries()])
        print(f"merged {sum(map(len, grades.values()))} grades for {len(grades)} queries into {judged.QRELS}")
        return 0
    if args.command == "pool":
        articles = judged.parse_corpus(args.corpus)
        ranked = judged.runs(queries, args.index, args.corpus, args.work, args.depth, engines, articles)
        missing = judged.unjudged(ranked, qrels, args.depth)
        for qid, ids in missing.items():
            for pid in ids:
                print(qid, pid)
        if args.sheet:
            args.sheet.write_text(judged.grading_sheet(missing, queries, articles), encoding="utf-8")
        print(f"{sum(map(len, missing.values()))} unjudged passages in the top {args.depth} of "
              f"{', '.join(engines)} for {len(missing)} of {len(queries)} queries", file=sys.stderr)
        return 0
    data = judged.report(args.index, args.corpus, args.work, engines, queries, per_query=args.per_query)
    if args.json:
        print(json.dumps(data, indent=1))
    else:
        print(judged.render(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
