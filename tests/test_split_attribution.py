"""Interviewer and publication from what articles say in words (index/split/attribution.py)."""

from __future__ import annotations

import pytest

from index.read import source_from_bytes
from index.split import split_source
from index.split.attribution import (
    Attribution,
    meta_fields,
    own_site,
    phrases,
    site_name,
    staff_of,
    trim_publication,
)


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
        ("This interview was first published on Tideline Weekly.", "Tideline Weekly", ""),
        ("Her second novel was published by Harbour Press in May.", "", ""),  # a book's publisher
        ("Hello and welcome, this week on Night Owls Radio we talk to", "Night Owls Radio", ""),
        ("This is the Night Owls podcast, and I'm your host.", "Night Owls", ""),
        ("AmigaLink Issue 3", "AmigaLink", ""),  # a masthead
        ("Fixed in Python issue 1234 yesterday.", "", ""),  # not a masthead: a line of text
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


@pytest.mark.parametrize(
    ("byline", "publication"),
    [
        ("Harbour Notes Staff", "Harbour Notes"),
        ("The Tideline editors", "Tideline"),
        ("Fieldnotes Weekly Editorial Team", "Fieldnotes Weekly"),
        ("Nils Ek", ""),
        ("The team", ""),
        ("Harbour Arts Foundation", "Harbour Arts Foundation"),
        ("Tideline Records", "Tideline Records"),
        ("Ana Lima", ""),
    ],
)
def test_staff_and_organisation_bylines_name_the_publication(byline, publication):
    assert staff_of(byline) == publication


def test_the_site_of_its_own_related_articles():
    raw = (
        "[Older piece](https://www.tidelinemagazine.com/2019/04/older-piece/) and "
        "[Another](https://tidelinemagazine.com/2021/02/another/) beside "
        "[a report](https://news.example.org/2020/01/report/) and https://tidelinemagazine.com/about"
    )
    assert own_site(raw) == "tidelinemagazine.com"
    assert own_site("[one](https://a.example.com/2019/04/x/) [two](https://b.example.com/2019/05/y/)") == ""
    assert own_site("[one](https://a.example.com/2019/04/x/) [again](https://a.example.com/2019/04/x)") == ""
    assert site_name("tidelinemagazine.com", []) == "Tideline Magazine"
    assert site_name("harbournotes.org", ["Welcome to Harbour Notes, the quarterly"]) == "Harbour Notes"
    assert site_name("pixls.us", ["Nothing names it"]) == "pixls.us"
    assert site_name("www.harbournotes.co.uk", ["Harbour Notes"]) == "Harbour Notes"
    assert site_name("sites.bu.edu", []) == "sites.bu.edu"


ARTICLE = """\
---
title: An interview with Mara Quill
authors: ['Harbour Notes Staff']
---

Mara Quill records foley for independent films.

## Further reading on Harbour Notes:

- [Field recording at night](https://harbournotes.com/2020/03/field-recording/)
- [Microphones for beginners](https://harbournotes.com/2021/06/microphones/)

## How did you start recording sounds?

With a cheap handheld recorder and a lot of walks through the harbour.

Recommended reading: [Ten quiet places](https://harbournotes.com/2019/01/quiet-places/)

## What gear do you carry now?

Two small microphones and a windshield.
"""


def test_related_reading_is_set_aside_and_names_the_site():
    article = split_source(source_from_bytes(ARTICLE.encode(), "quill.md"))
    assert [p.question for p in article.passages if p.kind == "qa"] == [
        "How did you start recording sounds?",
        "What gear do you carry now?",
    ]
    assert "reading" not in " ".join(p.answer for p in article.passages).lower()
    assert (article.publication, article.interviewer) == ("Harbour Notes", "")
    assert article.sources["publication"].startswith("front matter author")
    without_staff = ARTICLE.replace("authors: ['Harbour Notes Staff']", "authors: ['Kai Moss']")
    article = split_source(source_from_bytes(without_staff.encode(), "quill.md"))
    assert article.publication == "Harbour Notes"
    assert article.sources["publication"] == "the site's own related articles (harbournotes.com)"


PELICAN = """\
Title: Interview: Mara Quill about field recording
Date: 2008-07-12 20:49
Author: Kai Moss

Mara Quill interviewed by harbournotes.org at the fair.

**Date:** 2021-11-09
**Publication:** Tideline
**Interviewer:** Ola Berg

## How did you start recording sounds?

With a cheap handheld recorder.

## What gear do you carry now?

Two small microphones.
"""


def test_metadata_lines_give_title_and_date_and_follow_each_other():
    article = split_source(source_from_bytes(PELICAN.encode(), "quill.md"))
    assert (article.title, article.date) == ("Interview: Mara Quill about field recording", "2008-07-12")
    assert (article.publication, article.interviewer) == ("Tideline", "Ola Berg")  # the lines after Date
    without_lines = PELICAN.split("**Date:**")[0] + PELICAN.split("**Interviewer:** Ola Berg\n")[1]
    article = split_source(source_from_bytes(without_lines.encode(), "quill.md"))
    assert article.publication == "harbournotes.org"  # "interviewed by" a site


@pytest.mark.parametrize(
    ("text", "publication"),
    [
        (
            "A preview from the recent interview with Ida West, artist, on Tideline Rebel Magazine!",
            "Tideline Rebel Magazine",
        ),
        ("Here is my interview for Harbour Review, in full.", "Harbour Review"),
        ("In a 2019 interview with The Harbour Times, she said she would never tour again.", ""),
    ],
)
def test_a_reposted_interview_names_where_it_ran_and_a_cited_one_does_not(text, publication):
    found = Attribution()
    phrases([text], found)
    assert found.get("publication") == publication
