"""The text view (``index/spans.py``) against a plain word-by-word definition of its tokens and runs.

The view makes objects only for the words it is asked about and finds runs among the capitalised words
alone; the reference here makes every token and finds runs with one regular expression over a character
per token, as the view did before. Both must agree on every token, run and "words before".
"""

import random
import re
from pathlib import Path

import pytest

from index.spans import _GAP_END, _SENTENCE_END, _TOKEN, TextView

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"
CONNECTOR_SETS = [
    frozenset(),
    frozenset({"of", "the", "and", "for", "de", "la", "du", "der", "des", "y", "on"}),  # organisations
    frozenset({"of", "the", "and", "in", "a", "an", "to"}),  # works' titles
]
_POSSESSIVE = ("’s", "'s")


def reference_tokens(text: str) -> list[tuple]:
    """(text, start, end, sentence_start, possessive, capitalised, index) per word, one by one."""
    out = []
    previous_end = 0
    for index, match in enumerate(_TOKEN.finditer(text)):
        word, start, end = match.group(), match.start(), match.end()
        possessive = word[-2:] in _POSSESSIVE
        capitalised = word[0].isupper()
        sentence_start = False
        if capitalised:
            if index == 0:
                sentence_start = start == 0 or bool(_SENTENCE_END.search(text, max(0, start - 12), start))
            else:
                sentence_start = _GAP_END.search(text[previous_end:start][-12:]) is not None
        out.append((word[:-2] if possessive else word, start, end, sentence_start, possessive, capitalised,
                    index))
        previous_end = end
    return out


def reference_runs(text: str, connectors: frozenset[str]) -> list[list[tuple]]:
    """Runs by a regular expression over one character per token: C a capitalised token, P one with a
    possessive, O a connector, s another token (upper case: a single space before it)."""
    tokens = reference_tokens(text)
    shape = []
    for k, token in enumerate(tokens):
        spaced = text[tokens[k - 1][2]:token[1]] == " " if k else text[:token[1]] == " "
        if token[5]:
            char = "p" if token[4] else "c"
        elif token[0] in connectors:
            char = "o"
        else:
            char = "s"
        shape.append(char.upper() if spaced else char)
    runs = re.finditer(r"[pP]|[cC](?:O*C)*(?:O*P)?", "".join(shape))
    return [tokens[m.start():m.end()] for m in runs]


def reference_before(text: str, index: int, words: int) -> list[str]:
    tokens = reference_tokens(text)
    first = max(0, index - words)
    for k in range(index, first, -1):
        if set(text[tokens[k - 1][2]:tokens[k][1]]) & set(".!?;:\n"):
            first = k
            break
    return [t[0].lower() for t in tokens[first:index]]


def check(text: str) -> None:
    view = TextView(text)
    expected = reference_tokens(text)
    assert [tuple(t) for t in view.tokens] == expected
    assert [tuple(t) for t in view.capitalised] == [t for t in expected if t[5]]
    for connectors in CONNECTOR_SETS:
        got = [[tuple(t) for t in run] for run in view.runs(connectors)]
        assert got == reference_runs(text, connectors), connectors
    for token in view.capitalised:
        for words in (1, 3, 6):
            assert view.before(token, words) == reference_before(text, token.index, words)
        after, previous = view.after(token), view.previous(token)
        assert (tuple(after) if after else None) == (
            expected[token.index + 1] if token.index + 1 < len(expected) else None)
        assert (tuple(previous) if previous else None) == (expected[token.index - 1] if token.index else None)


@pytest.mark.parametrize("text", [
    "",
    "no capitals at all.",
    "UCLA’s Directing MFA program at the Institute of the Arts",
    "The University of Southern California and the Beijing Film Academy.",
    "I moved to Los Angeles, CA. Then New York's Museum of Modern Art hired me.",
    "C++ and a+B, _X, -Y, 'Quoted' and ‘Curly’, İstanbul and ǅemal",
    "Hide and Seek of the's Worlds; Institute of  the Arts (double space), Center for Internet and Society",
    "A\nB  C. D! E? F: G; H… I\n\nJ — K",
    "Some.Thing Else's Other’s Name of’s Place",
])
def test_view_matches_reference(text):
    check(text)


def test_view_matches_reference_on_seed_articles():
    texts = [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    assert texts, f"seed articles missing in {SEEDS}"
    for text in texts:
        check(text)


def test_view_matches_reference_on_random_texts():
    pieces = ["The", "of", "the", "and", "for", "in", "a", "to", "de", "Paris", "UCLA’s", "Film", "Academy",
              "it's", "the's", "Of", "C++", "a+B", "x_Y", "_Z", "-Q", "rock-Star", "İstanbul", "3D", "iPhone",
              "Ünal", "ß", "CAAMfest", "Mr", ".", ",", ";", ":", "!", "?", "…", "\n", "“", "”", "’", "'", "(",
              ")", "&", "-", "—", "#", "*"]
    spaces = [" ", " ", " ", "", "  ", "\n", ", ", ". "]
    rng = random.Random(16)
    for _ in range(400):
        text = "".join(rng.choice(pieces) + rng.choice(spaces) for _ in range(rng.randint(1, 40)))
        check(text)
