"""Snippets: the part of a passage that best shows why it matched, as safe HTML with ``<mark>`` tags.

The text is run through the same analyser the index used, so a token matches exactly when the index
would have matched it (stemming, accents, apostrophes, hyphenated words). Everything except the
``<mark>`` tags we add is escaped; text holding characters that bleach would rewrite (controls, CR) is
also passed through bleach allowing only ``mark``, so the output is what bleach would give.
"""

from __future__ import annotations

import functools
import html
import re
import threading

import bleach
from whoosh.query import Phrase, Term

from index.analysis import WORD_PATTERN, folding, word_forms

SNIPPET_CHARS = 240
"""Longest snippet, in characters of source text (ellipses not counted)."""
CONTEXT_CHARS = 60
"""Characters of text kept before the first highlighted word."""


_local = threading.local()


def _cleaner() -> bleach.Cleaner:
    # A Cleaner's parser keeps state between calls, so each thread gets its own (and reuses it: building
    # one costs more than cleaning a snippet).
    cleaner = getattr(_local, "cleaner", None)
    if cleaner is None:
        cleaner = _local.cleaner = bleach.Cleaner(tags={"mark"}, attributes={}, strip=True)
    return cleaner


_WORD_CACHE_SIZE = 200_000
_word_cache: dict[tuple[int, str], tuple[tuple[str, int, int], ...]] = {}


def _word_terms(analyzer, word: str) -> tuple[tuple[tuple[str, int, int, int], ...], int]:
    """The index terms one source word yields, with their character spans inside the word and positions
    relative to the word's first, and how many positions the word takes (stop words included; cached)."""
    key = (id(analyzer), word)
    found = _word_cache.get(key)
    if found is None:
        if len(_word_cache) >= _WORD_CACHE_SIZE:
            _word_cache.clear()
        tokens, last = [], -1
        for t in analyzer(word, chars=True, positions=True, mode="index", removestops=False):
            last = max(last, t.pos)
            if not t.stopped:
                tokens.append((t.text, t.startchar, t.endchar, t.pos))
        found = _word_cache[key] = (tuple(tokens), last + 1)
    return found


@functools.cache
def _sources_by_term() -> dict[str, frozenset[str]]:
    """Each word form's source words whose first letter differs from its own (``went`` → ``go``)."""
    found: dict[str, set[str]] = {}
    for word, form in word_forms().items():
        if word[:1] != form[:1]:
            found.setdefault(form, set()).add(word[:1])
    return {form: frozenset(firsts) for form, firsts in found.items()}


class Marker:
    """What to mark for one query's ``terms`` (index terms, and phrases as (terms, positions) tuples; see
    :func:`query_terms`) with ``analyzer``, prepared once and applied to every text of a result page
    (:meth:`matches`, :meth:`mark`): the first letters a matching word can start with, the expression
    finding them and which characters may start one are worked out once per search, not once per text."""

    def __init__(self, terms: set, analyzer):
        self.analyzer = analyzer
        self.words = {t for t in terms if isinstance(t, str)}
        self.phrases = [t for t in terms if isinstance(t, tuple)]
        words, sources = self.words, _sources_by_term()
        self.firsts = frozenset({t[:1] for t in words}.union(*(sources.get(t, ()) for t in words)))
        # A word's term starts with the word's first letter (lower-cased, accents folded) unless the
        # word-form dictionary says otherwise (``went`` → ``go``), so a word whose first letter starts no
        # term and no such source cannot match; decided once per first character.
        self.possible: dict[str, bool] = {}
        # With more first letters than FEW_FIRSTS most runs hold a candidate: then every word is read.
        self.candidates = _candidates(self.firsts) if len(self.firsts) <= FEW_FIRSTS else None
        # The same candidates' ASCII characters, for texts of ASCII only (see _candidate_starts).
        self.letters = _ascii_starts(self.firsts) if self.candidates is not None else ""

    def matches(self, text: str) -> list[tuple[int, int, str]]:
        """Character spans (start, end, term) of the tokens of ``text`` to mark, in order.

        Index terms are marked wherever they occur, phrases only where the whole phrase occurs."""
        words, analyzer = self.words, self.analyzer
        if not (words or self.phrases) or not text:
            return []
        if self.phrases:
            return _phrase_matches(text, words, self.phrases, analyzer)
        starts = None
        if self.candidates is not None:
            starts = _candidate_starts(text, self.letters)
            if starts is None:
                starts = [m.start() for m in self.candidates.finditer(text)]
            if not starts:
                return []  # no word can start a term to mark (most questions of a rare word's hits)
        found = []
        firsts, possible = self.firsts, self.possible
        # Only the runs of non-space text that can hold such a word are read word by word (with a cache:
        # the same words recur across passages, and running the whole analyser chain over every long
        # answer shown would cost more than the search itself); finding them is str.find or a regular
        # expression, in C.
        runs = _candidate_runs(text, starts) if starts is not None else ((0, len(text)),)
        for begin, stop in runs:
            for match in WORD_PATTERN.finditer(text, begin, stop):
                word = match.group(0)
                if "-" not in word:  # the parts of a hyphenated word each start a term
                    first = word[0]
                    ok = possible.get(first)
                    if ok is None:
                        ok = possible[first] = _may_start(first, firsts)
                    if not ok:
                        continue
                base = match.start()
                for term, start, end, _pos in _word_terms(analyzer, word)[0]:
                    if term in words:
                        span = (base + start, base + end, term)
                        if not found or found[-1][:2] != span[:2]:
                            found.append(span)
        return found

    def mark(self, text: str, maxchars: int | None = None) -> str:
        """HTML of ``text`` (or of its best ``maxchars`` window) with ``<mark>`` around matched tokens
        (see :func:`mark`)."""
        return _marked(text, _merged(self.matches(text)), maxchars)


def _matches(text: str, terms: set, analyzer) -> list[tuple[int, int, str]]:
    """:meth:`Marker.matches` of ``text`` for ``terms`` (one text; a page of them shares a Marker)."""
    return Marker(terms, analyzer).matches(text)


FEW_FIRSTS = 3
"""Up to this many first letters of the terms to mark, only the runs of text that may hold one are read."""


FEW_STARTS = 32
"""Up to this many occurrences of the letters that may start a marked word in an ASCII text, they are
found by ``str.find`` (see :func:`_candidate_starts`)."""


@functools.lru_cache(maxsize=1024)
def _ascii_starts(firsts: frozenset[str]) -> str:
    """The ASCII word characters that may begin a word yielding a term that begins with one of
    ``firsts`` (:func:`_may_start`)."""
    return "".join(chr(c) for c in range(128)
                   if (chr(c).isalnum() or chr(c) == "_") and _may_start(chr(c), firsts))


def _candidate_starts(text: str, letters: str) -> list[int] | None:
    """Where :func:`_candidates` of the same first letters matches in ``text``, ascending, when ``text``
    is ASCII and holds at most ``FEW_STARTS`` of ``letters`` (:func:`_ascii_starts`); else None.

    In ASCII text a candidate is one of ``letters`` after a character that is not a word character;
    ``str.find`` skips to each in C far faster than the regular expression tests every character
    against its class (which was a twelfth of a rare word's search, counted in instructions)."""
    if not text.isascii():
        return None
    starts = []
    seen = 0
    for letter in letters:
        at = text.find(letter)
        while at >= 0:
            seen += 1
            if seen > FEW_STARTS:
                return None
            if not at or not (text[at - 1].isalnum() or text[at - 1] == "_"):
                starts.append(at)
            at = text.find(letter, at + 1)
    starts.sort()
    return starts


def _candidate_runs(text: str, starts: list[int]):
    """(start, end) of the runs of non-space text that may hold a word beginning at one of ``starts``
    (where :func:`_candidates` of the terms' first letters matches, ascending), in order."""
    read = 0  # the text before this is read
    for at in starts:
        if at < read:
            continue
        # The run of non-space text around the candidate (a word never spans a space or a newline).
        begin = max(read, text.rfind(" ", 0, at) + 1, text.rfind("\n", 0, at) + 1)
        read = _NON_SPACE.match(text, at).end()
        yield begin, read


def _may_start(first: str, firsts: frozenset[str]) -> bool:
    """Whether a word beginning with the character ``first`` can yield a term beginning with one of
    ``firsts``: its first character lower-cased and accent-folded is one of them (or folds to nothing)."""
    folded = first.translate(folding()).lower()[:1]
    return not folded or folded in firsts


_NON_SPACE = re.compile(r"\S*")
_SPACE = re.compile(r"\s")


@functools.lru_cache(maxsize=1024)
def _candidates(firsts: frozenset[str]) -> re.Pattern:
    """Characters that may begin a word :func:`_matches` marks: one that may start such a word
    (:func:`_may_start`; any non-ASCII one, decided later) right after a non-word character (a
    non-ASCII space among them only makes a run read that need not be). A word never spans whitespace
    and always begins after a non-word character, so reading only the runs of non-space text holding
    these finds every word reading the whole text would. A hyphenated word's terms are its parts' and
    its joined form's, each beginning with a part's first character, which follows the start of the
    word or a hyphen (a non-word character): so hyphens themselves need not be candidates (they were,
    and in generated and real text alike they made most of a rare word's runs: ``low-rent``,
    ``on-the-go``)."""
    # Written as what they are not (the other ASCII characters): a class of every non-ASCII character
    # takes milliseconds to compile, and a query's first letters make a new expression.
    other = [chr(c) for c in range(128)
             if not ((chr(c).isalnum() or chr(c) == "_") and _may_start(chr(c), firsts))]
    not_start = "".join(map(re.escape, other))
    # One character class, then a look back at the character before (a class first lets the regular
    # expression engine skip ahead fast: four times faster than a look-behind first).
    return re.compile(rf"[^{not_start}](?<!\w[^{not_start}])")


def _phrase_matches(text: str, words: set[str], phrases: list, analyzer) -> list[tuple[int, int, str]]:
    """:func:`_matches` for a query with phrases: every token of ``text`` with its position, then the
    phrases' occurrences and the single terms."""
    tokens: list[tuple[int, int, str, int]] = []  # start, end, term, position
    at: dict[tuple[int, str], int] = {}  # (position, term) → index in tokens
    pos = 0
    for match in WORD_PATTERN.finditer(text):
        base = match.start()
        found, advance = _word_terms(analyzer, match.group(0))
        for term, start, end, rel in found:
            at.setdefault((pos + rel, term), len(tokens))
            tokens.append((base + start, base + end, term, pos + rel))
        pos += advance
    marked: set[int] = {i for i, token in enumerate(tokens) if token[2] in words}
    for phrase_terms, offsets in phrases:
        for i, (_s, _e, term, start) in enumerate(tokens):
            if term != phrase_terms[0]:
                continue
            hits = [at.get((start + off, t)) for t, off in zip(phrase_terms, offsets, strict=True)]
            if all(h is not None for h in hits):
                marked.update(h for h in hits if h is not None)
                marked.add(i)
    spans: list[tuple[int, int, str]] = []
    for i in sorted(marked, key=lambda i: tokens[i][:2]):
        span = (tokens[i][0], tokens[i][1], tokens[i][2])
        if not spans or spans[-1][:2] != span[:2]:
            spans.append(span)
    return spans


def query_terms(q, reader, fields: tuple[str, ...], has_term=None) -> dict[str, set]:
    """What to mark for query ``q``, per field of ``fields``: index terms (expanded for prefix and fuzzy
    words) of the leaves the query matches *for* (never under a NOT), and each phrase as a
    (terms, positions) tuple so that only the phrase is marked, not its words elsewhere.

    ``has_term(field, btext)``, when given, says whether the index holds a single word's term, as
    ``(field, btext) in reader`` would (the engine answers it from postings it has read anyway)."""
    from search.query import positive_leaves

    marks: dict[str, set] = {}
    schema = reader.schema
    for leaf in positive_leaves(q):
        if has_term is not None and type(leaf) is Term:
            # Term.existing_terms(reader, expand=True), with has_term for the reader's look-up.
            field = leaf.fieldname
            if field in fields and field in schema:
                try:
                    btext = schema[field].to_bytes(leaf.text)
                except ValueError:
                    continue
                if has_term(field, btext):
                    marks.setdefault(field, set()).add(btext.decode("utf-8"))
            continue
        if isinstance(leaf, Phrase) and leaf.fieldname in fields:
            positions = getattr(leaf, "positions", None) or list(range(len(leaf.words)))
            marks.setdefault(leaf.fieldname, set()).add((tuple(leaf.words), tuple(positions)))
            continue
        texts = getattr(leaf, "texts", None)
        if texts is not None and hasattr(leaf, "fieldname"):
            # A prefix or fuzzy word's expansion: index terms already (looking each one up again cost a
            # fifth of a 64-prefix search). A text some passage lacks marks nothing in it.
            if leaf.fieldname in fields:
                marks.setdefault(leaf.fieldname, set()).update(texts)
            continue
        try:
            found = leaf.existing_terms(reader, expand=True)
        except Exception:  # noqa: BLE001 - highlighting is a nicety; never fail a search on it
            continue
        for field, text in found:
            if field in fields:
                marks.setdefault(field, set()).add(text.decode("utf-8") if isinstance(text, bytes) else text)
    return marks


def _snap_start(text: str, start: int) -> int:
    """Move ``start`` forward to the beginning of a word (never past ``CONTEXT_CHARS``)."""
    if start <= 0:
        return 0
    match = _SPACE.search(text, start, start + CONTEXT_CHARS)
    return match.end() if match else start


def _snap_end(text: str, end: int) -> int:
    if end >= len(text):
        return len(text)
    cut = text.rfind(" ", 0, end)
    return cut if cut > end - 40 else end


def _merged(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Spans (in text order) with overlapping ones joined: a hyphenated word's parts and its joined
    form (``Covid``, ``19``, ``Covid-19``) are one mark, not three that repeat the text."""
    out: list[tuple[int, int, str]] = []
    for s, e, t in spans:
        if out and s < out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e), out[-1][2])
        else:
            out.append((s, e, t))
    return out


def mark(text: str, terms: set, analyzer, maxchars: int | None = None) -> str:
    """HTML of ``text`` (or of its best ``maxchars`` window) with ``<mark>`` around matched tokens.

    ``terms`` are index terms (analysed forms, e.g. ``"knit"``) and phrases as (terms, positions)
    tuples (:func:`query_terms`); ``maxchars=None`` keeps the whole text. For many texts with the same
    terms, :class:`Marker` prepares the terms once.
    """
    return Marker(terms, analyzer).mark(text, maxchars)


def _marked(text: str, spans: list[tuple[int, int, str]], maxchars: int | None) -> str:
    """:func:`mark`'s HTML of ``text`` with the merged ``spans`` marked."""
    if not spans and (maxchars is None or len(text) <= maxchars):
        marked = html.escape(text, quote=False)  # what the general case below makes of it
        return _cleaner().clean(marked) if _bleach_rewrites(marked) else marked
    start, end = 0, len(text)
    if maxchars is not None and len(text) > maxchars:
        if spans:
            # The window holding the most distinct matched words; the earliest on ties.
            best, best_score = 0, -1
            for i, (s, _e, _t) in enumerate(spans):
                limit = s + maxchars - CONTEXT_CHARS
                within = set()
                # Spans come in text order: once one starts past the window, none after it fits (this
                # kept a 64-prefix query's snippets linear in the matches, not quadratic).
                for s2, e2, t in spans[i:]:
                    if s2 >= limit:
                        break
                    if e2 <= limit:
                        within.add(t)
                if len(within) > best_score:
                    best, best_score = i, len(within)
            start = _snap_start(text, max(0, spans[best][0] - CONTEXT_CHARS))
        end = _snap_end(text, start + maxchars)
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e, _t in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s], quote=False))
        out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    if end < len(text):
        out.append("…")
    marked = "".join(out)
    # Every character but our own <mark> tags is escaped above, so bleach would return the string
    # unchanged, except for the characters it rewrites (C0 controls but tab and newline, CR, lone
    # surrogates; checked over every code point and 70k passages): only those strings go through it.
    # It was a fifth of a common word's highlighting time.
    return _cleaner().clean(marked) if _bleach_rewrites(marked) else marked


_BLEACH_REWRITES = re.compile("[\x00-\x08\x0b-\x1f\ud800-\udfff]")


def _bleach_rewrites(marked: str) -> bool:
    """Whether ``marked`` holds a character bleach would rewrite. Those (C0 controls, lone surrogates)
    are all unprintable, so a printable string, told by one C pass without the regular expression's
    test of every character against its class, holds none."""
    return not marked.isprintable() and _BLEACH_REWRITES.search(marked) is not None
