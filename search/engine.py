"""The search library: open an index folder, search it, fetch articles; plain dataclasses out.

    engine = open_index("var/index")
    result = engine.search("stop motion", filters={"publication": ["litang.zone"]})
    for hit in result.hits:
        print(hit.article, hit.passage, hit.snippet)

One :class:`SearchEngine` per process, shared by threads: it keeps one Whoosh searcher and, before each
call, checks cheaply (one small file read and one directory listing) whether a new generation was
switched in or an update committed, reopening or refreshing the searcher when one did.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching import ReadTooFar

from index.build import CURRENT, current_generation, read_meta
from index.facets import FACET_NAMES, PASSAGE_FACETS
from index.model import Article, Passage
from index.schema import BM25_B, BM25_K1, SCHEMA_VERSION, TEXT_FIELDS
from search import highlight
from search.facets import FacetTable
from search.postings import CACHE_MB, PostingsCache
from search.query import MAX_FUZZY_CHARS, expand_words, parse, plain_words, positive_leaves
from search.results import Hit, SearchResult
from search.scoring import BM25, Evaluator, Matches, top

log = logging.getLogger(__name__)

SORTS = ("relevance", "newest", "interviewee")
MAX_PER_PAGE = 100
"""Largest page size; bigger requests are cut (with a warning)."""
MAX_RESULTS_DEPTH = 10_000
"""Deepest result reachable by paging (page × per_page); deeper pages are cut (with a warning)."""
SNIPPET_CHARS = highlight.SNIPPET_CHARS
_HIGHLIGHT_FIELDS = ("question", "answer", "title")


class IndexNotFound(Exception):
    """The folder holds no built index (run ``interviews build``)."""


def _skip_to(self, targetid):
    """``W3LeafMatcher.skip_to`` with a binary search inside the block (same final position).

    Whoosh steps through a block's ids one ``next()`` at a time to reach ``targetid``; intersecting
    and ranking a common word did that about 300,000 times per four searches at 100k passages.
    """
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    block_max_id = self.block_max_id
    if targetid > block_max_id():
        self._skip_to_block(lambda: targetid > block_max_id())
    if self.is_active():
        if self._ids is None:
            self._read_ids()
        # Land on the first id >= targetid, or on the block's last id so the loop below moves on.
        self._i = min(bisect.bisect_left(self._ids, targetid, self._i), self._blocklength - 1)
    while self.is_active() and self.id() < targetid:
        self.next()


W3LeafMatcher.skip_to = _skip_to  # Whoosh is pinned at 2.7.4, whose matcher these attributes are


@dataclass
class _State:
    gen: Path
    ix: object
    searcher: object
    table: FacetTable
    evaluator: Evaluator
    opened: float


def open_index(index_dir: str | Path = "var/index", cache_mb: float = CACHE_MB) -> SearchEngine:
    """Open the index folder's current generation; raises :class:`IndexNotFound` if none was built.

    ``cache_mb`` bounds the decoded postings kept in memory (megabytes, shared by every engine of the
    process that asks for the same size; see :mod:`search.postings`).
    """
    return SearchEngine(index_dir, cache_mb)


_caches: dict[float, PostingsCache] = {}
_caches_lock = threading.Lock()


def _shared_cache(megabytes: float) -> PostingsCache:
    """One cache per size per process: segments are keyed by their unique ids, so engines can share."""
    with _caches_lock:
        if megabytes not in _caches:
            _caches[megabytes] = PostingsCache(megabytes)
        return _caches[megabytes]


class SearchEngine:
    """Searches one index folder; thread-safe; see the module docstring for freshness."""

    def __init__(self, index_dir: str | Path = "var/index", cache_mb: float = CACHE_MB):
        self.index_dir = Path(index_dir)
        self.postings = _shared_cache(cache_mb)
        self._lock = threading.RLock()
        self._state: _State | None = None
        self._current()

    # --- freshness ---------------------------------------------------------------------------------

    def _open(self, gen: Path) -> _State:
        meta = read_meta(gen)
        if meta.get("schema_version", SCHEMA_VERSION) != SCHEMA_VERSION:
            raise IndexNotFound(f"{gen}: index written by another version of the schema; "
                                f"run `interviews build`")
        ix = whoosh_index.open_dir(str(gen))
        return self._state_for(gen, ix, ix.searcher(weighting=BM25(B=BM25_B, K1=BM25_K1)))

    def _state_for(self, gen: Path, ix, searcher) -> _State:
        table = FacetTable(searcher.reader(), str(gen))
        evaluator = Evaluator(searcher, table.live, self.postings, BM25_K1, BM25_B)
        return _State(gen, ix, searcher, table, evaluator, time.time())

    def _current(self) -> _State:
        """The state to search with, reopened or refreshed first if the index changed on disk."""
        with self._lock:
            state = self._state
            # CURRENT still naming the open generation needs no check that it is a whole index (which
            # reads and unpickles its table of contents: a tenth of a rare word's search).
            gen = state.gen if state is not None and _current_name(self.index_dir) == state.gen.name \
                else current_generation(self.index_dir)
            if gen is None:
                if state is not None:
                    return state  # the folder was emptied under us: keep serving what we have
                raise IndexNotFound(f"{self.index_dir}: no index here; run `interviews build` first")
            try:
                if state is None or state.gen != gen:
                    self._state = self._open(gen)
                    if state is not None:
                        # No other thread can be using it: every use holds self._lock.
                        state.searcher.close()
                elif not state.searcher.up_to_date():
                    # refresh() reuses the readers of unchanged segments and closes the others itself.
                    searcher = state.searcher.refresh()
                    self._state = self._state_for(gen, state.ix, searcher)
            except Exception as exc:
                if state is None:
                    raise
                # A generation that cannot be opened (half-deleted, disk trouble) must not stop us
                # serving the one we have; the next call tries again.
                log.warning("keeping %s: cannot open %s: %s", state.gen.name, gen, exc)
                self._state = state
            return self._state

    def close(self) -> None:
        """Release the searcher's files; the engine reopens them if used again."""
        with self._lock:
            if self._state is not None:
                self._state.searcher.close()
                self._state = None

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # --- searching ---------------------------------------------------------------------------------

    def search(self, query: str, filters: dict[str, list[str]] | None = None, page: int = 1,
               per_page: int = 10, sort: str = "relevance", facet_limit: int | None = 10,
               expand: Collection[str] = (), match: str = "all") -> SearchResult:
        """Search passages.

        ``filters`` maps facet names to values: a passage must have one of each facet's values (OR within
        a facet, AND across facets). ``page`` counts from 1; ``per_page`` is at most ``MAX_PER_PAGE``.
        ``sort``: "relevance" (BM25F), "newest" (article date, then article and passage order) or
        "interviewee" (A–Z). Facet counts cover every match: each facet is counted with the *other*
        facets' filters applied but not its own, so the values you could add to a selection keep their
        counts. Each facet lists its top ``facet_limit`` values (all when None, or for facets named in
        ``expand``) plus every selected value, even at count 0; ``Facet.more`` says how many were cut.
        An empty query matches every passage. ``match``: "all" (default: every word must match) or "any"
        (any word; a word repeated in the query weighs that many times; ``search.query.MATCHES``).
        Never raises on user input; problems go to ``warnings``.
        """
        started = time.perf_counter()
        warnings: list[str] = []
        page, per_page = _clamp_paging(page, per_page, warnings)
        if sort not in SORTS:
            warnings.append(f"unknown sort {sort!r}; sorted by relevance (sorts: {', '.join(SORTS)})")
            sort = "relevance"
        selected = _clean_filters(filters, warnings)
        with self._lock:
            state = self._current()
            searcher, table = state.searcher, state.table
            parsed = parse(query, searcher.schema, match)
            parsed.query, expand_warnings = expand_words(parsed.query, searcher.reader())
            warnings[:0] = parsed.warnings + expand_warnings
            masks = {name: table.mask_for(name, values) for name, values in selected.items()}
            allowed = None
            for mask in masks.values():
                allowed = mask.copy() if allowed is None else allowed & mask
            offset = (page - 1) * per_page
            found = None  # every match with its score, for a query with words
            if parsed.match_all:
                matched = table.live.copy()
            else:
                try:
                    found = state.evaluator.evaluate(parsed.query)
                except Exception as exc:  # noqa: BLE001 - a query Whoosh chokes on: retry as plain words
                    warnings.append(f"searched as plain words because the query failed "
                                    f"({type(exc).__name__})")
                    parsed = plain_words(query, searcher.schema, match)
                    found = state.evaluator.evaluate(parsed.query)
                matched = np.zeros(table.size, dtype=bool)
                matched[found.ids] = True
            final = matched if allowed is None else matched & allowed
            total = int(final.sum())
            facets = {}
            for name in FACET_NAMES:
                scope = matched
                for other, mask in masks.items():
                    if other != name:
                        scope = scope & mask
                limit = None if (facet_limit is None or name in expand) else max(0, int(facet_limit))
                facets[name] = table.facet(name, scope, selected.get(name, []), limit)

            if found is not None and sort == "relevance":
                page_docs = top(found, allowed, offset + per_page)[offset:]
            else:
                page_docs = self._page(table, found, final, sort, offset, per_page)
            terms = _highlight_terms(parsed.query, searcher.reader()) if not parsed.match_all else {}
            hits = [self._hit(searcher, docnum, score, terms) for docnum, score in page_docs]
            suggestion = _suggest(searcher, parsed, parsed.cleaned) if not parsed.match_all else None
        return SearchResult(query=query, total=total, page=page, per_page=per_page, hits=hits, facets=facets,
                            suggestion=suggestion, warnings=warnings, sort=sort,
                            elapsed_ms=(time.perf_counter() - started) * 1000)

    def _page(self, table, found: Matches | None, final, sort, offset, per_page):
        """(docnum, score) for the page's hits in a sorted (not relevance-ranked) order."""
        if offset >= int(final.sum()):
            return []
        docs = np.flatnonzero(final)
        if sort == "interviewee":
            keys = (table.numbers[docs], table.article_rank[docs], table.interviewee_rank[docs])
        else:  # newest, and relevance of an empty query
            keys = (table.numbers[docs], table.article_rank[docs], -table.date_rank[docs])
        chosen = docs[np.lexsort(keys)][offset:offset + per_page]
        if found is None or not len(chosen):
            return [(int(d), 0.0) for d in chosen]
        scores = found.scores[np.searchsorted(found.ids, chosen)]  # every chosen document matched
        return [(int(d), float(s)) for d, s in zip(chosen, scores, strict=True)]

    def _hit(self, searcher, docnum: int, score: float, terms: dict[str, set[str]]) -> Hit:
        doc = searcher.stored_fields(docnum)
        analyzer = searcher.schema["answer"].analyzer
        data = doc.get("data") or {}
        answer = doc.get("answer", "")
        question = doc.get("question", "")
        # Highlight any word matched in question or answer, whichever field it was searched in.
        words = terms.get("question", set()) | terms.get("answer", set())
        return Hit(
            article=doc.get("article", ""),
            passage=int(doc.get("number", 0)),
            question=question,
            answer=answer,
            snippet=highlight.mark(answer or question, words, analyzer, SNIPPET_CHARS),
            interviewee=", ".join(data.get("answerers") or []) or _lines(doc.get("interviewee", "")),
            publication=_lines(doc.get("publication", "")),
            score=round(score, 4),
            url=doc.get("url", ""),
            title=doc.get("title", ""),
            date=doc.get("date", ""),
            topics=list(data.get("topics", [])),
            question_html=highlight.mark(question, words, analyzer),
        )

    # --- articles ----------------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """The whole article (passages in order, links, credits, captions), or None if not indexed."""
        with self._lock:
            searcher = self._current().searcher
            docs = sorted(searcher.documents(article=article_id), key=lambda d: d.get("number", 0))
        if not docs:
            return None
        meta = next((d["meta"] for d in docs if d.get("meta")), None) or {"id": article_id, "path": ""}
        article = Article.from_dict({**meta, "passages": []})
        for doc in docs:
            data = doc.get("data") or {}
            article.passages.append(Passage(
                number=int(doc.get("number", 0)), kind=doc.get("kind", "qa"),
                question=doc.get("question", ""), answer=doc.get("answer", ""),
                answerers=list(data.get("answerers", [])), start=data.get("start"),
                **{f.passage_attribute: list(data.get(f.passage_attribute, [])) for f in PASSAGE_FACETS}))
        return article

    def more_like_this(self, article_id: str, passage_number: int, limit: int = 5) -> list[Hit]:
        """Passages of *other* articles most like this one (by its question and answer's key words)."""
        with self._lock:
            state = self._current()
            searcher = state.searcher
            docnum = searcher.document_number(docid=f"{article_id}#{passage_number}")
            if docnum is None:
                return []
            doc = searcher.stored_fields(docnum)
            text = f"{doc.get('question', '')}\n{doc.get('answer', '')}"
            keys = [word for word, _ in searcher.key_terms_from_text("answer", text, numterms=12)]
            if not keys:
                return []
            q = wq.Or([wq.Term(field, word) for word in keys for field in ("question", "answer")])
            results = searcher.search(q, limit=max(1, min(int(limit), MAX_PER_PAGE)),
                                      mask=wq.Term("article", article_id))
            terms = {"answer": set(keys), "question": set(keys)}
            return [self._hit(searcher, d, float(s), terms) for s, d in results.top_n]

    def stats(self, top: int = 5) -> dict:
        """Generation, passage and article counts, last build/update time (UTC ISO) and top facet values."""
        with self._lock:
            state = self._current()
            table = state.table
            meta = read_meta(state.gen)
            live = table.live
            articles = int(np.unique(table.article_rank[live]).size) if live.any() else 0
            facets = {name: [{"value": v.value, "count": v.count}
                             for v in table.facet(name, live, [], top).values]
                      for name in FACET_NAMES}
            return {
                "generation": state.gen.name,
                "index_dir": str(self.index_dir),
                "passages": int(live.sum()),
                "articles": articles,
                "built": meta.get("created", ""),
                "updated": meta.get("updated", ""),
                "source": meta.get("source", {}),
                "opened": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(state.opened)),
                "facets": facets,
            }


# --- helpers -----------------------------------------------------------------------------------------

def _current_name(index_dir: Path) -> str | None:
    try:
        return (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _clamp_paging(page, per_page, warnings: list[str]) -> tuple[int, int]:
    try:
        page = int(page)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        warnings.append(f"page {page!r} is not a number; showing page 1")
        page = 1
    try:
        per_page = int(per_page)
    except (TypeError, ValueError, OverflowError):  # OverflowError: int(float("inf"))
        warnings.append(f"per_page {per_page!r} is not a number; showing 10")
        per_page = 10
    if page < 1:
        warnings.append("page numbers start at 1")
        page = 1
    if per_page < 1:
        warnings.append("per_page must be at least 1")
        per_page = 1
    if per_page > MAX_PER_PAGE:
        warnings.append(f"per_page cut to {MAX_PER_PAGE}")
        per_page = MAX_PER_PAGE
    if page * per_page > MAX_RESULTS_DEPTH:
        last = max(1, MAX_RESULTS_DEPTH // per_page)
        warnings.append(f"only the first {MAX_RESULTS_DEPTH} results can be paged through; "
                        f"showing page {last}")
        page = last
    return page, per_page


def _clean_filters(filters, warnings: list[str]) -> dict[str, list[str]]:
    selected: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if name not in FACET_NAMES:
            warnings.append(f"unknown facet {name!r} ignored (facets: {', '.join(FACET_NAMES)})")
            continue
        if isinstance(values, str) or not isinstance(values, (list, tuple, set, frozenset)):
            values = [values]
        kept = []
        for value in values or []:
            value = re.sub(r"[\s\x1f]+", " ", str(value)).strip()
            if value and value not in kept:
                kept.append(value)
        if kept:
            selected[name] = kept
    return selected


def _lines(value: str) -> str:
    return ", ".join(v for v in (value or "").split("\n") if v)


def _highlight_terms(q, reader) -> dict[str, set[str]]:
    """Index terms (expanded for prefix and fuzzy words) per field that the query matches *for*."""
    terms: dict[str, set[str]] = {}
    for leaf in positive_leaves(q):
        try:
            found = leaf.existing_terms(reader, expand=True)
        except Exception:  # noqa: BLE001 - highlighting is a nicety; never fail a search on it
            continue
        for field, text in found:
            if field in _HIGHLIGHT_FIELDS:
                terms.setdefault(field, set()).add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return terms


def _suggest(searcher, parsed, text: str) -> str | None:
    """The query with each word that the index does not know replaced by its closest known word."""
    reader = searcher.reader()
    fixes: dict[tuple[int, int], str] = {}
    for leaf in positive_leaves(parsed.query):
        if not isinstance(leaf, wq.Term) or leaf.fieldname not in TEXT_FIELDS:
            continue
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        if start is None or end is None or (start, end) in fixes:
            continue
        word = text[start:end]
        if any((field, leaf.text) in reader for field in TEXT_FIELDS):
            fixes[(start, end)] = word
            continue
        fixes[(start, end)] = _closest_word(reader, word)
    changed = {span: new for span, new in fixes.items() if new.lower() != text[span[0]:span[1]].lower()}
    if not changed:
        return None
    out = text
    for (start, end), new in sorted(changed.items(), reverse=True):
        out = out[:start] + new + out[end:]
    return out


_SPELL_FIELDS = ("spell_answer", "spell_question")
MAX_EDITS = 2
"""Largest edit distance a "did you mean" suggestion may be from the typed word."""


def _closest_word(reader, word: str) -> str:
    """The indexed word nearest ``word`` (fewest edits, then most used, then A–Z); ``word`` if none.

    Candidates come from the unstemmed spelling words; how much a candidate is used is the number of
    passages holding its stem (the spelling fields keep no reliable counts). Whoosh's own corrector
    ignores the distance and breaks ties arbitrarily, so rank here. Words longer than
    ``MAX_FUZZY_CHARS`` get no suggestion: the edit automaton's cost grows with the word's length.
    """
    if len(word) > MAX_FUZZY_CHARS:
        return word
    typed = word.lower()
    candidates: set[str] = set()
    for field in _SPELL_FIELDS:
        if field in reader.schema:
            found = reader.terms_within(field, typed, MAX_EDITS, prefix=1)
            candidates.update(c for c in found if c != typed)
    if not candidates:
        return word
    analyzer = reader.schema["answer"].analyzer

    def used(candidate: str) -> int:
        stems = [t.text for t in analyzer(candidate, mode="query")]
        return sum(reader.doc_frequency(field, stem) for stem in stems for field in ("answer", "question"))

    return min(candidates, key=lambda c: (_edits(typed, c), -used(c), c))


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
