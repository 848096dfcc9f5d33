"""The Solr engine: the search protocol of :mod:`search.engine` over a SolrCloud collection.

    engine = open_index("http://127.0.0.1:8983/solr/passages")

A search is parsed exactly as the embedded engine parses it (:func:`search.query.parse`: the same
syntax, fallbacks, limits and warnings); the parsed tree is then written out as a Lucene query whose
words Solr analyses with the configset's analysers, which mirror ours (``solr/configset``). Facets are
Solr's JSON facets, each counted without its own filter (filters are tagged, facets exclude their tag),
and ordered and cut here with the embedded engine's rules; snippets and questions are marked here with
the same highlighter; "did you mean" takes Solr's spelling candidates and picks the correction as the
embedded engine does. More like this is Solr's ``{!mlt}``, which fetches the passage from its shard.

Hits, articles and statistics come back as the same dataclasses (:mod:`search.results`).
"""

from __future__ import annotations

import functools
import json
import re
import threading
import time

from whoosh import query as wq

from index.facets import FACET_NAMES as FACETS
from index.facets import order_values
from index.model import Article, Passage
from index.schema import FIELD_BOOSTS, TEXT_FIELDS, build_schema
from index.solr_store import META_ID, SolrStore, article_key, passage_id
from search import feedback, highlight
from search.engine import IndexNotFound, SearchEngine
from search.query import (
    MAX_EXPANSIONS,
    MAX_FUZZY,
    MAX_FUZZY_CHARS,
    TermSet,
    parse,
    plain_words,
    positive_leaves,
)
from search.results import Facet, FacetValue, Hit, SearchResult
from search.scoring import MOST_FEW, clauses, minimum_should_match
from search.solrclient import SolrClient, SolrError
from search.spelling import best_correction, words_to_correct

SNIPPET_CHARS = highlight.SNIPPET_CHARS
MAX_PER_PAGE = 100
_HIGHLIGHT_FIELDS = ("question", "answer", "title")
_TEXT = ("question", "answer", "title")
_FL = "id,article,number,question,answer,title,date,url,data,names_interviewee,names_publication,score"
_SORTS = {
    # Ties: article and passage order, as the embedded engine breaks them.
    "relevance": "score desc,article asc,number asc",
    "newest": "date desc,article asc,number asc",
    "interviewee": "sort_interviewee asc,article asc,number asc",
}
STATE_TTL = 5.0
"""Seconds the collection's settings (stop list, build times) are trusted before being read again."""


def _filters(request) -> list[tuple[str, object]]:
    """The /select parameters of a request's facet filters (tagged, so each facet's count can drop its
    own)."""
    params: list[tuple[str, object]] = []
    for name, values in request.filters.items():
        params.append((f"fv_{name}", "\x1f".join(values)))
        params.append(("fq", f"{{!terms tag=f_{name} f=facet_{name} separator=$sep v=$fv_{name}}}"))
    if request.filters:
        params.append(("sep", "\x1f"))
    return params


def solr_field(field: str) -> str:
    """The collection's field for a field of the query language (facet text lives in ``names_<facet>``)."""
    return field if field in _TEXT else f"names_{field}"


_SPECIAL = re.compile(r"([^\w])")


def _escape(text: str) -> str:
    """Backslash every character but letters, digits and ``_`` (Lucene syntax; never ``\\u``)."""
    return _SPECIAL.sub(r"\\\1", text)


class SolrEngine(SearchEngine):
    """Searches one SolrCloud collection; thread-safe (the client keeps a connection per thread)."""

    def __init__(self, url: str, client: SolrClient | None = None):
        self.url = url.rstrip("/")
        self.client = client or SolrClient(self.url)
        self.store = SolrStore(self.url, self.client)
        self._lock = threading.Lock()
        self._state: tuple[float, dict, str] | None = None
        # Fails here, not at the first search, as the embedded engine does for a folder without an index.
        try:
            meta, _ = self._settings()
        except SolrError as exc:
            raise IndexNotFound(f"{self.url}: cannot search this Solr collection: {exc}") from exc
        if not meta:
            raise IndexNotFound(f"{self.url}: nothing built into this collection yet; "
                                f"run `interviews build --index {self.url}` first")

    # --- the collection's settings -----------------------------------------------------------------

    def _settings(self) -> tuple[dict, str]:
        """(meta, stop list name), re-read every :data:`STATE_TTL` seconds."""
        with self._lock:
            state = self._state
        if state is not None and time.monotonic() - state[0] < STATE_TTL:
            return state[1], state[2]
        meta = self.store.meta()
        stop_words = (meta.get("analysis") or {}).get("stop_words") or self.store.stop_words()
        with self._lock:
            self._state = (time.monotonic(), meta, stop_words)
        return meta, stop_words

    def _schema(self):
        return _schema_for(self._settings()[1])

    # --- searching ---------------------------------------------------------------------------------

    def execute(self, request) -> SearchResult:
        """Run a cleaned :class:`search.request.SearchRequest` (see ``SearchEngine.search``)."""
        schema = self._schema()
        parsed = parse(request.query, schema, request.match)
        warnings = list(parsed.warnings)
        try:
            answer, parsed, expansions, spell_words, params = self._select(request, parsed, schema, warnings)
        except SolrError as exc:
            if exc.status != 400:
                raise
            # Solr refused the query we wrote (a case the translation gets wrong): plain words instead.
            warnings.append("searched as plain words because the query failed (Solr: "
                            f"{str(exc).splitlines()[0][:120]})")
            parsed = plain_words(request.query, schema, request.match)
            answer, parsed, expansions, spell_words, params = self._select(request, parsed, schema, warnings)
        full = int(answer["response"]["numFound"])
        if request.match == "most" and not parsed.match_all and full < MOST_FEW:
            positive, excluded = clauses(parsed.query)
            if len(positive) >= 2:
                # Few passages have every word: add those with most of them, ranked below (one more
                # request; the Whoosh engine's Evaluator.most, tier for tier).
                answer = self._most(request, parsed, schema, expansions, params, positive, excluded, warnings)
        response = answer["response"]
        counts = answer.get("facets", {})
        result_facets = {}
        for name in FACETS:
            buckets = counts.get(name, {}).get("buckets", [])
            found = {b["val"]: int(b["count"]) for b in buckets}
            for i, value in enumerate(request.filters.get(name, ())):
                found.setdefault(value, int((counts.get(f"{name}__{i}") or {}).get("count", 0)))
            result_facets[name] = facet_from_counts(name, found, list(request.filters.get(name, ())),
                                                    request.limit_for(name), _newest(buckets))
        terms = _highlight_terms(parsed.query, expansions) if not parsed.match_all else {}
        analyzer = schema["answer"].analyzer
        hits = [_hit(doc, terms, analyzer) for doc in response["docs"]]
        suggestion = self._suggest(answer, parsed, spell_words, schema, request.match) \
            if spell_words else None
        result = SearchResult(query=request.query, total=int(response["numFound"]), page=request.page,
                              per_page=request.per_page, hits=hits, facets=result_facets,
                              suggestion=suggestion, warnings=warnings, sort=request.sort)
        if result.total > full:
            result.partial = result.total - full
        return result

    def _select(self, request, parsed, schema, warnings: list[str]):
        """One /select for the page, the facets and the spelling candidates; (answer, the parsed query
        searched, its expansions, the words a correction could replace, the request's parameters)."""
        expansions = _Expansions(self.client)
        if parsed.match_all:
            q = "*:*"
        else:
            try:
                q = _Translator(parsed.cleaned, schema, expansions, warnings).query(parsed.query)
            except Exception as exc:  # noqa: BLE001 - a tree we cannot write out: plain words
                warnings.append(f"searched as plain words because the query failed ({type(exc).__name__})")
                parsed = plain_words(request.query, schema, request.match)
                q = _Translator(parsed.cleaned, schema, expansions, warnings).query(parsed.query)
        matches = None  # with relevance feedback: the query as typed, which decides what is found
        if request.match == "any" and not parsed.match_all:
            ranking = self._feedback(q, parsed.query, schema, request, expansions)
            if ranking is not None:
                q, matches = ranking, q
        params: list[tuple[str, object]] = [
            *expansions.params, ("q", q), ("defType", "lucene"), ("q.op", "OR"), ("sow", "true"),
            ("df", "answer"),
            ("fq", "doc:passage"), ("fl", _FL), ("start", request.offset), ("rows", request.per_page),
            ("sort", _SORTS["newest"] if parsed.match_all and request.sort == "relevance"
             else _SORTS[request.sort]),
            *_filters(request),
        ]
        if matches is not None:
            params.append(("fq", matches))
        facets = {}
        for name in FACETS:
            facets[name] = {"type": "terms", "field": f"facet_{name}", "limit": -1, "mincount": 1,
                            "domain": {"excludeTags": f"f_{name}"}, "facet": NEWEST}
            for i, value in enumerate(request.filters.get(name, ())):
                params.append((f"sv_{name}_{i}", value))
                facets[f"{name}__{i}"] = {"type": "query",
                                          "q": f"{{!term f=facet_{name} v=$sv_{name}_{i}}}",
                                          "domain": {"excludeTags": f"f_{name}"}}
        params.append(("json.facet", json.dumps(facets)))
        spell_words = self._spell_words(parsed) if not parsed.match_all else {}
        if spell_words:
            params += [("spellcheck", "true"),
                       ("spellcheck.q", " ".join(dict.fromkeys(spell_words.values()))),
                       ("spellcheck.extendedResults", "true"), ("spellcheck.count", 20),
                       ("spellcheck.collate", "false")]
        return self.client.form("select", params), parsed, expansions, spell_words, params

    def _feedback(self, q: str, tree, schema, request, expansions: _Expansions) -> str | None:
        """The ranking query of relevance feedback (:mod:`search.feedback`, as the embedded engine's
        ``Evaluator.feedback``) for the written query ``q`` of the parsed ``tree``, or None when it gets
        none. One more /select fetches the first ``FEEDBACK_DOCS`` passages; their words, analysed here
        by the chain the schema mirrors, are searched as exact terms (``{!term}``, no second analysis)."""
        words, typed = feedback.query_words(tree)
        if words < feedback.FEEDBACK_MIN_WORDS or feedback.FEEDBACK_DOCS <= 0:
            return None
        params = [*expansions.params, ("q", q), ("defType", "lucene"), ("q.op", "OR"), ("sow", "true"),
                  ("df", "answer"), ("fq", "doc:passage"), ("fl", "question,answer,score"),
                  ("rows", feedback.FEEDBACK_DOCS), ("sort", _SORTS["relevance"]), *_filters(request)]
        analyzer = schema["answer"].analyzer
        sample = []
        for doc in self.client.form("select", params)["response"]["docs"]:
            text = f"{doc.get('question') or ''}\n{doc.get('answer') or ''}"
            sample.append(([t.text for t in analyzer(text, mode="query")], float(doc.get("score", 0.0))))
        model = feedback.relevance_model(sample)
        if not model:
            return None
        parts = [f"({q})^{feedback.ORIGINAL_WEIGHT / max(1.0, typed):.8f}"]
        for term, share in model.items():
            name = f"fb{len(expansions.params)}"
            expansions.params.append((name, term))
            weight = (1 - feedback.ORIGINAL_WEIGHT) * share
            parts.append("(" + " ".join(f"({{!term f={field} v=${name}}})^{FIELD_BOOSTS[field] * weight:.8f}"
                                        for field in feedback.FEEDBACK_FIELDS) + ")")
        return "(" + " ".join(parts) + ")"

    def _most(self, request, parsed, schema, expansions, first: list, positive, excluded,
              warnings: list[str]) -> dict:
        """The /select of ``match="most"`` when few passages have every word: passages with at least
        :func:`minimum_should_match` of the query's clauses (none of its excluded ones), those with every
        clause first (``tier`` 0) whatever the sort, each marked with its tier."""
        translator = _Translator(parsed.cleaned, schema, expansions, warnings)
        params = [(k, v) for k, v in first if k not in ("q", "sort", "fl")]
        parts = []
        for i, clause in enumerate(positive):
            params.append((f"most{i}", translator.query(clause)))
            parts.append(f"should=$most{i}")
        for i, clause in enumerate(excluded):
            params.append((f"not{i}", translator.query(clause)))
            parts.append(f"must_not=$not{i}")
        params += [p for p in expansions.params if p not in params]
        every = dict(first)["q"]
        sort = _SORTS[request.sort]
        params += [("q", f"{{!bool {' '.join(parts)} mm={minimum_should_match(len(positive))}}}"),
                   ("every", every), ("sort", f"if(exists(query($every)),0,1) asc,{sort}"),
                   ("fl", f"{_FL},tier:if(exists(query($every)),0,1)")]
        return self.client.form("select", params)

    # --- did you mean ------------------------------------------------------------------------------

    @staticmethod
    def _spell_words(parsed) -> dict[tuple[int, int], str]:
        """(start, end) → the typed word, for each word of the query a correction could replace."""
        words = {}
        for leaf in positive_leaves(parsed.query):
            if not isinstance(leaf, wq.Term) or leaf.fieldname not in TEXT_FIELDS:
                continue
            start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
            if start is None or end is None or end - start > MAX_FUZZY_CHARS:
                continue
            words[(start, end)] = parsed.cleaned[start:end]
        return words

    def _suggest(self, answer: dict, parsed, words: dict[tuple[int, int], str], schema,
                 match: str = "all") -> str | None:
        """The query with each word no text field knows replaced by its closest known word (as the
        embedded engine picks it: fewest edits, then most used, then A–Z; the words tried as
        :func:`search.spelling.words_to_correct` chooses)."""
        candidates: dict[str, list[tuple[str, int]]] = {}
        found = answer.get("spellcheck", {}).get("suggestions", [])
        for i in range(0, len(found) - 1, 2):
            word, info = found[i], found[i + 1]
            options = [(s["word"], int(s.get("freq", 0))) if isinstance(s, dict) else (s, 0)
                       for s in info.get("suggestion", [])]
            candidates[str(word).lower()] = options
        if not candidates:
            return None
        unknown = self._unknown_words(list(words.values()), schema)
        fixes = {}
        unknown_spans = [span for span, word in words.items() if word.lower() in unknown]
        for span in words_to_correct(unknown_spans, match, len(words)):
            typed = words[span].lower()
            if not candidates.get(typed):
                continue
            used = dict(candidates[typed])
            best = best_correction(typed, used, used.__getitem__)
            if best is not None:
                fixes[span] = best
        if not fixes:
            return None
        out = parsed.cleaned
        for (start, end), new in sorted(fixes.items(), reverse=True):
            out = out[:start] + new + out[end:]
        return out

    def _unknown_words(self, words: list[str], schema) -> set[str]:
        """The words (lower case) whose analysed form no text field of the collection holds."""
        if not words:
            return set()
        by_field: dict[str, dict[str, str]] = {}
        for word in words:
            for field in TEXT_FIELDS:
                for token in schema[field].analyzer(word, mode="query"):
                    by_field.setdefault(solr_field(field), {})[token.text] = word.lower()
        known: set[str] = set()
        params: list[tuple[str, object]] = [("terms.limit", -1), ("terms.mincount", 1)]
        for field, terms in by_field.items():
            params.append(("terms.fl", field))
            params.append((f"f.{field}.terms.list", ",".join(terms)))
        answer = self.client.form("terms", params)
        for field, listed in answer.get("terms", {}).items():
            for term, count in _pairs(listed):
                if int(count) > 0 and term in by_field.get(field, {}):
                    known.add(by_field[field][term])
        return {w.lower() for w in words} - known

    # --- articles, similar passages, statistics ------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """The whole article (passages in order), or None if the collection does not hold it."""
        key = article_key(article_id)
        answer = self.client.form("select", [
            ("q", "{!term f=_root_ v=$root}"), ("root", key), ("defType", "lucene"), ("rows", 100_000),
            ("fl", "id,doc,meta,number,kind,question,answer,data"), ("sort", "id asc")])
        docs = answer["response"]["docs"]
        parent = next((d for d in docs if d.get("doc") == "article"), None)
        passages = sorted((d for d in docs if d.get("doc") == "passage"), key=lambda d: d.get("number", 0))
        if parent is None or not passages:
            return None
        meta = json.loads(parent.get("meta") or "{}") or {"id": article_id, "path": ""}
        article = Article.from_dict({**meta, "passages": []})
        for doc in passages:
            data = json.loads(doc.get("data") or "{}")
            article.passages.append(Passage(
                number=int(doc.get("number", 0)), kind=doc.get("kind", "qa"),
                question=doc.get("question", ""), answer=doc.get("answer", ""),
                answerers=list(data.get("answerers", [])), start=data.get("start"),
                **{k: list(data.get(k, [])) for k in
                   ("topics", "places", "works", "organizations", "roles", "years")}))
        return article

    def more_like_this(self, article_id: str, passage_number: int, limit: int = 5) -> list[Hit]:
        """Passages of *other* articles most like this one: Solr's ``{!mlt}`` on question and answer
        (the passage's 12 most telling words), across every shard."""
        limit = max(1, min(int(limit), MAX_PER_PAGE))
        try:
            answer = self.client.form("select", [
                ("q", "{!mlt qf=question,answer mintf=1 mindf=1 maxqt=12 minwl=2 v=$doc}"),
                ("doc", passage_id(article_id, passage_number)), ("defType", "lucene"), ("fq", "doc:passage"),
                ("fq", "-{!term f=article v=$article}"), ("article", article_id),
                ("fl", _FL), ("rows", limit), ("debug", "query")])
        except SolrError as exc:
            if exc.status in (400, 404):  # no such passage
                return []
            raise
        # The words {!mlt} chose (one parsed query per shard), for the highlights.
        parsed = str((answer.get("debug") or {}).get("parsedquery", ""))
        keys = set(re.findall(r"(?:question|answer):([^\s()^]+)", parsed))
        schema = self._schema()
        terms = {"answer": keys, "question": keys}
        return [_hit(doc, terms, schema["answer"].analyzer) for doc in answer["response"]["docs"]]

    def stats(self, top: int = 5) -> dict:
        """Passages, articles, build times and each facet's top values (see ``SearchEngine.stats``)."""
        meta, _ = self._settings()
        # Every value, so that ties at the cut are broken A–Z as the embedded engine breaks them; none
        # for top=0 (what /healthz asks, often).
        top = max(0, int(top))
        facets = {name: {"type": "terms", "field": f"facet_{name}", "limit": -1, "mincount": 1,
                         "facet": NEWEST} for name in FACETS} if top else {}
        facets["articles"] = {"type": "query", "q": "doc:article", "domain": {"query": "*:*"}}
        answer = self.client.form("select", [("q", "doc:passage"), ("defType", "lucene"), ("rows", 0),
                                             ("json.facet", json.dumps(facets))])
        counts = answer.get("facets", {})
        return {
            "generation": self.store.generation(),
            "location": self.url,
            "index_dir": self.url,
            "passages": int(answer["response"]["numFound"]),
            "articles": int((counts.get("articles") or {}).get("count", 0)),
            "built": meta.get("created", ""),
            "updated": meta.get("updated", ""),
            "source": meta.get("source", {}),
            "opened": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "facets": {name: [{"value": v.value, "count": v.count} for v in facet_from_counts(
                name, {b["val"]: int(b["count"]) for b in (counts.get(name) or {}).get("buckets", [])}, [],
                top, _newest((counts.get(name) or {}).get("buckets", []))).values] for name in FACETS},
        }

    def close(self) -> None:
        self.client.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --- facets ------------------------------------------------------------------------------------------

NEWEST = {"newest": "max(date)"}
"""Each facet bucket's newest passage (its article's ISO date, a string docValues field): what breaks ties
between equal counts (:func:`index.facets.order_values`)."""


def _newest(buckets: list[dict]) -> dict[str, str]:
    """Value → its bucket's ``newest`` date ("" when the bucket has only undated passages)."""
    return {b["val"]: b.get("newest") or "" for b in buckets}


def facet_from_counts(name: str, counts: dict[str, int], selected: list[str], limit: int | None,
                      newest: dict[str, str] | None = None) -> Facet:
    """The top ``limit`` values (all when None) in :func:`index.facets.order_values`'s order (count, then
    the newest date in ``newest``, then A–Z), plus every selected value even at 0 (the embedded engine's
    rules, ``search.facets.FacetTable.facet``)."""
    newest = newest or {}
    nonzero = order_values([(value, count, newest.get(value, "")) for value, count in counts.items()
                            if count > 0])
    shown = nonzero if limit is None else nonzero[:limit]
    chosen = set(selected)
    values = [FacetValue(value, count, value in chosen) for value, count, _ in shown]
    listed = {v.value for v in values}
    hidden_selected = 0
    for value in selected:
        if value not in listed:
            count = counts.get(value, 0)
            values.append(FacetValue(value, count, True))
            listed.add(value)
            hidden_selected += count > 0
    return Facet(name, values, len(nonzero) - len(shown) - hidden_selected)


# --- hits --------------------------------------------------------------------------------------------

def _hit(doc: dict, terms: dict[str, set[str]], analyzer) -> Hit:
    hit = _plain_hit(doc, terms, analyzer)
    if doc.get("tier"):
        hit.partial = True  # has most, not all, of the words (match="most")
    return hit


def _plain_hit(doc: dict, terms: dict[str, set[str]], analyzer) -> Hit:
    data = json.loads(doc.get("data") or "{}")
    answer, question = doc.get("answer", ""), doc.get("question", "")
    words = terms.get("question", set()) | terms.get("answer", set())
    return Hit(
        article=doc.get("article", ""),
        passage=int(doc.get("number", 0)),
        question=question,
        answer=answer,
        snippet=highlight.mark(answer or question, words, analyzer, SNIPPET_CHARS),
        interviewee=", ".join(data.get("answerers") or []) or ", ".join(doc.get("names_interviewee") or []),
        publication=", ".join(doc.get("names_publication") or []),
        score=round(float(doc.get("score", 0.0)), 4),
        url=doc.get("url", ""),
        title=doc.get("title", ""),
        date=doc.get("date", ""),
        topics=list(data.get("topics", [])),
        question_html=highlight.mark(question, words, analyzer),
    )


def _highlight_terms(q, expansions: _Expansions) -> dict[str, set[str]]:
    terms: dict[str, set[str]] = {}
    for leaf in positive_leaves(q):
        field = getattr(leaf, "fieldname", None)
        if field not in _HIGHLIGHT_FIELDS:
            continue
        if isinstance(leaf, wq.Term):
            found = [leaf.text]
        elif isinstance(leaf, wq.Phrase):
            found = list(leaf.words)
        elif isinstance(leaf, (wq.Prefix, wq.FuzzyTerm)):
            found = expansions.done.get((field, type(leaf).__name__, leaf.text), [])
        elif isinstance(leaf, TermSet):
            found = list(leaf.texts)
        else:
            continue
        terms.setdefault(field, set()).update(t.decode() if isinstance(t, bytes) else t for t in found)
    return terms


# --- the query tree → Lucene syntax --------------------------------------------------------------------

class _Translator:
    """Writes a parsed query (a Whoosh query tree) as a Lucene query string for ``defType=lucene``.

    A word is written as the user typed it (its characters in ``cleaned``) so that Solr analyses it
    with the collection's analyser; a phrase as the quoted text or hyphenated word it came from.
    """

    def __init__(self, cleaned: str, schema, expansions: _Expansions, warnings: list[str]):
        self.cleaned = cleaned
        self.schema = schema
        self.expansions = expansions
        self.warnings = warnings
        self._phrases: dict[tuple[str, tuple[str, ...]], str] | None = None

    def query(self, q) -> str:
        out = self._write(q)
        return out if out else "(-*:*)"

    def _write(self, q) -> str:
        boost = float(getattr(q, "boost", 1.0) or 1.0)
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            return "(-*:*)"
        if isinstance(q, wq.Every):
            return "*:*"
        if isinstance(q, wq.Term):
            return self._boost(f"{solr_field(q.fieldname)}:{self._word(q)}", boost)
        if isinstance(q, wq.Phrase):
            return self._boost(self._phrase(q), boost)
        if isinstance(q, TermSet):
            return self._terms(q.fieldname, list(q.texts), boost)
        if isinstance(q, (wq.Prefix, wq.FuzzyTerm)):
            return self._terms(q.fieldname, self.expansions.expand(q, self.schema, self.warnings), boost)
        if isinstance(q, wq.AndNot):
            return self._boost(f"(+{self._write(q.a)} -{self._write(q.b)})", boost)
        if isinstance(q, wq.Not):
            return self._boost(f"(*:* -{self._write(q.query)})", boost)
        if isinstance(q, wq.Require):
            return self._boost(f"(+{self._write(q.a)} +({self._write(q.b)})^0)", boost)
        if isinstance(q, wq.AndMaybe):
            return self._boost(f"(+{self._write(q.a)} {self._write(q.b)})", boost)
        if isinstance(q, wq.And):
            parts = [p for p in (self._write(c) for c in q.subqueries) if p]
            return self._boost("(" + " ".join("+" + p for p in parts) + ")", boost)
        if isinstance(q, wq.DisjunctionMax):
            # A group of synonyms: Solr's maxscore parser makes the OR of its parts a Lucene
            # DisjunctionMaxQuery (the best part's score plus ``tie`` × the others'), as Whoosh scores it.
            parts = [p for p in (self._write(c) for c in q.subqueries) if p]
            name = f"d{len(self.expansions.params)}"
            self.expansions.params.append((name, "(" + " ".join(parts) + ")"))
            return self._boost(f"({{!maxscore tie={float(q.tiebreak):g} v=${name}}})", boost)
        if isinstance(q, wq.Or):
            parts = [p for p in (self._write(c) for c in q.subqueries) if p]
            return self._boost("(" + " ".join(parts) + ")", boost)
        raise TypeError(f"no Solr form for {type(q).__name__}")

    @staticmethod
    def _boost(clause: str, boost: float) -> str:
        return clause if boost == 1.0 else f"{clause}^{boost:g}"

    def _word(self, term) -> str:
        start, end = getattr(term, "startchar", None), getattr(term, "endchar", None)
        if start is not None and end is not None and 0 <= start < end <= len(self.cleaned):
            word = self.cleaned[start:end]
            analysed = [t.text for t in self.schema[term.fieldname].analyzer(word, mode="query")]
            if term.text in analysed and len(analysed) == 1:
                return _escape(word)
        # No source text (a tree rewritten by the parser): the analysed term, analysed again by Solr.
        return _escape(term.text.decode() if isinstance(term.text, bytes) else term.text)

    def _phrase(self, q) -> str:
        field = solr_field(q.fieldname)
        words = tuple(w.decode() if isinstance(w, bytes) else w for w in q.words)
        source = self._phrase_sources().get((q.fieldname, words))
        slop = f"~{int(q.slop) - 1}" if int(getattr(q, "slop", 1) or 1) > 1 else ""
        text = source if source is not None else " ".join(words)
        return f'{field}:"{_escape_phrase(text)}"{slop}'

    def _phrase_sources(self) -> dict[tuple[str, tuple[str, ...]], str]:
        """(field, analysed words) → the text they came from: quoted passages and hyphenated words."""
        if self._phrases is None:
            self._phrases = {}
            sources = re.findall(r'"([^"]*)"', self.cleaned)
            sources += [w for w in re.findall(r"[\w'’ʼ-]+", self.cleaned) if re.search(r"\w[-'’ʼ]\w", w)]
            for field in self.schema.names():
                analyzer = getattr(self.schema[field], "analyzer", None)
                if analyzer is None or field.startswith(("facet_", "spell_")):
                    continue
                for text in sources:
                    words = tuple(t.text for t in analyzer(text, mode="query"))
                    self._phrases.setdefault((field, words), text)
        return self._phrases

    def _terms(self, field: str, texts: list[str], boost: float) -> str:
        """Exact index terms, one constant score (``boost``): what prefix and fuzzy words become."""
        if not texts:
            return "(-*:*)"
        texts = [t.decode() if isinstance(t, bytes) else t for t in texts]
        name = f"t{len(self.expansions.params)}"
        self.expansions.params.append((name, ",".join(texts)))
        return f"({{!terms f={solr_field(field)} v=${name}}})^={boost:g}"


def _escape_phrase(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


class _Expansions:
    """Prefix and fuzzy words → the index terms they stand for, as the embedded engine expands them:
    the field's own terms that match, plus the analysed forms of the unstemmed words that match (for
    question and answer, whose terms are stems); at most ``MAX_EXPANSIONS``, the most frequent."""

    def __init__(self, client: SolrClient):
        self.client = client
        self.params: list[tuple[str, str]] = []
        self.done: dict[tuple[str, str, str], list[str]] = {}

    def expand(self, leaf, schema, warnings: list[str]) -> list[str]:
        fuzzy = isinstance(leaf, wq.FuzzyTerm)
        key = (leaf.fieldname, type(leaf).__name__, leaf.text)
        if key in self.done:
            return self.done[key]
        field = solr_field(leaf.fieldname)
        spell = f"spell_{leaf.fieldname}" if leaf.fieldname in ("question", "answer") else None
        fields = [field] + ([spell] if spell else [])
        params: list[tuple[str, object]] = [("terms.limit", -1), ("terms.sort", "count")]
        params += [("terms.fl", f) for f in fields]
        text = leaf.text
        if fuzzy:
            maxdist = min(int(leaf.maxdist), MAX_FUZZY)
            prefix = min(max(1, int(getattr(leaf, "prefixlength", 1) or 1)), len(text))
            low, high = max(0, len(text) - maxdist - prefix), len(text) + maxdist - prefix
            params.append(("terms.regex", re.escape(text[:prefix]) + f".{{{low},{high}}}"))
        else:
            params.append(("terms.prefix", text))
        answer = self.client.form("terms", params)
        counts: dict[str, int] = {}
        words: dict[str, int] = {}
        for name, listed in answer.get("terms", {}).items():
            for term, count in _pairs(listed):
                if fuzzy and _levenshtein(text, term) > min(int(leaf.maxdist), MAX_FUZZY):
                    continue
                (counts if name == field else words)[term] = max(int(count), 0)
        if words:
            # The unstemmed words' forms in the field, by the collection's own analyser.
            analysed = self.client.form("analysis/field", {"analysis.fieldname": field,
                                                           "analysis.query": "\n".join(words),
                                                           "analysis.fieldvalue": ""})
            stages = analysed["analysis"]["field_names"][field]["query"]
            for token in stages[-1] if stages else []:
                counts.setdefault(token["text"], 0)
        terms = sorted(counts)
        if len(terms) > MAX_EXPANSIONS:
            warnings.append(f"{text!r} matches {len(terms)} words; searched the {MAX_EXPANSIONS} "
                            f"most frequent")
            terms = sorted(sorted(counts, key=lambda t: (-counts[t], t))[:MAX_EXPANSIONS])
        self.done[key] = terms
        return terms


def _pairs(listed) -> list[tuple[str, int]]:
    """A /terms field answer (a JSON object, or Solr's flat [term, count, …] list) as pairs."""
    if isinstance(listed, dict):
        return list(listed.items())
    return list(zip(listed[::2], listed[1::2], strict=False))


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
        prev = cur
    return prev[-1]


@functools.lru_cache(maxsize=4)
def _schema_for(stop_words: str):
    """The query language's schema (field names, analysers) for a stop list; nothing is opened."""
    return build_schema(stop_words)


__all__ = ["META_ID", "SolrEngine", "facet_from_counts", "solr_field"]
