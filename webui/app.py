"""The Flask application factory and the one search engine each process keeps open.

Configuration comes from defaults (the ``INTERVIEWS_INDEX`` / ``INTERVIEWS_CORPUS`` environment variables,
else ``var/index`` and ``corpus``), then the file named by ``INTERVIEWS_WEB_SETTINGS`` if set, then the
``test_config`` mapping. Keys: ``INDEX_DIR``, ``CORPUS_DIR``.

The engine is opened on first use, not at import, so each server worker process (forked by gunicorn)
opens its own. Keeping it fresh when a new index generation lands is the search library's job; if no
index can be opened yet, pages answer 503 and the next request tries again.
"""

from __future__ import annotations

import logging
import os
import threading
from typing import Any

from flask import Flask, current_app, g, request
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
"""Everything is served by us; no inline script or style is allowed, so injected markup cannot run."""


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


def get_engine() -> Any:
    """The current process's search engine (``search.engine.SearchEngine``), kept on ``g`` per request."""
    if "engine" not in g:
        g.engine = current_app.extensions["interviews"].get()
    return g.engine


def wants_json() -> bool:
    """Errors under ``/api/`` (and ``/healthz``) are answered as JSON, everything else as an HTML page."""
    return request.path.startswith("/api/") or request.path in ("/healthz", "/search.csv")


def create_app(test_config: dict | None = None) -> Flask:
    """Build the web application. ``test_config`` overrides every other source of configuration."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        INDEX_DIR=os.environ.get("INTERVIEWS_INDEX", "var/index"),
        CORPUS_DIR=os.environ.get("INTERVIEWS_CORPUS", "corpus"),
        MAX_CONTENT_LENGTH=64 * 1024,  # bytes; nothing we serve takes a request body
    )
    if test_config is None:
        app.config.from_envvar("INTERVIEWS_WEB_SETTINGS", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers a plain 500 page, never a traceback

    app.extensions["interviews"] = EngineHolder(str(app.config["INDEX_DIR"]))

    from webui import api, pages

    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    _register_errors(app)
    app.after_request(_security_headers)
    return app


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _register_errors(app: Flask) -> None:
    from webui.urls import ParamError

    def render(status: int, title: str, message: str):
        if wants_json():
            return {"error": {"status": status, "title": title, "message": message}}, status
        from flask import render_template

        return render_template("error.html", status=status, title=title, message=message), status

    @app.errorhandler(ParamError)
    def bad_param(exc: ParamError):
        return render(400, "Bad request", str(exc))

    @app.errorhandler(IndexUnavailable)
    def unavailable(exc: IndexUnavailable):
        log.warning("%s", exc)
        return render(503, "Search is not available yet", str(exc))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render(exc.code or 500, exc.name, exc.description or "")

    @app.errorhandler(Exception)
    def crash(exc: Exception):
        if current_app.debug:  # `interviews serve --debug`: let the development server's debugger show it
            raise exc
        log.exception("unhandled error on %s", request.full_path)
        return render(500, "Something went wrong", "The error was logged on the server. Please try again.")
