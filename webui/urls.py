"""The one place that reads a search URL into state and builds URLs from state.

The URL is the whole state of a search (query, facet filters, sort, page, which facet is expanded), so a
page can be shared, bookmarked and reloaded, and the back button works. Every link the templates show
(facet toggles, filter chips, sort, pagination, "did you mean", CSV, the JSON twin) comes from here.

Parameters: ``q`` (query text), one parameter per facet name repeated for each selected value
(``topic=Hardware&topic=Software``: OR within a facet, AND across facets), ``sort``
(``relevance`` | ``newest`` | ``interviewee``), ``page`` (1-based), ``per_page`` and ``more`` (the facet
whose long list is shown).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from urllib.parse import quote, urlencode

from index.facets import FACET_NAMES
from search.request import MATCHES  # "most" (the default), "all" or "any" of the words

SORTS = ("relevance", "newest", "interviewee")
"""Sort orders the page offers, the first being the default."""

PER_PAGE = 10
"""Hits per page unless ``per_page`` says otherwise."""

MAX_PER_PAGE = 100
"""Largest ``per_page`` the page and ``/api/search`` accept."""

MAX_CSV_ROWS = 1000
"""Largest ``per_page`` the CSV export accepts, and its default: the download holds every result up to it."""

MAX_PAGE = 1000
"""Deepest page accepted; deeper paging is refused with a 400 rather than scanned."""

MAX_QUERY_CHARS = 1000
"""Longest query text accepted, in characters."""

MAX_URL_BYTES = 8 * 1024
"""Longest request target (path and query string) answered, in bytes; longer gets 414."""

MAX_HEADER_BYTES = 16 * 1024
"""Most bytes of request header names and values answered; more gets 431."""

MAX_VALUES_PER_FACET = 50
"""Most selected values accepted for one facet."""

SIMILAR_PAGE = 10
"""Similar passages listed on the "more like this" page, and the most ``/api/similar`` returns."""

SIMILAR_DEFAULT = 5
"""Similar passages ``/api/similar`` returns without ``limit``."""

MAX_PASSAGE = 100_000
"""Largest passage number a request may name (articles have a few dozen)."""

FACET_LIMIT = 10
"""Facet values listed per facet; ``more=<facet>`` lists every value of that one."""

CONTROL_PARAMS = ("q", "match", "sort", "page", "per_page", "more")

MATCH_LABELS = {"most": "All words, then most", "all": "All words only", "any": "Any word"}
"""What the results page's match menu calls each of :data:`MATCHES`."""



class ParamError(ValueError):
    """A request parameter is malformed or out of range; the message names it and says why."""


@dataclass(frozen=True)
class SearchState:
    """Everything a search URL says. Immutable: the ``with_*`` methods return changed copies."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort: str = SORTS[0]
    match: str = MATCHES[0]
    page: int = 1
    per_page: int = PER_PAGE
    more: str = ""
    ignored: tuple[str, ...] = ()  # unknown parameter names, reported to the user, never in built URLs
    notices: tuple[str, ...] = ()  # what the lenient page changed in the request (a query cut short)

    @property
    def is_blank(self) -> bool:
        """True when there is neither query text nor a filter: the page shows its welcome state."""
        return not self.q.strip() and not any(self.filters.values())

    def is_selected(self, facet: str, value: str) -> bool:
        return value in self.filters.get(facet, ())

    def library_filters(self) -> dict[str, list[str]] | None:
        """The filters in the shape ``SearchEngine.search`` takes, or None when there are none."""
        chosen = {name: list(values) for name, values in self.filters.items() if values}
        return chosen or None

    # -- building ---------------------------------------------------------------------------------------

    def params(self) -> list[tuple[str, str]]:
        """Query-string pairs in a stable order, defaults left out so URLs stay short."""
        pairs: list[tuple[str, str]] = []
        if self.q:
            pairs.append(("q", self.q))
        for name in FACET_NAMES:
            pairs.extend((name, value) for value in self.filters.get(name, ()))
        if self.match != MATCHES[0]:
            pairs.append(("match", self.match))
        if self.sort != SORTS[0]:
            pairs.append(("sort", self.sort))
        if self.page != 1:
            pairs.append(("page", str(self.page)))
        if self.per_page != PER_PAGE:
            pairs.append(("per_page", str(self.per_page)))
        if self.more:
            pairs.append(("more", self.more))
        return pairs

    def url(self, path: str = "/") -> str:
        """This state as a URL on ``path`` (``/``, ``/api/search``, ``/search.csv``)."""
        query = urlencode(self.params())
        return f"{path}?{query}" if query else path

    def csv_url(self) -> str:
        """The CSV download of these results: every result from the first, up to :data:`MAX_CSV_ROWS`."""
        return replace(self, page=1, per_page=MAX_CSV_ROWS, more="").url("/search.csv")

    def toggle(self, facet: str, value: str) -> SearchState:
        """Select ``value`` in ``facet`` if it is not selected, else drop it; back to page 1."""
        current = self.filters.get(facet, ())
        values = tuple(v for v in current if v != value) if value in current else (*current, value)
        filters = {**self.filters, facet: values}
        return replace(self, filters={k: v for k, v in filters.items() if v}, page=1)

    def with_query(self, q: str) -> SearchState:
        return replace(self, q=q, page=1)

    def with_page(self, page: int) -> SearchState:
        return replace(self, page=page)

    def with_sort(self, sort: str) -> SearchState:
        return replace(self, sort=sort, page=1)

    def with_match(self, match: str) -> SearchState:
        return replace(self, match=match, page=1)

    def with_more(self, facet: str) -> SearchState:
        return replace(self, more=facet)

    def without_filters(self) -> SearchState:
        return replace(self, filters={}, page=1)


def _one(args: Mapping, name: str) -> str:
    """The single value of ``name``; a repeated control parameter is an error, not a silent pick."""
    values = args.getlist(name) if hasattr(args, "getlist") else [args[name]]
    if len(values) > 1:
        raise ParamError(f"parameter '{name}' was given {len(values)} times; give it once")
    return values[0]


def _int(args: Mapping, name: str, default: int | None, low: int, high: int) -> int:
    """A whole number written with the digits 0-9 (Python's ``int`` also takes ``1_0``, ``１０`` and
    ``١٠``, which no OpenAPI client sends for an integer); ``default`` None makes the parameter required."""
    if name not in args:
        if default is None:
            raise ParamError(f"parameter '{name}' is required (a whole number)")
        return default
    raw = _one(args, name).strip()
    if not (raw.isascii() and raw.isdigit()):
        raise ParamError(f"parameter '{name}' must be a whole number written with the digits 0-9, "
                         f"not {raw[:40]!r}")
    value = int(raw)
    if not low <= value <= high:
        raise ParamError(f"parameter '{name}' must be between {low} and {high}, not {value}")
    return value


def _choice(args: Mapping, name: str, choices: tuple[str, ...], strict: bool) -> str:
    """One of ``choices`` (the first when absent). An empty value, which a form's blank menu sends, means
    the default on the page and is refused by the API, whose OpenAPI document lists only the choices."""
    raw = _one(args, name).strip() if name in args else ""
    if not raw:
        if strict and name in args:
            raise ParamError(f"parameter '{name}' is empty; leave it out or give one of {', '.join(choices)}")
        return choices[0]
    if raw not in choices:
        raise ParamError(f"parameter '{name}' must be one of {', '.join(choices)}, not {raw[:40]!r}")
    return raw


def parse_state(args: Mapping, strict: bool = False, max_per_page: int = MAX_PER_PAGE,
                default_per_page: int = PER_PAGE) -> SearchState:
    """Read a request's query-string (a ``MultiDict``) into a :class:`SearchState`.

    Raises :class:`ParamError` for a malformed or out-of-range value. When ``strict`` (the JSON API and
    CSV, where a mistake should be loud and the OpenAPI document is the contract), unknown parameter
    names, empty choices and queries over :data:`MAX_QUERY_CHARS` are errors. Otherwise (the HTML page,
    where a link may carry tracking parameters and a visitor may paste a whole paragraph) unknown names
    are listed in ``SearchState.ignored``, and a long query is cut with a notice in ``notices``.
    """
    q = _one(args, "q") if "q" in args else ""
    notices: tuple[str, ...] = ()
    if len(q) > MAX_QUERY_CHARS:
        if strict:
            raise ParamError(f"the query is {len(q)} characters long; the limit is {MAX_QUERY_CHARS}")
        notices = (f"Your query was {len(q):,} characters long; only its first {MAX_QUERY_CHARS:,} "
                   "were searched.",)
        q = q[:MAX_QUERY_CHARS]
    sort = _choice(args, "sort", SORTS, strict)
    match = _choice(args, "match", MATCHES, strict)
    page = _int(args, "page", 1, 1, MAX_PAGE)
    per_page = _int(args, "per_page", default_per_page, 1, max_per_page)
    more = _one(args, "more").strip() if "more" in args else ""
    if strict and "more" in args and not more:
        raise ParamError(f"parameter 'more' is empty; leave it out or name one of {', '.join(FACET_NAMES)}")
    if more and more not in FACET_NAMES:
        raise ParamError(f"parameter 'more' must name a facet ({', '.join(FACET_NAMES)}), not {more[:40]!r}")

    filters: dict[str, tuple[str, ...]] = {}
    for name in FACET_NAMES:
        values = args.getlist(name) if hasattr(args, "getlist") else ([args[name]] if name in args else [])
        # Blank values come from empty form fields; duplicates from re-ticking: neither is a filter.
        kept = tuple(dict.fromkeys(v.strip() for v in values if v.strip()))
        if len(kept) > MAX_VALUES_PER_FACET:
            raise ParamError(
                f"facet '{name}' has {len(kept)} values selected; the limit is {MAX_VALUES_PER_FACET}"
            )
        if kept:
            filters[name] = kept

    unknown = tuple(sorted(k for k in args if k not in CONTROL_PARAMS and k not in FACET_NAMES))
    if unknown and strict:
        raise ParamError(
            f"unknown parameter {', '.join(repr(k[:40]) for k in unknown)}; "
            f"known: {', '.join(CONTROL_PARAMS)} and the facets {', '.join(FACET_NAMES)}"
        )
    return SearchState(
        q=q, filters=filters, sort=sort, match=match, page=page, per_page=per_page, more=more,
        ignored=unknown, notices=notices,
    )


def article_url(article_id: str, passage: int | None = None, q: str = "") -> str:
    """Link to an article page, carrying the query so the page highlights it, at passage ``#p<n>``."""
    path = "/articles/" + quote(article_id, safe="/")
    if q.strip():
        path += "?" + urlencode({"q": q})
    if passage is not None:
        path += f"#p{passage}"
    return path


def similar_args(args: Mapping) -> tuple[str, int, int]:
    """The ``article``, ``passage`` and ``limit`` (default :data:`SIMILAR_DEFAULT`, at most
    :data:`SIMILAR_PAGE`) of a "more like this" request; ParamError if one is malformed."""
    article_id = _one(args, "article") if "article" in args else ""  # as given: an odd id is just a 404
    if not article_id:
        raise ParamError("parameter 'article' is required (an id such as voyagela/000_713f14fa217934a6)")
    passage = _int(args, "passage", None, 0, MAX_PASSAGE)
    limit = _int(args, "limit", SIMILAR_DEFAULT, 1, SIMILAR_PAGE)
    return article_id, passage, limit


def absolute(path: str, base: str = "") -> str:
    """``path`` on the configured public address ``base`` (``https://search.example.org``), or ``path``
    itself, relative, when none is configured: never built from the request's Host header."""
    return base.rstrip("/") + path if base else path
