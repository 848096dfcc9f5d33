"""The Whoosh engine: searches an index folder's current generation; plain dataclasses out.

One :class:`WhooshEngine` per process, shared by threads. Searches do not wait for each other: what a
search only reads is built once per commit of the index and shared (the facet and sort arrays, field
lengths, decoded postings), and the Whoosh searcher it needs — Whoosh's readers are not thread-safe — is
its own, borrowed for the search from the commit's pool (:class:`_Commit`). Before each call the engine
checks cheaply (one small file read and one directory listing, under a short lock) whether a new
generation was switched in or an update committed; if one was, later searches use the new commit and
the old one's searchers close once the searches using them end.

Each search has a cost budget (:mod:`search.budget`): a deadline (``deadline_s``, default
``DEADLINE_S``) after which it stops and returns what it has found, with a warning; prefix and fuzzy
words expand to a bounded number of indexed words (``search.query.MAX_QUERY_EXPANSIONS``); "did you
mean" corrects at most ``search.spelling.MAX_SUGGEST_WORDS`` words, only where a correction can change
the answer.

Its parts: :mod:`search.query` (user syntax → Whoosh query), :mod:`search.scoring` (matching and BM25F
over numpy arrays), :mod:`search.postings` (decoded postings, cached), :mod:`search.facets` (per-document
arrays for filters, counts and sorts), :mod:`search.highlight`; the index folder's layout is
:mod:`index.whoosh_store`'s, and every use of Whoosh's internals is :mod:`index.whoosh_internals`'.
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq

from index import whoosh_internals
from index.facets import FACET_NAMES, PASSAGE_FACETS
from index.model import Article, Passage
from index.schema import BM25_B, BM25_K1, TEXT_FIELDS
from index.whoosh_store import CURRENT, current_generation, current_name, outdated, read_meta
from search import highlight
from search.arrays import kept
from search.budget import DEADLINE_S, Budget
from search.engine import IndexNotFound, SearchEngine
from search.facets import FacetTable
from search.postings import CACHE_MB, PostingsCache
from search.query import MAX_FUZZY_CHARS, expand_words, parse, plain_words, positive_leaves
from search.request import MAX_PER_PAGE, SearchRequest
from search.results import Hit, SearchResult
from search.scoring import BM25, Evaluator, Matches, top
from search.spelling import MAX_EDITS, best_correction, words_to_correct

log = logging.getLogger(__name__)

SNIPPET_CHARS = highlight.SNIPPET_CHARS

_HIGHLIGHT_FIELDS = ("question", "answer", "title")


SETTLED_S = 2.0
"""Seconds the index folder's ``CURRENT`` and generation folder must have been left unchanged before two
``stat`` calls stand in for re-reading them on each search (see ``WhooshEngine._current``)."""

MAX_IDLE_SEARCHERS = 8
"""Searchers a commit keeps open between searches (more are opened while more searches run at once)."""


class _Commit:
    """One commit of one generation, open for searching: what every search shares, and a pool of
    searchers so that each search in flight has one of its own.

    The shared parts are read-only once built: the facet and sort arrays (:class:`FacetTable`), the live
    documents; or filled in on first use with values that do not depend on who computes them (field
    lengths, words' analyses), so two threads racing store equal values.
    """

    def __init__(self, gen: Path, ix, weighting, postings: PostingsCache):
        self.gen, self.ix, self.weighting = gen, ix, weighting
        self.folder = str(gen)
        self.commit = whoosh_internals.read_commit(ix)
        self.generation = whoosh_internals.commit_generation(self.commit)
        first = whoosh_internals.open_searcher(ix, self.commit, weighting)
        try:
            self.table = FacetTable(first.reader(), str(gen))
            # Held while this commit is open: its segments' frequent words, memory-mapped.
            self.kept = postings.attach(str(gen), first.reader())
        except BaseException:
            first.close()
            raise
        # Field → each passage's length byte: the memory-mapped columns, plus any field computed later.
        self.lengths: dict = self.table.lengths
        self.stems: dict = {}  # (field, word) → its terms, for prefix and fuzzy expansion
        self.opened = time.time()
        self._stored: dict[int, tuple] = {}  # id(searcher) → (searcher, its StoredFields)
        self.settled: tuple | None = None  # WhooshEngine._stamp when last found current, files settled
        self._idle = [first]
        self._retired = False
        self._lock = threading.Lock()

    def acquire(self):
        """A searcher for this commit that no other thread uses until :meth:`release` (OSError when the
        commit's files have gone: a later commit merged them away)."""
        with self._lock:
            if self._idle:
                return self._idle.pop()
        return whoosh_internals.open_searcher(self.ix, self.commit, self.weighting)

    def stored_fields(self, searcher) -> whoosh_internals.StoredFields:
        """``searcher``'s stored-fields reader (:class:`index.whoosh_internals.StoredFields`), made on its
        first use and kept as long as the searcher: it reads the searcher's own files."""
        found = self._stored.get(id(searcher))
        if found is None or found[0] is not searcher:
            found = (searcher, whoosh_internals.StoredFields(searcher.reader()))
            with self._lock:
                self._stored[id(searcher)] = found
        return found[1]

    def release(self, searcher) -> None:
        with self._lock:
            if not self._retired and len(self._idle) < MAX_IDLE_SEARCHERS:
                self._idle.append(searcher)
                return
            self._stored.pop(id(searcher), None)
        searcher.close()

    def retire(self) -> None:
        """No new searches: close the idle searchers now, the busy ones when they come back."""
        with self._lock:
            self._retired = True
            idle, self._idle = self._idle, []
            for searcher in idle:
                self._stored.pop(id(searcher), None)
        for searcher in idle:
            searcher.close()


_caches: dict[float, PostingsCache] = {}
_caches_lock = threading.Lock()


def _shared_cache(megabytes: float) -> PostingsCache:
    """One cache per size per process: segments are keyed by their unique ids, so engines can share."""
    with _caches_lock:
        if megabytes not in _caches:
            _caches[megabytes] = PostingsCache(megabytes)
        return _caches[megabytes]


@dataclass
class Session:
    """One call's view of the index: the commit (and its shared arrays), a searcher no other thread uses,
    and an evaluator over it."""

    commit: _Commit
    searcher: object
    evaluator: Evaluator
    known: dict = dataclasses.field(default_factory=dict)  # (field, term) → has_term's answer

    @property
    def table(self) -> FacetTable:
        return self.commit.table

    def has_term(self, fieldname: str, text: str | bytes) -> bool:
        """``(fieldname, text) in reader``, answered from the decoded postings the search reads anyway
        (:mod:`search.postings`): a segment's term list holds a word exactly when it has postings there,
        so a word the evaluation looked up costs no second look-up in every segment's term table."""
        schema = self.searcher.schema
        if fieldname not in schema:
            return False
        try:
            btext = text if isinstance(text, bytes) else schema[fieldname].to_bytes(text)
        except ValueError:
            return False
        found = self.known.get((fieldname, btext))
        if found is None:  # a word the evaluation read: known without another look-up
            found = self.evaluator.held.get((fieldname, btext))
        if found is None:
            cache = self.evaluator.cache
            found = self.known[(fieldname, btext)] = \
                any(len(cache.get(leaf, fieldname, btext)[0]) for leaf, _ in self.evaluator.leaves)
        return found


class WhooshEngine(SearchEngine):
    """Searches one index folder; thread-safe; see the module docstring for freshness and cost.

    Raises :class:`search.engine.IndexNotFound` if nothing was built there. ``cache_mb`` bounds the
    decoded postings kept in memory (megabytes, shared by every engine of the process that asks for the
    same size; see :mod:`search.postings`). ``deadline_s``: seconds a search may work before it returns
    what it has (None: no limit).
    """

    def __init__(self, index_dir: str | Path = "var/index", cache_mb: float = CACHE_MB,
                 deadline_s: float | None = DEADLINE_S):
        whoosh_internals.install()
        self.index_dir = Path(index_dir)
        self._current_file = str(self.index_dir / CURRENT)  # stat before each search: no path joined
        self.postings = _shared_cache(cache_mb)
        self.deadline_s = deadline_s
        self._lock = threading.Lock()  # held only to check freshness and switch commits
        self._commit: _Commit | None = None
        self._current()

    # --- freshness ---------------------------------------------------------------------------------

    def _open(self, gen: Path, ix=None) -> _Commit:
        if ix is None:
            why = outdated(read_meta(gen))
            if why:
                raise IndexNotFound(f"{gen}: this index cannot be searched: {why}")
            ix = whoosh_index.open_dir(str(gen))
        return _Commit(gen, ix, BM25(B=BM25_B, K1=BM25_K1), self.postings)

    def _stamp(self, commit: _Commit) -> tuple | None:
        """What changes when ``CURRENT`` is replaced or a file comes or goes in ``commit``'s generation
        folder (inode, size and modification time of each), or None if either cannot be read."""
        try:
            current, folder = os.stat(self._current_file), os.stat(commit.folder)
        except OSError:
            return None
        return current.st_ino, current.st_size, current.st_mtime_ns, folder.st_ino, folder.st_mtime_ns

    def _current(self, stale: _Commit | None = None) -> _Commit:
        """The commit to search, opened first if the index changed on disk (or ``stale`` cannot be used)."""
        commit = self._commit
        if commit is not None and commit is not stale:
            # Two stats say nothing changed since a check found this commit current, once the files
            # had been left alone for SETTLED_S: any change after that check gets a later modification
            # time (file systems stamp times in coarse ticks, so a change within the tick of the check
            # could keep the same one; hence the wait). Reading CURRENT and listing the generation
            # folder was a twentieth of a rare word's search.
            stamp = self._stamp(commit)
            if stamp is not None and stamp == commit.settled:
                return commit
            if current_name(self.index_dir) == commit.gen.name \
                    and commit.ix.latest_generation() == commit.generation:
                if stamp is not None and time.time_ns() - max(stamp[2], stamp[4]) > SETTLED_S * 1e9:
                    commit.settled = stamp
                return commit  # nothing changed since this call began: no lock needed to say so
        with self._lock:
            commit = self._commit
            # CURRENT still naming the open generation needs no check that it is a whole index (which
            # reads and unpickles its table of contents: a tenth of a rare word's search).
            gen = commit.gen if commit is not None and current_name(self.index_dir) == commit.gen.name \
                else current_generation(self.index_dir)
            if gen is None:
                if commit is not None:
                    return commit  # the folder was emptied under us: keep serving what we have
                raise IndexNotFound(f"{self.index_dir}: no index here; run `interviews build` first")
            try:
                if commit is None or commit.gen != gen:
                    fresh = self._open(gen)
                elif commit is stale or commit.ix.latest_generation() != commit.generation:
                    # An update committed: open its commit (segments unchanged since keep their arrays).
                    fresh = self._open(gen, commit.ix)
                else:
                    return commit
            except Exception as exc:
                if commit is None:
                    raise
                # A generation that cannot be opened (half-deleted, disk trouble) must not stop us
                # serving the one we have; the next call tries again.
                log.warning("keeping %s: cannot open %s: %s", commit.gen.name, gen, exc)
                return commit
            self._commit = fresh
            if commit is not None:
                commit.retire()
            return fresh

    @contextlib.contextmanager
    def session(self, budget: Budget | None = None) -> Iterator[Session]:
        """The current commit with a searcher (and an evaluator) for this thread alone, for the block.

        What every call uses; tests and benchmarks that need Whoosh's own objects use it too.
        """
        commit = self._current()
        try:
            searcher = commit.acquire()
        except OSError:
            # Its files were merged away by a newer commit since we looked: take that one.
            commit = self._current(stale=commit)
            searcher = commit.acquire()
        try:
            evaluator = Evaluator(searcher, commit.table.live, self.postings, BM25_K1, BM25_B,
                                  lengths=commit.lengths, budget=budget)
            yield Session(commit, searcher, evaluator)
        finally:
            commit.release(searcher)

    def close(self) -> None:
        """Release the index's files (searches still running finish first); reopened if used again."""
        with self._lock:
            commit, self._commit = self._commit, None
        if commit is not None:
            commit.retire()

    # --- searching ---------------------------------------------------------------------------------

    def execute(self, request: SearchRequest) -> SearchResult:
        """Run a cleaned request (see :meth:`search.engine.SearchEngine.search` for what it means)."""
        query, selected, sort, match = request.query, request.filters, request.sort, request.match
        page, per_page = request.page, request.per_page
        budget = Budget(self.deadline_s)
        with self.session(budget) as session:
            searcher, table, evaluator = session.searcher, session.table, session.evaluator
            parsed = parse(query, searcher.schema, match)
            parsed.query, expand_warnings = expand_words(parsed.query, searcher.reader(), budget,
                                                         stems=session.commit.stems)
            warnings = parsed.warnings + expand_warnings
            masks = {name: table.mask_for(name, values) for name, values in selected.items()}
            allowed = None
            for mask in masks.values():
                allowed = mask.copy() if allowed is None else allowed & mask
            offset = request.offset
            found = None  # every match with its score, for a query with words
            if not parsed.match_all:
                try:
                    found = evaluator.rank(parsed.query, match, allowed)
                except Exception as exc:  # noqa: BLE001 - a query Whoosh chokes on: retry as plain words
                    warnings.append(f"searched as plain words because the query failed "
                                    f"({type(exc).__name__})")
                    parsed = plain_words(query, searcher.schema, match)
                    found = evaluator.evaluate(parsed.query)
            # The matches (live, distinct) among the filters' passages: counted from the match list, so
            # that a search finding 19 passages does no work over every passage of the index.
            if found is None:
                total = table.live_count if allowed is None else int((table.live & allowed).sum())
            else:
                total = len(found) if allowed is None else int(allowed[found.ids].sum())
            partial = set()  # documents with most, not all, of the words (match="most")
            if found is not None and found.tiers is not None:
                partial_ids = found.ids[found.tiers == 1]
                if allowed is not None:
                    partial_ids = kept(partial_ids, allowed[partial_ids])
                partial = set(partial_ids.tolist())
            # Each facet is counted under the other facets' filters, over the matching passages only.
            ids = np.flatnonzero(table.live) if found is None else found.ids
            every = table.scope(ids)
            facets = {}
            for name in FACET_NAMES:
                others = [mask for other, mask in masks.items() if other != name]
                scope = every
                if others:
                    keep = np.ones(len(ids), dtype=bool)
                    for mask in others:
                        keep &= mask[ids]
                    scope = table.scope(kept(ids, keep))
                facets[name] = table.facet(name, scope, list(selected.get(name, ())), request.limit_for(name))

            if found is not None and sort == "relevance":
                page_docs = top(found, allowed, offset + per_page)[offset:]
            else:
                page_docs = self._page(table, found, allowed, sort, offset, per_page)
            terms = highlight.query_terms(parsed.query, searcher.reader(), _HIGHLIGHT_FIELDS,
                                          session.has_term) if not parsed.match_all else {}
            marker = _marker(searcher, terms)
            stored = session.commit.stored_fields(searcher)
            hits = [self._hit(stored(docnum), docnum, score, marker, docnum in partial)
                    for docnum, score in page_docs]
            suggestion = None
            if not parsed.match_all and not budget.expired():
                suggestion = _suggest(searcher, parsed, match, budget, session.has_term)
        if budget.cut:
            warnings.append(budget.warning())
        return SearchResult(query=query, total=total, page=page, per_page=per_page, hits=hits, facets=facets,
                            suggestion=suggestion, warnings=warnings, sort=sort, partial=len(partial))

    def _page(self, table, found: Matches | None, allowed, sort, offset, per_page):
        """(docnum, score) for the page's hits in a sorted (not relevance-ranked) order."""
        docs = np.flatnonzero(table.live) if found is None else found.ids
        if allowed is not None:
            docs = kept(docs, allowed[docs])
        if offset >= len(docs):
            return []
        if sort == "interviewee":
            keys = (table.numbers[docs], table.article_rank[docs], table.interviewee_rank[docs])
        else:  # newest, and relevance of an empty query
            keys = (table.numbers[docs], table.article_rank[docs], -table.date_rank[docs])
        if found is not None and found.tiers is not None:  # passages with every word first
            keys = (*keys, found.tiers[np.searchsorted(found.ids, docs)])
        chosen = docs[np.lexsort(keys)][offset:offset + per_page]
        if found is None or not len(chosen):
            return [(int(d), 0.0) for d in chosen]
        scores = found.scores[np.searchsorted(found.ids, chosen)]  # every chosen document matched
        return [(int(d), float(s)) for d, s in zip(chosen, scores, strict=True)]

    @staticmethod
    def _hit(doc: dict, docnum: int, score: float, marker: highlight.Marker, partial: bool = False) -> Hit:
        """The hit of document ``docnum`` (its stored fields ``doc``), marked by ``marker``."""
        data = doc.get("data") or {}
        answer = doc.get("answer", "")
        question = doc.get("question", "")
        return Hit(
            article=doc.get("article", ""),
            passage=int(doc.get("number", 0)),
            question=question,
            answer=answer,
            snippet=marker.mark(answer or question, SNIPPET_CHARS),
            interviewee=", ".join(data.get("answerers") or []) or _lines(doc.get("interviewee", "")),
            publication=_lines(doc.get("publication", "")),
            score=round(score, 4),
            url=doc.get("url", ""),
            title=doc.get("title", ""),
            date=doc.get("date", ""),
            topics=list(data.get("topics", [])),
            question_html=marker.mark(question),
            partial=partial,
        )

    # --- articles ----------------------------------------------------------------------------------

    def article(self, article_id: str) -> Article | None:
        """The whole article (passages in order, links, credits, captions), or None if not indexed."""
        with self.session() as session:
            docs = sorted(session.searcher.documents(article=article_id), key=lambda d: d.get("number", 0))
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
        with self.session() as session:
            searcher = session.searcher
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
            marker = _marker(searcher, {"answer": set(keys), "question": set(keys)})
            return [self._hit(searcher.stored_fields(d), d, float(s), marker) for s, d in results.top_n]

    def stats(self, top: int = 5) -> dict:
        """Generation, passage and article counts, last build/update time (UTC ISO) and top facet values."""
        commit = self._current()
        table = commit.table
        meta = read_meta(commit.gen)
        live = table.live
        articles = int(np.unique(table.article_rank[live]).size) if live.any() else 0
        facets = {name: [{"value": v.value, "count": v.count}
                         for v in table.facet(name, live, [], top).values]
                  for name in FACET_NAMES}
        return {
            "generation": commit.gen.name,
            "location": str(self.index_dir),
            "index_dir": str(self.index_dir),
            "passages": int(live.sum()),
            "articles": articles,
            "built": meta.get("created", ""),
            "updated": meta.get("updated", ""),
            "source": meta.get("source", {}),
            "opened": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(commit.opened)),
            "facets": facets,
        }


# --- helpers -----------------------------------------------------------------------------------------

def _lines(value: str) -> str:
    return ", ".join(v for v in (value or "").split("\n") if v)


def _marker(searcher, terms: dict[str, set]) -> highlight.Marker:
    """What a page's hits mark: any word matched in question or answer, whichever field it was searched
    in, as the answer's analyser reads it."""
    words = terms.get("question", set()) | terms.get("answer", set())
    return highlight.Marker(words, searcher.schema["answer"].analyzer)


def _suggest(searcher, parsed, match: str, budget: Budget, has_term=None) -> str | None:
    """The query with each word that the index does not know replaced by its closest known word.

    Only when a correction can change the answer: words the index knows are left alone, and which
    unknown ones are tried is :func:`search.spelling.words_to_correct`'s choice. Stops (without a
    suggestion) when the search's deadline passes. ``has_term(field, word)``: whether the index holds
    the word in the field (default: a look-up in the reader).
    """
    reader = searcher.reader()
    if has_term is None:
        def has_term(field: str, word: str) -> bool:
            return (field, word) in reader
    text = parsed.cleaned
    spans: list[tuple[int, int]] = []
    unknown: list[tuple[int, int]] = []
    for leaf in positive_leaves(parsed.query):
        if not isinstance(leaf, wq.Term) or leaf.fieldname not in TEXT_FIELDS:
            continue
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        if start is None or end is None or (start, end) in spans:
            continue
        spans.append((start, end))
        if not any(has_term(field, leaf.text) for field in TEXT_FIELDS):
            unknown.append((start, end))
    changed: dict[tuple[int, int], str] = {}
    for start, end in words_to_correct(unknown, match, len(spans)):
        if budget.expired():
            return None  # a suggestion is a nicety: not worth the user's wait
        new = _closest_word(reader, text[start:end])
        if new.lower() != text[start:end].lower():
            changed[(start, end)] = new
    if not changed:
        return None
    out = text
    for (start, end), new in sorted(changed.items(), reverse=True):
        out = out[:start] + new + out[end:]
    return out


_SPELL_FIELDS = ("spell_answer", "spell_question")


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
    dfa = whoosh_internals.levenshtein_dfa(typed, MAX_EDITS, prefix=1)  # one automaton for both fields
    candidates: set[str] = set()
    for field in _SPELL_FIELDS:
        if field in reader.schema:
            candidates.update(c for c in whoosh_internals.words_within(reader, field, dfa) if c != typed)
    if not candidates:
        return word
    analyzer = reader.schema["answer"].analyzer

    def used(candidate: str) -> int:
        stems = [t.text for t in analyzer(candidate, mode="query")]
        return sum(reader.doc_frequency(field, stem) for stem in stems for field in ("answer", "question"))

    return best_correction(typed, candidates, used) or word
