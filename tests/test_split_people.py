"""Who is interviewed (index/split/people.py): headline, intro, self-introduction, names in the text."""

from __future__ import annotations

import pytest

from index.read import source_from_bytes
from index.split import split_source
from index.split.people import _name_from_title, band_members, names_in_text


def test_a_descriptor_before_the_name_falls_away_when_the_text_says_the_name():
    text = "Ida Brandt has shot weddings for ten years. Ida Brandt works in Malmö."
    assert _name_from_title("A Q&A with Photographer Ida Brandt", text) == "Ida Brandt"
    assert _name_from_title("Ida Brandt Interview", text) == "Ida Brandt"
    assert _name_from_title("Two Cooks, One Kitchen", text) == ""


def test_runs_of_three_count_their_last_two_words():
    names = names_in_text(["Meet Ana Ruiz, who makes maps."])
    assert names["Ana Ruiz"] == 1


ARTICLE = """---
title: "Showcase: a small game about gardens"
---

This week, we are interviewing Tove Lind about her first game.

### Introduce yourself.

Hi, I'm Tove Lind, and I draw things.

### How long did the game take?

Three years of evenings.
"""


def test_intro_phrases_name_the_interviewee():
    article = split_source(source_from_bytes(ARTICLE.encode(), "lind.md"))
    assert article.interviewees == ["Tove Lind"]
    assert article.sources["interviewees"].startswith("intro")


def test_a_self_introduction_names_the_interviewee():
    text = ARTICLE.replace(
        "This week, we are interviewing Tove Lind about her first game.", "A new showcase."
    )
    article = split_source(source_from_bytes(text.encode(), "lind.md"))
    assert article.interviewees == ["Tove Lind"]
    assert article.sources["interviewees"].startswith("first answer")


def test_words_that_open_sentences_are_no_first_names():
    names = names_in_text(["When Saiki joined, we changed. Then Miku Kobato left."])
    assert "When Saiki" not in names and "Then Miku" not in names and names["Miku Kobato"] == 1


ONE_NAME = """---
title: "In Conversation with Tove"
---

Hello readers, today we share a short talk with a painter from Malmö.

Hi Tove, would you tell us about yourself?

I paint birds, mostly at dawn.

What is next?

A show in the spring.
"""


def test_a_one_word_name_the_title_and_the_questions_both_give():
    article = split_source(source_from_bytes(ONE_NAME.encode(), "tove.md"))
    assert article.interviewees == ["Tove"]
    untitled = ONE_NAME.replace("In Conversation with Tove", "A painter of birds")
    assert split_source(source_from_bytes(untitled.encode(), "tove.md")).interviewees == []
    said = ONE_NAME.replace("Hi Tove, would", "Would").replace("I paint birds", "I'm Tove and I paint birds")
    assert split_source(source_from_bytes(said.encode(), "tove.md")).interviewees == ["Tove"]


LABELLED = """---
title: "{title}"
description: "Get to know about Prajith P."
---

Today we are talking to this month's winner **Prajith P.**. Enjoy the interview.

**Anne:** What makes Java relevant today?

**Prajith:** Its release cadence, mostly.

**Anne:** What would you tell a beginner?

**Prajith:** Start now; the language is friendlier than ever.
"""


def test_a_first_name_label_is_spelled_out_as_the_intro_gives_it():
    text = LABELLED.format(title="Meet the champion")
    article = split_source(source_from_bytes(text.encode(), "champion.md"))
    assert article.interviewer == "Anne"
    assert article.interviewees == ["Prajith P."]


def test_a_short_title_that_is_a_sentence_is_no_name():
    text = LABELLED.format(title="How Java Keeps Reinventing Itself").replace("Prajith P.", "our guest")
    article = split_source(source_from_bytes(text.encode(), "java.md"))
    assert article.interviewees == ["Prajith"]
    assert article.title == "How Java Keeps Reinventing Itself"


def test_headlines_in_other_languages_name_the_person():
    text = "Ana Lima draws maps. Ana Lima lives in Porto."
    assert _name_from_title("Interview med Ana Lima", text) == "Ana Lima"
    assert _name_from_title("L'interview d'Ana Lima", text) == "Ana Lima"
    assert _name_from_title("Entretien avec Ana Lima", text) == "Ana Lima"
    assert _name_from_title("Interview mit Ana Lima", text) == "Ana Lima"


def test_a_first_name_label_takes_the_surname_its_profile_link_spells():
    text = (
        "# Meet the committee\n\nWe talked to Nabarun, Patrick and Ben about the committee's work.\n\n"
        "**Host**: Introduce yourselves, please.\n\n"
        "**Nabarun**: Hi, I am [Nabarun](https://www.linkedin.com/in/palnabarun/) from India.\n\n"
        "**Patrick**: Hello! I'm [Patrick](https://www.linkedin.com/in/patrickohly/).\n\n"
        "**Ben**: Hi, I'm [Ben](https://www.linkedin.com/in/bentheelder/).\n\n"
        "**Host**: What is the committee for?\n\n**Nabarun**: Helping the project decide.\n\n"
        "**Host**: How often do you meet?\n\n**Patrick**: Every other week, online.\n\n"
        "**Host**: What would you tell a newcomer?\n\n**Ben**: Start small, and ask questions.\n"
    )
    article = split_source(source_from_bytes(text.encode(), "committee.md"))
    assert article.interviewees == ["Nabarun Pal", "Patrick Ohly", "Ben"]


@pytest.mark.parametrize(
    ("lead_in", "names"),
    [
        ("#### Interview with Ida Brandt, 2019 Fellow", ["Ida Brandt"]),
        ("#### Interview with Ida Brandt, CEO of Harbour", ["Ida Brandt"]),
        ("#### Interview with Ida Brandt, Photographer", ["Ida Brandt"]),
    ],
)
def test_a_lead_in_names_the_person_without_what_the_comma_adds(lead_in, names):
    text = (
        "---\ntitle: A fellowship year\n---\n\n" + lead_in + "\n\nThe fellowship funds a year of work "
        "on open tools for artists, with a mentor from the community.\n\n"
        "**NE: What did you build?**\n\n**IB:** A small library for drawing tools.\n\n"
        "**NE: What comes next?**\n\n**IB:** A second version, with better docs.\n\n"
        "**NE: Who will use it?**\n\n**IB:** Artists who teach.\n"
    )
    assert split_source(source_from_bytes(text.encode(), "fellow.md")).interviewees == names


REPOSTED = """Interview with TidelineRebel
February 2023

Hi Ida, thanks for joining us today. We'd love to hear about your journey as a self-taught printmaker.

Three years ago I began printing photographs on metal, after a decade of working in a bank.

Ida, love having you share your insights with us. Can you introduce yourself to our readers?

I am a digital artist in Austin; I make abstract images from photographs.

How can society best support artists?

Buy local art and go to openings.
"""


def test_a_page_reposting_its_interview_names_the_publication_and_the_addressed_first_name():
    article = split_source(source_from_bytes(REPOSTED.encode(), "interviews.txt"))
    assert article.publication == "TidelineRebel"
    assert article.interviewees == ["Ida"]


SERIES = """Makers of Maps: Ana Ruiz Of Tideline On The Future Of Open Mapping

An Interview With Kai Moss

Open maps are changing how cities plan. To talk about it, we had the pleasure of interviewing Ana Ruiz.

Ana Ruiz is the head of product at Tideline, a company that builds open mapping tools for cities.

Thank you so much for doing this with us! Can you tell us a bit about your backstory?

I grew up in a small town in Chile and drew maps of it for fun.

What is the most interesting story that happened to you since you began?

A city council once used our map to plan a whole new bus line.

What are you working on now?

Flood maps for the valley, with three hundred volunteers.
"""


def test_a_series_byline_under_the_title_is_the_interviewer_when_the_intro_names_the_guest():
    article = split_source(source_from_bytes(SERIES.encode(), "series.txt"))
    assert article.interviewees == ["Ana Ruiz"]
    assert article.interviewer == "Kai Moss"


@pytest.mark.parametrize(
    ("intro", "members"),
    [
        ("The line-up:\nNemo – Guitar & Vocal\n4410 – Guitar\nHon-D – Drums", ["Nemo", "4410", "Hon-D"]),
        ("Glass Harbour are Ida Brandt (vocals) and Tom Weller (drums).", ["Ida Brandt", "Tom Weller"]),
        (
            "Comprised of Luke Shroeder on bass, Adam Cohen on guitar and Myles Vincent on drums.",
            ["Luke Shroeder", "Adam Cohen", "Myles Vincent"],
        ),
        ("He played on drums for years before the band formed.", []),
    ],
)
def test_a_bands_members_from_its_line_up(intro, members):
    assert band_members(intro) == members


BAND_PAGE = """The Lantern Moths are a noise trio from Leeds.

**Ida** – Vocals

**Tom** – Drums

**Nils** – Bass

**ALL ACCESS – What is the band doing now?**

*Writing the second album, slowly.*

**ALL ACCESS – How did you meet?**

*At a record fair, over the last copy of one LP.*
"""


def test_a_band_interview_names_its_members_not_the_band():
    article = split_source(source_from_bytes(BAND_PAGE.encode(), "moths.md"))
    assert article.interviewees == ["Ida", "Tom", "Nils"]
