"""User query syntax → a Whoosh query, with friendly fallbacks and bounded cost.

Syntax: words (all must match, or any of them with ``match="any"``), ``OR``, ``NOT`` / ``-word``,
``"phrases"``, ``field:value`` (``question:``, ``answer:``, ``title:``, and every facet of the registry in
``index/facets.py`` by its name or an alias: ``interviewee:``, ``topic:``, ``place:``, ``org:``...),
``prefix*`` and ``fuzzy~`` (``fuzzy~2`` for two edits). Nothing here raises on user input: a query
Whoosh cannot make sense of is searched as plain words, and every change to what the user typed is
explained in ``warnings``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import qparser, query
from whoosh.matching import ListMatcher, NullMatcher
from whoosh.query.terms import MultiTerm

from index.facets import FACET_NAMES, canonical_name
from index.schema import FIELD_BOOSTS, TEXT_FIELDS, schema_stop_words
from search.request import MATCHES

MAX_QUERY_CHARS = 1000
"""Longer queries are cut to this many characters."""
MAX_TERMS = 64
"""Queries with more words than this keep the first ``MAX_TERMS`` (with ``match="any"``, words that are
not the index's stop words, and not the operators AND/OR/NOT)."""
MIN_PREFIX = 2
"""``a*`` would expand to thousands of words; a prefix needs at least this many characters."""
MAX_FUZZY = 2
"""Largest edit distance ``word~N`` may ask for."""
MAX_FUZZY_CHARS = 20
"""Longer words are searched exactly even when followed by ``~``."""
MAX_FUZZY_WORDS = 4
"""Fuzzy words allowed in one query; later ones are searched exactly."""
MAX_EXPANSIONS = 200
"""A prefix or fuzzy word matches at most this many different indexed words."""

SEARCHABLE_FIELDS = TEXT_FIELDS + tuple(name for name in FACET_NAMES if name not in TEXT_FIELDS)
TEXT_FIELD_ALIASES = {"q": "question", "questions": "question", "a": "answer", "answers": "answer"}
"""Other names for the text fields; the facets' aliases are in the registry (``index/facets.py``)."""

_FIELD_RE = re.compile(r'(?<![\w"])([A-Za-z_][\w-]*):(?=\S)')
_WORDS_RE = re.compile(r"\w+(?:['\u2019-]\w+)*")


@dataclass
class ParsedQuery:
    """What :func:`parse` made of the user's text. ``match_all`` means "no words": browse everything."""

    text: str
    query: query.Query
    cleaned: str = ""  # the text actually parsed; term start/end characters point into it
    match_all: bool = False
    fallback: bool = False
    warnings: list[str] = field(default_factory=list)


def _parser(schema, match: str = "all") -> qparser.QueryParser:
    group = qparser.OrGroup if match == "any" else qparser.AndGroup
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=dict(FIELD_BOOSTS), group=group)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    # "-word" excludes only at the start of a word, so "Covid-19" stays one (hyphenated) word.
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+",
                                              minusexpr=r"(?<![^\s(])-(?=[\w\"(])"))
    # Ranges, boosts, single quotes and bare "*" are not part of our language; they only surprise.
    for plugin in (qparser.RangePlugin, qparser.BoostPlugin, qparser.SingleQuotePlugin, qparser.EveryPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def parse(text: str, schema, match: str = "all") -> ParsedQuery:
    """Parse the user's ``text`` against ``schema``; never raises.

    ``match``: "all" (default) joins words with AND, "any" with OR and weights each word by how often
    it is repeated (see :data:`MATCHES`); explicit ``OR``, ``-word``, phrases and fields work in both.
    """
    warnings: list[str] = []
    text = text or ""
    if match not in MATCHES:
        warnings.append(f"unknown match {match!r}; all words must match (matches: {', '.join(MATCHES)})")
        match = "all"
    if len(text) > MAX_QUERY_CHARS:
        warnings.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
        text = text[:MAX_QUERY_CHARS]
    # "Any" queries are often pasted prose: the word limit then counts only words the index keeps.
    cleaned = _clean(text, warnings, schema_stop_words(schema) if match == "any" else None)
    if not _WORDS_RE.search(cleaned):
        return ParsedQuery(text, query.Every(), cleaned=cleaned, match_all=True, warnings=warnings)
    problem = _syntax_problem(cleaned)
    if problem is None:
        try:
            q = _parser(schema, match).parse(cleaned, normalize=False)
            q = _weight_repeats(q) if match == "any" else q.normalize()
            if q is query.NullQuery and _only_negative(cleaned):
                # "-covid" alone: everything except covid.
                positive = _parser(schema).parse(re.sub(r"(?<![^\s(])(-|NOT\s+)", " ", cleaned))
                if positive is not query.NullQuery:
                    q = query.AndNot(query.Every(), positive)
                    return ParsedQuery(text, q, cleaned=cleaned, warnings=warnings)
            if q is query.NullQuery:
                warnings.append("only very common words (such as 'the', 'and'), which are not indexed")
                return ParsedQuery(text, q, cleaned=cleaned, warnings=warnings)
            if not _has_positive(q):
                # "-covid" alone: everything except covid.
                return ParsedQuery(text, query.And([query.Every(), q]), cleaned=cleaned, warnings=warnings)
            return ParsedQuery(text, q, cleaned=cleaned, warnings=warnings)
        except Exception as exc:  # noqa: BLE001 - any parser failure falls back to plain words
            problem = f"it could not be parsed ({type(exc).__name__})"
    warnings.append(f"searched as plain words because {problem}")
    q, joined = _plain_words(cleaned, schema, match)
    return ParsedQuery(text, q, cleaned=joined, fallback=True, warnings=warnings)


def _weight_repeats(q: query.Query) -> query.Query:
    """Normalise an "any" query, adding up the boosts of repeated terms instead of dropping the repeats.

    Whoosh's normalize() keeps one of several equal terms; here a term's boost is the sum over its
    occurrences, so a word typed three times weighs three times (query-term frequency, as probabilistic
    rankers weight it). Counted per field term after analysis, so "flow flows" weighs ``flow`` twice in
    the stemmed fields.
    """
    if not isinstance(q, query.Or):
        return q.normalize()
    weights: dict[query.Query, float] = {}
    for sub in q.subqueries:
        sub = sub.normalize()
        # A word searched in several fields is an Or of one term per field: count each term.
        parts = [p.with_boost(p.boost * sub.boost) for p in sub.subqueries] if isinstance(sub, query.Or) \
            else [sub]
        for part in parts:
            if part is not query.NullQuery:
                key = part.with_boost(1.0)
                weights[key] = weights.get(key, 0.0) + part.boost
    return query.Or([key.with_boost(w) for key, w in weights.items()], boost=q.boost).normalize()


_OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})


def _clean(text: str, warnings: list[str], stoplist: frozenset[str] | None = None) -> str:
    """Rewrite the parts we refuse (unknown fields, leading wildcards, short prefixes, long queries).

    With ``stoplist`` (``match="any"``), the word limit skips those words and the operators.
    """

    def field_name(match: re.Match) -> str:
        name = match.group(1)
        canonical = TEXT_FIELD_ALIASES.get(name.lower()) or canonical_name(name) or name.lower()
        if canonical in SEARCHABLE_FIELDS:
            return canonical + ":"
        warnings.append(f"unknown field {name!r} searched as a word (fields: {', '.join(SEARCHABLE_FIELDS)})")
        return name + " "

    text = _FIELD_RE.sub(field_name, text)

    def wildcard(match: re.Match) -> str:
        word = match.group(0)
        stem = word.rstrip("*?")
        if word[0] in "*?":
            warnings.append(f"leading wildcard in {word!r} ignored")
            return word.strip("*?") or " "
        if len(re.sub(r"\W", "", stem)) < MIN_PREFIX:
            warnings.append(f"{word!r}: a prefix needs at least {MIN_PREFIX} letters; searched as a word")
            return word.replace("*", "").replace("?", "") or " "
        # Wildcards inside a word ("c*t") are allowed only at the end: the cost stays a prefix scan.
        if "*" in stem or "?" in stem:
            bare = stem.replace("*", "").replace("?", "")
            warnings.append(f"wildcards only work at the end of a word; {word!r} searched as {bare}*")
            return bare + "*"
        return stem + ("*" if word.endswith(("*", "?")) else "")

    text = re.sub(r"[\w*?'’-]*[*?][\w*?'’-]*", wildcard, text)

    fuzzy_words: list[str] = []

    def fuzzy(match: re.Match) -> str:
        word = match.group(1)
        # Whoosh builds an automaton per fuzzy word whose cost grows with its length: a 100-letter
        # word~2 took half a second, a 1,000-letter one far longer.
        if len(word) > MAX_FUZZY_CHARS or len(fuzzy_words) >= MAX_FUZZY_WORDS:
            why = f"longer than {MAX_FUZZY_CHARS} characters" if len(word) > MAX_FUZZY_CHARS else \
                f"more than {MAX_FUZZY_WORDS} fuzzy words"
            warnings.append(f"{word[:40]!r}~ searched exactly ({why})")
            return word
        fuzzy_words.append(word)
        distance = int(match.group(2) or 1)
        if distance > MAX_FUZZY:
            warnings.append(f"fuzzy distance {distance} capped at {MAX_FUZZY}")
            distance = MAX_FUZZY
        return f"{word}~{distance}"

    # A word is everything since the last space or "~" (so "-~8" is capped too), matched from its start
    # only, which keeps the scan linear.
    text = re.sub(r"(?<![^\s~])([^\s~]+)~(\d+)?(?![\w.])", fuzzy, text)
    found = list(_WORDS_RE.finditer(text))
    if stoplist is not None:
        found = [m for m in found if m.group(0) not in _OPERATORS and m.group(0).lower() not in stoplist]
    if len(found) > MAX_TERMS:
        warnings.append(f"query cut to its first {MAX_TERMS} words")
        cut = found[MAX_TERMS - 1].end()
        # The cut may fall after an operator or inside brackets; close it so the OR of a long
        # "a OR b OR …" query stays an OR instead of falling back to plain words (an AND).
        text = re.sub(r"(\s+(AND|OR|NOT))+\s*$", "", text[:cut])
        if text.count('"') % 2:
            text += '"'
        depth = re.sub(r'"[^"]*"', "", text).count("(") - re.sub(r'"[^"]*"', "", text).count(")")
        text += ")" * max(0, depth)
    return text


def _syntax_problem(text: str) -> str | None:
    if text.count('"') % 2:
        return "a quotation mark is not closed"
    depth = 0
    for char in re.sub(r'"[^"]*"', "", text):
        depth += (char == "(") - (char == ")")
        if depth < 0:
            return "a bracket is closed before it is opened"
    if depth:
        return "a bracket is not closed"
    if re.search(r"(^|\s)(AND|OR)\s*$|^\s*(AND|OR)\s", text):
        return "AND/OR needs a word on both sides"
    return None


def _only_negative(text: str) -> bool:
    tokens = re.findall(r'"[^"]*"|\S+', re.sub(r"\bNOT\s+", "-", text))
    return bool(tokens) and all(t.startswith("-") for t in tokens)


def _has_positive(q: query.Query) -> bool:
    """False for a query made only of NOTs (it would mean "everything except", rarely what was meant)."""
    if isinstance(q, query.Not):
        return False
    if isinstance(q, query.AndNot):
        return _has_positive(q.a)
    if q.is_leaf():
        return True
    return any(_has_positive(child) for child in q.children())


def _plain_words(text: str, schema, match: str = "all") -> tuple[query.Query, str]:
    """The words of ``text`` as an all-words (or any-word) query, and the text it parsed (term offsets
    point into it)."""
    words = [w.lower() for w in _WORDS_RE.findall(text)][:MAX_TERMS]
    group = qparser.OrGroup if match == "any" else qparser.AndGroup
    parser = qparser.MultifieldParser(list(TEXT_FIELDS), schema, fieldboosts=dict(FIELD_BOOSTS), group=group)
    for plugin in (qparser.WildcardPlugin, qparser.PhrasePlugin, qparser.FieldsPlugin, qparser.GroupPlugin,
                   qparser.OperatorsPlugin, qparser.BoostPlugin, qparser.RangePlugin,
                   qparser.SingleQuotePlugin, qparser.EveryPlugin):
        parser.remove_plugin_class(plugin)
    joined = " ".join(words)
    if match == "any":
        return _weight_repeats(parser.parse(joined, normalize=False)), joined
    return parser.parse(joined), joined


def positive_leaves(q: query.Query):
    """Leaf queries a match is *for* (skipping anything under NOT): the words to highlight and correct."""
    if isinstance(q, query.Not):
        return
    if isinstance(q, query.AndNot):
        yield from positive_leaves(q.a)
        return
    if q.is_leaf():
        yield q
        return
    for child in q.children():
        yield from positive_leaves(child)


class TermSet(MultiTerm):
    """A fixed set of index terms in one field, matched with one constant score (``boost``).

    What ``prefix*`` and ``fuzzy~`` become (the constant-score rewrite search engines use for them):
    the union of the terms' postings is read once into a sorted list, instead of a union of dozens of
    scored term matchers, which Whoosh walks document by document (seconds for ``photo*`` at 100k
    passages). Highlighting still sees every term.
    """

    def __init__(self, fieldname: str, texts: list[str], boost: float = 1.0, label: str = ""):
        self.fieldname = fieldname
        self.texts = list(texts)
        self.boost = boost
        self.text = label  # what the user typed, for messages

    def __eq__(self, other):
        return (type(other) is type(self) and self.fieldname == other.fieldname
                and self.texts == other.texts and self.boost == other.boost)

    def __hash__(self):
        return hash((self.fieldname, tuple(self.texts), self.boost))

    def __repr__(self):
        return f"TermSet({self.fieldname!r}, {self.texts!r}, boost={self.boost})"

    def __unicode__(self):
        return f"{self.fieldname}:{{{'|'.join(self.texts)}}}"

    __str__ = __unicode__

    def _btexts(self, ixreader):
        try:
            field = ixreader.schema[self.fieldname]
        except KeyError:
            field = None
        for text in self.texts:
            btext = field.to_bytes(text) if field is not None else text.encode("utf-8")
            if (self.fieldname, btext) in ixreader:
                yield btext

    def matcher(self, searcher, context=None):
        reader = searcher.reader()
        ids: set[int] = set()
        for btext in self._btexts(reader):
            ids.update(reader.postings(self.fieldname, btext).all_ids())
        if not ids:
            return NullMatcher()
        return ListMatcher(sorted(ids), all_weights=self.boost)


def expand_words(q: query.Query, reader) -> tuple[query.Query, list[str]]:
    """Turn ``prefix*`` and ``fuzzy~`` words into :class:`TermSet` queries that work on stemmed fields.

    The index holds stems ("animation" → ``anim``), so ``animati*`` or ``animaton~`` would find nothing
    by themselves. Such words are also matched against the unstemmed spelling words of the field, and
    the stems of the words found are searched. At most :data:`MAX_EXPANSIONS` terms, the most frequent.
    """
    warnings: list[str] = []

    def expand(leaf: query.Query) -> query.Query:
        if not isinstance(leaf, (query.Prefix, query.FuzzyTerm)):
            return leaf
        field = leaf.fieldname
        if field not in reader.schema:
            return leaf
        fuzzy = isinstance(leaf, query.FuzzyTerm)
        # "word~1/5" asks for a 5-letter exact prefix; longer than the word, Whoosh's automaton raised
        # IndexError (found by bench/fuzz_long.py).
        prefix = min(max(1, leaf.prefixlength), len(leaf.text)) if fuzzy else 0
        # _clean caps what it recognises; this bounds what Whoosh's parser found that it did not (a "~8"
        # glued to the next word): the edit automaton's cost grows with distance and word length.
        maxdist = min(leaf.maxdist, MAX_FUZZY) if fuzzy else 0
        if fuzzy and len(leaf.text) > MAX_FUZZY_CHARS:
            return query.Term(field, leaf.text, boost=leaf.boost)
        # The field's own terms (stems), as Whoosh would expand them ...
        found = (reader.terms_within(field, leaf.text, maxdist, prefix=prefix) if fuzzy
                 else reader.expand_prefix(field, leaf.text))
        terms = {t.decode("utf-8") if isinstance(t, bytes) else t for t in found}
        # ... plus the stems of the unstemmed words that match, where the field has a spelling twin.
        spell = f"spell_{field}"
        if spell in reader.schema:
            words = (reader.terms_within(spell, leaf.text, maxdist, prefix=prefix) if fuzzy
                     else reader.expand_prefix(spell, leaf.text))
            analyzer = reader.schema[field].analyzer
            for word in words:
                word = word.decode("utf-8") if isinstance(word, bytes) else word
                terms.update(token.text for token in analyzer(word, mode="query"))
        if len(terms) > MAX_EXPANSIONS:
            warnings.append(f"{leaf.text!r} matches {len(terms)} words; searched the {MAX_EXPANSIONS} "
                            f"most frequent")
            terms = set(sorted(terms, key=lambda t: (-reader.doc_frequency(field, t), t))[:MAX_EXPANSIONS])
        texts = sorted(terms)
        if not texts:
            return query.NullQuery
        replaced = TermSet(field, texts, boost=leaf.boost, label=leaf.text)
        replaced.startchar = getattr(leaf, "startchar", None)
        replaced.endchar = getattr(leaf, "endchar", None)
        return replaced

    expanded = q.accept(expand).normalize()
    return expanded, list(dict.fromkeys(warnings))


def plain_words(text: str, schema, match: str = "all") -> ParsedQuery:
    """``text`` searched as plain words only (all, or with ``match="any"`` any, must match), no syntax."""
    q, joined = _plain_words((text or "")[:MAX_QUERY_CHARS], schema, match)
    return ParsedQuery(text, q, cleaned=joined, fallback=True)
