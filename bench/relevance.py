"""Ranking quality on Cranfield, CISI and Vaswani NPL, through the same search code users get.

    python -m bench.relevance                 # what `make relevance` runs: tune, then score all three
    python -m bench.relevance --queries 5 --no-tune --no-docs --collections cisi    # smoke run

Each collection is written as JSONL (one ``Article`` per document, one intro passage: title → question,
text → answer) and indexed with ``index.build.build(jsonl=…)``. Every query goes through
``open_index(dir).search(…)``, paging 100 at a time as a user would, with the topic's words joined by
``OR`` (long natural-language IR queries would match almost nothing under the default "all words"; stop
words are dropped first, as the analyser would, so they do not count against the engine's word limit).
MAP and nDCG@10 come from ``ir-measures`` over every judged query, with 1,000 results per query.

BM25 ``k1``/``b`` and the question (title) boost are tuned on Cranfield and CISI only (the mean of their
MAPs); NPL is scored once with the chosen setting and compared with Terrier's published BM25 MAP, 0.2992.
Plain Whoosh and SQLite FTS5 are scored on the same documents and queries for reference.
"""

from __future__ import annotations

import argparse
import itertools
import json
import shutil
import sys
import time
from pathlib import Path

from bench.baselines import Fts5, QuerySpec, WhooshPlain, query_terms
from bench.ir import DEFAULT_ROOT, LOADERS, Collection, evaluate

TERRIER_BM25_NPL_MAP = 0.2992
RELEVANCE_START, RELEVANCE_END = "<!-- relevance:start -->", "<!-- relevance:end -->"
DEPTH = 1000
"""Results scored per query."""
TUNE_DEPTH = DEPTH
"""Results scored per query while tuning."""
GRID = {"k1": (0.9, 1.2, 1.6), "b": (0.3, 0.5, 0.75), "question_boost": (1.0, 2.0)}
"""Settings tried on Cranfield and CISI."""


def write_jsonl(collection: Collection, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for article in collection.articles():
            fh.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")


def build_index(collection: Collection, work: Path) -> Path:
    """Index the collection through the JSONL path; returns the index folder."""
    from index.build import build

    jsonl = work / f"{collection.name}.jsonl"
    write_jsonl(collection, jsonl)
    index_dir = work / f"index-{collection.name}"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    report = build(work / "no-corpus", index_dir, jsonl=jsonl)
    if report.skipped:
        raise RuntimeError(f"{collection.name}: {len(report.skipped)} documents skipped, "
                           f"e.g. {report.skipped[0]}")
    return index_dir


def set_ranking(k1: float, b: float, question_boost: float) -> None:
    """Point the engine's ranking at these BM25F parameters (module constants in ``index.schema``).

    Takes effect for engines opened afterwards; the question boost is the query-time field boost.
    """
    from index import schema
    from search import engine

    schema.BM25_K1, schema.BM25_B = k1, b
    engine.BM25_K1, engine.BM25_B = k1, b
    schema.QUESTION_BOOST = question_boost
    schema.FIELD_BOOSTS["question"] = question_boost


def any_words(text: str) -> str:
    """The topic as a user's "any of these words" query: content words joined by OR."""
    from whoosh.analysis import STOP_WORDS

    return " OR ".join(w for w in query_terms(text) if w not in STOP_WORDS and len(w) > 1)


def run_ours(index_dir: Path, collection: Collection, depth: int = DEPTH,
             ranking_only: bool = False) -> dict[str, dict[str, float]]:
    """Every judged query through ``SearchEngine.search``, paging until ``depth`` passages.

    ``ranking_only`` (tuning) skips the pages' highlights and facet counts: it parses and ranks with
    the functions ``search()`` itself calls (``parse``, ``expand_words``, the engine's evaluator), so
    the ranking is the same, at a fraction of the cost.
    """
    from search import engine as engine_module
    from search.query import expand_words, parse
    from search.scoring import top

    engine = engine_module.open_index(str(index_dir))
    run: dict[str, dict[str, float]] = {}
    prefix = collection.name + "/"
    per_page = min(depth, 100)
    for qid, text in collection.queries.items():
        if qid not in collection.qrels:
            continue
        query = any_words(text)
        ranking: dict[str, float] = {}
        if ranking_only:
            state = engine._current()
            searcher = state.searcher
            q, _ = expand_words(parse(query, searcher.schema).query, searcher.reader())
            ranked = top(state.evaluator.evaluate(q), None, depth)
            articles = [searcher.stored_fields(docnum)["article"] for docnum, _score in ranked]
        else:
            articles = []
            for page in range(1, depth // per_page + 1):
                result = engine.search(query, page=page, per_page=per_page, facet_limit=0)
                articles += [hit.article for hit in result.hits]
                if page * per_page >= result.total:
                    break
        for article in articles:
            # Scores can tie; a strictly falling pseudo-score keeps the engine's order for trec_eval.
            ranking.setdefault(article.removeprefix(prefix), float(depth - len(ranking)))
        run[qid] = ranking
    engine.close()
    return run


def run_baseline(system, collection: Collection) -> dict[str, dict[str, float]]:
    system.build(collection.articles())
    system.open()
    prefix = collection.name + "/"
    run = {}
    for qid, text in collection.queries.items():
        if qid in collection.qrels:
            spec = QuerySpec("any", query_terms(text))
            run[qid] = {a.removeprefix(prefix): s for a, s in system.ranked(spec, DEPTH)}
    system.close()
    return run


def tune(indexes: dict[str, Path], collections: dict[str, Collection], log) -> tuple[dict, list[dict]]:
    """Grid search on the tuning collections; returns (best setting, every trial)."""
    trials = []
    for k1, b, boost in itertools.product(GRID["k1"], GRID["b"], GRID["question_boost"]):
        set_ranking(k1, b, boost)
        scores = {name: evaluate(collections[name].qrels,
                                 run_ours(indexes[name], collections[name], TUNE_DEPTH, ranking_only=True))
                  for name in indexes}
        mean_map = sum(s["map"] for s in scores.values()) / len(scores)
        trials.append({"k1": k1, "b": b, "question_boost": boost, "mean_map": round(mean_map, 4),
                       **{name: s["map"] for name, s in scores.items()}})
        log(f"k1={k1} b={b} question_boost={boost}: mean MAP {mean_map:.4f}")
    best = max(trials, key=lambda t: t["mean_map"])
    return {k: best[k] for k in ("k1", "b", "question_boost")}, trials


def render_markdown(data: dict) -> str:
    lines = [RELEVANCE_START,
             f"Run: {data['run']['date']}, {data['run']['depth']} results per query, MAP and nDCG@10 from "
             f"ir-measures. Ranking: BM25F (Robertson–Spärck Jones idf) k1={data['setting']['k1']}, "
             f"b={data['setting']['b']}, question (title) boost {data['setting']['question_boost']}"
             + (" (tuned on Cranfield and CISI)." if data["run"]["tuned"] else " (defaults, not tuned)."),
             "",
             "| collection | queries | ours MAP | ours nDCG@10 | plain Whoosh MAP | FTS5 MAP | reference |",
             "|---|---:|---:|---:|---:|---:|---|"]
    for name in ("cranfield", "cisi", "npl"):
        if name not in data:
            continue
        d = data[name]
        ref = f"Terrier BM25 MAP {TERRIER_BM25_NPL_MAP}" if name == "npl" else "tuning set"
        wp = data["baselines"].get("whoosh_plain", {}).get(name, {}).get("map", "")
        ft = data["baselines"].get("fts5", {}).get(name, {}).get("map", "")
        lines.append(f"| {name} | {d['queries']} | **{d['map']:.4f}** | {d['ndcg_10']:.4f} | {wp} | {ft} "
                     f"| {ref} |")
    lines += ["", RELEVANCE_END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the IR collections (../shared/ir)")
    parser.add_argument("--collections", default="cranfield,cisi,npl", help="comma-separated subset")
    parser.add_argument("--queries", type=int, default=0, help="only the first N judged queries (0: all)")
    parser.add_argument("--documents", type=int, default=0,
                        help="with --queries: keep only judged documents plus N others (0: all)")
    parser.add_argument("--no-tune", action="store_true", help="score with the library's current settings")
    parser.add_argument("--question-boost", type=float,
                        help="with --no-tune: the query-time question (title) boost (default: the library's)")
    parser.add_argument("--trials-from", type=Path,
                        help="with --no-tune: copy the tuning trials of an earlier results file (provenance)")
    parser.add_argument("--no-baselines", action="store_true", help="skip plain Whoosh and FTS5")
    parser.add_argument("--work", type=Path, default=Path("var/relevance"), help="scratch folder")
    parser.add_argument("--out", type=Path, default=Path("bench/results/relevance.json"))
    parser.add_argument("--doc", type=Path, default=Path("docs/benchmarks.md"))
    parser.add_argument("--no-docs", action="store_true", help="write only the JSON")
    parser.add_argument("--quiet", action="store_true")
    args = parser.parse_args(argv)
    def log(*parts) -> None:
        if not args.quiet:
            print("relevance:", *parts, file=sys.stderr, flush=True)

    names = [n.strip() for n in args.collections.split(",") if n.strip()]
    unknown = [n for n in names if n not in LOADERS]
    if unknown:
        print(f"bench.relevance: unknown collection(s) {', '.join(unknown)}; known: {', '.join(LOADERS)}",
              file=sys.stderr)
        return 2
    try:
        collections = {n: LOADERS[n](args.root) for n in names}
    except OSError as exc:
        print(f"bench.relevance: cannot read the IR collections under {args.root}: {exc}", file=sys.stderr)
        return 1
    if args.queries:
        collections = {n: c.subset(args.queries, args.documents) for n, c in collections.items()}
    args.work.mkdir(parents=True, exist_ok=True)
    indexes = {}
    for name, collection in collections.items():
        log(f"indexing {name} ({len(collection.documents)} documents) through JSONL")
        indexes[name] = build_index(collection, args.work)

    from index import schema

    setting = {"k1": schema.BM25_K1, "b": schema.BM25_B,
               "question_boost": args.question_boost or schema.QUESTION_BOOST}
    trials: list[dict] = []
    if args.trials_from:
        trials = json.loads(args.trials_from.read_text(encoding="utf-8")).get("tuning_trials", [])
    tuning = [n for n in names if n in ("cranfield", "cisi")]
    if not args.no_tune and tuning:
        setting, trials = tune({n: indexes[n] for n in tuning}, collections, log)
        log(f"chosen on {', '.join(tuning)}: {setting}")
    set_ranking(**setting)

    data: dict = {"setting": setting}
    for name, collection in collections.items():
        data[name] = evaluate(collection.qrels, run_ours(indexes[name], collection))
        log(f"{name}: {data[name]}")
    data["baselines"] = {}
    if not args.no_baselines:
        for label, make in (("whoosh_plain", lambda n: WhooshPlain(args.work / f"whoosh_plain-{n}")),
                            ("fts5", lambda n: Fts5(args.work / f"fts5-{n}.db"))):
            data["baselines"][label] = {}
            for name, collection in collections.items():
                system = make(name)
                if label == "whoosh_plain" and system.folder.exists():
                    shutil.rmtree(system.folder)
                data["baselines"][label][name] = evaluate(collection.qrels, run_baseline(system, collection))
                log(f"{label} {name}: {data['baselines'][label][name]}")
    if "npl" in data:
        data["npl"]["reference_map"] = TERRIER_BM25_NPL_MAP
        data["npl"]["reference"] = "Terrier BM25 (b=0.4), doc/quickstart_experiments.md in terrier-core"
    data["tuning_trials"] = trials
    data["run"] = {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "depth": DEPTH,
                   "tuned": bool(trials), "queries_limit": args.queries or None}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    if not args.no_docs:
        from bench.speed import update_doc

        update_doc(args.doc, render_markdown(data), RELEVANCE_START, RELEVANCE_END)
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
