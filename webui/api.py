"""JSON twins of the pages, the CSV export, the OpenAPI document and the health check."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, current_app, jsonify, request

from index.facets import FACET_NAMES
from webui import present
from webui.engine import IndexUnavailable, all_hits, get_engine, holder, run_search, similar_source
from webui.urls import (
    MATCHES,
    MAX_CSV_ROWS,
    MAX_HEADER_BYTES,
    MAX_PAGE,
    MAX_PASSAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    MAX_URL_BYTES,
    PER_PAGE,
    SIMILAR_DEFAULT,
    SIMILAR_PAGE,
    SORTS,
    absolute,
    article_url,
    parse_state,
    similar_args,
)

bp = Blueprint("api", __name__)

CSV_COLUMNS = (
    "article", "passage", "question", "answer", "interviewee", "publication", "date", "title", "topics",
    "score", "link", "url",
)


@bp.route("/api/search")
def search():
    state = parse_state(request.args, strict=True)
    return jsonify(present.api_json(run_search(state), state))


@bp.route("/api/similar")
def similar():
    """Passages of other interviews like one passage: ``article``, ``passage`` and ``limit`` parameters;
    404 for an unknown article or passage, as ``/similar`` answers."""
    article_id, passage, limit = similar_args(request.args)
    similar_source(article_id, passage)
    hits = get_engine().more_like_this(article_id, passage, limit=limit)
    return jsonify({
        "article": article_id,
        "passage": passage,
        "hits": [{**vars(hit), "html_url": article_url(hit.article, hit.passage)} for hit in hits],
    })


@bp.route("/api/articles/<path:article_id>")
def article(article_id: str):
    found = get_engine().article(article_id)
    if found is None:
        abort(404, description=f"there is no article with the id {article_id!r}")
    data = found.to_dict()
    data["html_url"] = article_url(found.id)
    return jsonify(data)


def _csv_cell(value) -> str:
    text = "; ".join(value) if isinstance(value, list) else str(value)
    # A cell starting with = + - @ is run as a formula by spreadsheet programs; a leading ' keeps it text.
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@bp.route("/search.csv")
@bp.route("/api/search.csv")
def search_csv():
    """The results as CSV: the page's parameters; ``per_page`` (default and at most MAX_CSV_ROWS) rows
    from ``page``, so the page's "Download" link gives every result up to that limit."""
    state = parse_state(request.args, strict=True, max_per_page=MAX_CSV_ROWS, default_per_page=MAX_CSV_ROWS)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    base = current_app.config["PUBLIC_URL"]
    for hit in all_hits(state):
        row = {**vars(hit), "link": absolute(article_url(hit.article, hit.passage), base)}
        writer.writerow([_csv_cell(row.get(column, "")) for column in CSV_COLUMNS])
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="interview-search.csv"'},
    )


@bp.route("/healthz")
def healthz():
    """200 with the index generation and passage count when a searcher is open, else 503."""
    try:
        stats = holder().get().stats(top=0)
    except IndexUnavailable as exc:
        return jsonify({"status": "unavailable", "reason": str(exc)}), 503
    keep = ("generation", "passages", "articles", "built", "updated", "opened")
    return jsonify({"status": "ok", **{key: stats.get(key) for key in keep}})


@bp.route("/api/openapi.json")
def openapi():
    return jsonify(openapi_document(current_app.config["PUBLIC_URL"] or "/"))


def openapi_document(server: str = "/") -> dict:
    """An OpenAPI 3.1 description of the JSON and CSV endpoints, as :mod:`webui.urls` parses them
    (``tests/test_api_contract.py`` runs schemathesis against it). ``server`` is the public base URL
    (``PUBLIC_URL``), else "/": never taken from the request's Host header."""
    search_params = [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
         "description": 'Query text: words (AND), OR, NOT, -word, "phrases", field:value, prefix*, fuzzy~.'},
        {"name": "match", "in": "query",
         "schema": {"type": "string", "enum": list(MATCHES), "default": MATCHES[0]},
         "description": "most: every word, then (when few) passages with most of them, flagged partial; "
                        "all: strictly every word; any: any word (a repeated word weighs more)."},
        {"name": "sort", "in": "query",
         "schema": {"type": "string", "enum": list(SORTS), "default": SORTS[0]}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                                   "default": 1},
         "description": "Digits 0-9 only (no sign, separator or other script's digits)."},
        {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                       "maximum": MAX_PER_PAGE, "default": PER_PAGE}},
        {"name": "more", "in": "query", "schema": {"type": "string", "enum": list(FACET_NAMES)},
         "description": "List every value of this facet instead of the top 10."},
    ] + [
        {"name": name, "in": "query", "style": "form", "explode": True,
         "schema": {"type": "array", "items": {"type": "string"}},
         "description": f"Keep passages whose {name} is any of these values (OR); facets combine with AND."}
        for name in FACET_NAMES
    ]
    csv_params = [dict(p, schema={"type": "integer", "minimum": 1, "maximum": MAX_CSV_ROWS,
                                  "default": MAX_CSV_ROWS}) if p["name"] == "per_page" else p
                  for p in search_params]

    def error(description: str) -> dict:
        return {"description": description,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}

    too_long = {"414": error(f"The request URL is over {MAX_URL_BYTES:,} bytes"),
                "431": error(f"The request headers are over {MAX_HEADER_BYTES:,} bytes")}
    bad, missing, unavailable = error("A malformed or out-of-range parameter, named in the message"), \
        error("No such article or passage"), error("No index is open yet")
    facet_value = {"type": "object", "properties": {
        "value": {"type": "string"}, "count": {"type": "integer"}, "selected": {"type": "boolean"},
        "toggle_url": {"type": "string"}}}
    hit = {"type": "object", "properties": {
        "article": {"type": "string"}, "passage": {"type": "integer"}, "question": {"type": "string"},
        "answer": {"type": "string"}, "snippet": {"type": "string", "description": "HTML; only <mark>"},
        "interviewee": {"type": "string"}, "publication": {"type": "string"}, "score": {"type": "number"},
        "url": {"type": "string"}, "title": {"type": "string"}, "date": {"type": "string"},
        "topics": {"type": "array", "items": {"type": "string"}}}}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Interview Search API", "version": "1",
                 "description": "Search question/answer passages of published interviews."},
        "servers": [{"url": server}],
        "paths": {
            "/api/search": {"get": {
                "summary": "Search passages; the same parameters as the search page",
                "parameters": search_params,
                "responses": {"200": {"description": "Results", "content": {"application/json": {
                    "schema": {"$ref": "#/components/schemas/SearchResult"}}}},
                    "400": bad, "503": unavailable, **too_long}}},
            "/search.csv": {"get": {
                "summary": f"The same results as CSV: {MAX_CSV_ROWS:,} rows from the page's first unless "
                           "per_page says fewer",
                "parameters": csv_params,
                "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "400": bad,
                              "503": unavailable, **too_long}}},
            "/api/articles/{id}": {"get": {
                "summary": "A whole interview with its passages and metadata",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                                "description": "Article id such as voyagela/000_713f14fa217934a6"}],
                "responses": {"200": {"description": "The article", "content": {"application/json": {
                    "schema": {"type": "object"}}}}, "404": missing, "503": unavailable, **too_long}}},
            "/api/similar": {"get": {
                "summary": "Passages of other interviews like one passage",
                "parameters": [
                    {"name": "article", "in": "query", "required": True,
                     "schema": {"type": "string", "minLength": 1}},
                    {"name": "passage", "in": "query", "required": True,
                     "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PASSAGE}},
                    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                                "maximum": SIMILAR_PAGE,
                                                                "default": SIMILAR_DEFAULT}}],
                "responses": {"200": {"description": "Similar passages", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"hits": {"type": "array", "items": hit}}}}}},
                    "400": bad, "404": missing, "503": unavailable, **too_long}}},
            "/healthz": {"get": {
                "summary": "200 with index generation and passage count when a searcher is open, else 503",
                "responses": {"200": {"description": "Serving"}, "503": {
                    "description": "No index is open yet", "content": {"application/json": {"schema": {
                        "type": "object", "properties": {"status": {"const": "unavailable"},
                                                         "reason": {"type": "string"}}}}}},
                    **too_long}}},
        },
        "components": {"schemas": {
            "Error": {"type": "object", "properties": {"error": {"type": "object", "properties": {
                "status": {"type": "integer"}, "title": {"type": "string"}, "message": {"type": "string"}}}}},
            "SearchResult": {"type": "object", "properties": {
                "query": {"type": "string"}, "total": {"type": "integer"}, "page": {"type": "integer"},
                "per_page": {"type": "integer"}, "sort": {"type": "string"},
                "hits": {"type": "array", "items": hit},
                "facets": {"type": "object", "additionalProperties": {"type": "array", "items": facet_value}},
                "facets_more": {"type": "object", "additionalProperties": {"type": "integer"}},
                "suggestion": {"type": ["string", "null"]},
                "warnings": {"type": "array", "items": {"type": "string"}},
                "elapsed_ms": {"type": "number"},
                "filters": {"type": "object"},
                "next_url": {"type": ["string", "null"]}, "previous_url": {"type": ["string", "null"]},
                "html_url": {"type": "string"}}},
        }},
    }
