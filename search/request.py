"""What a search asks for, cleaned the same way for every engine: paging, sort, match, filters, facets.

:meth:`SearchRequest.make` turns the arguments of ``search()`` (see :mod:`search.engine`) into one
immutable request, clamping what is out of range and dropping what is unknown, each with a warning. An
engine then only runs a request; the rules of what a caller may ask live here once, not in each engine.
Nothing here knows an engine.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

from index.facets import FACET_NAMES, clean_value

SORTS = ("relevance", "newest", "interviewee")
"""``relevance`` (BM25F), ``newest`` (article date, then article and passage order), ``interviewee`` (A–Z)."""
MATCHES = ("most", "all", "any")
"""``most`` (the default): passages with every word first and, when those are few, then passages with most
of the words (``search.scoring.minimum_should_match``), marked as partial. ``all``: strictly every word.
``any``: a passage matching any word is found, ranked by how many of the words it has and how rare they
are; a word repeated in the query counts that many times (query-term frequency)."""
MAX_PER_PAGE = 100
"""Largest page size; bigger requests are cut (with a warning)."""
MAX_RESULTS_DEPTH = 10_000
"""Deepest result reachable by paging (page × per_page); deeper pages are cut (with a warning)."""


@dataclass(frozen=True)
class SearchRequest:
    """One search, cleaned: every value is in range and every filter names a known facet.

    ``filters`` maps facet names to the values selected (OR within a facet, AND across facets);
    ``facet_limit`` is how many values each facet lists (None: all), except the facets in ``expand``,
    which list all. ``warnings`` say what was changed from what the caller asked for.
    """

    query: str = ""
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    page: int = 1
    per_page: int = 10
    sort: str = "relevance"
    facet_limit: int | None = 10
    expand: frozenset[str] = frozenset()
    match: str = "most"
    warnings: tuple[str, ...] = ()

    @classmethod
    def make(cls, query: str = "", filters: Mapping | None = None, page=1, per_page=10,
             sort: str = "relevance", facet_limit: int | None = 10, expand: Collection[str] = (),
             match: str = "most") -> SearchRequest:
        """The request for ``search()``'s arguments; never raises on what a user could send."""
        warnings: list[str] = []
        page, per_page = _clamp_paging(page, per_page, warnings)
        if sort not in SORTS:
            warnings.append(f"unknown sort {sort!r}; sorted by relevance (sorts: {', '.join(SORTS)})")
            sort = "relevance"
        if match not in MATCHES:
            warnings.append(f"unknown match {match!r}; all words must match (matches: {', '.join(MATCHES)})")
            match = "all"
        if facet_limit is not None:
            try:
                facet_limit = max(0, int(facet_limit))
            except (TypeError, ValueError, OverflowError):
                facet_limit = 10
        return cls(query=query if isinstance(query, str) else str(query or ""),
                   filters=_clean_filters(filters, warnings), page=page, per_page=per_page, sort=sort,
                   facet_limit=facet_limit, expand=frozenset(expand or ()), match=match,
                   warnings=tuple(warnings))

    @property
    def offset(self) -> int:
        """How many results come before this page."""
        return (self.page - 1) * self.per_page

    def limit_for(self, facet: str) -> int | None:
        """How many values ``facet`` lists (None: all of them)."""
        return None if facet in self.expand else self.facet_limit


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


def _clean_filters(filters, warnings: list[str]) -> dict[str, tuple[str, ...]]:
    selected: dict[str, tuple[str, ...]] = {}
    for name, values in (filters or {}).items():
        if name not in FACET_NAMES:
            warnings.append(f"unknown facet {name!r} ignored (facets: {', '.join(FACET_NAMES)})")
            continue
        if isinstance(values, str) or not isinstance(values, (list, tuple, set, frozenset)):
            values = [values]
        kept: list[str] = []
        for value in values or []:
            value = clean_value(value)
            if value and value not in kept:
                kept.append(value)
        if kept:
            selected[name] = tuple(kept)
    return selected
