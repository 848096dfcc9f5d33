"""Interviewer and publication from what articles say in words (index/split/attribution.py)."""

from __future__ import annotations

import pytest

from index.split.attribution import Attribution, meta_fields, phrases, trim_publication


@pytest.mark.parametrize(
    ("line", "fields"),
    [
        ("Date: 2021-11-09", {"date": "2021-11-09"}),
        (
            "Interviewer: Kai Moss  Translator: Ida Lund",
            {"interviewer": "Kai Moss", "translator": "Ida Lund"},
        ),
        ("Publication: Tideline", {"publication": "Tideline"}),
        ("By Nils Ek", {"byline": "Nils Ek"}),
        ("Article by Nils Ek", {"byline": "Nils Ek"}),
        ("By Rawa", {"byline": "Rawa"}),
        ("The record came out in 2019: it sold well.", {}),
        ("We went by train to Lyon and stayed a week.", {}),
    ],
)
def test_metadata_lines_and_bylines(line, fields):
    assert meta_fields(line) == fields


@pytest.mark.parametrize(
    ("text", "publication", "interviewer"),
    [
        ("Published in Issue 12 of Harbour Notes, May 2001", "Harbour Notes", ""),
        ("Hi all, I'm Kai Moss from Fieldnotes Weekly and today", "Fieldnotes Weekly", "Kai Moss"),
        ("Radio Nord's Ola Berg chatted with the band before the show.", "Radio Nord", "Ola Berg"),
        ("Radio Nord DJ Ola Berg sat down with the band.", "Radio Nord", "Ola Berg"),
        ("I'm Kai Moss, managing editor of Fieldnotes. Today", "Fieldnotes", "Kai Moss"),
        ("Thanks for listening to the Open Bench podcast. See you", "Open Bench", ""),
        ("The interview was conducted by Ola Berg in May.", "", "Ola Berg"),
        ("She was editor-in-chief of Colors for a decade.", "", ""),  # someone else's job, not ours
    ],
)
def test_phrases(text, publication, interviewer):
    found = Attribution()
    phrases([text], found)
    assert found.get("publication") == publication
    assert found.get("interviewer") == interviewer


def test_captured_names_are_trimmed():
    assert trim_publication("Harbour Notes of the") == "Harbour Notes"
    assert trim_publication("We") == ""
    assert trim_publication("August 2024") == ""


def test_only_what_is_wanted_is_looked_for():
    text = "Published in Issue 12 of Harbour Notes. Radio Nord's Ola Berg chatted with the band."
    found = Attribution()
    phrases([text], found, publication=False)  # the publication is known already (folder, front matter)
    assert found.get("interviewer") == "Ola Berg"
    assert found.get("publication") in ("", "Radio Nord")  # a phrase naming both may still say it
    found = Attribution()
    phrases([text], found, interviewer=False)
    assert found.get("publication") == "Harbour Notes"


def test_a_phrase_far_into_a_long_text_and_an_earlier_text_first():
    filler = "Nothing to see here, only words. " * 300
    found = Attribution()
    phrases(["", filler + "Radio Nord DJ Ola Berg sat down with them. " + filler], found)
    assert (found.get("publication"), found.get("interviewer")) == ("Radio Nord", "Ola Berg")
    found = Attribution()
    phrases(["Interview conducted by Kai Moss.", "Radio Nord DJ Ola Berg sat down with them."], found)
    assert found.get("interviewer") == "Kai Moss"  # the earlier text wins


def test_letters_whose_lower_case_is_longer_do_not_shift_the_search():
    found = Attribution()
    phrases(["İİİİ " * 50 + "Published in Issue 3 of Harbour Notes, 2001"], found)
    assert found.get("publication") == "Harbour Notes"
