"""The three seed articles split exactly as a reader of them would split them.

Checked through the whole pipeline (read, split, enrich): names and publications exactly as the
articles and ``publication.yml`` spell them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from index.corpus import parse_file

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus"  # never the live corpus/
SEED_000 = CORPUS / "voyagela" / "000_713f14fa217934a6.txt"
SEED_003 = CORPUS / "litang-zone" / "003_a09c00f12582b7b2.txt"
SEED_004 = CORPUS / "canvasrebel" / "004_fa6f740934f22d15.txt"

FURNITURE = (
    "Connect",
    "To Top",
    "Contact Info",
    "Suggest a Story",
    "Leave a Reply",
    "Your email address",
    "More in local stories",
    "courtesy of",
    "Image Credits",
    "©",
)


def all_passage_text(article) -> str:
    return "\n".join(p.question + "\n" + p.answer for p in article.passages)


@pytest.fixture(scope="module")
def voyagela():
    return parse_file(SEED_000, corpus_root=CORPUS)


@pytest.fixture(scope="module")
def litang():
    return parse_file(SEED_003, corpus_root=CORPUS)


@pytest.fixture(scope="module")
def canvasrebel():
    return parse_file(SEED_004, corpus_root=CORPUS)


def test_voyagela_metadata(voyagela):
    assert voyagela.id == "voyagela/000_713f14fa217934a6"
    assert voyagela.title == "Check Out Jinsui Song’s Story"
    assert voyagela.interviewees == ["Jinsui Song"]
    assert voyagela.publication == "VoyageLA"
    assert voyagela.image_credits == ["SOMETHING BLUE"]
    assert voyagela.links == []


def test_voyagela_passages(voyagela):
    assert [(p.number, p.kind) for p in voyagela.passages] == [(1, "qa"), (2, "qa"), (3, "qa"), (4, "qa")]
    assert voyagela.passages[0].question == "Hi Jinsui, we’d love for you to start by introducing yourself."
    assert voyagela.passages[3].question == (
        "Have you learned any interesting or important lessons due to the Covid-19 Crisis?"
    )
    assert voyagela.passages[0].answer.startswith("I have always been passionate about storytelling")
    # Two paragraphs in the first answer, both kept.
    assert "In 2017, I earned my bachelor’s degree" in voyagela.passages[0].answer
    assert voyagela.passages[3].answer.endswith("I can’t wait to share this film with the audience in SF!")


def test_voyagela_lead_in_is_dropped_not_an_intro(voyagela):
    reasons = {d.text: d.reason for d in voyagela.dropped}
    assert "Today we’d like to introduce you to Jinsui Song." in reasons
    assert "lead-in" in reasons["Today we’d like to introduce you to Jinsui Song."]
    assert not any(p.kind == "intro" for p in voyagela.passages)


def test_voyagela_furniture_in_no_passage(voyagela):
    text = all_passage_text(voyagela)
    for piece in FURNITURE:
        assert piece not in text, piece
    dropped = " ".join(d.text for d in voyagela.dropped)
    for piece in (
        "Connect",
        "To Top",
        "Suggest a Story",
        "Leave a Reply",
        "Your email address",
        "More in local",
    ):
        assert piece in dropped


def test_litang_metadata(litang):
    assert litang.title == (
        "Storytelling with Vivid Animated Films, California-based Film Director&Animator Siqi Song"
    )
    assert "\u00a0" not in litang.title
    assert litang.interviewees == ["Siqi Song"]
    assert litang.publication == "litang.zone"


def test_litang_intro_and_six_questions(litang):
    kinds = [(p.number, p.kind) for p in litang.passages]
    assert kinds == [(0, "intro")] + [(n, "qa") for n in range(1, 7)]
    intro = litang.passages[0]
    assert intro.answer.startswith("Siqi Song is a film director and animator from China")
    questions = [p.question for p in litang.passages[1:]]
    assert "What brings you to art? What is your creative process like?" in questions
    assert questions[0] == "Thank you for joining us, Siqi. Can you tell us a little about yourself?"
    assert questions[-1] == "Do you have any advice that you would offer to others?"
    assert litang.passages[-1].answer == "Make something people never seen."


def test_litang_multi_paragraph_answers_keep_every_paragraph(litang):
    art = next(p for p in litang.passages if p.question.startswith("What brings you to art?"))
    assert art.answer.startswith("Arts help me think through human experience")
    assert "While I use various materials and processes in each film" in art.answer
    assert art.answer.count("\n\n") >= 1


def test_litang_captions_are_metadata_not_text(litang):
    assert "Sister – ©Siqi Song – 03" in litang.captions
    assert "The Coin – ©Film Independent – 02" in litang.captions
    assert len(litang.captions) == 8
    assert "Siqi Song" in litang.image_credits
    text = all_passage_text(litang)
    for piece in FURNITURE:
        assert piece not in text, piece
    dropped = {d.text for d in litang.dropped}
    assert "text & photo courtesy of Siqi Song" in dropped
    assert "Leave a Reply" in dropped


def test_canvasrebel_metadata(canvasrebel):
    assert canvasrebel.interviewees == ["Zhe Song"]
    assert canvasrebel.publication == "CanvasRebel"
    assert canvasrebel.image_credits == ["Yifu Li", "Zhe Song"]


def test_canvasrebel_questions_whole(canvasrebel):
    assert [(p.number, p.kind) for p in canvasrebel.passages] == [(n, "qa") for n in range(1, 5)]
    assert canvasrebel.passages[0].question == (
        "Hi Zhe, thanks for joining us today. Are you happy as a creative professional? "
        "Do you sometimes wonder what it would be like to work for someone else?"
    )
    assert canvasrebel.passages[1].question.startswith("Zhe, love having you share your insights with us.")
    assert canvasrebel.passages[1].question.endswith("who might have missed our earlier conversations?")
    assert canvasrebel.passages[3].question == "Is there mission driving your creative journey?"


def test_canvasrebel_answers_keep_their_lines(canvasrebel):
    first = canvasrebel.passages[0].answer
    assert first.startswith("Being a filmmaker was not my dream “job” at first.")
    assert first.endswith(
        "The best part is to watch something I’m proud of being shown on a big screen, with the "
        "other audience."
    )
    assert len(first.split("\n")) == 6  # six answer lines, none lost, none merged into the next question
    last = canvasrebel.passages[3].answer
    assert "Contact Info" not in last and "Website" not in last and "Yifu Li" not in last


def test_canvasrebel_contact_links(canvasrebel):
    links = {link.label: link.url for link in canvasrebel.links}
    assert list(links) == ["Website", "Instagram", "Facebook", "Linkedin", "Other"]
    assert links["Website"] == "https://www.marslightstudio.com"
    assert links["Instagram"] == "https://www.instagram.com/zsong.film/"  # a handle, not a site
    assert links["Facebook"] == "https://www.facebook.com/zhe.song.165"
    assert links["Linkedin"] == "https://www.linkedin.com/in/zhesongfilm/"
    assert links["Other"] == "https://www.imdb.com/name/nm10762004/"


@pytest.mark.parametrize("path", [SEED_000, SEED_003, SEED_004])
def test_seed_answers_hold_no_furniture(path):
    article = parse_file(path, corpus_root=CORPUS)
    for passage in article.passages:
        for piece in FURNITURE:
            assert piece not in passage.answer, (passage.number, piece)
