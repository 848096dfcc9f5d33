"""The engine boundary: open an index (a folder or a Solr collection), search it, fetch articles.

    engine = open_index("var/index")          # or open_index("http://host:8983/solr/passages")
    result = engine.search("stop motion", filters={"publication": ["litang.zone"]})
    for hit in result.hits:
        print(hit.article, hit.passage, hit.snippet)

Everything above this line — the ``interviews`` command, the web app, a user's Python — talks to a
:class:`SearchEngine` and gets the plain dataclasses of :mod:`search.results` back; none of it imports an
engine's library. Every engine answers the same protocol:

- ``search(query, filters=None, page=1, per_page=10, sort="relevance", facet_limit=10, expand=(),
  match="most") -> SearchResult``: the arguments are cleaned once for every engine
  (:class:`search.request.SearchRequest`), then the engine's :meth:`SearchEngine.execute` runs them;
- ``article(article_id) -> Article | None``, ``more_like_this(article_id, passage, limit=5) -> list[Hit]``,
  ``stats(top=5) -> dict``, ``close()``; an engine is a context manager and is shared by threads.

The writer side (build, update, add) is ``index.build`` over an ``index.store.IndexStore``.

Engines: :class:`search.whoosh_engine.WhooshEngine` for an index folder (the embedded default) and
:class:`search.solr_engine.SolrEngine` for a SolrCloud collection URL (a location starting with
``http://`` or ``https://``).
"""

from __future__ import annotations

import abc
import os
import time
from collections.abc import Collection

from index.model import Article
from index.store import is_solr_url
from search.request import MATCHES, MAX_PER_PAGE, MAX_RESULTS_DEPTH, SORTS, SearchRequest
from search.results import Hit, SearchResult

__all__ = ["MATCHES", "MAX_PER_PAGE", "MAX_RESULTS_DEPTH", "SORTS", "IndexNotFound", "SearchEngine",
           "SearchRequest", "is_solr_url", "open_index"]


class IndexNotFound(Exception):
    """Nothing searchable at the location (no index built yet, or no engine for it); the message says why."""


def open_index(location: str | os.PathLike = "var/index", **options) -> SearchEngine:
    """The engine for ``location``: a Solr collection URL, or else an index folder.

    Raises :class:`IndexNotFound` when there is nothing to search there yet (no index built in the
    folder or the collection, or a collection that cannot be reached). ``options`` go to the engine;
    the Whoosh engine takes ``cache_mb`` (decoded postings kept in memory, megabytes, default 256,
    shared by the engines of a process that ask for the same size).
    """
    if is_solr_url(location):
        from search.solr_engine import SolrEngine

        return SolrEngine(location, **options)
    from search.whoosh_engine import WhooshEngine

    return WhooshEngine(location, **options)


class SearchEngine(abc.ABC):
    """What every engine answers; thread-safe. Subclasses implement :meth:`execute` and the rest."""

    def search(self, query: str, filters: dict[str, list[str]] | None = None, page: int = 1,
               per_page: int = 10, sort: str = "relevance", facet_limit: int | None = 10,
               expand: Collection[str] = (), match: str = "most") -> SearchResult:
        """Search passages.

        ``filters`` maps facet names to values: a passage must have one of each facet's values (OR within
        a facet, AND across facets). ``page`` counts from 1; ``per_page`` is at most ``MAX_PER_PAGE``.
        ``sort``: "relevance" (BM25F), "newest" (article date, then article and passage order) or
        "interviewee" (A–Z). Facet counts cover every match: each facet is counted with the *other*
        facets' filters applied but not its own, so the values you could add to a selection keep their
        counts. Each facet lists its top ``facet_limit`` values (all when None, or for facets named in
        ``expand``) plus every selected value, even at count 0; ``Facet.more`` says how many were cut.
        An empty query matches every passage. ``match`` (``search.request.MATCHES``): "most" (default:
        passages with every word; when fewer than 20, then those with most of the words, ranked below
        them, counted in ``SearchResult.partial`` and flagged ``Hit.partial``), "all" (strictly every
        word) or "any" (any word; a word repeated in the query weighs that many times).
        Never raises on user input; problems go to ``warnings``.
        """
        started = time.perf_counter()
        request = SearchRequest.make(query, filters, page, per_page, sort, facet_limit, expand, match)
        result = self.execute(request)
        result.warnings = list(result.warnings) + list(request.warnings)
        result.elapsed_ms = (time.perf_counter() - started) * 1000
        return result

    @abc.abstractmethod
    def execute(self, request: SearchRequest) -> SearchResult:
        """Run a cleaned request; the result's ``warnings`` are the engine's own (query rewrites, cuts)."""

    @abc.abstractmethod
    def article(self, article_id: str) -> Article | None:
        """The whole article (passages in order, links, credits, captions), or None if not indexed."""

    @abc.abstractmethod
    def more_like_this(self, article_id: str, passage_number: int, limit: int = 5) -> list[Hit]:
        """Up to ``limit`` (at most ``MAX_PER_PAGE``) passages of *other* articles most like this one."""

    @abc.abstractmethod
    def stats(self, top: int = 5) -> dict:
        """What the index holds: ``passages``, ``articles``, ``generation`` (the index version served),
        ``location``, ``built`` / ``updated`` / ``opened`` (UTC ISO), ``source`` and, per facet, its
        ``top`` values as ``{"value", "count"}`` (``facets``)."""

    @abc.abstractmethod
    def close(self) -> None:
        """Release what the engine holds; it reopens if used again."""

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
