"""Loaders for the IR test collections in ``../shared/ir`` and scoring with ``ir-measures``.

Each loader returns a :class:`Collection` of documents, queries and graded judgments. Documents become
:class:`index.model.Article` objects with a single intro-like passage (title → question, text → answer), the
shape the JSONL ingestion path indexes, so the harness exercises the same code users get.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from index.model import Article, Passage

DEFAULT_ROOT = Path(__file__).resolve().parent.parent.parent / "shared" / "ir"
"""``../shared/ir`` beside the repository (a fresh clone has ``shared/`` next to it)."""


@dataclass
class Document:
    docid: str
    title: str
    text: str


@dataclass
class Collection:
    name: str
    documents: list[Document]
    queries: dict[str, str]  # query id -> text
    qrels: dict[str, dict[str, int]] = field(default_factory=dict)  # query id -> {docid: grade}

    def articles(self) -> list[Article]:
        """One article per document, id ``<collection>/<docid>``, with one intro passage."""
        return [
            Article(id=f"{self.name}/{d.docid}", path=f"{self.name}/{d.docid}",
                    publication=self.name, format="text",
                    passages=[Passage(number=0, kind="intro", question=d.title, answer=d.text)])
            for d in self.documents
        ]

    def subset(self, queries: int, documents: int = 0) -> Collection:
        """The first ``queries`` judged queries (for a quick smoke run).

        ``documents`` > 0 keeps only the documents judged for those queries plus the first ``documents``
        others; 0 keeps every document.
        """
        keep = [q for q in self.queries if q in self.qrels][:queries]
        docs = self.documents
        if documents:
            judged = {d for q in keep for d in self.qrels[q]}
            others = {d.docid for d in [d for d in docs if d.docid not in judged][:documents]}
            docs = [d for d in docs if d.docid in judged or d.docid in others]
        return Collection(self.name, docs, {q: self.queries[q] for q in keep},
                          {q: self.qrels[q] for q in keep})


def _smart_records(path: Path) -> list[dict[str, str]]:
    """Split a SMART file (``.I id`` then ``.T``/``.A``/``.W``/… sections) into {"I": id, "T": …} dicts."""
    records: list[dict[str, str]] = []
    current: dict[str, list[str]] | None = None
    section = ""
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line = raw.rstrip("\r")
        if line.startswith(".I "):
            current = {"I": [line[3:].strip()]}
            records.append(current)  # type: ignore[arg-type]
            section = ""
        elif re.fullmatch(r"\.[A-Z]", line.strip()) and current is not None:
            section = line.strip()[1]
            current.setdefault(section, [])
        elif current is not None and section:
            current[section].append(line)
    return [{k: " ".join(" ".join(v).split()) for k, v in r.items()} for r in records]  # type: ignore[union-attr]


def load_cranfield(root: Path = DEFAULT_ROOT) -> Collection:
    """Cranfield 1400. The qrels number queries 1..225 by their *position* in ``cran.qry`` (not ``.I``)."""
    folder = Path(root) / "cranfield"
    records = _smart_records(folder / "cran.all.1400")
    docs = [Document(r["I"], r.get("T", ""), r.get("W", "")) for r in records]
    queries = {str(n): r.get("W", "") for n, r in enumerate(_smart_records(folder / "cran.qry"), start=1)}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "cranqrel").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 3:
            # Grade -1 means "no interest": not relevant, and a negative gain would distort nDCG.
            qrels.setdefault(parts[0], {})[parts[1]] = max(0, int(parts[2]))
    return Collection("cranfield", docs, queries, qrels)


def load_cisi(root: Path = DEFAULT_ROOT) -> Collection:
    """CISI: 1,460 documents, 112 queries of which 76 are judged (binary)."""
    folder = Path(root) / "cisi"
    docs = [Document(r["I"], r.get("T", ""), r.get("W", "")) for r in _smart_records(folder / "CISI.ALL")]
    # Some CISI queries carry .T/.A/.B sections too; the information need is in .W (plus .T if any).
    queries = {r["I"]: " ".join(filter(None, [r.get("T", ""), r.get("W", "")]))
               for r in _smart_records(folder / "CISI.QRY")}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "CISI.REL").read_text().splitlines():
        parts = line.split()
        if len(parts) >= 2:
            qrels.setdefault(parts[0], {})[parts[1]] = 1
    return Collection("cisi", docs, queries, qrels)


def load_npl(root: Path = DEFAULT_ROOT) -> Collection:
    """Vaswani NPL: 11,429 TREC documents (no titles), 93 topics, binary TREC qrels."""
    folder = Path(root) / "vaswani_npl"
    text = (folder / "doc-text.trec").read_text(encoding="utf-8", errors="replace")
    docs = [Document(m.group(1), "", " ".join(m.group(2).split()))
            for m in re.finditer(r"<DOC>\s*<DOCNO>\s*(\S+?)\s*</DOCNO>(.*?)</DOC>", text, re.S)]
    topics = (folder / "query-text.trec").read_text(encoding="utf-8", errors="replace")
    queries = {m.group(1): " ".join(m.group(2).split()).lower()
               for m in re.finditer(r"<num>\s*(\S+?)\s*</num>\s*<title>(.*?)</title>", topics, re.S)}
    qrels: dict[str, dict[str, int]] = {}
    for line in (folder / "qrels").read_text().splitlines():
        parts = line.split()
        if len(parts) == 4:
            qrels.setdefault(parts[0], {})[parts[2]] = int(parts[3])
    return Collection("npl", docs, queries, qrels)


LOADERS = {"cranfield": load_cranfield, "cisi": load_cisi, "npl": load_npl}


def evaluate(qrels: dict[str, dict[str, int]], run: dict[str, dict[str, float]]) -> dict[str, float]:
    """MAP and nDCG@10 over every judged query (rounded to 4 places; ``map_exact`` unrounded); a judged
    query with no results scores 0.

    ``run`` maps query id → {docid: score}. Uses ``ir-measures`` (pytrec_eval underneath).
    """
    import ir_measures
    from ir_measures import AP, nDCG

    measures = [AP, nDCG @ 10]
    per_query: dict[str, dict[str, float]] = {q: {"map": 0.0, "ndcg_10": 0.0} for q in qrels}
    names = {AP: "map", nDCG @ 10: "ndcg_10"}
    for metric in ir_measures.iter_calc(measures, qrels, {q: r for q, r in run.items() if r}):
        if metric.query_id in per_query:
            per_query[metric.query_id][names[metric.measure]] = float(metric.value)
    n = max(1, len(per_query))
    mean_ap = sum(v["map"] for v in per_query.values()) / n
    return {
        "map": round(mean_ap, 4),
        "map_exact": mean_ap,  # unrounded: for a choice made on a difference near its bar
        "ndcg_10": round(sum(v["ndcg_10"] for v in per_query.values()) / n, 4),
        "queries": len(per_query),
    }
