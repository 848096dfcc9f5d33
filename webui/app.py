"""The Flask application factory: configuration, blueprints, security headers and error pages.

Configuration comes from defaults (the ``INTERVIEWS_INDEX`` / ``INTERVIEWS_CORPUS`` environment variables,
else ``var/index`` and ``corpus``), then the file named by ``INTERVIEWS_WEB_SETTINGS`` if set, then the
``test_config`` mapping. Keys: ``INDEX_DIR``, ``CORPUS_DIR``, ``PUBLIC_URL`` (``INTERVIEWS_PUBLIC_URL``:
the address visitors use, such as ``https://search.example.org``, for the few absolute links we must
give, in ``/opensearch.xml``, the CSV and the OpenAPI document; empty means relative links. Links are
never built from the request's Host header, which any client can set).

The engine each process keeps open is :mod:`webui.engine`'s (the blueprints import it from there).
"""

from __future__ import annotations

import logging
import os

from flask import Flask, current_app, request
from werkzeug.exceptions import HTTPException, RequestHeaderFieldsTooLarge, RequestURITooLarge

from webui import api, engine, pages
from webui.engine import IndexUnavailable
from webui.urls import MAX_HEADER_BYTES, MAX_URL_BYTES, ParamError

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
        PUBLIC_URL=os.environ.get("INTERVIEWS_PUBLIC_URL", ""),
    )
    if test_config is None:
        app.config.from_envvar("INTERVIEWS_WEB_SETTINGS", silent=True)
    else:
        app.config.from_mapping(test_config)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a bug answers a plain 500 page, never a traceback
    app.json.ensure_ascii = False  # UTF-8 JSON: an emoji is 4 bytes, not a 12-character \ud83d\ude00

    engine.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(api.bp)
    _register_errors(app)
    app.before_request(_refuse_oversized_requests)
    app.after_request(_security_headers)
    return app


def _refuse_oversized_requests() -> None:
    """414 / 431 before any view runs (the server itself refuses heads over ``serve.MAX_HEAD_BYTES``)."""
    if len(request.path.encode()) + len(request.query_string) + 1 > MAX_URL_BYTES:
        raise RequestURITooLarge(f"The request URL is over {MAX_URL_BYTES:,} bytes.")
    if sum(len(name) + len(value) for name, value in request.headers.items()) > MAX_HEADER_BYTES:
        raise RequestHeaderFieldsTooLarge(f"The request headers are over {MAX_HEADER_BYTES:,} bytes.")


def _security_headers(response):
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("X-Frame-Options", "DENY")
    return response


def _register_errors(app: Flask) -> None:
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
        body, status = render(exc.code or 500, exc.name, exc.description or "")
        # Werkzeug's own headers for the error (405's Allow, 401's WWW-Authenticate) go out with our page.
        extra = [(k, v) for k, v in exc.get_headers() if k.lower() != "content-type"]
        return body, status, extra

    @app.errorhandler(Exception)
    def crash(exc: Exception):
        if current_app.debug:  # `interviews serve --debug`: let the development server's debugger show it
            raise exc
        log.exception("unhandled error on %s", request.full_path)
        return render(500, "Something went wrong", "The error was logged on the server. Please try again.")
