"""Tokens and runs of capitalised words, shared by the place, work and organisation extractors.

A passage is tokenised once (:class:`TextView`); each extractor then walks the same tokens.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import NamedTuple

# A word: letters/digits with inner apostrophes, hyphens, ampersands or a trailing plus ("Apple TV+").
_TOKEN = re.compile(r"[^\W_](?:[\w’'&-]*[^\W_])?\+?")
# What may stand between the end of a sentence and the next word (quotes, brackets, bullets, headings).
_SENTENCE_END = re.compile(r"(?:^|[.!?:;…\n])[\s\"“”‘’'(\[*#>-]*$")
APOSTROPHES = "’'"


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
        letters = [c for c in self.text if c.isalpha()]
        return len(letters) >= 1 and all(c.isupper() for c in letters)


# Characters between two tokens that end a sentence or clause for ``TextView.before``.
_SENTENCE_BREAKS = frozenset(".!?;:\n")


class TextView:
    """A text with its tokens and capitalised runs computed once, on first use."""

    def __init__(self, text: str):
        self.text = text

    @cached_property
    def tokens(self) -> list[Token]:
        text = self.text
        out = []
        for match in _TOKEN.finditer(text):
            word = match.group()
            possessive = len(word) > 2 and word[-1] == "s" and word[-2] in APOSTROPHES
            if possessive:
                word = word[:-2]
            start = match.start()
            capitalised = word[0].isupper()
            # sentence starts matter only for capitalised words; the look-back costs a regex search
            sentence_start = capitalised and (
                start == 0 or bool(_SENTENCE_END.search(text, max(0, start - 12), start))
            )
            out.append(Token(word, start, match.end(), sentence_start, possessive, capitalised))
        return out

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

    def _find_runs(self, connectors: frozenset[str]) -> list[list[Token]]:
        tokens = self.tokens
        runs: list[list[Token]] = []
        i, n = 0, len(tokens)
        while i < n:
            if not tokens[i].capitalised:
                i += 1
                continue
            run = [tokens[i]]
            j = i + 1
            while j < n and not run[-1].possessive and self.gap(run[-1], tokens[j]) == " ":
                token = tokens[j]
                if token.capitalised:
                    run.append(token)
                    j += 1
                    continue
                # connectors: accept them only if a capitalised token follows
                k = j
                while k < n and tokens[k].text in connectors and self.gap(tokens[k - 1], tokens[k]) == " ":
                    k += 1
                if k > j and k < n and tokens[k].capitalised and self.gap(tokens[k - 1], tokens[k]) == " ":
                    run.extend(tokens[j : k + 1])
                    j = k + 1
                    continue
                break
            runs.append(run)
            i = j
        return runs

    def span_text(self, run: list[Token]) -> str:
        """The text a run covers, without a trailing possessive."""
        return self.text[run[0].start : run[-1].start + len(run[-1].text)]

    def before(self, token: Token, words: int = 3) -> list[str]:
        """Up to ``words`` lowercased words before ``token`` in the same sentence."""
        index = self._index[token.start]
        out = []
        k = index - 1
        while k >= 0 and len(out) < words:
            gap = self.gap(self.tokens[k], self.tokens[k + 1])
            if not _SENTENCE_BREAKS.isdisjoint(gap):
                break
            out.append(self.tokens[k].text.lower())
            k -= 1
        return out[::-1]

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
        return {t.start: i for i, t in enumerate(self.tokens)}
