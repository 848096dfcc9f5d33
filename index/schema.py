"""The Whoosh schema: one document per passage, its analysers, and the ranking constants.

The query side (``search/``) reads these names; nothing else in the project should know Whoosh field
names. Ranking constants are module-level so the benchmarks can tune them in one place.

Analysis of running text (question, answer, title):

* words are runs of letters/digits, which may contain apostrophes and hyphens (``we’d``, ``Covid-19``);
* curly apostrophes become straight ones (``we’d`` = ``we'd``) and a trailing possessive ``'s`` goes
  (``Song’s`` = ``Song``);
* a hyphenated word is indexed as its parts *and* as the parts joined (``Covid-19`` → ``covid``, ``19``,
  ``covid19``), so ``covid``, ``covid19`` and the phrase ``"covid-19"`` all find it; at query time only
  the parts are produced, and a word that yields several tokens becomes a phrase;
* lower-casing, accent folding (``Thérèse`` = ``therese``), English stop words, Porter stemming; numbers
  such as ``2020`` are kept as they are.

The stop list is chosen per index when it is built (:data:`STOP_LISTS`; ``interviews build --stop-words
long``). It travels inside the schema Whoosh pickles into the index, so queries, highlighting and later
updates analyse text exactly as that index was built; ``meta.json`` records its name.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

from whoosh import fields, formats
from whoosh.analysis import (
    CharsetFilter,
    LowercaseFilter,
    RegexTokenizer,
    StemFilter,
    Token,
    Tokenizer,
)
from whoosh.analysis.filters import STOP_WORDS
from whoosh.support.charset import accent_map

from index.facets import FACETS
from index.whoosh_internals import AnalysedText, SpelledText

# --- Ranking (BM25F) -------------------------------------------------------------------------------
BM25_B = 0.75
"""Length normalisation, 0 (none) .. 1 (full)."""
BM25_K1 = 1.6
"""Term-frequency saturation; higher lets repeated words count for longer (1.6: tuned on Cranfield and
CISI, see docs/benchmarks.md)."""
# Field boosts are applied at query time (no rebuild needed to tune them).
QUESTION_BOOST = 2.0
"""A word in the question counts this many times a word in the answer."""
ANSWER_BOOST = 1.0
TITLE_BOOST = 1.5
INTERVIEWEE_BOOST = 1.5

# --- Analysis options, chosen per index at build time ------------------------------------------------
STOP_LISTS = ("short", "long")
"""``short``: Whoosh's 34 English stop words (the default: interview searchers look for words such as
"first", "show" or "top"). ``long``: the Glasgow IR group's 318-word list (``index/data/stop_words_long.txt``,
with its provenance), which ranked better on the Cranfield and CISI test collections
(docs/benchmarks.md)."""
DEFAULT_STOP_WORDS = "short"

SCHEMA_VERSION = 2
"""Bumped when the schema changes; an index written with another version needs a ``build``."""

FACET_PREFIX = "facet_"
"""Exact facet values live in ``facet_<name>`` (untokenised); ``<name>`` itself is searchable text."""
TEXT_FIELDS = ("question", "answer", "title", "interviewee")
"""Fields a plain word searches, in boost order."""
FIELD_BOOSTS = {
    "question": QUESTION_BOOST,
    "answer": ANSWER_BOOST,
    "title": TITLE_BOOST,
    "interviewee": INTERVIEWEE_BOOST,
}
VALUE_SEPARATOR = "\x1f"
"""Joins a multi-valued facet's values into the one string Whoosh indexes."""

WORD_PATTERN = _WORD = re.compile(r"\w+(?:['\u2019\u02bc-]\w+)*")
"""What the analysers treat as one source word (before apostrophe and hyphen handling)."""
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u02bc": "'", "\u2018": "'"})
_POSSESSIVE = re.compile(r"'s$", re.IGNORECASE)


class WordTokenizer(Tokenizer):
    """Words with inner apostrophes and hyphens; see the module docstring for what it emits.

    Stop words are dropped here rather than by a later filter so that positions stay consecutive
    (phrases match across a removed stop word) while the joined form of a hyphenated word shares its
    first part's position. ``stoplist=None`` keeps every word.
    """

    word_pattern = WORD_PATTERN
    """Each match is analysed on its own, which lets ``AnalysedText`` analyse a distinct word once."""

    def __init__(self, stoplist: frozenset[str] | None = None):
        self.stoplist = stoplist or frozenset()

    def __eq__(self, other):
        return self.__class__ is other.__class__ and self.stoplist == other.stoplist

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            # Prefix, wildcard and fuzzy terms arrive whole; only normalise the apostrophes.
            t.original = value
            t.text = value.translate(_APOSTROPHES)
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        for match in _WORD.finditer(value):
            word = _POSSESSIVE.sub("", match.group(0).translate(_APOSTROPHES))
            base = match.start()
            pieces = [(word, base)]
            if "-" in word:
                pieces, offset = [], 0
                for part in word.split("-"):
                    if part:
                        idx = word.index(part, offset)
                        pieces.append((part, base + idx))
                        offset = idx + len(part)
            kept = [(p, at) for p, at in pieces if p.lower() not in self.stoplist]
            stopped = len(kept) < len(pieces)
            if stopped and removestops:
                pieces = kept
            for i, (part, at) in enumerate(pieces):
                t.text = part
                t.boost = 1.0
                t.stopped = part.lower() in self.stoplist
                if keeporiginal:
                    t.original = part
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start_char + at, start_char + at + len(part)
                yield t
                if i == 0 and len(pieces) > 1 and mode == "index":
                    t.text = "".join(p for p, _ in pieces)
                    yield t
                pos += 1


@functools.cache
def stop_list(name: str = DEFAULT_STOP_WORDS) -> frozenset[str]:
    """The lower-case words of stop list ``name`` (one of :data:`STOP_LISTS`); ValueError if unknown."""
    if name == "short":
        return frozenset(STOP_WORDS)
    if name == "long":
        path = Path(__file__).with_name("data") / "stop_words_long.txt"
        lines = path.read_text(encoding="utf-8").splitlines()
        return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))
    raise ValueError(f"unknown stop list {name!r} (known: {', '.join(STOP_LISTS)})")


def schema_stop_words(schema) -> frozenset[str]:
    """The stop words an index's ``answer`` field drops (as pickled in that index), or none if unknown."""
    try:
        analyzer = schema["answer"].analyzer
    except KeyError:
        return frozenset()
    tokenizer = analyzer.items[0] if hasattr(analyzer, "items") else analyzer
    return frozenset(getattr(tokenizer, "stoplist", ()))


def text_analyzer(stem: bool = True, stoplist: str = DEFAULT_STOP_WORDS):
    """The analyser for running text; ``stem=False`` for names and facet text (no stemming).

    Both drop the words of stop list ``stoplist`` (see :data:`STOP_LISTS`; default ``short``) in
    :class:`WordTokenizer`.
    """
    # Names keep stop words out too: every word of a query must match in some field, and a stop word
    # that only the name fields indexed would make "the film" match nothing.
    chain = WordTokenizer(stop_list(stoplist)) | LowercaseFilter() | CharsetFilter(accent_map)
    if stem:
        chain = chain | StemFilter(cachesize=50000)
    return chain


def values_analyzer():
    """Exact facet values: one token per value, split on :data:`VALUE_SEPARATOR`, case kept."""
    return RegexTokenizer(r"[^" + VALUE_SEPARATOR + r"]+")


class FacetValues(fields.FieldType):
    """Exact facet values (several joined by :data:`VALUE_SEPARATOR`), indexed for filtering, unscored."""

    def __init__(self):
        self.analyzer = values_analyzer()
        self.format = formats.Existence()
        self.indexed = True
        self.scorable = False
        self.stored = False
        self.unique = False


def build_schema(stop_words: str = DEFAULT_STOP_WORDS) -> fields.Schema:
    """The schema for one passage per document (see the module docstring for the analysis).

    ``stop_words`` names the stop list (:data:`STOP_LISTS`, default ``short``) of every text field.
    """
    text = text_analyzer(stem=True, stoplist=stop_words)
    names = text_analyzer(stem=False, stoplist=stop_words)
    schema = fields.Schema(
        docid=fields.ID(stored=True, unique=True),  # "<article id>#<passage number>"
        # Columns (sortable) give the query side per-document arrays without loading stored fields.
        article=fields.ID(stored=True, sortable=True),
        number=fields.NUMERIC(stored=True, sortable=True),
        date=fields.ID(stored=True, sortable=True),  # ISO "YYYY-MM-DD" or ""
        kind=fields.STORED(),
        question=SpelledText(analyzer=text, stored=True, spelling=True, multitoken_query="phrase"),
        answer=SpelledText(analyzer=text, stored=True, spelling=True, multitoken_query="phrase"),
        title=AnalysedText(analyzer=text, stored=True, multitoken_query="phrase"),
        url=fields.STORED(),
        data=fields.STORED(),  # JSON: the passage's facet lists and answerers, for hits
        meta=fields.STORED(),  # JSON: the article without passages, on its first passage only
    )
    for spec in FACETS:  # the registry, index/facets.py
        schema.add(spec.name, AnalysedText(analyzer=names, stored=spec.stored, multitoken_query="phrase"))
        schema.add(FACET_PREFIX + spec.name, FacetValues())
    return schema
