"""Tokens and runs of capitalised words, shared by the place, work and organisation extractors.

A passage is tokenised once (:class:`TextView`); each extractor then walks the same tokens. Enrichment
is most of the build's parse cost and most tokens are lower-case words no extractor looks at, so the
view does its per-token work in C (one ``findall``, ``map`` and ``accumulate``) and spends Python
steps only on capitalised tokens, where the names are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache, partial
from itertools import accumulate, compress
from operator import itemgetter, not_
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
    token's place in :attr:`TextView.tokens`. A named tuple, not a frozen dataclass: a passage makes
    hundreds, and the dataclass's checked ``__init__`` made tokenising a third slower.
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
# Token shapes for runs: (capitalised, possessive, a single space before) -> one character.
_SHAPE = {
    (True, True, True): "P",
    (True, True, False): "p",
    (True, False, True): "C",
    (True, False, False): "c",
    (False, True, True): "s",
    (False, False, True): "s",
    (False, True, False): "x",
    (False, False, False): "x",
}
_RUN = re.compile(r"[pP]|[cC](?:O*C)*(?:O*P)?")
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
    """A text with its tokens and capitalised runs computed once, on first use."""

    def __init__(self, text: str):
        self.text = text
        self._runs: dict[frozenset[str], list[list[Token]]] = {}

    @_once
    def _pieces(self) -> list[str]:
        """The text cut into gap, word, gap, word, ..., the tail after the last word."""
        return _SPLIT.split(self.text)

    @_once
    def _gaps(self) -> list[str]:
        """``_gaps[k]``: the characters between token ``k - 1`` and token ``k`` (before the first, for 0)."""
        return self._pieces[0:-1:2]

    @_once
    def tokens(self) -> list[Token]:
        pieces = self._pieces
        words = pieces[1::2]
        if not words:
            return []
        offsets = list(accumulate(map(len, pieces)))
        starts, ends = offsets[0:-1:2], offsets[1::2]
        capitalised = list(map(str.isupper, map(itemgetter(0), words)))
        # a word never starts with an apostrophe, so one ending in "'s" has at least three characters
        possessive = list(map(_POSSESSIVE.__contains__, map(itemgetter(slice(-2, None)), words)))
        if any(possessive):
            texts = [w[:-2] if p else w for w, p in zip(words, possessive, strict=True)]
        else:
            texts = words
        # sentence starts matter only for capitalised words; the look-back costs a regex search
        sentence_start = [False] * len(words)
        gaps = self._gaps
        for k in compress(range(len(words)), capitalised):
            if k == 0:
                start = starts[0]
                sentence_start[0] = start == 0 or bool(
                    _SENTENCE_END.search(self.text, max(0, start - _SENTENCE_LOOK_BACK), start)
                )
            else:
                sentence_start[k] = _ends_sentence(gaps[k][-_SENTENCE_LOOK_BACK:])
        indexes = range(len(words))
        fields = zip(texts, starts, ends, sentence_start, possessive, capitalised, indexes, strict=True)
        return list(map(_make_token, fields))

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
    def _shape(self) -> str:
        """One character per token for :meth:`_find_runs`: "C" a capitalised token, "P" a capitalised
        possessive, "s" any other, each when a single space stands before it; "c", "p", "x" when not."""
        tokens = self.tokens
        spaced = map(" ".__eq__, self._gaps)
        flags = zip(map(itemgetter(5), tokens), map(itemgetter(4), tokens), spaced, strict=True)
        return "".join(map(_SHAPE.__getitem__, flags))

    def _find_runs(self, connectors: frozenset[str]) -> list[list[Token]]:
        # A regular expression over the token shapes finds the runs in C: a run is a capitalised token,
        # then, while the last one is no possessive, another joined by a space, directly or through
        # connectors ("O": a connector with a space before it) each joined by a space.
        tokens, shape = self.tokens, self._shape
        if connectors:
            texts = map(itemgetter(0), tokens)
            marks = [k for k in compress(range(len(tokens)), map(connectors.__contains__, texts))
                     if shape[k] == "s"]
            if marks:
                chars = list(shape)
                for k in marks:
                    chars[k] = "O"
                shape = "".join(chars)
        return [tokens[start:end] for start, end in map(_span, _RUN.finditer(shape))]

    def span_text(self, run: list[Token]) -> str:
        """The text a run covers, without a trailing possessive."""
        return self.text[run[0].start : run[-1].start + len(run[-1].text)]

    def before(self, token: Token, words: int = 3) -> list[str]:
        """Up to ``words`` lowercased words before ``token`` in the same sentence."""
        index = token.index
        breaks = self._breaks
        clause = breaks[bisect_right(breaks, index) - 1] if breaks and breaks[0] <= index else 0
        return self._lower[max(clause, index - words) : index]

    @_once
    def _lower(self) -> list[str]:
        return list(map(str.lower, map(itemgetter(0), self.tokens)))

    @_once
    def _breaks(self) -> list[int]:
        """Indexes of the tokens a sentence or clause break stands right before (see ``before``)."""
        no_break = map(_SENTENCE_BREAKS.isdisjoint, self._gaps)
        return [k for k in compress(range(len(self._gaps)), map(not_, no_break)) if k]

    def after(self, token: Token) -> Token | None:
        """The token right after ``token`` (None at the end)."""
        index = token.index + 1
        return self.tokens[index] if index < len(self.tokens) else None

    def previous(self, token: Token) -> Token | None:
        """The token right before ``token`` (None at the start)."""
        index = token.index - 1
        return self.tokens[index] if index >= 0 else None
