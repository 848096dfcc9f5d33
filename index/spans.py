"""Tokens and runs of capitalised words, shared by the place, work and organisation extractors.

A passage is tokenised once (:class:`TextView`); each extractor then walks the same tokens. Enrichment
is most of the build's parse cost and most tokens are lower-case words no extractor looks at, so the
view does its per-token work in C (one ``findall``, ``map`` and ``accumulate``) and spends Python
steps only on capitalised tokens, where the names are.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import cached_property, lru_cache, partial
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

    ``sentence_start`` is only worked out for capitalised tokens (False for the others). A named tuple,
    not a frozen dataclass: a passage makes hundreds, and the dataclass's checked ``__init__`` made
    tokenising a third slower.
    """

    text: str
    start: int
    end: int
    sentence_start: bool
    possessive: bool
    capitalised: bool

    @property
    def all_caps(self) -> bool:
        text = self.text
        if text.isascii():  # ASCII letters are all cased: isupper() is the same test, in C
            return text.isupper()
        letters = [c for c in text if c.isalpha()]
        return len(letters) >= 1 and all(c.isupper() for c in letters)


_make_token = partial(tuple.__new__, Token)  # Token._make without its Python-level length check
# Characters between two tokens that end a sentence or clause for ``TextView.before``.
_SENTENCE_BREAKS = frozenset(".!?;:\n")


@lru_cache(maxsize=4096)
def _ends_sentence(gap_tail: str) -> bool:
    """True when the last characters before a word (not the text's first) end a sentence; few distinct
    gaps occur (" ", ". ", ".\\n\\n"), so each is tested once."""
    return _GAP_END.search(gap_tail) is not None


class TextView:
    """A text with its tokens and capitalised runs computed once, on first use."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def _pieces(self) -> list[str]:
        """The text cut into gap, word, gap, word, ..., the tail after the last word."""
        return _SPLIT.split(self.text)

    @cached_property
    def _gaps(self) -> list[str]:
        """``_gaps[k]``: the characters between token ``k - 1`` and token ``k`` (before the first, for 0)."""
        return self._pieces[0:-1:2]

    @cached_property
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
        fields = zip(texts, starts, ends, sentence_start, possessive, capitalised, strict=True)
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

    @cached_property
    def _runs(self) -> dict[frozenset[str], list[list[Token]]]:
        return {}

    @cached_property
    def _capitalised(self) -> list[int]:
        """Indexes of the capitalised tokens."""
        return list(compress(range(len(self.tokens)), map(itemgetter(5), self.tokens)))

    def _find_runs(self, connectors: frozenset[str]) -> list[list[Token]]:
        tokens, gaps = self.tokens, self._gaps
        runs: list[list[Token]] = []
        n = len(tokens)
        j = 0
        for i in self._capitalised:  # a run starts at the first capitalised token after the last run
            if i < j:
                continue
            run = [tokens[i]]
            j = i + 1
            while j < n and not run[-1].possessive and gaps[j] == " ":
                token = tokens[j]
                if token.capitalised:
                    run.append(token)
                    j += 1
                    continue
                # connectors: accept them only if a capitalised token follows
                k = j
                while k < n and tokens[k].text in connectors and gaps[k] == " ":
                    k += 1
                if k > j and k < n and tokens[k].capitalised and gaps[k] == " ":
                    run.extend(tokens[j : k + 1])
                    j = k + 1
                    continue
                break
            runs.append(run)
        return runs

    def span_text(self, run: list[Token]) -> str:
        """The text a run covers, without a trailing possessive."""
        return self.text[run[0].start : run[-1].start + len(run[-1].text)]

    def before(self, token: Token, words: int = 3) -> list[str]:
        """Up to ``words`` lowercased words before ``token`` in the same sentence."""
        index = self._index[token.start]
        breaks = self._breaks
        clause = breaks[bisect_right(breaks, index) - 1] if breaks and breaks[0] <= index else 0
        return self._lower[max(clause, index - words) : index]

    @cached_property
    def _lower(self) -> list[str]:
        return list(map(str.lower, map(itemgetter(0), self.tokens)))

    @cached_property
    def _breaks(self) -> list[int]:
        """Indexes of the tokens a sentence or clause break stands right before (see ``before``)."""
        no_break = map(_SENTENCE_BREAKS.isdisjoint, self._gaps)
        return [k for k in compress(range(len(self._gaps)), map(not_, no_break)) if k]

    def after(self, token: Token) -> Token | None:
        """The token right after ``token`` (None at the end)."""
        index = self._index[token.start] + 1
        return self.tokens[index] if index < len(self.tokens) else None

    def previous(self, token: Token) -> Token | None:
        """The token right before ``token`` (None at the start)."""
        index = self._index[token.start] - 1
        return self.tokens[index] if index >= 0 else None

    @cached_property
    def _index(self) -> dict[int, int]:
        return dict(zip(map(itemgetter(1), self.tokens), range(len(self.tokens)), strict=True))
