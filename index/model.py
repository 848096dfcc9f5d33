"""Plain data that flows through the pipeline: an article and its passages.

Nothing here knows about files, Whoosh or the web; every stage takes and returns these.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Link:
    """A contact link from the article's contact block, such as ``Instagram: zsong.film``."""

    label: str
    url: str


@dataclass
class Dropped:
    """A piece of text the splitter left out of every passage, and why (shown by ``parse --explain``)."""

    text: str
    reason: str


@dataclass
class Passage:
    """One searchable unit: the intro (``number`` 0, ``kind`` "intro") or a question and its answer."""

    number: int
    kind: str  # "intro" | "qa"
    question: str
    answer: str
    answerers: list[str] = field(default_factory=list)
    start: float | None = None  # seconds into the recording where the passage starts (transcripts), or None
    topics: list[str] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    works: list[str] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    roles: list[str] = field(default_factory=list)
    years: list[str] = field(default_factory=list)


@dataclass
class Article:
    """A whole interview as split from one file.

    ``id`` is stable and URL-safe: the file's path inside the corpus without its extension
    (``voyagela/000_713f14fa217934a6``). ``date`` is ISO 8601 (``YYYY-MM-DD``) or empty.
    """

    id: str
    path: str
    title: str = ""
    interviewees: list[str] = field(default_factory=list)
    interviewer: str = ""  # who asks; several people are joined with " and "
    publication: str = ""
    date: str = ""
    url: str = ""
    summary: str = ""
    categories: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    image_credits: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    format: str = ""  # "text" | "markdown" | "html": what the reader recognised
    sources: dict[str, str] = field(default_factory=dict)  # field → where it came from (``--explain``)

    def to_dict(self, explain: bool = False) -> dict:
        """The JSON shape ``interviews parse --json`` prints; ``dropped`` only when ``explain``."""
        data = asdict(self)
        if not explain:
            del data["dropped"]
            del data["sources"]
        return data

    @classmethod
    def from_dict(cls, data: dict) -> Article:
        """Rebuild an article from :meth:`to_dict` output (the JSONL ingestion path uses this)."""
        data = dict(data)
        data["links"] = [Link(**link) for link in data.get("links", [])]
        data["passages"] = [Passage(**p) for p in data.get("passages", [])]
        data["dropped"] = [Dropped(**d) for d in data.get("dropped", [])]
        known = cls.__dataclass_fields__
        return cls(**{k: v for k, v in data.items() if k in known})


class ArticleError(Exception):
    """An article could not be read or split; the message names the file and the reason."""

    def __init__(self, path: str, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
