"""Two baselines built from the same parsed passages our index gets, so every figure compares like with like.

* :class:`WhooshPlain` — the straightforward Whoosh a typical user writes: one schema with the
  ``StemmingAnalyzer`` on question and answer, ``KEYWORD`` fields for multi-valued facets, a default
  writer, ``MultifieldParser`` and ``groupedby=FieldFacet(..., allow_overlap=True)`` for facet counts.
* :class:`Fts5` — SQLite FTS5 from the standard library: ``porter unicode61`` tokenizer, ``bm25`` ranking,
  ``snippet()`` for highlights, and facet counts by ``GROUP BY`` over a side table of
  (passage, facet, value).

Both answer the same :class:`QuerySpec` (one per query class) with the top ``limit`` hits highlighted and
counts for every facet, and both can return a ranked list for the relevance harness.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from index.facets import FACET_NAMES, FACETS
from index.model import Article


@dataclass(frozen=True)
class QuerySpec:
    """A query in neutral form; each system renders it in its own syntax.

    ``kind``: "word" (one term), "and" (all terms), "phrase" (terms adjacent, in order), "field" (one term
    in ``field``: "question" or "answer"), "prefix" (``terms[0]`` is a prefix), "any" (any of the terms:
    the relevance harness).
    """

    kind: str
    terms: tuple[str, ...]
    field: str = ""

    def user_syntax(self) -> str:
        """The query as a user types it in our search box (Whoosh-style syntax)."""
        if self.kind == "phrase":
            return '"' + " ".join(self.terms) + '"'
        if self.kind == "field":
            return f"{self.field}:{self.terms[0]}"
        if self.kind == "prefix":
            return self.terms[0] + "*"
        if self.kind == "any":
            return " OR ".join(self.terms)
        return " ".join(self.terms)

    def fts5_syntax(self) -> str:
        quoted = ['"' + t.replace('"', '""') + '"' for t in self.terms]
        if self.kind == "phrase":
            return '"' + " ".join(self.terms) + '"'
        if self.kind == "field":
            return f"{self.field} : {quoted[0]}"
        if self.kind == "prefix":
            return quoted[0] + " *"
        if self.kind == "any":
            return " OR ".join(quoted)
        return " AND ".join(quoted)


@dataclass
class BaselineResult:
    total: int
    hits: list[tuple[str, int, str]]  # (article id, passage number, highlighted snippet)
    facets: dict[str, list[tuple[str, int]]]  # name -> top values with counts, most first


def facet_values(article: Article, passage) -> dict[str, list[str]]:
    """Every facet's values for one passage, the way our schema sees them."""
    return {spec.name: spec.values(article, passage) for spec in FACETS}


def _top(counter: Counter, limit: int) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]


class WhooshPlain:
    """Plain Whoosh in ``folder``: what the docs lead a user to write, with no tuning."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.ix = None
        self.searcher = None

    def build(self, articles: Iterable[Article]) -> int:
        """Index every passage with one default writer and one commit; returns the passage count."""
        from whoosh import fields, index
        from whoosh.analysis import StemmingAnalyzer

        schema = fields.Schema(
            id=fields.ID(stored=True, unique=True),
            article=fields.ID(stored=True),
            passage=fields.STORED,
            question=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
            answer=fields.TEXT(analyzer=StemmingAnalyzer(), stored=True),
            **{name: fields.KEYWORD(stored=True, commas=True) for name in FACET_NAMES},
        )
        self.folder.mkdir(parents=True, exist_ok=True)
        ix = index.create_in(str(self.folder), schema)
        writer = ix.writer()
        count = 0
        for article in articles:
            for p in article.passages:
                facets = facet_values(article, p)
                writer.add_document(
                    id=f"{article.id}#{p.number}", article=article.id, passage=p.number,
                    question=p.question, answer=p.answer,
                    # Commas separate values; a comma inside a value would split it, so swap it out.
                    **{name: ",".join(v.replace(",", " ") for v in vals) for name, vals in facets.items()},
                )
                count += 1
        writer.commit()
        self.ix = ix
        return count

    def open(self) -> None:
        from whoosh import index

        self.ix = index.open_dir(str(self.folder))
        self.searcher = self.ix.searcher()

    def _parse(self, spec: QuerySpec):
        from whoosh import qparser

        if spec.kind == "any":
            parser = qparser.MultifieldParser(["question", "answer"], self.ix.schema, group=qparser.OrGroup)
        else:
            parser = qparser.MultifieldParser(["question", "answer"], self.ix.schema)
        return parser.parse(spec.user_syntax())

    def search(self, spec: QuerySpec, limit: int = 10, facet_limit: int = 10) -> BaselineResult:
        """Top ``limit`` hits with highlighted answers, and the top ``facet_limit`` values of every facet."""
        from whoosh import sorting

        if self.searcher is None:
            self.open()
        groupedby = {name: sorting.FieldFacet(name, allow_overlap=True) for name in FACET_NAMES}
        results = self.searcher.search(self._parse(spec), limit=limit, groupedby=groupedby,
                                       maptype=sorting.Count)
        hits = [(h["article"], h["passage"], h.highlights("answer") or h.highlights("question"))
                for h in results]
        facets = {}
        for name in FACET_NAMES:
            counts = Counter({k: v for k, v in results.groups(name).items() if k is not None})
            facets[name] = _top(counts, facet_limit)
        return BaselineResult(len(results), hits, facets)

    def ranked(self, spec: QuerySpec, limit: int = 1000) -> list[tuple[str, float]]:
        """(article id, score) best first, for the relevance harness."""
        if self.searcher is None:
            self.open()
        return [(h["article"], h.score) for h in self.searcher.search(self._parse(spec), limit=limit)]

    def close(self) -> None:
        if self.searcher is not None:
            self.searcher.close()
            self.searcher = None


class Fts5:
    """SQLite FTS5 in the file ``path`` (porter stemming, bm25, GROUP BY facets)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db: sqlite3.Connection | None = None

    def build(self, articles: Iterable[Article]) -> int:
        """Create the tables and insert every passage in one transaction; returns the passage count."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if self.path.exists():
            self.path.unlink()
        db = sqlite3.connect(self.path)
        db.executescript("""
            CREATE VIRTUAL TABLE passages USING fts5(question, answer, tokenize='porter unicode61');
            CREATE TABLE meta(id INTEGER PRIMARY KEY, article TEXT, passage INTEGER);
            CREATE TABLE facets(passage INTEGER, facet TEXT, value TEXT);
        """)
        count = 0
        rows, facet_rows = [], []
        for article in articles:
            for p in article.passages:
                count += 1
                rows.append((count, p.question, p.answer))
                facet_rows.extend((count, name, v) for name, vals in facet_values(article, p).items()
                                  for v in vals)
                db.execute("INSERT INTO meta VALUES (?, ?, ?)", (count, article.id, p.number))
        db.executemany("INSERT INTO passages(rowid, question, answer) VALUES (?, ?, ?)", rows)
        db.executemany("INSERT INTO facets VALUES (?, ?, ?)", facet_rows)
        db.execute("CREATE INDEX facets_passage ON facets(passage)")
        db.commit()
        db.close()
        return count

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, check_same_thread=False)

    def search(self, spec: QuerySpec, limit: int = 10, facet_limit: int = 10) -> BaselineResult:
        """Top ``limit`` hits with ``snippet()`` highlights, and the top ``facet_limit`` values per facet."""
        if self.db is None:
            self.open()
        match = spec.fts5_syntax()
        db = self.db
        total = db.execute("SELECT count(*) FROM passages WHERE passages MATCH ?", (match,)).fetchone()[0]
        rows = db.execute(
            "SELECT m.article, m.passage, snippet(passages, 1, '<mark>', '</mark>', '…', 32) "
            "FROM passages JOIN meta m ON m.id = passages.rowid "
            "WHERE passages MATCH ? ORDER BY rank LIMIT ?", (match, limit)).fetchall()
        counts: dict[str, Counter] = {name: Counter() for name in FACET_NAMES}
        for facet, value, n in db.execute(
                "SELECT facet, value, count(*) FROM facets WHERE passage IN "
                "(SELECT rowid FROM passages WHERE passages MATCH ?) GROUP BY facet, value", (match,)):
            counts[facet][value] = n
        return BaselineResult(total, [tuple(r) for r in rows],
                              {name: _top(c, facet_limit) for name, c in counts.items()})

    def ranked(self, spec: QuerySpec, limit: int = 1000) -> list[tuple[str, float]]:
        """(article id, score) best first; bm25() is lower-is-better, so the score is negated."""
        if self.db is None:
            self.open()
        rows = self.db.execute(
            "SELECT m.article, bm25(passages) FROM passages JOIN meta m ON m.id = passages.rowid "
            "WHERE passages MATCH ? ORDER BY rank LIMIT ?", (spec.fts5_syntax(), limit)).fetchall()
        return [(a, -s) for a, s in rows]

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None


_TERM = re.compile(r"[a-z0-9]+")


def query_terms(text: str) -> tuple[str, ...]:
    """Lower-cased alphanumeric words of a free-text query, in order, without duplicates."""
    return tuple(dict.fromkeys(_TERM.findall(text.lower())))
