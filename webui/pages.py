"""HTML pages: search, help, article, stats, and the OpenSearch description. Views only call the library."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from flask import Blueprint, abort, current_app, render_template, request, url_for

from index.facets import FACETS
from webui import present, sanitize
from webui.engine import get_engine, run_search, similar_source
from webui.urls import (
    MATCH_LABELS,
    SIMILAR_PAGE,
    SORTS,
    SearchState,
    absolute,
    article_url,
    parse_state,
    similar_args,
)

log = logging.getLogger(__name__)

bp = Blueprint("pages", __name__)

BROWSE_FACETS = ("publication", "topic", "category")
"""Facets whose largest values the welcome page offers as starting points."""

BROWSE_TOP = 6

STATS_TOP = 10
"""Values listed per facet on the stats page."""


@bp.app_template_global()
def hit_url(hit, q: str = "") -> str:
    return article_url(hit.article, hit.passage, q)


@bp.app_template_filter("snippet")
def snippet_filter(fragment: str):
    return sanitize.snippet(fragment)


@bp.route("/")
def search_page():
    state = parse_state(request.args)
    engine = get_engine()
    result = None if state.is_blank else run_search(state)
    stats = _safe_stats(engine) if state.is_blank else {}
    last = present.last_page(result.total, state.per_page) if result else 1
    return render_template(
        "search.html",
        state=state,
        result=result,
        facets=present.facet_groups(result, state) if result else [],
        chips=present.chips(state),
        pages=present.pagination(state, result.total) if result else [],
        past_last_page=bool(result and result.total and state.page > last),
        last_page=last,
        sorts=SORTS,
        matches=MATCH_LABELS,
        any_words_url=state.with_match("any").url() if _several_words(state) else "",
        stats=stats,
        browse=[g for g in present.stats_facets(stats.get("facets", {})) if g.name in BROWSE_FACETS],
        suggestion_url=state.with_query(result.suggestion).url() if result and result.suggestion else "",
        api_url=state.url("/api/search"),
        csv_url=state.csv_url(),
    )


def _several_words(state: SearchState) -> bool:
    """Whether "any of these words" could find more than the query did: all words, two or more."""
    return state.match in ("most", "all") and len(state.q.split()) > 1


@bp.route("/help")
def help_page():
    return render_template("help.html", facets=FACETS, sorts=SORTS, matches=MATCH_LABELS,
                           limits=_limits())


def _limits() -> dict[str, int]:
    """The bounds on a search that the help page lists (docs/reliability.md explains them)."""
    from search import query
    from webui import urls

    return {
        "query_chars": urls.MAX_QUERY_CHARS, "words": query.MAX_TERMS, "prefix": query.MIN_PREFIX,
        "fuzzy": query.MAX_FUZZY, "fuzzy_chars": query.MAX_FUZZY_CHARS, "fuzzy_words": query.MAX_FUZZY_WORDS,
        "per_page": urls.MAX_PER_PAGE, "page": urls.MAX_PAGE, "csv_rows": urls.MAX_CSV_ROWS,
        "facet_values": urls.MAX_VALUES_PER_FACET,
    }


@bp.route("/articles/<path:article_id>")
def article_page(article_id: str):
    engine = get_engine()
    article = engine.article(article_id)
    if article is None:
        abort(404, description=f"There is no article with the id “{article_id}”.")
    q = request.args.get("q", "")
    # "More like this" is fetched per passage on demand (a link, or the script's fetch of its JSON twin):
    # computing it for every passage up front made an article page ten times slower.
    return render_template(
        "article.html",
        article=article,
        facet_lists=present.facet_lists,
        q=q,
        similar_url=similar_url,
        text_html=sanitize.text_html,
        plain_marked=sanitize.plain_marked,
        link=sanitize.link,
        safe_url=sanitize.safe_url,
        back_url=SearchState(q=q).url() if q else "",
    )


def similar_url(article_id: str, passage: int, path: str = "/similar") -> str:
    return f"{path}?{urlencode({'article': article_id, 'passage': passage})}"


@bp.route("/similar")
def similar_page():
    article_id, passage, _ = similar_args(request.args)
    article, source = similar_source(article_id, passage)
    hits = get_engine().more_like_this(article_id, passage, limit=SIMILAR_PAGE)
    return render_template(
        "similar.html", article=article, passage=source, hits=hits, state=SearchState(),
        source_url=article_url(article.id, passage),
    )


def _safe_stats(engine) -> dict:
    try:
        return engine.stats(top=BROWSE_TOP)
    except Exception:  # the welcome page still works without figures
        log.exception("stats failed")
        return {}


@bp.route("/stats")
def stats_page():
    stats = get_engine().stats(top=STATS_TOP)
    return render_template("stats.html", stats=stats, facets=present.stats_facets(stats.get("facets", {})))


@bp.route("/opensearch.xml")
def opensearch():
    """The OpenSearch description; its URLs are on ``PUBLIC_URL``, or relative when none is configured
    (``interviews serve`` configures its own address), never on the request's Host header."""
    base = current_app.config["PUBLIC_URL"]
    body = render_template("opensearch.xml", search_url=absolute(url_for("pages.search_page"), base),
                           api_url=absolute(url_for("api.search"), base),
                           self_url=absolute(url_for("pages.opensearch"), base))
    return body, 200, {"Content-Type": "application/opensearchdescription+xml; charset=utf-8"}
