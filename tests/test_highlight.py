"""``search.highlight.mark``: the snippet window and the marks, directly (pages test them end to end)."""

from __future__ import annotations

import html
import random
import re

from index.schema import text_analyzer
from search import highlight
from search.highlight import CONTEXT_CHARS, SNIPPET_CHARS, _matches, mark

ANALYZER = text_analyzer()
WORDS = ["camera", "lens", "film", "editor", "covid", "shutdown", "studio", "animation", "light", "music",
         "desk", "chair", "keyboard", "the", "of", "and", "Covid-19", "we'd", "Thérèse", "stop-motion",
         "photographs", "photography"]


def _best_start_by_brute_force(spans) -> int:
    """The window choice as first written: for each span, count the distinct terms fitting after it."""
    best, best_score = 0, -1
    for i, (s, _e, _t) in enumerate(spans):
        within = {t for (s2, e2, t) in spans[i:] if e2 <= s + SNIPPET_CHARS - CONTEXT_CHARS}
        if len(within) > best_score:
            best, best_score = i, len(within)
    return best


def test_the_snippet_window_is_the_one_holding_the_most_distinct_matched_words():
    rng = random.Random(7)
    for _ in range(300):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 400)))
        terms = {t.text for t in ANALYZER(" ".join(rng.sample(WORDS, rng.randint(1, 8))))}
        spans = _matches(text, terms, ANALYZER)
        snippet = mark(text, terms, ANALYZER, SNIPPET_CHARS)
        if len(text) <= SNIPPET_CHARS or not spans:
            continue
        best = spans[_best_start_by_brute_force(spans)][0]
        start = highlight._snap_start(text, max(0, best - CONTEXT_CHARS))
        end = highlight._snap_end(text, start + SNIPPET_CHARS)
        shown = html.unescape(re.sub(r"</?mark>", "", snippet))
        assert shown == ("…" if start else "") + text[start:end] + ("…" if end < len(text) else ""), terms


def test_marks_follow_the_index_analysis():
    html = mark("Covid-19 shut the studios; we'd film again.", {"covid", "studio", "film"}, ANALYZER)
    assert html == "<mark>Covid</mark>-19 shut the <mark>studios</mark>; we'd <mark>film</mark> again."
    assert mark("a < b & c", {"b"}, ANALYZER) == "a &lt; <mark>b</mark> &amp; c"


def test_a_hyphenated_word_is_one_mark_when_its_joined_form_matches():
    # The joined form spans the whole word and overlaps its parts: one mark, the text not repeated.
    assert mark("My to-do list", {"todo", "list"}, ANALYZER) == "My <mark>to-do</mark> <mark>list</mark>"
    assert mark("Covid-19 hit", {"covid", "covid19", "19"}, ANALYZER) == "<mark>Covid-19</mark> hit"


def _every_word_marked(text: str, terms: set) -> list[tuple[int, int, str]]:
    """What to mark, found by analysing every word of the text (no skipping)."""
    found = []
    for match in highlight.WORD_PATTERN.finditer(text):
        for term, start, end, _pos in highlight._word_terms(ANALYZER, match.group(0))[0]:
            span = (match.start() + start, match.start() + end, term)
            if term in terms and (not found or found[-1][:2] != span[:2]):
                found.append(span)
    return found


def test_skipping_words_that_cannot_match_marks_what_reading_every_word_marks():
    # Only runs of text with a possible first letter are read: words after accents, dashes, odd spaces,
    # dotted acronyms, apostrophes and hyphens, and word forms whose first letter differs ("went" → go).
    pieces = ["Éclair", "éclair", "x-ray", "U.S.", "L.A.-based", "don't", "we’d", "went", "going", "go-to",
              "\u00a0studio", "\u2003film", "—camera", "“lens”", "(music)", "stop-motion", "12th", "_x",
              "photography's", "Thérèse", "naïve", "\n", "\t", "..."]
    rng = random.Random(11)
    for _ in range(400):
        text = "".join(rng.choice(pieces + WORDS) + rng.choice([" ", "", "\n", "-", "/"])
                       for _ in range(rng.randint(1, 60)))
        terms = {t.text for t in ANALYZER(" ".join(rng.sample(pieces + WORDS, rng.randint(1, 4))))}
        assert _matches(text, terms, ANALYZER) == _every_word_marked(text, terms), (text, terms)


def test_candidates_in_ascii_text_are_found_by_find_as_the_expression_finds_them():
    # Texts of ASCII only take str.find instead of the regular expression: the same starts, any letters.
    rng = random.Random(5)
    alphabet = "abcvVxX19_ -.'\n\t/(\""
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        firsts = frozenset(rng.sample("abvx19_", rng.randint(1, 3)))
        letters = highlight._ascii_starts(firsts)
        expected = [m.start() for m in highlight._candidates(firsts).finditer(text)]
        found = highlight._candidate_starts(text, letters)
        if found is None:  # too many letters: the expression reads it
            assert sum(map(text.count, letters)) > highlight.FEW_STARTS
            continue
        assert found == expected, (text, firsts)
    assert highlight._candidate_starts("voilà venezuela", "vV") is None  # not ASCII: the expression


def test_the_bleach_check_agrees_with_the_expression_on_every_code_point():
    for code in range(0x110000):
        char = chr(code)
        assert highlight._bleach_rewrites(char) == bool(highlight._BLEACH_REWRITES.search(char)), hex(code)
    assert not highlight._bleach_rewrites("plain <mark>text</mark>…")
    assert highlight._bleach_rewrites("a\x0bb") and not highlight._bleach_rewrites("a\nb\tc")
