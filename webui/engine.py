"""The search engine a request uses: the Flask tutorial's ``db.py`` shape for "the current searcher".

:func:`init_app` gives an application one :class:`EngineHolder` (one open engine per process, opened on
first use, not at import, so each gunicorn worker opens its own after the fork); :func:`get_engine`
returns it inside a request. Blueprints import this module, never ``webui.app``, so the app factory, the
pages and the API form no import cycle. Keeping the engine fresh when a new index generation lands is
the search library's job; if no index can be opened yet, :class:`IndexUnavailable` becomes a 503 and the
next request tries again.
"""

from __future__ import annotations

import threading
from typing import Any

from flask import Flask, abort, current_app, g

from webui.urls import FACET_LIMIT, SearchState

EXTENSION = "interviews"
"""Key of the :class:`EngineHolder` in ``app.extensions``."""


class IndexUnavailable(RuntimeError):
    """No index could be opened (none built yet, or unreadable); the message says which folder and why."""


class EngineHolder:
    """Keeps one open ``SearchEngine`` per process, opening it lazily and retrying after a failure."""

    def __init__(self, index_dir: str):
        self.index_dir = index_dir
        self._engine: Any = None
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._engine is not None

    def get(self) -> Any:
        """The open engine; raises :class:`IndexUnavailable` naming the folder if it cannot be opened."""
        if self._engine is not None:
            return self._engine
        with self._lock:
            if self._engine is None:
                from search.engine import open_index

                try:
                    self._engine = open_index(self.index_dir)
                except Exception as exc:  # any failure to open means the same thing to a visitor: 503
                    reason = f"no search index could be opened in {self.index_dir}: {exc}"
                    raise IndexUnavailable(reason) from exc
        return self._engine


def init_app(app: Flask) -> None:
    """Give ``app`` its engine holder for ``app.config["INDEX_DIR"]``."""
    app.extensions[EXTENSION] = EngineHolder(str(app.config["INDEX_DIR"]))


def holder() -> EngineHolder:
    """The current application's :class:`EngineHolder` (for health checks that must not raise)."""
    return current_app.extensions[EXTENSION]


def get_engine() -> Any:
    """The current process's search engine (``search.engine.SearchEngine``), kept on ``g`` per request."""
    if "engine" not in g:
        g.engine = holder().get()
    return g.engine


def run_search(state: SearchState):
    """Ask the current engine for the results ``state`` describes (a ``search.results.SearchResult``)."""
    return get_engine().search(
        state.q,
        state.library_filters(),
        page=state.page,
        per_page=state.per_page,
        sort=state.sort,
        facet_limit=FACET_LIMIT,
        match=state.match,
        expand=(state.more,) if state.more else (),
    )


ENGINE_PAGE = 100
"""Hits the engine returns per call (``search.engine.MAX_PER_PAGE``); longer exports take several calls."""


def all_hits(state: SearchState) -> list:
    """The hits of ``state``'s page when ``per_page`` may exceed what one engine call returns (the CSV
    export's up to 1,000 rows): fetched :data:`ENGINE_PAGE` at a time, in order."""
    engine = get_engine()
    start, stop = (state.page - 1) * state.per_page, state.page * state.per_page
    hits: list = []
    number = start // ENGINE_PAGE + 1
    while True:
        result = engine.search(state.q, state.library_filters(), page=number, per_page=ENGINE_PAGE,
                               sort=state.sort, facet_limit=0, match=state.match)
        if result.page != number:  # past the engine's deepest page: it gave the last one instead
            break
        offset = (number - 1) * ENGINE_PAGE
        hits += result.hits[max(0, start - offset):max(0, stop - offset)]
        if len(result.hits) < ENGINE_PAGE or number * ENGINE_PAGE >= min(stop, result.total):
            return hits
        number += 1
    return hits


def similar_source(article_id: str, passage: int):
    """The article and passage a "more like this" request names; a 404 naming them when there is none."""
    article = get_engine().article(article_id)
    source = next((p for p in article.passages if p.number == passage), None) if article else None
    if source is None:
        abort(404, description=f"There is no passage {passage} in an article with the id “{article_id}”.")
    return article, source
