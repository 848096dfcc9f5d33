"""The splitter's pattern lists (``index/split/patterns.py``): joined alternations match as the lists do."""

from __future__ import annotations

import re

import pytest

from index.split.patterns import any_of, load_patterns

LINES = [
    "Tell us about your work",
    "so, tell me more",
    "We'd love for you to start with your story",
    "Could you walk us through it?",
    "I started painting in 2010.",
    "Leave a reply",
    "Photos by Ana Lee",
    "Share Tweet Pin",
    "This interview was originally published in Tideline.",
    "",
    "tell",
]


def test_joined_prompts_and_furniture_match_exactly_when_a_listed_pattern_does():
    pats = load_patterns()
    assert len(pats.prompts_any) == 2  # anchored ones and the rest
    assert len(pats.lines_any) == 1
    for line in LINES:
        assert any(p.search(line) for p in pats.prompts_any) == any(p.search(line) for p in pats.prompts)
        assert any(p.search(line) for p in pats.lines_any) == any(p.search(line) for p, _, _ in pats.lines)


@pytest.mark.parametrize(
    "patterns",
    [
        [re.compile(r"(a)\1"), re.compile("b")],  # a group: its number would shift
        [re.compile("a", re.IGNORECASE), re.compile("b")],  # different flags
        [re.compile("a")],
        [],
    ],
)
def test_lists_that_cannot_be_joined_are_kept(patterns):
    assert any_of(patterns) == patterns


def test_an_anchored_pattern_stays_anchored_when_joined():
    joined = any_of([re.compile("^tell"), re.compile(r"\bwe'd love")])
    assert not any(p.search("so tell us") for p in joined)
    assert any(p.search("so we'd love to") for p in joined)
