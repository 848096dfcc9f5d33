"""Tokens and runs of capitalised words, shared by the place, work and organisation extractors.

A passage is cut into words once (:class:`TextView`); each extractor then walks the runs of capitalised
words and looks at the words around them. Enrichment is most of the build's parse cost, and most words
are lower-case ones no extractor looks at, so the view makes a Python object only for the words asked
for: the capitalised ones (where the names are) and their neighbours. Cutting the text, testing each
word's first letter and the sums of offsets are done in C (one ``split``, ``map``, ``accumulate``);
runs are found among the capitalised words alone, once per set of connectors.
"""

from __future__ import annotations

import re
from functools import lru_cache, partial
from itertools import accumulate, compress, repeat
from operator import itemgetter
from typing import NamedTuple

# A word: letters/digits with inner apostrophes, hyphens, ampersands or a trailing plus ("Apple TV+").
_TOKEN = re.compile(r"[^\W_](?:[\w’'&-]*[^\W_])?\+?")
# Splitting at the words (kept by the group) gives gap, word, gap, word, ..., tail in one C call; the
# offsets follow by summing lengths.
_SPLIT = re.compile("(" + _TOKEN.pattern + ")")
# What may stand between the end of a sentence and the next word (quotes, brackets, bullets, headings).
_SENTENCE_END = re.compile(r"(?:^|[.!?:;…\n])[\s\"“”‘’'(\[*#>-]*$")
# The same ending inside the gap before a word that is not the text's first: there the 12 characters
# looked back at can only hold a break from that gap (a word has no break or gap characters at its end).
_GAP_END = re.compile(r"[.!?:;…\n][\s\"“”‘’'(\[*#>-]*$")
APOSTROPHES = "’'"
_POSSESSIVE = frozenset(["’s", "'s"])
_SENTENCE_LOOK_BACK = 12


class Token(NamedTuple):
    """One word of a text: ``start``/``end`` are character offsets; ``text`` has any possessive removed.

    ``sentence_start`` is only worked out for capitalised tokens (False for the others); ``index`` is the
    token's place among the text's words (:meth:`TextView.token`). A named tuple, not a frozen dataclass:
    the dataclass's checked ``__init__`` made tokenising a third slower.
    """

    text: str
    start: int
    end: int
    sentence_start: bool
    possessive: bool
    capitalised: bool
    index: int

    @property
    def all_caps(self) -> bool:
        text = self.text
        if text.isascii():  # ASCII letters are all cased: isupper() is the same test, in C
            return text.isupper()
        letters = [c for c in text if c.isalpha()]
        return len(letters) >= 1 and all(c.isupper() for c in letters)


_make_token = partial(tuple.__new__, Token)  # Token._make without its Python-level length check
_last_two = itemgetter(slice(-2, None))
_look_back = itemgetter(slice(-_SENTENCE_LOOK_BACK, None))
# One character per capitalised word for :data:`_RUN`: (possessive, joined to the capitalised word
# before it) -> "P"/"p" a possessive, "C"/"c" another, upper case when joined.
_CAP_SHAPE = {(True, True): "P", (True, False): "p", (False, True): "C", (False, False): "c"}
# A run: a possessive alone, or a capitalised word followed by the words joined to it, the last of
# which may be a possessive (a possessive ends a run: "UCLA’s Directing MFA" -> "UCLA", ...).
_RUN = re.compile(r"[pP]|[cC]C*P?")
_span = re.Match.span
# Characters between two tokens that end a sentence or clause for ``TextView.before``.
_SENTENCE_BREAKS = frozenset(".!?;:\n")


class _once:
    """``functools.cached_property`` without its lock: Python 3.11's takes an ``RLock`` on each first
    access, a tenth of enrichment's profile for seven properties per passage (a view is used by one
    thread)."""

    def __init__(self, func):
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


@lru_cache(maxsize=4096)
def _ends_sentence(gap_tail: str) -> bool:
    """True when the last characters before a word (not the text's first) end a sentence; few distinct
    gaps occur (" ", ". ", ".\\n\\n"), so each is tested once."""
    return _GAP_END.search(gap_tail) is not None


class TextView:
    """A text cut into words once; tokens, runs and the words before a token made when first asked for.

    Word ``k`` is ``words[k]``; ``gaps[k]`` is what stands before it (after word ``k - 1``, or from the
    text's start for word 0).
    """

    def __init__(self, text: str):
        self.text = text
        self._runs: dict[frozenset[str], list[list[Token]]] = {}

    @_once
    def _pieces(self) -> list[str]:
        """The text cut into gap, word, gap, word, ..., the tail after the last word."""
        return _SPLIT.split(self.text)

    @_once
    def words(self) -> list[str]:
        """The text's words as written (a possessive kept)."""
        return self._pieces[1::2]

    @_once
    def gaps(self) -> list[str]:
        """``gaps[k]``: the characters between word ``k - 1`` and word ``k`` (before the first, for 0)."""
        return self._pieces[0:-1:2]

    @_once
    def _offsets(self) -> list[int]:
        """Where each piece ends: word ``k`` spans ``_offsets[2k]`` to ``_offsets[2k + 1]``."""
        return list(accumulate(map(len, self._pieces)))

    @_once
    def _caps(self) -> list[int]:
        """The indexes of the capitalised words, in order."""
        words = self.words
        return list(compress(range(len(words)), map(str.isupper, map(itemgetter(0), words))))

    @_once
    def capitalised(self) -> list[Token]:
        """The tokens of the capitalised words, in order (made in C, a call per word)."""
        caps, words, gaps = self._caps, self.words, self.gaps
        if not caps:
            return []
        texts = list(map(words.__getitem__, caps))
        possessive = list(map(_POSSESSIVE.__contains__, map(_last_two, texts)))
        if any(possessive):
            texts = list(map(_bare, texts))
        offsets = self._offsets
        doubled = list(map((2).__mul__, caps))
        starts = list(map(offsets.__getitem__, doubled))
        ends = list(map(offsets.__getitem__, map((1).__add__, doubled)))
        # sentence starts matter only for capitalised words; each distinct gap is tested once
        sentence_start = list(map(_ends_sentence, map(_look_back, map(gaps.__getitem__, caps))))
        if caps[0] == 0:  # the text's first word: its gap is the text's start, looked at whole
            start = starts[0]
            sentence_start[0] = start == 0 or bool(
                _SENTENCE_END.search(self.text, max(0, start - _SENTENCE_LOOK_BACK), start)
            )
        fields = zip(texts, starts, ends, sentence_start, possessive, repeat(True), caps)
        return list(map(_make_token, fields))

    @_once
    def _made(self) -> dict[int, Token]:
        """Tokens made so far, by index (the capitalised ones at first)."""
        return dict(zip(self._caps, self.capitalised, strict=True))

    def token(self, index: int) -> Token:
        """The token of word ``index`` (0 <= index < ``len(words)``), made once."""
        made = self._made
        found = made.get(index)
        if found is None:
            word = self.words[index]
            possessive = word[-2:] in _POSSESSIVE
            offsets = self._offsets
            found = made[index] = _make_token((word[:-2] if possessive else word, offsets[2 * index],
                                               offsets[2 * index + 1], False, possessive, False, index))
        return found

    @property
    def tokens(self) -> list[Token]:
        """Every token, in order (makes one object per word: the extractors ask for few)."""
        return [self.token(k) for k in range(len(self.words))]

    def gap(self, left: Token, right: Token) -> str:
        """The characters between two tokens."""
        return self.text[left.end : right.start]

    def runs(self, connectors: frozenset[str] = frozenset()) -> list[list[Token]]:
        """Maximal runs of capitalised tokens separated by single spaces (computed once per connectors).

        Lowercase ``connectors`` ("of", "the", "and") may join two capitalised tokens inside a run
        ("Institute of the Arts"). A possessive ends a run ("UCLA’s Directing MFA" -> "UCLA", ...).
        """
        cached = self._runs.get(connectors)
        if cached is None:
            cached = self._runs[connectors] = self._find_runs(connectors)
        return cached

    @_once
    def _between(self) -> list[str]:
        """The text between each capitalised word and the next one (one string fewer than them)."""
        tokens, text = self.capitalised, self.text
        return list(map(text.__getitem__, map(slice, map(itemgetter(2), tokens[:-1]),
                                              map(itemgetter(1), tokens[1:]))))

    def _find_runs(self, connectors: frozenset[str]) -> list[list[Token]]:
        # Runs are found among the capitalised words alone, by a regular expression (in C) over one
        # character each (_CAP_SHAPE): a word is joined to the capitalised word before it when only a
        # single space stands between them, or lowercase connectors, each with a single space before it
        # (one match of _joining's pattern per pair of words, in C).
        tokens = self.capitalised
        if not tokens:
            return []
        between = self._between
        if connectors:
            joined = list(map(bool, map(_joining(connectors).fullmatch, between)))
        else:
            joined = list(map(" ".__eq__, between))
        flags = zip(map(itemgetter(4), tokens), [False, *joined], strict=True)  # (possessive, joined)
        shape = "".join(map(_CAP_SHAPE.__getitem__, flags))
        spans = map(_span, _RUN.finditer(shape))
        if not connectors:  # capitalised words only: each run is a slice
            return [tokens[a:b] for a, b in spans]
        caps = self._caps
        return [tokens[a:b] if caps[b - 1] - caps[a] == b - 1 - a else
                [self.token(k) for k in range(caps[a], caps[b - 1] + 1)] for a, b in spans]

    def span_text(self, run: list[Token]) -> str:
        """The text a run covers, without a trailing possessive."""
        return self.text[run[0].start : run[-1].start + len(run[-1].text)]

    def before(self, token: Token, words: int = 3) -> list[str]:
        """Up to ``words`` lowercased words before ``token`` in the same sentence or clause."""
        index = token.index
        first = max(0, index - words)
        gaps = self.gaps
        for k in range(index, first, -1):  # the nearest break before the token (not the text's start)
            if not _SENTENCE_BREAKS.isdisjoint(gaps[k]):
                first = k
                break
        return [_bare(word).lower() for word in self.words[first:index]]

    def after(self, token: Token) -> Token | None:
        """The token right after ``token`` (None at the end)."""
        index = token.index + 1
        if index >= len(self.words):
            return None
        return self.token(index)

    def previous(self, token: Token) -> Token | None:
        """The token right before ``token`` (None at the start)."""
        index = token.index - 1
        if index < 0:
            return None
        return self.token(index)


@lru_cache(maxsize=16)
def _joining(connectors: frozenset[str]) -> re.Pattern:
    """What may stand between two capitalised words of one run: a single space, or lowercase
    ``connectors`` (a possessive's ending allowed, as a token's text has it removed) each with a single
    space before it, and a single space after the last."""
    words = "|".join(map(re.escape, sorted(connectors)))
    return re.compile(rf" (?:(?:{words})(?:[’']s)? )*")


def _bare(word: str) -> str:
    """A word without its possessive (a token's text)."""
    return word[:-2] if word[-2:] in _POSSESSIVE else word
