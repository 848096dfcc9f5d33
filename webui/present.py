"""Turn a ``SearchResult`` and the URL state into what the page and the JSON twin show.

Facet values get their toggle URL and selected flag (selected values pinned on top, even when the
result no longer counts them); active filters become removable chips; pages become links. No HTML here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from index.facets import ARTICLE_FACETS, FACETS, PASSAGE_FACETS
from search.results import SearchResult
from webui.urls import FACET_LIMIT, MAX_PAGE, SearchState


@dataclass
class FacetItem:
    value: str
    count: int
    selected: bool
    toggle_url: str


@dataclass
class FacetGroup:
    name: str
    label: str
    items: list[FacetItem] = field(default_factory=list)
    hidden: int = 0  # values the index has beyond those listed
    more_url: str = ""  # show the long list of this facet
    less_url: str = ""  # back to the short list

    @property
    def selected_count(self) -> int:
        return sum(item.selected for item in self.items)


@dataclass
class Chip:
    facet: str
    label: str
    value: str
    remove_url: str


@dataclass
class PageLink:
    number: int | None  # None marks a gap ("…")
    url: str = ""
    current: bool = False


def facet_groups(result: SearchResult, state: SearchState, path: str = "/") -> list[FacetGroup]:
    """One group per facet in sidebar order; facets with nothing to show are left out."""
    groups = []
    for spec in FACETS:
        name = spec.name
        facet = result.facets.get(name)
        counted = {v.value: v.count for v in facet.values} if facet else {}
        chosen = state.filters.get(name, ())
        items = [FacetItem(v, counted.get(v, 0), True, state.toggle(name, v).url(path)) for v in chosen]
        others = [v for v in (facet.values if facet else []) if v.value not in chosen]
        limit = None if state.more == name else FACET_LIMIT
        shown = others if limit is None else others[:limit]
        items += [FacetItem(v.value, v.count, False, state.toggle(name, v.value).url(path)) for v in shown]
        hidden = (facet.more if facet else 0) + len(others) - len(shown)
        if not items:
            continue
        group = FacetGroup(name=name, label=spec.label, items=items, hidden=hidden)
        if hidden and state.more != name:
            group.more_url = state.with_more(name).url(path) + f"#facet-{name}"
        if state.more == name:
            group.less_url = state.with_more("").url(path) + f"#facet-{name}"
        groups.append(group)
    return groups


def stats_facets(top: dict[str, list[dict]]) -> list[FacetGroup]:
    """The stats page's largest values per facet (``SearchEngine.stats()["facets"]``), each a filter link."""
    blank = SearchState()
    return [
        FacetGroup(spec.name, spec.label, [
            FacetItem(v["value"], v["count"], False, blank.toggle(spec.name, v["value"]).url())
            for v in top[spec.name]
        ])
        for spec in FACETS
        if top.get(spec.name)
    ]


def facet_lists(article, passage=None) -> list[tuple[str, list[str]]]:
    """(label, values) of the article's own facets (its page's header), or of ``passage``'s enriched
    ones (under it), in registry order; empty ones left out. A single value takes the singular label."""
    if passage is None:
        lists = [(spec, spec.article_values(article)) for spec in ARTICLE_FACETS]
    else:
        lists = [(spec, spec.values(article, passage)) for spec in PASSAGE_FACETS]
    return [(spec.label if len(values) == 1 else spec.plural, values) for spec, values in lists if values]


def chips(state: SearchState, path: str = "/") -> list[Chip]:
    """The active filters, each with the URL that removes it."""
    return [
        Chip(spec.name, spec.label, value, state.toggle(spec.name, value).url(path))
        for spec in FACETS
        for value in state.filters.get(spec.name, ())
    ]


def last_page(total: int, per_page: int) -> int:
    return max(1, min(MAX_PAGE, math.ceil(total / per_page)))


def pagination(state: SearchState, total: int, path: str = "/", window: int = 2) -> list[PageLink]:
    """Page links around the current page, always with the first and last, gaps marked; [] for one page."""
    last = last_page(total, state.per_page)
    if last <= 1:
        return []
    wanted = {1, last, *range(state.page - window, state.page + window + 1)}
    links: list[PageLink] = []
    previous = 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            links.append(PageLink(None))
        links.append(PageLink(number, state.with_page(number).url(path), number == state.page))
        previous = number
    return links


def api_json(result: SearchResult, state: SearchState, path: str = "/api/search") -> dict:
    """``SearchResult.to_json()`` (the CLI's shape) plus navigation URLs for the JSON twin.

    Added keys only: each facet value's ``toggle_url``; ``filters`` (the selection as understood);
    ``next_url`` / ``previous_url`` / ``html_url``.
    """
    data = result.to_json()
    for name, values in data["facets"].items():
        for value in values:
            value["toggle_url"] = state.toggle(name, value["value"]).url(path)
    data["filters"] = {name: list(values) for name, values in state.filters.items()}
    last = last_page(result.total, state.per_page)
    data["next_url"] = state.with_page(state.page + 1).url(path) if state.page < last else None
    data["previous_url"] = state.with_page(state.page - 1).url(path) if state.page > 1 else None
    data["html_url"] = state.url("/")
    return data
