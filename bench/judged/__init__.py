"""The judged interview query set: realistic needs over ``corpus/``, graded 0/1/2 by reading (README.md here).

    python -m bench.judged evaluate                 # nDCG@10 and MRR for ours and the baselines
    python -m bench.judged pool                     # passages in any engine's top 20 not judged yet
    python -m bench.judged pool --sheet FILE        # the same, shuffled, with their text, for grading
    python -m bench.judged merge FILE               # add the grades filled into a sheet to qrels.txt
    python -m bench.judged check                    # the files are well-formed

Files beside this module: ``queries.yml`` (id, persona, text, narrative), ``qrels.txt`` (TREC:
``query 0 passage grade``; passage ids are ``<article id>#<passage number>``).

Engines (:data:`ENGINES`): ``ours`` is ``open_index(dir).search(text)`` as shipped (the default match,
``search.request.MATCHES[0]``: every word, then most of them),
``ours_any`` the same with ``match="any"``, ``bm25s`` and ``tantivy`` the runners of
:mod:`bench.baselines`, all over the same parsed passages. Unjudged passages count as not relevant; the
report says how much of each engine's top 10 is judged so a stale pool shows.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
QUERIES = HERE / "queries.yml"
QRELS = HERE / "qrels.txt"
ENGINES = ("ours", "ours_any", "bm25s", "tantivy")
POOL_DEPTH = 20
"""Passages per engine and query that the pool takes (and that ``pool`` checks are judged)."""
EVAL_DEPTH = 100
"""Passages per query scored; MRR is 0 when no grade-2 passage is in them."""
GRADES = (0, 1, 2)
HIGHLY_RELEVANT = 2
"""MRR counts the rank of the first passage of this grade (the one answer a user is after)."""


@dataclass(frozen=True)
class Query:
    id: str
    persona: str
    text: str
    narrative: str


def load_queries(path: Path = QUERIES) -> list[Query]:
    """The queries in file order; ValueError names a malformed entry."""
    import yaml

    items = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    queries = []
    for n, item in enumerate(items, start=1):
        try:
            queries.append(Query(str(item["id"]), str(item["persona"]), str(item["text"]),
                                 " ".join(str(item["narrative"]).split())))
        except (KeyError, TypeError) as exc:
            raise ValueError(f"{path.name}: entry {n} lacks {exc}") from exc
    return queries


def load_qrels(path: Path = QRELS) -> dict[str, dict[str, int]]:
    """query id → {passage id: grade}; ValueError names a malformed line."""
    qrels: dict[str, dict[str, int]] = {}
    if not path.exists():
        return qrels
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split()
        if len(parts) != 4 or not parts[3].lstrip("-").isdigit() or int(parts[3]) not in GRADES:
            raise ValueError(f"{path.name}:{n}: expected 'query 0 passage grade(0|1|2)', got {line!r}")
        qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return qrels


def write_qrels(qrels: dict[str, dict[str, int]], path: Path = QRELS,
                order: Iterable[str] | None = None) -> None:
    """Write TREC qrels, queries in ``order`` (default: sorted), passages sorted within a query."""
    ids = list(order) if order is not None else sorted(qrels)
    ids += sorted(set(qrels) - set(ids))
    lines = [f"{q} 0 {pid} {grade}" for q in ids for pid, grade in sorted(qrels.get(q, {}).items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- runs ------------------------------------------------------------------------------------------------

Ranker = Callable[[str, int], list[str]]
"""(query text, depth) → passage ids, best first."""


def parse_corpus(corpus: Path) -> list:
    """Every article of ``corpus`` through our read → split → enrich pipeline (bad files skipped)."""
    from bench.speed import parse_corpus as parse

    return parse(corpus)[0]


DEFAULT_MATCH = "most"
"""What ``search()`` does by default (``search.request.MATCHES[0]``)."""


def ours(index_dir: Path, match: str = DEFAULT_MATCH) -> tuple[Ranker, Callable[[], None]]:
    """Our engine as users get it: ``open_index(index_dir).search(text, match=match)``, paged."""
    from search.engine import MAX_PER_PAGE, open_index

    engine = open_index(str(index_dir))

    def rank(text: str, depth: int) -> list[str]:
        ids: list[str] = []
        page = 1
        while len(ids) < depth:
            result = engine.search(text, page=page, per_page=min(depth, MAX_PER_PAGE), facet_limit=0,
                                   match=match)
            ids += [f"{hit.article}#{hit.passage}" for hit in result.hits]
            if not result.hits or page * result.per_page >= result.total:
                break
            page += 1
        return ids[:depth]

    return rank, engine.close


def baseline(name: str, articles: list, work: Path) -> tuple[Ranker, Callable[[], None]]:
    """bm25s or tantivy (:mod:`bench.baselines`) built over ``articles``."""
    from bench.baselines import Bm25s, Tantivy

    system = Bm25s() if name == "bm25s" else Tantivy(work / "judged-tantivy")
    system.build(articles)
    system.open()
    return (lambda text, depth: [pid for pid, _ in system.ranked_passages(text, depth)]), system.close


def runs(queries: list[Query], index_dir: Path, corpus: Path, work: Path, depth: int,
         engines: Iterable[str] = ENGINES, articles: list | None = None) -> dict[str, dict[str, list[str]]]:
    """engine → query id → its top ``depth`` passage ids. ``index_dir`` must hold ``corpus`` built as
    shipped; ``articles`` (parsed ``corpus``) saves parsing again when the caller has them."""
    out: dict[str, dict[str, list[str]]] = {}
    for name in engines:
        if name in ("ours", "ours_any"):
            rank, close = ours(index_dir, "any" if name == "ours_any" else DEFAULT_MATCH)
        elif name in ("bm25s", "tantivy"):
            if articles is None:
                articles = parse_corpus(corpus)
            rank, close = baseline(name, articles, work)
        else:
            raise ValueError(f"unknown engine {name!r} (known: {', '.join(ENGINES)})")
        try:
            out[name] = {q.id: rank(q.text, depth) for q in queries}
        finally:
            close()
    return out


# --- pooling and scoring ---------------------------------------------------------------------------------

def unjudged(ranked: dict[str, dict[str, list[str]]], qrels: dict[str, dict[str, int]],
             depth: int = POOL_DEPTH) -> dict[str, list[str]]:
    """query id → passages in some engine's top ``depth`` with no grade yet (first-seen order)."""
    out: dict[str, list[str]] = {}
    for per_query in ranked.values():
        for qid, ids in per_query.items():
            missing = out.setdefault(qid, [])
            missing += [p for p in ids[:depth] if p not in qrels.get(qid, {}) and p not in missing]
    return {q: ids for q, ids in out.items() if ids}


def per_query_scores(qrels: dict[str, dict[str, int]],
                     ranked: dict[str, list[str]]) -> dict[str, dict[str, float]]:
    """query id → its nDCG@10 (``ndcg_10``, gains 0/1/2), reciprocal rank of the first grade-2 passage
    (``mrr``) and judged@10 (``judged_10``), for every judged query; a query an engine returns nothing
    for scores 0. Uses ``ir-measures`` (pytrec_eval underneath)."""
    import ir_measures
    from ir_measures import RR, Judged, nDCG

    measures = {nDCG @ 10: "ndcg_10", RR(rel=HIGHLY_RELEVANT): "mrr", Judged @ 10: "judged_10"}
    per_query = {q: dict.fromkeys(measures.values(), 0.0) for q in qrels}
    # Strictly falling pseudo-scores keep each engine's own order (ties would be re-sorted by id).
    run = {q: {pid: float(len(ids) - i) for i, pid in enumerate(ids)} for q, ids in ranked.items() if ids}
    for metric in ir_measures.iter_calc(list(measures), qrels, run):
        if metric.query_id in per_query:
            per_query[metric.query_id][measures[metric.measure]] = float(metric.value)
    return per_query


def evaluate(qrels: dict[str, dict[str, int]], ranked: dict[str, list[str]]) -> dict[str, float]:
    """Mean nDCG@10 (gains 0/1/2), MRR (first grade-2 passage) and judged@10 over every judged query
    (:func:`per_query_scores`), and ``queries``, their count."""
    return _means(per_query_scores(qrels, ranked))


def _means(per_query: dict[str, dict[str, float]]) -> dict[str, float]:
    """:func:`evaluate`'s figures from :func:`per_query_scores`'s."""
    n = max(1, len(per_query))
    scores: dict[str, float] = {name: round(sum(v[name] for v in per_query.values()) / n, 4)
                                for name in ("ndcg_10", "mrr", "judged_10")}
    scores["queries"] = len(per_query)
    return scores


def report(index_dir: Path, corpus: Path, work: Path, engines: Iterable[str] = ENGINES,
           queries: list[Query] | None = None, articles: list | None = None,
           per_query: bool = False) -> dict:
    """Score every engine on the judged queries (those with grades in ``qrels.txt``):
    {"engines": {name: scores}, "queries", "unjudged_queries", "grades", "pool"}; with ``per_query``
    also "per_query": {query id: {"text", name: nDCG@10, …}}."""
    queries = queries if queries is not None else load_queries()
    qrels = load_qrels()
    judged = [q for q in queries if q.id in qrels]
    qrels = {q.id: qrels[q.id] for q in judged}
    ranked = runs(judged, index_dir, corpus, work, EVAL_DEPTH, engines, articles)
    grades = Counter(g for per in qrels.values() for g in per.values())
    scores = {name: per_query_scores(qrels, per) for name, per in ranked.items()}
    extra = {}
    if per_query:
        extra["per_query"] = {q.id: {"text": q.text, **{name: round(scores[name][q.id]["ndcg_10"], 4)
                                                        for name in ranked}} for q in judged}
    return {
        "engines": {name: _means(per) for name, per in scores.items()},
        "queries": len(judged),
        "unjudged_queries": [q.id for q in queries if q.id not in qrels],
        "grades": {str(k): grades[k] for k in GRADES},
        "pool": {"depth": POOL_DEPTH, "unjudged": sum(map(len, unjudged(ranked, qrels).values()))},
        **extra,
    }


def relevance_hook(work: Path, corpus: Path = Path("corpus"), log=print) -> dict:
    """What ``make relevance`` adds (called by :mod:`bench.relevance` before it tunes anything, so our
    engine runs with the settings it ships): a fresh index of ``corpus`` in ``work``, then
    :func:`report` for every engine."""
    import shutil

    from index.build import build

    index_dir = Path(work) / "judged-index"
    if index_dir.exists():
        shutil.rmtree(index_dir)
    log(f"judged set: indexing {corpus} as shipped")
    build(corpus, index_dir)
    data = report(index_dir, corpus, Path(work))
    log(f"judged set: {data['engines']}")
    return data


def problems(queries: list[Query], qrels: dict[str, dict[str, int]]) -> list[str]:
    """What is wrong with the set's files (empty when none): duplicate ids, empty texts or narratives,
    judgments of unknown queries or malformed passage ids, judged queries without a grade-2 passage."""
    out = []
    ids = [q.id for q in queries]
    out += [f"query id {i} used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    out += [f"{q.id}: empty text or narrative" for q in queries if not q.text.strip() or not q.narrative]
    out += [f"qrels name unknown query {q}" for q in sorted(set(qrels) - set(ids))]
    out += [f"{q}: malformed passage id {p!r}" for q, per in qrels.items() for p in per
            if not re.fullmatch(r"[^\s#]+#\d+", p)]
    out += [f"{q.id}: no passage graded {HIGHLY_RELEVANT}" for q in queries
            if q.id in qrels and HIGHLY_RELEVANT not in qrels[q.id].values()]
    return out


LABELS = {"ours": "ours (as shipped: all words, then most)", "ours_any": "ours, match=\"any\"",
          "bm25s": "bm25s", "tantivy": "tantivy"}


def render(data: dict) -> str:
    """The report as a Markdown table."""
    g = data["grades"]
    lines = [f"Judged interview set: {data['queries']} queries, {sum(g.values())} judged passages "
             f"(grade 2: {g['2']}, 1: {g['1']}, 0: {g['0']}); {data['pool']['unjudged']} passages in an "
             f"engine's top {data['pool']['depth']} are unjudged (counted as 0)."
             + (f" Not judged yet: {len(data['unjudged_queries'])} queries." if data.get("unjudged_queries")
                else ""), "",
             "| engine | nDCG@10 | MRR (grade 2) | judged@10 |", "|---|---:|---:|---:|"]
    for name, s in data["engines"].items():
        lines.append(f"| {LABELS.get(name, name)} | {s['ndcg_10']:.4f} | {s['mrr']:.4f} "
                     f"| {s['judged_10']:.2f} |")
    if data.get("per_query"):
        lines += ["", render_per_query(data["per_query"], list(data["engines"]))]
    return "\n".join(lines)


def render_per_query(per_query: dict[str, dict], engines: list[str]) -> str:
    """nDCG@10 per query and engine as a Markdown table; with both ``ours`` and ``ours_any``, also the
    mean of the better of the two per query (what a rule choosing between them perfectly would score)."""
    lines = ["| query | " + " | ".join(LABELS.get(e, e) for e in engines) + " | text |",
             "|---|" + "---:|" * len(engines) + "---|"]
    for qid, row in per_query.items():
        lines.append(f"| {qid} | " + " | ".join(f"{row[e]:.3f}" for e in engines) + f" | {row['text']} |")
    if {"ours", "ours_any"} <= set(engines) and per_query:
        rows = per_query.values()
        better = sum(max(r["ours"], r["ours_any"]) for r in rows) / len(per_query)
        wins = [sum(r[a] > r[b] + 0.005 for r in rows)
                for a, b in (("ours_any", "ours"), ("ours", "ours_any"))]
        lines += ["", f"The better of ours and ours (any) per query: mean nDCG@10 {better:.4f}; any-word "
                      f"ahead by more than 0.005 on {wins[0]} queries, the default on {wins[1]}."]
    return "\n".join(lines)


def grading_sheet(missing: dict[str, list[str]], queries: list[Query], articles: list,
                  seed: int = 0, max_chars: int = 1200) -> str:
    """Unjudged passages with their text, grouped by query and shuffled within it, engine names left out
    (so a grader cannot tell who found what). Each passage opens with ``[n] GRADE <query> <passage> ?``
    (``n`` counts from 1 through the sheet); answers longer than ``max_chars`` are cut as
    :func:`_shorten` says."""
    by_id = {a.id: a for a in articles}
    rng = random.Random(seed)
    out = []
    n = 0
    for q in queries:
        ids = list(missing.get(q.id, []))
        if not ids:
            continue
        rng.shuffle(ids)
        out += [f"##### {q.id} [{q.persona}] {q.text}", f"NARRATIVE: {q.narrative}", ""]
        for pid in ids:
            n += 1
            article_id, _, number = pid.rpartition("#")
            article = by_id.get(article_id)
            passage = next((p for p in article.passages if str(p.number) == number), None) \
                if article else None
            if passage is None:
                out += [f"[{n}] GRADE {q.id} {pid} ?", "(passage not in the corpus)", ""]
                continue
            answer = _shorten(" ".join(passage.answer.split()), q.text, max_chars)
            names = ", ".join(passage.answerers or article.interviewees)
            out += [f"[{n}] GRADE {q.id} {pid} ?", f"T: {article.title} | {names}",
                    f"Q: {' '.join(passage.question.split())}", f"A: {answer}", ""]
    return "\n".join(out)


SHEET_LINE = re.compile(r"^\[\d+\] GRADE (\S+) (\S+) (\S+)\s*$", re.M)


def read_sheet(text: str) -> tuple[dict[str, dict[str, int]], list[str]]:
    """The grades filled into a :func:`grading_sheet` (``?`` replaced by 0, 1 or 2):
    (query id → {passage id: grade}, passages still ungraded as ``query passage``)."""
    grades: dict[str, dict[str, int]] = {}
    left = []
    for qid, pid, grade in SHEET_LINE.findall(text):
        if grade.isdigit() and int(grade) in GRADES:
            grades.setdefault(qid, {})[pid] = int(grade)
        else:
            left.append(f"{qid} {pid}")
    return grades, left


def _shorten(text: str, query: str, max_chars: int, around: int = 160) -> str:
    """``text`` if short; else its first ``max_chars`` characters and, from the rest, the stretches
    around words that start like a query word (first five letters), so a long hardware list still shows
    the part a grader needs."""
    if len(text) <= max_chars:
        return text
    head, rest = text[:max_chars], text[max_chars:]
    stems = {w[:5] for w in re.findall(r"\w+", query.lower()) if len(w) > 2}
    stems |= {w.lower() for w in re.findall(r"\b[A-Z]{2}\b", query)}  # acronyms: LA, UK, TV
    spans: list[list[int]] = []
    for m in re.finditer(r"\w+", rest):
        if m.group().lower()[:5] in stems or (len(m.group()) <= 2 and m.group().lower() in stems):
            start, end = max(0, m.start() - around), min(len(rest), m.end() + around)
            if spans and start <= spans[-1][1]:
                spans[-1][1] = end
            else:
                spans.append([start, end])
    parts = [head] + [rest[a:b] for a, b in spans]
    return " […] ".join(parts) + f" [{len(text)} chars in all]"
