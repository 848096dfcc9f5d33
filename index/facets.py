"""The facet registry: every facet's name, label, source, query aliases and normaliser, in one place.

Each facet is one :class:`FacetSpec` in :data:`FACETS` (the shape of Datasette's ``facets.py``). Everything
downstream of enrichment reads it:

- the indexer (``index/build.py``, ``index/schema.py``): which values a passage gets (``values``), the
  searchable text field ``<name>`` and the exact-value field ``facet_<name>``;
- the query parser (``search/query.py``): ``<name>:word`` and each alias (``org:``, ``topics:``);
- the engines (``search/engine.py``, ``search/facets.py``, the Solr engine): filters and counts per name;
- the web page, the JSON API and the templates: labels, parameters, the article page's lists.

Adding a facet is one entry here. Its values must already be on the article or passage (``source``);
a new *extracted* per-passage facet also needs its extractor called from ``index/enrich.py`` and a list
field on ``index.model.Passage`` (``docs/facets.md`` shows an example).

This module knows nothing of Whoosh, Solr or the web: names and plain functions only.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from index import organizations

_SEPARATORS = re.compile(r"[\s\x1f]+")
NORMALISED_CACHE_SIZE = 100_000
"""Normalised values a facet remembers (see :meth:`FacetSpec.values`); the cache is emptied when full."""


def clean_value(value: str) -> str:
    """``value`` with runs of white space (and the index's value separator) made one space, trimmed.

    The default normaliser: a newline or the separator inside a value would split it into two values.
    """
    return _SEPARATORS.sub(" ", str(value)).strip()


@dataclass(frozen=True)
class FacetSpec:
    """One facet.

    ``name`` is the URL parameter, the query field (``place:paris``), the engines' filter key and the
    index field. ``label``/``plural`` are what people read ("Place"/"Places"). ``source`` lists where
    the values come from as ``"passage.<attribute>"`` or ``"article.<attribute>"`` (a list or a single
    string); the first that holds a value wins (the interviewee is the passage's answerers, else the
    article's interviewees). ``aliases`` are other field names a query may use. ``normalise`` turns a
    raw value into the one shown and filtered on (values it makes blank are dropped); ``variants``
    gives a value's other names, which ``<name>:`` searches find too (``org:"New York University"``
    finds NYU) but filters and counts never show. ``stored``: the index keeps the searchable text so a
    hit can show it without loading the article.
    """

    name: str
    label: str
    plural: str
    source: tuple[str, ...]
    aliases: tuple[str, ...] = ()
    normalise: Callable[[str], str] = clean_value
    variants: Callable[[str], list[str]] | None = None
    stored: bool = False

    def values(self, article, passage) -> list[str]:
        """This facet's normalised values for ``passage`` of ``article``, in order, without repeats."""
        for from_article, attribute in self._sources:
            raw = getattr(article if from_article else passage, attribute, None)
            if not raw:
                continue
            values = [raw] if isinstance(raw, str) else raw
            # The same values recur on passage after passage (an article's publication, a city): each
            # is normalised once per process, which was most of turning passages into documents.
            known = self._normalised
            out = []
            for value in values:
                try:
                    clean = known[value]
                except KeyError:
                    if len(known) >= NORMALISED_CACHE_SIZE:
                        known.clear()
                    clean = known[value] = self.normalise(value)
                except TypeError:  # an unhashable value
                    clean = self.normalise(value)
                if clean:
                    out.append(clean)
            return list(dict.fromkeys(out))
        return []

    @cached_property
    def _sources(self) -> tuple[tuple[bool, str], ...]:
        """``source`` as (from the article?, attribute) pairs."""
        return tuple((path.split(".", 1)[0] == "article", path.split(".", 1)[1]) for path in self.source)

    @cached_property
    def _normalised(self) -> dict:
        """Raw value → ``normalise(value)``, filled as values are met (at most
        :data:`NORMALISED_CACHE_SIZE` entries)."""
        return {}

    def searchable(self, values: list[str]) -> list[str]:
        """``values`` and their variants: what a ``<name>:`` query may match."""
        if self.variants is None:
            return values
        return list(dict.fromkeys([*values, *(v for value in values for v in self.variants(value))]))

    def article_values(self, article) -> list[str]:
        """The values this facet takes from ``article`` alone (its ``article.*`` sources), for its page."""
        return FacetSpec(self.name, self.label, self.plural,
                         tuple(p for p in self.source if p.startswith("article.")),
                         normalise=self.normalise).values(article, None)

    @property
    def passage_attribute(self) -> str | None:
        """The :class:`~index.model.Passage` list this facet is, when it is one of the passage's own
        enriched lists (topics, places...); None for facets about the article or its people."""
        if len(self.source) == 1 and self.source[0].startswith("passage."):
            return self.source[0].split(".", 1)[1]
        return None


def _organisation(value: str) -> str:
    """One name per organisation: "Oxford University" -> University of Oxford (index/organizations.py)."""
    return organizations.canonical_name(clean_value(value))


FACETS: tuple[FacetSpec, ...] = (
    FacetSpec("interviewee", "Interviewee", "Interviewees", ("passage.answerers", "article.interviewees"),
              aliases=("interviewees", "person", "who"), stored=True),
    FacetSpec("publication", "Publication", "Publication", ("article.publication",),
              aliases=("pub",), stored=True),
    FacetSpec("topic", "Topic", "Topics", ("passage.topics",), aliases=("topics",)),
    FacetSpec("place", "Place", "Places", ("passage.places",), aliases=("places",)),
    FacetSpec("work", "Work", "Works", ("passage.works",), aliases=("works",)),
    FacetSpec("organization", "Organization", "Organizations", ("passage.organizations",),
              aliases=("organizations", "organisation", "organisations", "org"),
              normalise=_organisation, variants=organizations.variants),
    FacetSpec("role", "Role", "Roles", ("passage.roles",), aliases=("roles",)),
    FacetSpec("year", "Year", "Years", ("passage.years",), aliases=("years",)),
    FacetSpec("category", "Category", "Categories", ("article.categories",), aliases=("categories",)),
)
"""Every facet, in the order the sidebar shows them."""

FACET_NAMES: tuple[str, ...] = tuple(f.name for f in FACETS)
"""The facets' names, in sidebar order."""

PASSAGE_FACETS: tuple[FacetSpec, ...] = tuple(f for f in FACETS if f.passage_attribute)
"""Facets that are a passage's own enriched lists (shown under each passage on the article page)."""

ARTICLE_FACETS: tuple[FacetSpec, ...] = tuple(f for f in FACETS if not f.passage_attribute)
"""Facets about the article or its people (shown in the article page's header)."""

def order_values(values: list[tuple[str, int, str]]) -> list[tuple[str, int, str]]:
    """``(value, count, newest)`` triples in the order every list of facet values uses.

    Most passages first; among equal counts the value whose newest passage is newest (``newest``: the
    ISO date of that passage's article, "" when undated, which sorts last); then A–Z, case folded
    (then by code point, so the order is total). Counts are passages, an interviewee's too, so among
    The Setup's interviewees (four passages each) the latest interviews come first rather than the
    first "Aaron"s. Both engines order this way: the Solr engine with this function over each
    bucket's ``count`` and ``max(date)``, the embedded engine with the same keys in numpy
    (``search.facets.FacetTable.facet``); ``tests/test_conformance.py`` compares them.
    """
    out = sorted(values, key=lambda v: (v[0].casefold(), v[0]))
    out.sort(key=lambda v: v[2], reverse=True)  # stable sorts: each keeps the order of the one before
    out.sort(key=lambda v: v[1], reverse=True)
    return out


_BY_ALIAS = {alias: f.name for f in FACETS for alias in (f.name, *f.aliases)}


def canonical_name(name: str) -> str | None:
    """The facet a query field name or alias means (``org`` -> ``organization``; any case), or None."""
    return _BY_ALIAS.get(name.lower())
