"""The Whoosh schema: one document per passage, its fields, and the ranking constants.

The query side (``search/``) reads these names; nothing else in the project should know Whoosh field
names. Ranking constants are module-level so the benchmarks can tune them in one place. How text becomes
terms (tokenizer, acronyms, stop words, word forms) is :mod:`index.analysis`; the stop list is chosen per
index when it is built (``interviews build --stop-words long``) and travels inside the schema Whoosh
pickles into the index, so queries, highlighting and later updates analyse text exactly as that index
was built; ``meta.json`` records its name and the analysis fingerprint.
"""

from __future__ import annotations

from whoosh import fields, formats
from whoosh.analysis import RegexTokenizer

from index.analysis import DEFAULT_STOP_WORDS, WORD_PATTERN, analyzer_stop_words, text_analyzer
from index.facets import FACETS
from index.whoosh_internals import AnalysedText, SpelledText

# --- Ranking (BM25F) -------------------------------------------------------------------------------
BM25_B = 0.75
"""Length normalisation, 0 (none) .. 1 (full)."""
BM25_K1 = 2.0
"""Term-frequency saturation; higher lets repeated words count for longer (2.0: chosen on Cranfield and
CISI, 0.0012 mean MAP above 1.6; see docs/benchmarks.md)."""
# Field boosts are applied at query time (no rebuild needed to tune them).
QUESTION_BOOST = 2.0
"""A word in the question counts this many times a word in the answer."""
ANSWER_BOOST = 1.0
TITLE_BOOST = 0.3
INTERVIEWEE_BOOST = 0.3

SCHEMA_VERSION = 3
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

_WORD = WORD_PATTERN


def schema_stop_words(schema) -> frozenset[str]:
    """The stop words an index's ``answer`` field drops (as pickled in that index), or none if unknown."""
    try:
        return analyzer_stop_words(schema["answer"].analyzer)
    except KeyError:
        return frozenset()


def values_analyzer():
    """Exact facet values: one token per value, split on :data:`VALUE_SEPARATOR`, case kept."""
    return RegexTokenizer(r"[^" + VALUE_SEPARATOR + r"]+")


class FacetValues(fields.FieldType):
    """Exact facet values (several joined by :data:`VALUE_SEPARATOR`), indexed for filtering, unscored."""

    index_per_value = True
    """Its terms depend on the value alone: the build writer reuses them for a repeated value."""

    def __init__(self):
        self.analyzer = values_analyzer()
        self.format = formats.Existence()
        self.indexed = True
        self.scorable = False
        self.stored = False
        self.unique = False


def build_schema(stop_words: str = DEFAULT_STOP_WORDS) -> fields.Schema:
    """The schema for one passage per document (see the module docstring for the analysis).

    ``stop_words`` names the stop list (``index.analysis.STOP_LISTS``, default ``short``) of every text
    field.
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
