"""Baselines built from the same parsed passages our index gets, so every figure compares like with like.

* :class:`WhooshPlain` — the straightforward Whoosh a typical user writes: one schema with the
  ``StemmingAnalyzer`` on question and answer, ``KEYWORD`` fields for multi-valued facets, a default
  writer, ``MultifieldParser`` and ``groupedby=FieldFacet(..., allow_overlap=True)`` for facet counts.
* :class:`Fts5` — SQLite FTS5 from the standard library: ``porter unicode61`` tokenizer, ``bm25`` ranking,
  ``snippet()`` for highlights, and facet counts by ``GROUP BY`` over a side table of
  (passage, facet, value) with a covering index, joined with ``CROSS JOIN`` so SQLite drives the count
  from the match set (a plain join lets its planner scan the whole facet table per query).
* :class:`TantivyFaceted` — tantivy (Rust, through tantivy-py) with question and answer analysed like
  :class:`Tantivy` below and every facet a multi-valued ``raw`` fast field; facet counts by one terms
  aggregation per facet over the query (exact: each segment returns every value), highlights by its
  ``SnippetGenerator``.

All three answer the same :class:`QuerySpec` (one per query class) with the top ``limit`` hits highlighted
and counts for every facet; the first two can return a ranked list for the relevance harness.

Two BM25 engines for ranking quality (``pip install -e '.[bench]'``), each with its best analysis and query
form, indexing every passage's question, answer, article title and interviewee names:

* :class:`Bm25s` — bm25s (Lucene's BM25 variant, k1=1.5, b=0.75: its defaults) over one text per passage;
  words of two or more letters, lower-cased, bm25s's English stop words dropped, Snowball English stems
  (PyStemmer). Repeated query words count once per use.
* :class:`Tantivy` — tantivy (Lucene-style BM25, k1=1.2, b=0.75) with the four fields kept apart and our
  engine's field boosts; analyser: simple tokenizer, long tokens (> 40 bytes) dropped, lower-cased, ASCII
  folded, tantivy's English stop words dropped, Snowball English stems. Queries are the user's words
  (operators and punctuation stripped) as a disjunction, a repeated word boosted by its count.

Both return ``(passage id, score)`` best first from :meth:`ranked_passages` (ids ``<article>#<number>``)
and ``(article id, score)`` from :meth:`ranked`, the form the IR collections use.
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
        # Covering: the facet count reads (facet, value) from the index entries of each matching passage.
        db.execute("CREATE INDEX facets_passage ON facets(passage, facet, value)")
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
        # CROSS JOIN fixes the loop order: the FTS5 match is the outer loop, each match probes the index.
        for facet, value, n in db.execute(
                "SELECT f.facet, f.value, count(*) FROM passages CROSS JOIN facets f "
                "ON f.passage = passages.rowid WHERE passages MATCH ? GROUP BY f.facet, f.value", (match,)):
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


class _Ranker:
    """What the BM25 runners share: one passage list, article ids from passage ids."""

    ids: list[str]

    def ranked(self, spec: QuerySpec, limit: int = 1000) -> list[tuple[str, float]]:
        """(article id, score) best first, for the relevance harness (any of ``spec.terms``)."""
        return [(pid.rsplit("#", 1)[0], score)
                for pid, score in self.ranked_passages(" ".join(spec.terms), limit)]

    def ranked_passages(self, text: str, limit: int = 1000) -> list[tuple[str, float]]:
        raise NotImplementedError


def passage_fields(article: Article, passage) -> dict[str, str]:
    """The text a baseline indexes for one passage: question, answer, article title, interviewee names."""
    return {"question": passage.question or "", "answer": passage.answer or "",
            "title": article.title or "", "names": " ".join(passage.answerers or article.interviewees)}


class Bm25s(_Ranker):
    """bm25s over one text per passage (title, names, question, answer), stemmed, English stop words out.

    ``k1``/``b`` default to bm25s's own (1.5, 0.75; ``method`` "lucene"). Held in memory: the index is
    rebuilt by :meth:`build` (a few seconds for the interview corpus).
    """

    _WORD = re.compile(r"(?u)\b\w\w+\b")  # bm25s's own default token pattern

    def __init__(self, k1: float = 1.5, b: float = 0.75, method: str = "lucene"):
        self.k1, self.b, self.method = k1, b, method
        self.model = None
        self.ids: list[str] = []

    def _analyse(self, texts: list[str]) -> list[list[str]]:
        import Stemmer
        from bm25s.stopwords import STOPWORDS_EN

        if not hasattr(self, "_stemmer"):
            self._stemmer, self._stop = Stemmer.Stemmer("english"), frozenset(STOPWORDS_EN)
        return [self._stemmer.stemWords([w for w in self._WORD.findall(t.lower()) if w not in self._stop])
                for t in texts]

    def build(self, articles: Iterable[Article]) -> int:
        """Index every passage; returns the passage count."""
        import bm25s

        texts = []
        self.ids = []
        for article in articles:
            for p in article.passages:
                f = passage_fields(article, p)
                texts.append(" ".join((f["title"], f["names"], f["question"], f["answer"])))
                self.ids.append(f"{article.id}#{p.number}")
        self.model = bm25s.BM25(k1=self.k1, b=self.b, method=self.method)
        self.model.index(self._analyse(texts), show_progress=False)
        return len(self.ids)

    def open(self) -> None:
        """Nothing to open: :meth:`build` leaves the index in memory."""

    def ranked_passages(self, text: str, limit: int = 1000) -> list[tuple[str, float]]:
        """(passage id, score) best first for the words of ``text`` (any of them; repeats kept)."""
        import numpy as np

        vocab = self.model.vocab_dict
        tokens = [vocab[t] for t in self._analyse([text])[0] if t in vocab]
        if not tokens:
            return []
        scores = self.model.get_scores(tokens)
        matched = np.flatnonzero(scores > 0)
        best = matched[np.argsort(-scores[matched], kind="stable")[:limit]]
        return [(self.ids[i], float(scores[i])) for i in best]

    def close(self) -> None:
        self.model = None


class Tantivy(_Ranker):
    """tantivy in ``folder`` (``None``: in memory) with question, answer, title and names as fields.

    ``field_boosts`` default to our engine's (``index.schema.FIELD_BOOSTS``; names take the interviewee's).
    """

    ANALYZER = "en_stop_stem"

    def __init__(self, folder: Path | None = None, field_boosts: dict[str, float] | None = None):
        from index.schema import FIELD_BOOSTS

        self.folder = Path(folder) if folder else None
        self.field_boosts = field_boosts or {
            "question": FIELD_BOOSTS["question"], "answer": FIELD_BOOSTS["answer"],
            "title": FIELD_BOOSTS["title"], "names": FIELD_BOOSTS["interviewee"]}
        self.index = None
        self.searcher = None
        self.ids: list[str] = []

    def _schema(self):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in ("question", "answer", "title", "names"):
            builder.add_text_field(name, tokenizer_name=self.ANALYZER)
        return builder.build()

    def _register(self, index) -> None:
        # Custom analysers are not stored in the index: register on every open.
        from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

        analyzer = (TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(40))
                    .filter(Filter.lowercase()).filter(Filter.ascii_fold())
                    .filter(Filter.stopword("english")).filter(Filter.stemmer("english")).build())
        index.register_tokenizer(self.ANALYZER, analyzer)

    def build(self, articles: Iterable[Article]) -> int:
        """Index every passage with one writer (one thread, 200 MB heap) and one commit; returns the count."""
        import tantivy

        if self.folder is not None:
            if self.folder.exists():
                import shutil

                shutil.rmtree(self.folder)
            self.folder.mkdir(parents=True)
        index = tantivy.Index(self._schema(), path=str(self.folder) if self.folder else None)
        self._register(index)
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        count = 0
        for article in articles:
            for p in article.passages:
                writer.add_document(self._document(article, p))
                count += 1
        writer.commit()
        writer.wait_merging_threads()
        self.index = index
        return count

    def _document(self, article: Article, p):
        """The tantivy document of one passage."""
        import tantivy

        return tantivy.Document(id=f"{article.id}#{p.number}", **passage_fields(article, p))

    def open(self) -> None:
        import tantivy

        if self.index is None:
            self.index = tantivy.Index.open(str(self.folder))
            self._register(self.index)
        self.index.reload()
        self.searcher = self.index.searcher()

    def ranked_passages(self, text: str, limit: int = 1000) -> list[tuple[str, float]]:
        """(passage id, score) best first for the words of ``text`` (any of them; repeats kept)."""
        if self.searcher is None:
            self.open()
        # No query syntax (AND/OR/NOT, colons, ^): the words only, each quoted so none is an operator.
        # The parser keeps one clause per distinct word, so a repeated word carries its count as a boost.
        uses = Counter(re.findall(r"\w+", text.lower()))
        if not uses:
            return []
        terms = " ".join(f'"{w}"' if n == 1 else f'"{w}"^{n}' for w, n in uses.items())
        try:
            query = self.index.parse_query(terms, list(self.field_boosts), field_boosts=self.field_boosts)
        except ValueError:  # every word a stop word
            return []
        hits = self.searcher.search(query, limit).hits
        return [(self.searcher.doc(address)["id"][0], float(score)) for score, address in hits]

    def close(self) -> None:
        self.searcher = None
        self.index = None


class TantivyFaceted(Tantivy):
    """tantivy in ``folder`` answering :class:`QuerySpec` like the others: question and answer searched
    (stored, for snippets), every facet a multi-valued raw fast field counted by a terms aggregation.

    Query forms: a word or AND pair through tantivy's query parser over both fields (conjunction by
    default), a phrase as a :meth:`Query.phrase_query` per field, a field query on that field alone, and a
    prefix as a regular expression over the term dictionary (tantivy's phrase-prefix query stops at 50
    expansions; ours and FTS5 expand every term).
    """

    FIELDS = ("question", "answer")

    def _schema(self):
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("id", stored=True, tokenizer_name="raw")
        for name in self.FIELDS:
            builder.add_text_field(name, stored=True, tokenizer_name=self.ANALYZER)
        for name in FACET_NAMES:
            builder.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
        return builder.build()

    def _document(self, article: Article, p):
        """The tantivy document of one passage: question and answer, and its facet values."""
        import tantivy

        doc = tantivy.Document(id=f"{article.id}#{p.number}", question=p.question or "",
                               answer=p.answer or "")
        for name, values in facet_values(article, p).items():
            for value in values:
                doc.add_text(name, value)
        return doc

    def _words(self, text: str) -> list[str]:
        """``text`` through the index's analyser (lower-cased, folded, stemmed; stop words dropped)."""
        analyzer = getattr(self, "_analyzer", None)
        if analyzer is None:
            from tantivy import Filter, TextAnalyzerBuilder, Tokenizer

            analyzer = self._analyzer = (
                TextAnalyzerBuilder(Tokenizer.simple()).filter(Filter.remove_long(40))
                .filter(Filter.lowercase()).filter(Filter.ascii_fold())
                .filter(Filter.stopword("english")).filter(Filter.stemmer("english")).build())
        return analyzer.analyze(text)

    def _query(self, spec: QuerySpec):
        from tantivy import Occur, Query

        schema = self.index.schema
        fields = (spec.field,) if spec.kind == "field" else self.FIELDS
        if spec.kind == "phrase":
            words = self._words(" ".join(spec.terms))
            return Query.boolean_query([(Occur.Should, Query.phrase_query(schema, f, words)) for f in fields])
        if spec.kind == "prefix":
            pattern = re.escape(spec.terms[0].lower()) + ".*"
            return Query.boolean_query([(Occur.Should, Query.regex_query(schema, f, pattern))
                                        for f in fields])
        text = " ".join(f'"{t}"' for t in spec.terms)
        return self.index.parse_query(text, list(fields), conjunction_by_default=spec.kind != "any")

    def search(self, spec: QuerySpec, limit: int = 10, facet_limit: int = 10) -> BaselineResult:
        """Top ``limit`` hits with snippets of the answer, and the top ``facet_limit`` values per facet."""
        from tantivy import SnippetGenerator

        if self.searcher is None:
            self.open()
        query = self._query(spec)
        found = self.searcher.search(query, limit, count=True)
        snippets = SnippetGenerator.create(self.searcher, query, self.index.schema, "answer")
        hits = []
        for _score, address in found.hits:
            doc = self.searcher.doc(address)
            article, number = doc["id"][0].rsplit("#", 1)
            hits.append((article, int(number), snippets.snippet_from_doc(doc).to_html()))
        # segment_size: every value of every segment, so the merged counts are exact (the default keeps
        # 10 × size per segment and can undercount).
        aggs = self.searcher.aggregate(query, {name: {"terms": {"field": name, "size": facet_limit,
                                                                 "segment_size": 1 << 20}}
                                               for name in FACET_NAMES})
        facets = {name: [(b["key"], b["doc_count"]) for b in aggs.get(name, {}).get("buckets", [])]
                  for name in FACET_NAMES}
        return BaselineResult(found.count, hits, facets)


_TERM = re.compile(r"[a-z0-9]+")


def query_terms(text: str) -> tuple[str, ...]:
    """Lower-cased alphanumeric words of a free-text query, in order, without duplicates."""
    return tuple(dict.fromkeys(_TERM.findall(text.lower())))
