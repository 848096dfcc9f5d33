"""JSON twins of the pages, the CSV export, the OpenAPI document and the health check."""

from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, abort, jsonify, request

from index.facets import FACET_NAMES
from webui import present
from webui.engine import IndexUnavailable, get_engine, holder, run_search
from webui.urls import (
    MATCHES,
    MAX_CSV_ROWS,
    MAX_PAGE,
    MAX_PER_PAGE,
    MAX_QUERY_CHARS,
    PER_PAGE,
    SIMILAR_PAGE,
    SORTS,
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
    """Passages of other interviews like one passage: ``article`` and ``passage`` parameters."""
    article_id, passage = similar_args(request.args)
    limit = min(max(request.args.get("limit", 5, type=int) or 5, 1), SIMILAR_PAGE)
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
    """The current results as CSV: same parameters as the page; ``per_page`` up to MAX_CSV_ROWS."""
    state = parse_state(request.args, strict=True, max_per_page=MAX_CSV_ROWS)
    result = run_search(state)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    root = request.url_root.rstrip("/")
    for hit in result.hits:
        row = {**vars(hit), "link": root + article_url(hit.article, hit.passage)}
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
    return jsonify(openapi_document(request.url_root.rstrip("/")))


def openapi_document(server: str) -> dict:
    """An OpenAPI 3.1 description of the JSON and CSV endpoints."""
    search_params = [
        {"name": "q", "in": "query", "schema": {"type": "string", "maxLength": MAX_QUERY_CHARS},
         "description": 'Query text: words (AND), OR, NOT, -word, "phrases", field:value, prefix*, fuzzy~.'},
        {"name": "match", "in": "query",
         "schema": {"type": "string", "enum": list(MATCHES), "default": MATCHES[0]},
         "description": "all: every word must match; any: any word (a repeated word weighs more)."},
        {"name": "sort", "in": "query",
         "schema": {"type": "string", "enum": list(SORTS), "default": SORTS[0]}},
        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE,
                                                   "default": 1}},
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
    error = {"description": "Bad parameter, unknown article or no index",
             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
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
                    "400": error, "503": error}}},
            "/search.csv": {"get": {
                "summary": f"The same results as CSV (per_page up to {MAX_CSV_ROWS})",
                "parameters": search_params,
                "responses": {"200": {"description": "CSV", "content": {"text/csv": {}}}, "400": error}}},
            "/api/articles/{id}": {"get": {
                "summary": "A whole interview with its passages and metadata",
                "parameters": [{"name": "id", "in": "path", "required": True, "schema": {"type": "string"},
                                "description": "Article id such as voyagela/000_713f14fa217934a6"}],
                "responses": {"200": {"description": "The article", "content": {"application/json": {
                    "schema": {"type": "object"}}}}, "404": error}}},
            "/api/similar": {"get": {
                "summary": "Passages of other interviews like one passage",
                "parameters": [
                    {"name": "article", "in": "query", "required": True, "schema": {"type": "string"}},
                    {"name": "passage", "in": "query", "required": True, "schema": {"type": "integer"}},
                    {"name": "limit", "in": "query",
                     "schema": {"type": "integer", "minimum": 1, "maximum": 10, "default": 5}}],
                "responses": {"200": {"description": "Similar passages", "content": {"application/json": {
                    "schema": {"type": "object", "properties": {"hits": {"type": "array", "items": hit}}}}}},
                    "400": error}}},
            "/healthz": {"get": {
                "summary": "200 with index generation and passage count when a searcher is open, else 503",
                "responses": {"200": {"description": "Serving"}, "503": error}}},
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
