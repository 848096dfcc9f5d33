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

from index import whoosh_internals
from index.analysis import WORD_PATTERN, acronyms, stop_list, synonyms, terms
from index.facets import FACET_NAMES, canonical_name
from index.schema import FIELD_BOOSTS, TEXT_FIELDS, schema_stop_words
from search.budget import Budget
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
"""A prefix or fuzzy word matches at most this many different indexed words per field (the most frequent)."""
MAX_QUERY_EXPANSIONS = 1000
"""All the prefix and fuzzy words of one query share about this many indexed words per field: each keeps
its most frequent ``MAX_QUERY_EXPANSIONS // words`` (at most ``MAX_EXPANSIONS``, at least
``MIN_EXPANSIONS``), so up to five such words keep ``MAX_EXPANSIONS`` each. Reading and adding up the
postings of the words a prefix stands for costs time in proportion to their number."""
MIN_EXPANSIONS = 10
"""However many prefix and fuzzy words a query has, each keeps at least this many indexed words."""
MAX_CUT_WARNINGS = 3
"""Words cut to their share named one by one in the warnings; more are summed up in one warning."""
EXPANSION_SHARE = 0.5
"""Share of a search's deadline that expanding its prefix and fuzzy words may take; matching gets the rest."""
STEMS_MEMO_SIZE = 200_000
"""Words whose analysis :func:`expand_words` may remember between searches (forgotten all at once)."""

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


class GapPhrase(query.Phrase):
    """A phrase whose words sit at given relative ``positions``: a removed stop word leaves a gap.

    ``"rock and roll"`` is ``rock`` at 0 and ``roll`` at 2, as the index holds "rock and roll" (the
    analysis removes stop words the way Lucene's StopFilter does, keeping their positions).
    """

    def __init__(self, fieldname, words, slop=1, boost=1.0, char_ranges=None, positions=None):
        super().__init__(fieldname, words, slop=slop, boost=boost, char_ranges=char_ranges)
        self.positions = list(positions) if positions is not None else list(range(len(words)))

    def __eq__(self, other):
        return super().__eq__(other) and self.positions == getattr(other, "positions", None)

    def __hash__(self):
        return super().__hash__() ^ hash(tuple(self.positions))

    def normalize(self):
        if len(self.words) < 2:
            return super().normalize()
        return self


def _positions(field, text: str) -> tuple[list[str], list[int]]:
    """The terms of ``text`` in ``field`` (query analysis) and their positions relative to the first."""
    words, positions = [], []
    for token in field.tokenize(text, mode="query", positions=True):
        words.append(token.text)
        positions.append(token.pos)
    base = positions[0] if positions else 0
    return words, [p - base for p in positions]


class _Parser(qparser.QueryParser):
    """Whoosh's parser, with a word that analyses into several terms (``state-of-the-art``) searched as a
    :class:`GapPhrase` that keeps the gaps of its stop words."""

    def term_query(self, fieldname, text, termclass, boost=1.0, tokenize=True, removestops=True):
        field = self.schema[fieldname] if self.schema and fieldname in self.schema else None
        if field is None or field.self_parsing() or not tokenize or not field.format \
                or not field.format.supports("positions"):
            return super().term_query(fieldname, text, termclass, boost, tokenize, removestops)
        words, positions = _positions(field, text)
        parts = [part for part in text.split("-") if part]
        joined = _positions(field, "".join(parts))[0] if len(parts) > 1 else []
        if len(joined) == 1 and joined[0] not in words:
            # A hyphenated word: the index also holds its parts joined at the first part's position
            # (index.analysis.WordTokenizer), so "e-mail" finds "email" too, and "to-do", whose parts
            # leave only the common "do" once stop words go, finds "to-do" and "todo" and not every "do".
            whole = termclass(fieldname, joined[0], boost=boost)
            if len(words) < 2:
                return whole
            parts_phrase = GapPhrase(fieldname, words, boost=boost, positions=positions)
            return query.DisjunctionMax([parts_phrase, whole])
        if len(words) > 1:
            return GapPhrase(fieldname, words, boost=boost, positions=positions)
        return termclass(fieldname, words[0], boost=boost) if words else None


def _multifield(schema, group) -> _Parser:
    """:class:`_Parser` searching :data:`TEXT_FIELDS` with their boosts (as Whoosh's MultifieldParser)."""
    parser = _Parser(None, schema, group=group)
    parser.add_plugin(qparser.MultifieldPlugin(list(TEXT_FIELDS), fieldboosts=dict(FIELD_BOOSTS)))
    return parser


def _with_gaps(q: query.Query, cleaned: str, schema) -> query.Query:
    """Quoted phrases as :class:`GapPhrase`: their positions re-read from the text they came from."""

    def fix(leaf: query.Query) -> query.Query:
        if type(leaf) is not query.Phrase or not leaf.char_ranges or leaf.fieldname not in schema:
            return leaf
        start, end = leaf.char_ranges[0][0], leaf.char_ranges[-1][1]
        if start is None or end is None:
            return leaf
        words, positions = _positions(schema[leaf.fieldname], cleaned[start:end])
        if words != list(leaf.words):
            return leaf
        fixed = GapPhrase(leaf.fieldname, words, slop=leaf.slop, boost=leaf.boost,
                          char_ranges=leaf.char_ranges, positions=positions)
        fixed.startchar, fixed.endchar = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        return fixed

    return q.accept(fix)


def _parser(schema, match: str = "all") -> qparser.QueryParser:
    group = qparser.OrGroup if match == "any" else qparser.AndGroup
    parser = _multifield(schema, group)
    parser.add_plugin(qparser.FuzzyTermPlugin())
    # "-word" excludes only at the start of a word, so "Covid-19" stays one (hyphenated) word.
    parser.add_plugin(qparser.PlusMinusPlugin(plusexpr=r"(?<![^\s(])\+",
                                              minusexpr=r"(?<![^\s(])-(?=[\w\"(])"))
    # Ranges, boosts, single quotes and bare "*" are not part of our language; they only surprise.
    for plugin in (qparser.RangePlugin, qparser.BoostPlugin, qparser.SingleQuotePlugin, qparser.EveryPlugin):
        parser.remove_plugin_class(plugin)
    return parser


def parse(text: str, schema, match: str = "most") -> ParsedQuery:
    """Parse the user's ``text`` against ``schema``; never raises.

    ``match``: "most" (default) and "all" join words with AND (the engine adds partial matches for
    "most"), "any" with OR and weights each word by how often it is repeated (see :data:`MATCHES`);
    explicit ``OR``, ``-word``, phrases and fields work in all three.
    """
    text = text or ""
    plain = _plain_query(text, schema, match)
    if plain is not None:
        return ParsedQuery(text, plain, cleaned=text)
    return _parse_syntax(text, schema, match)


def _parse_syntax(text: str, schema, match: str) -> ParsedQuery:
    """:func:`parse` through Whoosh's parser: what every query but plain words takes."""
    warnings: list[str] = []
    if match not in MATCHES:
        warnings.append(f"unknown match {match!r}; all words must match (matches: {', '.join(MATCHES)})")
        match = "all"
    if len(text) > MAX_QUERY_CHARS:
        warnings.append(f"query cut to its first {MAX_QUERY_CHARS} characters")
        text = text[:MAX_QUERY_CHARS]
    # "Any" queries are often pasted prose: the word limit then counts only words the index keeps.
    index_stops = schema_stop_words(schema) if match == "any" else None
    cleaned = _clean(text, warnings, index_stops)
    if index_stops is not None:
        cleaned = _without_function_words(cleaned, warnings, index_stops)
    if not _WORDS_RE.search(cleaned):
        if text.strip() and text.strip() != "*":
            # Only emoji, punctuation or control characters: nothing to search for, so nothing matches
            # (browsing everything here turned a query of 250 emoji into every passage and its facets).
            warnings.append("the query has no letters or digits to search for")
            return ParsedQuery(text, query.NullQuery, cleaned=cleaned, warnings=warnings)
        return ParsedQuery(text, query.Every(), cleaned=cleaned, match_all=True, warnings=warnings)
    problem = _syntax_problem(cleaned)
    if problem is None:
        try:
            expanded, spans, groups, also = _with_synonyms(cleaned)
            q = _parser(schema, match).parse(expanded, normalize=False)
            _inherit_offsets(q)
            q = _with_gaps(q, expanded, schema)
            q = _as_one_word(q, groups)
            _typed_offsets(q, spans)
            if also:
                warnings.append("also searched: " + "; ".join(also))
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


_PLAIN_QUERY = re.compile(r" *[A-Za-z0-9]+(?: +[A-Za-z0-9]+)* *")
_PLAIN_WORD_ASCII = re.compile(r"[A-Za-z0-9]+")
_OTHER = object()
"""In :func:`_analysed`'s memo: the word makes something other than one term in that field."""
ANALYSED_MEMO_SIZE = 5_000
"""(field, word) pairs whose query term :func:`_plain_query` may remember per schema (then all forgotten)."""
_schemas: dict[int, tuple] = {}


def _analysed(schema) -> tuple:
    """(schema, a :class:`_Parser` for its fields, memo of (field, word) → the word's one query term in
    the field, None for none, or :data:`_OTHER`); ``term_query`` reads nothing but the schema. The
    schema is held, so its id names no other schema while it is kept here."""
    found = _schemas.get(id(schema))
    if found is None or found[0] is not schema:
        if len(_schemas) >= 16:  # searchers each have a copy of the schema; a commit or two's worth
            _schemas.clear()  # (at most 16 × ANALYSED_MEMO_SIZE pairs: a few megabytes)
        found = _schemas[id(schema)] = (schema, _Parser(None, schema), {})
    return found


def _plain_query(text: str, schema, match: str) -> query.Query | None:
    """The query :func:`parse` makes of ``text`` when it is only plain ASCII words and spaces (no
    operator, no synonym, ``match`` "most" or "all"), built without Whoosh's parser; None otherwise.

    Such text goes through no rewrite (:func:`_clean`), so the parser would make each word one
    :meth:`_Parser.term_query` per text field (with its boost and the word's start and end
    characters), ORed, the words ANDed, normalised: built here the same way from the same
    ``term_query`` (remembered per word and field when it makes one term), at a tenth of the cost
    (Whoosh's tagging and filter passes were the larger part of a rare word's search).
    ``tests/test_query_fast_path.py`` compares the two on many words.
    """
    if match not in ("most", "all") or len(text) > MAX_QUERY_CHARS or not _PLAIN_QUERY.fullmatch(text):
        return None
    words = list(_PLAIN_WORD_ASCII.finditer(text))
    if len(words) > MAX_TERMS or any(m.group(0) in _OPERATORS for m in words) \
            or (synonyms().groups and _with_synonyms(text)[2]):
        return None
    _, parser, memo = _analysed(schema)
    clauses = []
    terms_only = True
    for m in words:
        word, fields = m.group(0), []
        for name in TEXT_FIELDS:
            boost = _BOOSTS.get(name, 1.0)
            known = memo.get((name, word), _OTHER)
            if known is None:
                continue
            if known is _OTHER:
                q = parser.term_query(name, word, query.Term, boost=boost)
                if (name, word) not in memo:
                    if len(memo) >= ANALYSED_MEMO_SIZE:
                        memo.clear()
                    memo[(name, word)] = q.text if type(q) is query.Term else None if q is None else _OTHER
                if q is None:
                    continue
            else:
                q = query.Term(name, known, boost=boost)
            terms_only = terms_only and type(q) is query.Term
            q.startchar, q.endchar = m.start(), m.end()
            fields.append(q)
        clauses.append(fields)
    if terms_only and len(clauses) == 1:
        # One word, one term per field (their fields differ): what normalising And([Or(terms)]) gives.
        fields = clauses[0]
        if len(fields) == 1 and fields[0].boost != 1.0:
            return fields[0].with_boost(fields[0].boost)
        return query.Or(fields) if len(fields) > 1 else fields[0] if fields else None
    q = query.And([query.Or(fields) for fields in clauses])
    _inherit_offsets(q)
    q = q.normalize()
    return None if q is query.NullQuery else q


_BOOSTS = dict(FIELD_BOOSTS)
_QUOTED = re.compile(r'"[^"]*"')


SYNONYM_TIEBREAK = 0.1
"""A group of synonyms scores as its best-scoring alternative plus this share of the others' scores
(Lucene's ``DisjunctionMaxQuery`` tie-breaker), so a passage is not lifted for using several of them."""


Spans = list[tuple[int, int]]


def _with_synonyms(text: str) -> tuple[str, list[tuple[int, int, int]], list[Spans], list[str]]:
    """``text`` with every word (or run of words) listed in ``index/data/synonyms.txt`` searched together
    with its synonyms: ``covid`` → ``(covid OR coronavirus OR pandemic OR covid-19)``, ``Los Angeles`` →
    ``(Los Angeles OR LA OR "l.a.")``; a multi-word synonym is a phrase.

    Words inside quotes, glued to ``*``/``~``/``^`` or used as operators are left alone; ``-word`` and
    ``field:word`` keep their sign or field for the whole group. Returns the new text, the spans copied
    from ``text`` unchanged as (start in the new text, end, start in ``text``), each group's
    alternatives as character spans of the new text, and one note per expanded word for the result's
    warnings.
    """
    found = synonyms()
    if not found.groups:
        return text, [(0, len(text), 0)], [], []
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    words = [m for m in WORD_PATTERN.finditer(text) if not any(a <= m.start() < b for a, b in quoted)]
    out: list[str] = []
    spans: list[tuple[int, int, int]] = []
    groups: list[Spans] = []
    notes: list[str] = []
    copied = size = 0  # end of the part of text copied so far; length of the new text so far

    def copy(start: int, end: int) -> None:
        nonlocal size
        spans.append((size, size + end - start, start))
        out.append(text[start:end])
        size += end - start

    def add(piece: str) -> None:
        nonlocal size
        out.append(piece)
        size += len(piece)

    i = 0
    while i < len(words):
        match = None
        for n in range(min(found.longest, len(words) - i), 0, -1):
            run = words[i:i + n]
            start, end = run[0].start(), run[-1].end()
            if any(text[a.end():b.start()].strip() for a, b in zip(run, run[1:], strict=False)) \
                    or any(m.group(0) in _OPERATORS for m in run) \
                    or text[start - 1:start] not in ("", " ", "\t", "\n", "(", "-", "+", ":") \
                    or text[end:end + 1] not in ("", " ", "\t", "\n", ")"):
                continue
            key = found.key([m.group(0) for m in run])
            if key in found.groups:
                match = (n, start, end, found.groups[key])
                break
        if match is None:
            i += 1
            continue
        n, start, end, alternatives = match
        # Alternatives that analyse as the typed words or as an earlier alternative add nothing.
        seen = {tuple(terms(text[start:end]))}
        kept = []
        for alt in alternatives:
            analysed = tuple(terms(" ".join(alt)))
            if analysed and analysed not in seen:
                seen.add(analysed)
                kept.append(" ".join(alt))
        if not kept:
            i += n
            continue
        copy(copied, start)
        add('("' if n > 1 else "(")
        quote = 1 if n > 1 else 0  # a phrase's leaves start at its opening quote
        group = [(size - quote, size + end - start + quote)]
        copy(start, end)
        add('"' if n > 1 else "")
        for alt in kept:
            add(" OR ")
            group.append((size, size + len(alt) + (2 if " " in alt else 0)))
            add(f'"{alt}"' if " " in alt else alt)
        add(")")
        groups.append(group)
        notes.append(f"{text[start:end]} → {', '.join(kept)}")
        copied = end
        i += n
    copy(copied, len(text))
    return "".join(out), spans, groups, notes


class SynonymGroup(query.DisjunctionMax):
    """A ``DisjunctionMax`` that keeps its tie-breaker when a query is rebuilt (``accept``/``apply``, as
    :func:`expand_words` does): Whoosh 2.7.4's ``CompoundQuery.apply`` makes the copy with the default
    tie-breaker 0, which silently scored synonym groups by their best alternative alone."""

    def apply(self, fn):
        return self.__class__([fn(q) for q in self.subqueries], boost=self.boost, tiebreak=self.tiebreak)


def _as_one_word(q: query.Query, groups: list[Spans]) -> query.Query:
    """Each synonym group of :func:`_with_synonyms` as a ``DisjunctionMax`` (see :data:`SYNONYM_TIEBREAK`):
    the OR whose leaves come from two or more alternatives of one group."""
    if not groups:
        return q

    def alternative(start) -> tuple[int, int] | None:
        for number, group in enumerate(groups):
            for index, (a, b) in enumerate(group):
                if a <= start < b:
                    return number, index
        return None

    def where(node: query.Query) -> tuple[int, int] | None:
        """(group, alternative) all of ``node``'s leaves come from, else None."""
        found = {alternative(getattr(leaf, "startchar", None) or -1) for leaf in
                 (node.leaves() if not node.is_leaf() else [node])}
        return found.pop() if len(found) == 1 else None

    def fix(node: query.Query) -> query.Query:
        if type(node) is not query.Or:
            return node
        by_group: dict[int, dict[int, list[query.Query]]] = {}
        others: list[query.Query] = []
        for child in node.subqueries:
            at = where(child)
            if at is None:
                others.append(child)
            else:
                by_group.setdefault(at[0], {}).setdefault(at[1], []).append(child)
        if not any(len(alts) > 1 for alts in by_group.values()):
            return node
        children = list(others)
        for alts in by_group.values():
            options = [parts[0] if len(parts) == 1 else query.Or(parts) for _, parts in sorted(alts.items())]
            children.append(options[0] if len(options) == 1 else
                             SynonymGroup(options, tiebreak=SYNONYM_TIEBREAK))
        return children[0].with_boost(children[0].boost * node.boost) if len(children) == 1 else \
            query.Or(children, boost=node.boost)

    return q.accept(fix)


def _inherit_offsets(q: query.Query) -> None:
    """Give the parts of a word that became several queries (:meth:`_Parser.term_query`: a hyphenated
    word's phrase and joined term) the word's start/end characters, which the parser sets on the whole
    only; synonym grouping and highlighting read them from the leaves."""
    if q.is_leaf():
        return
    start, end = getattr(q, "startchar", None), getattr(q, "endchar", None)
    for child in q.children():
        if start is not None and getattr(child, "startchar", None) is None:
            child.startchar, child.endchar = start, end
        _inherit_offsets(child)


def _typed_offsets(q: query.Query, spans: list[tuple[int, int, int]]) -> None:
    """Point the leaves' start/end characters back into the text the user typed (see
    :func:`_with_synonyms`); leaves that came from a synonym get None."""
    for leaf in q.leaves() if not q.is_leaf() else [q]:
        start, end = getattr(leaf, "startchar", None), getattr(leaf, "endchar", None)
        if start is None or end is None:
            continue
        for new_start, new_end, old_start in spans:
            if new_start <= start and end <= new_end:
                leaf.startchar, leaf.endchar = old_start + start - new_start, old_start + end - new_start
                break
        else:
            leaf.startchar = leaf.endchar = None


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

ANY_STOP_WORDS = "short"
"""With ``match="any"``, the words of this stop list (``index.analysis.STOP_LISTS``) are left out of the
query even when the index keeps them. ``long`` leaves out "first", "between" or "their" from pasted prose:
on Cranfield and CISI that raised the mean MAP from 0.2473 to 0.2518 without relevance feedback, but with
feedback (:mod:`search.feedback`, which leaves the long list's words out of its model anyway) keeping them
scores 0.2726 against 0.2707, so the default is ``short``: only the words the index itself drops
(docs/benchmarks.md, stage 1). ``match="all"`` and ``"most"`` keep every word the index keeps."""
_PLAIN_WORD = re.compile(r"\w+(?:['\u2019]\w+)*")


def _without_function_words(text: str, warnings: list[str], index_stops: frozenset[str] = frozenset()) -> str:
    """``text`` without the plain words of :data:`ANY_STOP_WORDS` (not quoted, not an operator or beside
    one, not a listed acronym as written, not prefixed by ``-``/``+`` or a field); unchanged if that
    would leave no word. Notes in ``warnings`` the words it left out that the index (``index_stops``)
    would have searched."""
    stops, table = stop_list(ANY_STOP_WORDS), acronyms()
    tokens = text.split()
    kept, dropped, quotes = [], [], 0
    for i, token in enumerate(tokens):
        beside = {tokens[j] for j in (i - 1, i + 1) if 0 <= j < len(tokens)}
        if quotes % 2 == 0 and _PLAIN_WORD.fullmatch(token) and token.lower() in stops \
                and token not in table and token not in _OPERATORS and not beside & _OPERATORS:
            dropped.append(token)
        else:
            kept.append(token)
        quotes += token.count('"')
    if not dropped or not any(_WORDS_RE.search(t) for t in kept):
        return text
    shown = list(dict.fromkeys(w.lower() for w in dropped if w.lower() not in index_stops))
    if shown:
        more = " …" if len(shown) > 8 else ""
        warnings.append("common words not searched: " + ", ".join(shown[:8]) + more)
    return " ".join(kept)


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
    parser = _multifield(schema, group)
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


def expand_words(q: query.Query, reader, budget: Budget | None = None,
                 stems: dict | None = None) -> tuple[query.Query, list[str]]:
    """Turn ``prefix*`` and ``fuzzy~`` words into :class:`TermSet` queries that work on stemmed fields.

    The index holds stems ("animation" → ``anim``), so ``animati*`` or ``animaton~`` would find nothing
    by themselves. Such words are also matched against the unstemmed spelling words of the field, and
    the stems of the words found are searched. Each keeps at most :data:`MAX_EXPANSIONS` terms per field,
    the most frequent, and all of a query's together about :data:`MAX_QUERY_EXPANSIONS` (each its share,
    at least :data:`MIN_EXPANSIONS`). With a ``budget`` whose deadline passes, the words not expanded yet
    match nothing (under a NOT: everything, so that nothing that should be excluded is shown).
    ``stems`` may keep (field, word) → its terms across calls on the same index (at most
    :data:`STEMS_MEMO_SIZE` entries): what a word analyses to never changes for an index.
    """
    warnings: list[str] = []
    budget = budget if budget is not None else Budget(None)
    # A word searched in several fields is one word here: each of its fields gets the word's share.
    words = {(type(leaf), leaf.text) for leaf in q.leaves()
             if isinstance(leaf, (query.Prefix, query.FuzzyTerm))}
    if not words:
        return q, warnings
    share = max(MIN_EXPANSIONS, min(MAX_EXPANSIONS, MAX_QUERY_EXPANSIONS // len(words)))
    negative = {id(leaf) for leaf in _negative_leaves(q)}
    walks: dict[tuple, dict[str, int | None]] = {}  # one walk per field and word, shared by fields
    dfas: dict[tuple, object] = {}
    stems = stems if stems is not None else {}

    def walk(fieldname: str, text: str, fuzzy: bool, maxdist: int, prefix: int) -> dict[str, int | None]:
        """The field's terms matching the word, with their document counts when the walk gave them."""
        key = (fieldname, text, fuzzy, maxdist, prefix)
        if key not in walks:
            if fuzzy:
                dfa = dfas.get((text, maxdist, prefix))
                if dfa is None:
                    dfa = whoosh_internals.levenshtein_dfa(text, maxdist, prefix)
                    dfas[(text, maxdist, prefix)] = dfa
                walks[key] = dict.fromkeys(whoosh_internals.words_within(reader, fieldname, dfa))
            else:
                walks[key] = whoosh_internals.prefix_terms(reader, fieldname, text)
        return walks[key]

    def stems_of(field: str, analyzer, word: str) -> tuple[str, ...]:
        key = (field, word)
        found = stems.get(key)
        if found is None:
            if len(stems) >= STEMS_MEMO_SIZE:
                stems.clear()
            found = stems[key] = tuple(token.text for token in analyzer(word, mode="query"))
        return found

    def expand(leaf: query.Query) -> query.Query:
        if not isinstance(leaf, (query.Prefix, query.FuzzyTerm)):
            return leaf
        field = leaf.fieldname
        if field not in reader.schema:
            return leaf
        if budget.stop(EXPANSION_SHARE):
            return query.Every() if id(leaf) in negative else query.NullQuery
        fuzzy = isinstance(leaf, query.FuzzyTerm)
        # "word~1/5" asks for a 5-letter exact prefix; longer than the word, Whoosh's automaton raised
        # IndexError (found by bench/fuzz_long.py).
        prefix = min(max(1, leaf.prefixlength), len(leaf.text)) if fuzzy else 0
        # _clean caps what it recognises; this bounds what Whoosh's parser found that it did not (a "~8"
        # glued to the next word): the edit automaton's cost grows with distance and word length.
        maxdist = min(leaf.maxdist, MAX_FUZZY) if fuzzy else 0
        if fuzzy and len(leaf.text) > MAX_FUZZY_CHARS:
            return query.Term(field, leaf.text, boost=leaf.boost)
        # The field's own terms, as Whoosh would expand them (for a fuzzy word Whoosh walks the field's
        # spelling twin when it has one) ...
        fieldobj = reader.schema[field]
        own = walk(fieldobj.spelling_fieldname(field) if fuzzy else field, leaf.text, fuzzy, maxdist, prefix)
        terms = set(own)
        # ... plus the stems of the unstemmed words that match, where the field has a spelling twin.
        spell = f"spell_{field}"
        if spell in reader.schema:
            for word in walk(spell, leaf.text, fuzzy, maxdist, prefix):
                terms.update(stems_of(field, fieldobj.analyzer, word))
        if len(terms) > share:
            cut[leaf.text] = max(cut.get(leaf.text, 0), len(terms))
            counts = own if not fuzzy else {}

            def frequency(term: str) -> int:
                count = counts.get(term)
                return count if count is not None else reader.doc_frequency(field, term)

            terms = set(sorted(terms, key=lambda t: (-frequency(t), t))[:share])
        texts = sorted(terms)
        if not texts:
            return query.NullQuery
        replaced = TermSet(field, texts, boost=leaf.boost, label=leaf.text)
        replaced.startchar = getattr(leaf, "startchar", None)
        replaced.endchar = getattr(leaf, "endchar", None)
        return replaced

    cut: dict[str, int] = {}  # word → most indexed words it matched in a field, where more than its share
    expanded = q.accept(expand).normalize()
    if len(cut) > MAX_CUT_WARNINGS:
        # One line, not one per word: 64 prefixes made 40 near-identical warnings.
        widest = sorted(cut, key=lambda w: -cut[w])[:MAX_CUT_WARNINGS]
        warnings.append(f"{len(cut)} prefix or fuzzy words match more than {share} indexed words each "
                        f"({', '.join(f'{w!r}: {cut[w]}' for w in widest)}, …); each searched its "
                        f"{share} most frequent")
    else:
        warnings.extend(f"{word!r} matches {count} words; searched the {share} most frequent"
                        for word, count in cut.items())
    return expanded, list(dict.fromkeys(warnings))


def _negative_leaves(q: query.Query):
    """Leaf queries under a NOT (what a match must *not* have)."""
    if isinstance(q, query.Not):
        yield from q.leaves()
        return
    if isinstance(q, query.AndNot):
        yield from _negative_leaves(q.a)
        yield from q.b.leaves()
        return
    if q.is_leaf():
        return
    for child in q.children():
        yield from _negative_leaves(child)


def plain_words(text: str, schema, match: str = "all") -> ParsedQuery:
    """``text`` searched as plain words only (all, or with ``match="any"`` any, must match), no syntax."""
    q, joined = _plain_words((text or "")[:MAX_QUERY_CHARS], schema, match)
    return ParsedQuery(text, q, cleaned=joined, fallback=True)
