"""Years a passage mentions (1900–2099), for the year facet.

A four-digit number counts as a year only in a year-like context, so model numbers, resolutions and
amounts do not: after "in", "since", "from", "until", "by", "during", "of", a month or season, "early",
"late", "mid", "a"/"my"/"the" (a 2005 Martin), before "version"/"model"/"edition", in parentheses or a
range ("2017–2019"); never a decade ("1920's"), never before a unit ("100 million", "2000 words",
"1920x1080") nor glued to other digits, "$" or "#".
"""

from __future__ import annotations

import re

# A year: not glued to a word, "$", "#" or other digits (but "mid-1990s"), not a decade ("the 1990s",
# "1920's Chinatown"). The pattern opens with the year's first digits, so the search skips in C to the
# places a year may start (a pattern that opens with a look-ahead or look-behind is tried at every
# position: 2.4 times the cost); the look-behinds after them test the character before the year, two
# characters back. ``tests/test_years.py`` compares it with the plain form.
_YEAR = re.compile(
    r"((?:19|20)(?:(?<=mid-..)|(?<![\w$#£€.,/:-]..))\d\d)(?![\w%+]|[.,]\d|\s*[x×]\s*\d|[’']s\b)"
)
_CONTEXT_BEFORE = frozenset(
    [
        "in",
        "since",
        "from",
        "until",
        "till",
        "til",
        "by",
        "during",
        "of",
        "circa",
        "around",
        "about",
        "early",
        "late",
        "mid",
        "before",
        "after",
        "through",
        "between",
        "and",
        "to",
        "summer",
        "spring",
        "fall",
        "autumn",
        "winter",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "a",
        "an",
        "my",
        "our",
        "his",
        "her",
        "their",
        "the",
        "year",
        "class",
        "back",
    ]
)
_UNIT_AFTER = re.compile(
    r"\s*(?:million|billion|thousand|people|words|pixels|px|dpi|rpm|mah|lines|times|units|gb|mb|tb|kb|"
    r"hz|mhz|ghz|km|miles|feet|ft|lbs|kg|calories|views|copies|dollars|euros|bucks|hours|minutes|"
    r"seconds|series)\b",
    re.IGNORECASE,
)
# Words after a year that say it is one ("a 1998 version of Ejay", "my 2007 model").
_CONTEXT_AFTER = re.compile(r"\s+(?:version|model|edition|vintage|season|release)\b", re.IGNORECASE)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)[\s,-]*(?:[(’'‘])?\s*$")


def extract_years(text: str) -> list[str]:
    """Years ``text`` mentions, as strings, in order of first mention, without duplicates."""
    found: list[str] = []
    for match in _YEAR.finditer(text):
        start, end = match.span(1)
        if _UNIT_AFTER.match(text, end):
            continue
        before = text[max(0, start - 24) : start]
        previous = _WORD_BEFORE.search(before)
        in_parens = before.endswith("(") and text[end : end + 1] in (")", ",", "–", "-")
        in_range = bool(re.match(r"\s*[–-]\s*(?:19|20)?\d\d\b", text[end : end + 8])) or bool(
            re.search(r"(?:19|20)\d\d\s*[–-]\s*$", before)
        )
        after = bool(_CONTEXT_AFTER.match(text, end))
        if in_parens or in_range or after or (previous and previous.group(1).lower() in _CONTEXT_BEFORE):
            found.append(match.group(1))
    return list(dict.fromkeys(found))
