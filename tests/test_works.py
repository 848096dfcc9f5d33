"""The work extractor's quoted-title pattern (``index/works.py``) against its plain form."""

import re

from searchkit import same_on_random_texts

from index.spans import TextView
from index.works import _QUOTED, extract_works

# The pattern as first written: a look-ahead for the quote marks, and a straight quote's look-behind
# before it. The module's opens with the quote marks instead, for speed; both must find the same
# titles (same spans, same groups).
PLAIN_QUOTED = re.compile(
    r"(?=[“‘\"'])(?:“([^“”\n]{1,80})”|‘([^‘’\n]{1,80})’(?!\w)|(?<![\w])\"([^\"\n]{1,80})\"|"
    r"(?<![\w’'])'([^'\n]{1,80})'(?!\w))"
)

PIECES = ["“", "”", "‘", "’", '"', "'", "Blue Train", "Still Alive", "a", "s", "é", "3", "_", " ", "  ", "\n",
          ",", ".", "(", "x" * 85, "’s", "'s", "don't", "and "]


def matches(pattern: re.Pattern, text: str) -> list[tuple]:
    return [(m.span(), m.groups()) for m in pattern.finditer(text)]


def test_pattern_finds_what_its_plain_form_finds():
    found = same_on_random_texts(_QUOTED, PLAIN_QUOTED, PIECES, seed=16, texts=5000, longest=14,
                                 found=matches)
    assert found > 300


def test_quoted_titles_at_the_edges_of_the_text():
    text = "\"Blue Train\" and 'Still Alive' but not x\"Inside\" nor it's'odd'"
    assert matches(_QUOTED, text) == matches(PLAIN_QUOTED, text)
    assert [m.group(3) or m.group(4) for m in _QUOTED.finditer(text)] == ["Blue Train", "Still Alive"]
    found = extract_works(TextView("I worked on “Still Alive” and “Blue Train”."))
    assert found == ["Still Alive", "Blue Train"]
