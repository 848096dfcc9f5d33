"""The year extractor's raw-text pattern (``index/years.py``) against its plain form."""

import re

from searchkit import same_on_random_texts

from index.years import _YEAR, extract_years

# The pattern as first written: the look-behinds at the year's start. The module's opens with the
# year's first digits instead, for speed (its look-behinds look two characters further back); both
# must find exactly the same years at the same places.
PLAIN_YEAR = re.compile(
    r"(?:(?<=mid-)|(?<![\w$#£€.,/:-]))((?:19|20)\d\d)(?![\w%+]|[.,]\d|\s*[x×]\s*\d|[’']s\b)"
)

PIECES = ["1998", "2021", "2000", "1899", "2100", "19", "20", "199", "3", "0", "mid-", "Mid-", "mid", "-",
          "id-", "$", "#", "£", "€", ".", ",", "/", ":", "_", "%", "+", "x", " x 2", "×", "’s", "'s", "s",
          " ", "\n", "(", ")", "–", "a", "é", "in ", "the "]


def spans(pattern: re.Pattern, text: str) -> list[tuple[int, int]]:
    return [m.span(1) for m in pattern.finditer(text)]


def test_pattern_finds_what_its_plain_form_finds():
    found = same_on_random_texts(_YEAR, PLAIN_YEAR, PIECES, seed=16, texts=5000, longest=12, found=spans)
    assert found > 300


def test_years_at_the_edges_of_the_text_and_after_mid():
    assert spans(_YEAR, "1998") == [(0, 4)]
    text = "x1998 $2001 mid-2011 amid-2012 (2013) 1999x 20201"
    assert spans(_YEAR, text) == spans(PLAIN_YEAR, text) == [(16, 20), (26, 30), (32, 36)]
    assert extract_years("2019–2021, a mid-2011 MacBook, in the 1990s") == ["2019", "2021", "2011"]
