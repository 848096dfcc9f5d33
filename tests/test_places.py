"""The place extractor's raw-text patterns (``index/places.py``) against their plain forms."""

import re

from searchkit import same_on_random_texts

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


def test_patterns_find_what_their_plain_forms_find():
    found = sum(same_on_random_texts(fast, plain, PIECES, seed=9, texts=3000, longest=12)
                for fast, plain in ((_DOTTED, PLAIN_DOTTED), (_SAINT, PLAIN_SAINT)))
    assert found > 1000


def test_dotted_names_and_saints():
    assert extract_places(TextView("I moved to the U.S. from the U.K. and then to St. Louis.")) == [
        "United States", "United Kingdom", "St. Louis"]
    assert extract_places(TextView("Andrew W.K. and xU.S. are no places.")) == []
