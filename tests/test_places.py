"""The place extractor's raw-text patterns (``index/places.py``) against their plain forms."""

import random
import re

from index.places import _DOTTED, _SAINT, extract_places
from index.spans import TextView

# The patterns as first written: a look-behind (or word boundary) at the match's start. The module's
# open with their first letters instead, for speed; they must find exactly the same.
PLAIN_DOTTED = re.compile(r"(?<![\w.])(?:U\.S\.A\.|U\.S\.|U\.K\.|L\.A\.|Washington,? D\.?C\.?(?!\w))")
PLAIN_SAINT = re.compile(r"\b(?:St|Ste|Mt|Ft)\. [A-Z][a-z]+(?: [A-Z][a-z]+)?")

PIECES = ["U.S.", "U.S.A.", "U.K.", "L.A.", "W.K.", "L.K.", "U.A.", "Washington, DC", "Washington D.C.",
          "Washington DC", "Washington, D.Cx", "St. Louis", "Ste. Genevieve", "Mt. Vernon", "Ft. Worth",
          "Ft. Lauderdale Beach", "Mte. Rosa", "Sf. Xy", "St.Louis", "St. louis", "x", "a", "U", "S", "W",
          ".", ",", " ", "  ", "\n", "(", "-", "_", "é", "3"]


def spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def test_patterns_find_what_their_plain_forms_find():
    rng = random.Random(9)
    found = 0
    for _ in range(3000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(1, 12)))
        assert spans(_DOTTED, text) == spans(PLAIN_DOTTED, text), text
        assert spans(_SAINT, text) == spans(PLAIN_SAINT, text), text
        found += len(spans(_DOTTED, text)) + len(spans(_SAINT, text))
    assert found > 1000


def test_dotted_names_and_saints():
    assert extract_places(TextView("I moved to the U.S. from the U.K. and then to St. Louis.")) == [
        "United States", "United Kingdom", "St. Louis"]
    assert extract_places(TextView("Andrew W.K. and xU.S. are no places.")) == []
