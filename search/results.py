"""Plain dataclasses the search library returns; the CLI and the web layer only ever see these."""

from __future__ import annotations

from dataclasses import dataclass, field, fields


@dataclass
class FacetValue:
    value: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    """Counts for one facet over *all* matches; ``values`` holds the top N, ``more`` how many were cut."""

    name: str
    values: list[FacetValue] = field(default_factory=list)
    more: int = 0


@dataclass
class Hit:
    article: str  # article id, e.g. "voyagela/000_713f14fa217934a6"
    passage: int  # 0 for the intro, 1..n for questions
    question: str
    answer: str
    snippet: str  # sanitised HTML: plain text with <mark> around matched terms
    interviewee: str
    publication: str
    score: float
    url: str = ""  # the article's original URL, if known
    title: str = ""
    date: str = ""
    topics: list[str] = field(default_factory=list)
    question_html: str = ""  # sanitised HTML: the whole question with <mark> around matched terms
    partial: bool = False  # has most, not all, of the words (match="most"); ranked after those that do


@dataclass
class SearchResult:
    query: str
    total: int
    page: int
    per_page: int
    hits: list[Hit] = field(default_factory=list)
    facets: dict[str, Facet] = field(default_factory=dict)
    suggestion: str | None = None  # "did you mean", a whole corrected query
    warnings: list[str] = field(default_factory=list)
    sort: str = "relevance"
    elapsed_ms: float = 0.0
    partial: int = 0  # how many of ``total`` have most, not all, of the words (match="most"; listed last)

    def to_json(self) -> dict:
        """The shape shared by ``interviews search --json`` and ``/api/search``."""
        # Built by hand: dataclasses.asdict deep-copies every value and was a third of an API request.
        data = {f.name: getattr(self, f.name) for f in fields(self)}
        data["hits"] = [{**vars(hit), "topics": list(hit.topics)} for hit in self.hits]
        data["warnings"] = list(self.warnings)
        data["facets"] = {name: [dict(vars(v)) for v in f.values] for name, f in self.facets.items()}
        data["facets_more"] = {name: f.more for name, f in self.facets.items()}
        return data
