"""Ranking quality on Cranfield, CISI and Vaswani NPL, through the same search code users get.

    python -m bench.relevance                 # what `make relevance` runs: the library's settings, all three
    python -m bench.relevance --tune          # first the Cranfield/CISI trials those settings come from
    python -m bench.relevance --queries 5 --no-docs --collections cisi    # smoke run

Each collection is written as JSONL (one ``Article`` per document, one intro passage: title → question,
text → answer) and indexed with ``index.build.build(jsonl=…, stop_words=…)``. Every query goes through
``open_index(dir).search(words, match="any")``, paging 100 at a time as a user would (long
natural-language IR queries would match almost nothing under the default "all words"; repeated words
weigh more). MAP and nDCG@10 come from ``ir-measures`` over every judged query, with 1,000 results per
query.

The scores are always those of the library's settings, what users get (stop list ``short``, the word-form
dictionary, the field boosts, BM25F k1/b). Those settings
were chosen on Cranfield and CISI only (the mean of their MAPs); ``--tune`` re-runs the trials, in three
stages (see :func:`tune`): stop list and query form, then one analysis/idf change at a time
(Snowball's stemmer is measured but never chosen: it joins different words), then the BM25F k1/b grid.
NPL is compared with Terrier's published BM25 MAP, 0.2992. Plain Whoosh and SQLite FTS5 are scored on the
same documents and queries for reference.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import math
import re
import shutil
import sys
import time
from pathlib import Path

from bench.baselines import Fts5, QuerySpec, WhooshPlain, query_terms
from bench.ir import DEFAULT_ROOT, LOADERS, Collection, evaluate
from index.analysis import WordTokenizer

TERRIER_BM25_NPL_MAP = 0.2992
TERRIER_K1, TERRIER_B = 1.2, 0.4
"""The reference run's BM25 parameters (Terrier's default k1; c=0.4 given on its command line)."""
RELEVANCE_START, RELEVANCE_END = "<!-- relevance:start -->", "<!-- relevance:end -->"
DEPTH = 1000
"""Results scored per query."""
TUNE_DEPTH = DEPTH
"""Results scored per query while tuning."""
GRID = {"k1": (1.2, 1.6, 2.0), "b": (0.5, 0.75, 0.9), "question_boost": (2.0,)}
"""BM25F settings tried on Cranfield and CISI (stage 3). The question boost is the interview field
weight users get (a collection's title is searched as the question); it is not tuned on these titles."""
MIN_GAIN = 0.001
"""A trial replaces the current choice only if it raises the mean MAP of Cranfield and CISI by more than
this: smaller differences are noise on 301 queries, and each change alters what interview users get."""
BASE_VARIANT = {"stop_words": "short", "query_mode": "any", "any_stop": "short", "qtf": "linear",
                "join_hyphens": True, "stemmer": "forms", "idf": "rsj_plus1",
                "feedback": "rm3-3-40-0.5"}
"""What ships: the 34-word stop list, topics searched with ``match="any"`` (repeated words weigh more,
only the index's own stop words left out of the query: ``search.query.ANY_STOP_WORDS``), the hyphenated
parts' joined form indexed, the word-form dictionary (docs/analysis.md),
idf = log(1 + (N - n + 0.5) / (n + 0.5)), and pseudo-relevance feedback on any-word queries of three or
more words (``search.feedback``: RM3 from the first 3 passages, 40 words, original weight 0.5; written
``rm3-DOCS-TERMS-WEIGHT``, ``none`` for off)."""
STAGE1 = [{"stop_words": "long"}, {"any_stop": "long"}, {"query_mode": "or"}]
"""The long stop list in the index (kept per index, not the default: it makes "first", "show", "find"
unsearchable), any-word queries that leave the long list's words out (``any_stop`` long; the choice
before relevance feedback), and the earlier harness's query form (distinct words joined by OR)."""
STAGE2 = [{"stemmer": "porter2"}, {"stemmer": "porter"}, {"join_hyphens": False}, {"idf": "rsj"},
          {"qtf": "terrier_k3_8"}]
"""Snowball's Porter2 and Whoosh's Porter stemmers (reported, never chosen: they join different words,
docs/analysis.md), no joined form of hyphenated words, Terrier's idf log((N - n + 0.5) / (n + 0.5))
(floored at 1e-6), and Terrier's saturating weight of repeated query words."""
STAGE4 = [{"feedback": f"rm3-{docs}-{terms}-{weight}"}
          for docs in (5, 10) for terms in (10, 20, 30) for weight in (0.5, 0.6, 0.7)]
STAGE4.append({"feedback": "none"})
"""Pseudo-relevance feedback (``search.feedback``) on the stage-3 choice: feedback passages × words kept ×
the original query's weight, and no feedback."""
NOT_SHIPPABLE = {"stemmer": "porter2"}
"""Trials that are measured for comparison but cannot become the choice."""


def write_jsonl(collection: Collection, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as fh:
        for article in collection.articles():
            fh.write(json.dumps(article.to_dict(), ensure_ascii=False) + "\n")


class _NoJoinTokenizer(WordTokenizer):
    """The library's tokenizer without the joined form of hyphenated words (stage-2 trial only)."""

    def __call__(self, value, mode="", **kwargs):
        return super().__call__(value, mode="" if mode == "index" else mode, **kwargs)


STEMMERS = ("forms", "porter", "porter2")
"""Word-form steps for trials: ``forms`` (the shipping word-form dictionary and plural stemmer,
docs/analysis.md), Whoosh's ``porter`` (the earlier default) and Snowball's ``porter2``."""


@contextlib.contextmanager
def _analysis(join_hyphens: bool = True, stemmer: str = "forms"):
    """Index-time analysis variants for trials: patches ``index.schema.text_analyzer`` while building.

    The analyser is pickled into the index, so searches of that index use the variant too.
    """
    from whoosh.analysis import LowercaseFilter, StemFilter, StopFilter
    from whoosh.lang.porter2 import stem as porter2

    from index import analysis, schema

    original = schema.text_analyzer

    def text_analyzer(stem: bool = True, stoplist: str = analysis.DEFAULT_STOP_WORDS):
        tokenizer = WordTokenizer() if join_hyphens else _NoJoinTokenizer()
        chain = (tokenizer | analysis.AcronymFilter() | LowercaseFilter()
                 | StopFilter(stoplist=analysis.stop_list(stoplist), minsize=1, renumber=False))
        if stem:
            chain = chain | (analysis.WordFormFilter() if stemmer == "forms" else
                             StemFilter(cachesize=50000) if stemmer == "porter" else
                             StemFilter(stemfn=porter2, cachesize=50000))
        return chain

    if join_hyphens and stemmer == "forms":
        yield
        return
    schema.text_analyzer = text_analyzer
    try:
        yield
    finally:
        schema.text_analyzer = original


@contextlib.contextmanager
def _ranking_variant(qtf: str = "linear", idf: str = "rsj_plus1", any_stop: str = "short",
                     feedback: str = BASE_VARIANT["feedback"]):
    """Query-side variants for trials: how repeated query words weigh, the idf formula, the stop list
    whose words any-word queries leave out, and the pseudo-relevance feedback (``rm3-DOCS-TERMS-WEIGHT``
    or ``none``)."""
    from whoosh import query as wq

    from search import feedback as fb
    from search import query, scoring

    weight, idf_of, stops = query._weight_repeats, scoring.robertson_idf, query.ANY_STOP_WORDS
    saved = fb.FEEDBACK_DOCS, fb.FEEDBACK_TERMS, fb.ORIGINAL_WEIGHT
    if feedback == "none":
        fb.FEEDBACK_DOCS = 0
    else:
        _, docs, terms, share = feedback.split("-")
        fb.FEEDBACK_DOCS, fb.FEEDBACK_TERMS, fb.ORIGINAL_WEIGHT = int(docs), int(terms), float(share)
    query.ANY_STOP_WORDS = any_stop
    if qtf != "linear":
        def weight_repeats(q):
            if qtf == "none" or not isinstance(q, wq.Or):
                return q.normalize()
            boosts: dict = {}  # term (boost 1) -> its boost at each occurrence, as in search.query
            for sub in q.subqueries:
                sub = sub.normalize()
                parts = [p.with_boost(p.boost * sub.boost) for p in sub.subqueries] \
                    if isinstance(sub, wq.Or) else [sub]
                for part in parts:
                    if part is not wq.NullQuery:
                        boosts.setdefault(part.with_boost(1.0), []).append(part.boost)
            # Terrier's BM25 query-term weight (k3 + 1) qtf / (k3 + qtf), k3 = 8 (1 for a single use).
            return wq.Or([key.with_boost(b[0] * 9 * len(b) / (8 + len(b))) for key, b in boosts.items()],
                         boost=q.boost).normalize()
        query._weight_repeats = weight_repeats
    if idf != "rsj_plus1":
        # Both the numpy scorer and Whoosh's (for phrases) look the function up at each use.
        scoring.robertson_idf = lambda total, df: max(1e-6, math.log((total - df + 0.5) / (df + 0.5)))
    try:
        yield
    finally:
        query._weight_repeats, scoring.robertson_idf, query.ANY_STOP_WORDS = weight, idf_of, stops
        fb.FEEDBACK_DOCS, fb.FEEDBACK_TERMS, fb.ORIGINAL_WEIGHT = saved


def build_index(collection: Collection, work: Path, stop_words: str = "short", join_hyphens: bool = True,
                stemmer: str = "forms") -> Path:
    """Index the collection through the JSONL path with stop list ``stop_words`` (and, for trials, the
    analysis variants of :func:`_analysis`); returns the index folder."""
    from index.build import build

    jsonl = work / f"{collection.name}.jsonl"
    if not jsonl.exists():
        write_jsonl(collection, jsonl)
    tag = f"{stop_words}{'' if join_hyphens else '-nojoin'}{'' if stemmer == 'forms' else '-' + stemmer}"
    index_dir = work / f"index-{collection.name}-{tag}"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    with _analysis(join_hyphens, stemmer):
        report = build(work / "no-corpus", index_dir, jsonl=jsonl, stop_words=stop_words)
    if report.skipped:
        raise RuntimeError(f"{collection.name}: {len(report.skipped)} documents skipped, "
                           f"e.g. {report.skipped[0]}")
    return index_dir


def set_ranking(k1: float, b: float, question_boost: float) -> None:
    """Point the engine's ranking at these BM25F parameters (module constants in ``index.schema``).

    Takes effect for engines opened afterwards; the question boost is the query-time field boost.
    """
    from index import schema
    from search import engine, whoosh_engine

    schema.BM25_K1, schema.BM25_B = k1, b
    # The engines import the constants by value; every module holding a copy gets the new one (before
    # 2026-11-30 only search.engine was set, so the k1/b trials and the reference-parameter NPL run since
    # the engine boundary scored the library's k1/b).
    for module in (engine, whoosh_engine):
        if hasattr(module, "BM25_K1"):
            module.BM25_K1, module.BM25_B = k1, b
    schema.QUESTION_BOOST = question_boost
    schema.FIELD_BOOSTS["question"] = question_boost


def any_words(text: str) -> str:
    """The topic as the earlier harness sent it: distinct content words joined by OR (``--query-mode or``)."""
    from whoosh.analysis import STOP_WORDS

    return " OR ".join(w for w in query_terms(text) if w not in STOP_WORDS and len(w) > 1)


def topic_words(text: str) -> str:
    """The topic's words in order, repeats kept, punctuation dropped (so "?" is not a wildcard)."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


QUERY_MODES = ("any", "or")
"""``any``: the topic's words through ``search(text, match="any")`` (repeats weigh more, stop words are
the index's). ``or``: distinct non-stop words joined by ``OR`` in the default syntax (the earlier harness)."""


def run_ours(index_dir: Path, collection: Collection, depth: int = DEPTH,
             ranking_only: bool = False, query_mode: str = "any") -> dict[str, dict[str, float]]:
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
        query, match = (topic_words(text), "any") if query_mode == "any" else (any_words(text), "all")
        ranking: dict[str, float] = {}
        if ranking_only:
            with engine.session() as state:
                searcher = state.searcher
                q, _ = expand_words(parse(query, searcher.schema, match).query, searcher.reader())
                ranked = top(state.evaluator.rank(q, match), None, depth)
                articles = [searcher.stored_fields(docnum)["article"] for docnum, _score in ranked]
        else:
            articles = []
            for page in range(1, depth // per_page + 1):
                result = engine.search(query, page=page, per_page=per_page, facet_limit=0, match=match)
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


def tune(collections: dict[str, Collection], work: Path, log) -> tuple[dict, list[dict]]:
    """Choose analysis, query mode and BM25F settings on the tuning collections (Cranfield and CISI).

    Three stages, each scored by the mean MAP of the collections given: (1) stop list × query mode
    (:data:`STAGE1`), (2) one analysis or scoring change at a time (:data:`STAGE2`), (3) the k1/b/boost
    :data:`GRID`. Each stage starts from the choice so far and keeps it unless a trial beats it by more
    than :data:`MIN_GAIN`. Returns (the chosen setting, every trial with its stage).
    """
    from index import schema

    indexes: dict[tuple, dict[str, Path]] = {}
    trials: list[dict] = []
    ranking = {"k1": schema.BM25_K1, "b": schema.BM25_B, "question_boost": schema.QUESTION_BOOST}

    def score(stage: str, variant: dict, bm25: dict) -> dict:
        v = {**BASE_VARIANT, **variant}
        key = (v["stop_words"], v["join_hyphens"], v["stemmer"])
        if key not in indexes:
            indexes[key] = {name: build_index(c, work, *key) for name, c in collections.items()}
        set_ranking(**bm25)
        with _ranking_variant(v["qtf"], v["idf"], v["any_stop"], v["feedback"]):
            scores = {name: evaluate(c.qrels, run_ours(indexes[key][name], c, TUNE_DEPTH, ranking_only=True,
                                                       query_mode=v["query_mode"]))
                      for name, c in collections.items()}
        mean_map = round(sum(s["map"] for s in scores.values()) / len(scores), 4)
        trial = {"stage": stage, **v, **bm25, "mean_map": mean_map,
                 **{name: s["map"] for name, s in scores.items()},
                 **{f"{name}_ndcg_10": s["ndcg_10"] for name, s in scores.items()}}
        trials.append(trial)
        log(f"{stage}: {variant} {bm25}: mean MAP {mean_map:.4f}")
        return trial

    def better(trial: dict, best: dict) -> bool:
        shippable = trial["stemmer"] == "forms" and trial["stop_words"] == BASE_VARIANT["stop_words"]
        return shippable and trial["mean_map"] > best["mean_map"] + MIN_GAIN

    best = score("base", {}, ranking)
    for variant in STAGE1:
        trial = score("stage1", variant, ranking)
        if better(trial, best):
            best = trial
    chosen = {k: best[k] for k in BASE_VARIANT}
    for change in STAGE2:
        trial = score("stage2", {**chosen, **change}, ranking)
        if better(trial, best):
            best = trial
    chosen = {k: best[k] for k in BASE_VARIANT}
    for k1, b, boost in itertools.product(GRID["k1"], GRID["b"], GRID["question_boost"]):
        bm25 = {"k1": k1, "b": b, "question_boost": boost}
        trial = best if bm25 == ranking else score("stage3", chosen, bm25)
        if better(trial, best):
            best = trial
    chosen = {k: best[k] for k in BASE_VARIANT}
    bm25 = {k: best[k] for k in ("k1", "b", "question_boost")}
    for change in STAGE4:
        trial = best if {**chosen, **change} == chosen else score("stage4", {**chosen, **change}, bm25)
        if better(trial, best):
            best = trial
    return {k: best[k] for k in (*BASE_VARIANT, "k1", "b", "question_boost")}, trials


def render_markdown(data: dict) -> str:
    s = data["setting"]
    lines = [RELEVANCE_START,
             f"Run: {data['run']['date']}, {data['run']['depth']} results per query, MAP and nDCG@10 from "
             f"ir-measures. Setting: stop list `{s.get('stop_words', 'short')}`, topics sent as "
             + ("`search(words, match=\"any\")`" if s.get("query_mode", "or") == "any" else "`w1 OR w2 OR …`")
             + f" (repeated words: {s.get('qtf', 'linear')}; left out: the `{s.get('any_stop', 'short')}` "
             f"list's words), word forms {s.get('stemmer', 'porter')}, "
             f"hyphenated words' joined form {'indexed' if s.get('join_hyphens', True) else 'not indexed'}; "
             f"BM25F idf {s.get('idf', 'rsj_plus1')}, k1={s['k1']}, b={s['b']}, question (title) boost "
             f"{s['question_boost']}, feedback on any-word queries of 3+ words `{s.get('feedback', 'none')}` "
             "(RM3: passages-words-original weight) — the library's settings, what users get (chosen on "
             "Cranfield and CISI with `--tune`; trials below).",
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
    at_ref = data.get("npl", {}).get("at_reference_parameters")
    if at_ref:
        lines += ["", "For comparison only (not a choice): NPL with the reference run's own "
                  f"k1={at_ref['k1']}, b={at_ref['b']} and the rest of the setting above: "
                  f"MAP {at_ref['map']:.4f}, nDCG@10 {at_ref['ndcg_10']:.4f}."]
    staged = [t for t in data.get("tuning_trials", []) if t.get("stage") in ("base", "stage1", "stage2")]
    grid = [t for t in data.get("tuning_trials", []) if t.get("stage") == "stage3"]
    if staged:
        lines += ["", "Tuning trials on Cranfield and CISI (every trial, with nDCG@10, is in "
                  "`bench/results/relevance.json`; a change is kept only if it beats the choice so far by "
                  f"more than {MIN_GAIN} mean MAP):", "",
                  "| stage | index stop list | query mode | left out of any queries | repeated words "
                  "| joined hyphens | word forms | idf | Cranfield MAP | CISI MAP | mean |",
                  "|---|---|---|---|---|---|---|---|---:|---:|---:|"]
        for t in staged:
            repeats = t["qtf"] if t["query_mode"] == "any" else "dropped"
            left_out = t.get("any_stop", "short") if t["query_mode"] == "any" else "—"
            lines.append(f"| {t['stage']} | {t['stop_words']} | {t['query_mode']} | {left_out} | {repeats} "
                         f"| {'yes' if t['join_hyphens'] else 'no'} | {t['stemmer']} | {t['idf']} "
                         f"| {t.get('cranfield', '')} | {t.get('cisi', '')} | {t['mean_map']} |")
    if grid:
        top = sorted(grid, key=lambda t: -t["mean_map"])[:3]
        lines += ["", f"BM25F grid (stage 3, {len(grid)} more settings of k1 × b × question boost on the "
                  "stage-2 choice); best three: " + "; ".join(
                      f"k1={t['k1']} b={t['b']} boost={t['question_boost']}: {t['mean_map']}" for t in top)
                  + f"; worst: {min(t['mean_map'] for t in grid)}."]
    feedback = [t for t in data.get("tuning_trials", []) if t.get("stage") == "stage4"]
    if feedback:
        top = sorted(feedback, key=lambda t: -t["mean_map"])[:3]
        off = [t for t in feedback if t.get("feedback") == "none"]
        lines += ["", f"Pseudo-relevance feedback (stage 4, {len(feedback)} more settings of feedback "
                  "passages × words × original weight on the stage-3 choice); best three: " + "; ".join(
                      f"{t['feedback']}: {t['mean_map']}" for t in top)
                  + (f"; no feedback: {off[0]['mean_map']}" if off else "") + "."]
    if "judged" in data:
        from bench.judged import render

        lines += ["", render(data["judged"]), "",
                  "The same table alone: `python -m bench.judged evaluate` (README in `bench/judged/`)."]
    lines += ["", RELEVANCE_END]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT, help="the IR collections (../shared/ir)")
    parser.add_argument("--collections", default="cranfield,cisi,npl", help="comma-separated subset")
    parser.add_argument("--queries", type=int, default=0, help="only the first N judged queries (0: all)")
    parser.add_argument("--documents", type=int, default=0,
                        help="with --queries: keep only judged documents plus N others (0: all)")
    parser.add_argument("--tune", action="store_true",
                        help="first run the trials on Cranfield and CISI that the library's settings were "
                             "chosen from (slow), and report them; the scores are always the library's")
    parser.add_argument("--no-tune", action="store_true", help="(the default) no trials")
    parser.add_argument("--question-boost", type=float,
                        help="with --no-tune: the query-time question (title) boost (default: the library's)")
    parser.add_argument("--stop-words", choices=("short", "long"), default="short",
                        help="the stop list of the indexes (default: short, what `interviews build` uses)")
    parser.add_argument("--word-forms", choices=STEMMERS, default="forms",
                        help="for comparison only: index with another word-form step than the shipped "
                             "dictionary (porter: Whoosh's; porter2: Snowball's); not what users get")
    parser.add_argument("--query-mode", choices=QUERY_MODES, default="any",
                        help="with --no-tune: how topics are sent (default: any, the tuned choice)")
    parser.add_argument("--trials-from", type=Path,
                        help="with --no-tune: copy the tuning trials of an earlier results file (provenance)")
    parser.add_argument("--no-baselines", action="store_true", help="skip plain Whoosh and FTS5")
    parser.add_argument("--no-judged", action="store_true",
                        help="skip the judged interview set (bench/judged: ours vs bm25s and tantivy)")
    parser.add_argument("--corpus", type=Path, default=Path("corpus"), help="the judged set's corpus")
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

    from index import schema

    setting = {**BASE_VARIANT, "stop_words": args.stop_words, "query_mode": args.query_mode,
               "stemmer": args.word_forms,
               "k1": schema.BM25_K1, "b": schema.BM25_B,
               "question_boost": args.question_boost or schema.QUESTION_BOOST}
    trials: list[dict] = []
    if args.trials_from:
        trials = json.loads(args.trials_from.read_text(encoding="utf-8")).get("tuning_trials", [])
    judged_set = None
    if not args.no_judged:
        # Before any tuning trial changes the library's settings: the judged set scores what ships.
        from bench import judged

        judged_set = judged.relevance_hook(args.work, args.corpus, log)
    tuning = [n for n in names if n in ("cranfield", "cisi")]
    if args.tune and tuning:
        chosen, trials = tune({n: collections[n] for n in tuning}, args.work, log)
        log(f"chosen on {', '.join(tuning)}: {chosen}")
        if any(chosen[k] != setting[k] for k in chosen if k in setting):
            log(f"the trials prefer {chosen}, not the library's {setting}: change the library "
                "(index/schema.py, search/scoring.py) to publish that")
    set_ranking(setting["k1"], setting["b"], setting["question_boost"])

    data: dict = {"setting": setting}
    if judged_set is not None:
        data["judged"] = judged_set
    for name, collection in collections.items():
        log(f"indexing {name} ({len(collection.documents)} documents) through JSONL")
        index_dir = build_index(collection, args.work, setting["stop_words"], setting["join_hyphens"],
                                setting["stemmer"])
        with _ranking_variant(setting["qtf"], setting["idf"], setting["any_stop"], setting["feedback"]):
            data[name] = evaluate(collection.qrels, run_ours(index_dir, collection,
                                                             query_mode=setting["query_mode"]))
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
        # For comparison only, never a choice: NPL once more with the reference run's own BM25
        # parameters (the rest of the setting unchanged), to split the gap into parameters vs analysis.
        set_ranking(TERRIER_K1, TERRIER_B, setting["question_boost"])
        index_dir = build_index(collections["npl"], args.work, setting["stop_words"], setting["join_hyphens"],
                                setting["stemmer"])
        with _ranking_variant(setting["qtf"], setting["idf"], setting["any_stop"], setting["feedback"]):
            data["npl"]["at_reference_parameters"] = {
                "k1": TERRIER_K1, "b": TERRIER_B,
                **evaluate(collections["npl"].qrels, run_ours(index_dir, collections["npl"],
                                                              query_mode=setting["query_mode"]))}
        set_ranking(setting["k1"], setting["b"], setting["question_boost"])
        log(f"npl at the reference's k1/b: {data['npl']['at_reference_parameters']}")
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
