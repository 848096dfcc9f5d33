"""Every one of The Setup's 1,304 interviews splits into exactly its question headings.

The expected questions are read from each file independently of the splitter: the ``##`` / ``###``
headings with text (``###What…`` with no space included; deeper headings and empty ``###`` are not
questions). Checked through the whole pipeline, so names are compared as the front matter writes them.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from searchkit import USESTHIS, copy_usesthis  # ../shared/corpora/usesthis, the same files as corpus/usesthis

from index.corpus import parse_file, parse_files
from index.model import Article

FILES = sorted(USESTHIS.glob("*.markdown"))
HEADING = re.compile(r"^#{2,3}(?!#)\s*(\S.*?)\s*$")


def expected_questions(text: str) -> list[str]:
    body = text.split("\n---", 1)[1] if text.count("\n---") else text
    return [m.group(1) for line in body.split("\n") if (m := HEADING.match(line))]


def front_matter_value(text: str, key: str):
    """One top-level front-matter value, parsed as YAML on its own (works without a closing ``---``)."""
    lines = text.split("\n")
    for i, line in enumerate(lines[1:], start=1):
        if line.startswith(f"{key}:"):
            block = [line]
            for nxt in lines[i + 1 :]:
                if nxt.startswith(("- ", "  ")):
                    block.append(nxt)
                else:
                    break
            return yaml.safe_load("\n".join(block))[key]
    return None


@pytest.fixture(scope="module")
def articles(tmp_path_factory) -> dict[str, Article]:
    corpus = tmp_path_factory.mktemp("corpus")  # a corpus folder with The Setup's publication.yml
    parsed = dict(parse_files(copy_usesthis(corpus), corpus_root=corpus))
    failures = {path: str(result) for path, result in parsed.items() if not isinstance(result, Article)}
    assert not failures, failures
    return {Path(path).name: article for path, article in parsed.items()}


def test_all_1304_interviews_are_there():
    assert len(FILES) == 1304


def test_every_interview_splits_into_exactly_its_question_headings(articles):
    mismatches = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        article = articles[path.name]
        got = [p.question for p in article.passages if p.kind == "qa"]
        want = expected_questions(text)
        if got != want:
            mismatches.append((path.name, got, want))
        assert [p.number for p in article.passages if p.kind == "qa"] == list(range(1, len(got) + 1))
    assert not mismatches, mismatches[:5]


def test_interviewee_categories_summary_and_date_come_from_front_matter(articles):
    wrong = []
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        article = articles[path.name]
        title = str(front_matter_value(text, "title"))
        categories = [str(c) for c in front_matter_value(text, "categories") or []]
        if article.interviewees != [title] or article.categories != categories:
            wrong.append((path.name, article.interviewees, title, article.categories, categories))
        assert article.publication == "The Setup"
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", article.date), path.name
        assert article.summary == str(front_matter_value(text, "summary")).strip(), path.name
        assert article.id == f"usesthis/{path.stem}"
    assert not wrong, wrong[:5]


def test_answers_hold_no_markdown_link_syntax_or_reference_definitions(articles):
    leaks = []
    for name, article in articles.items():
        for passage in article.passages:
            if re.search(r"\]\(|\]\[|^\[[^\]]+\]:\s", passage.answer, re.MULTILINE):
                leaks.append((name, passage.number, passage.answer[:200]))
    assert not leaks, leaks[:5]


def test_question_mark_inside_an_answer_does_not_start_a_question(articles):
    article = articles["aaron.swartz.markdown"]
    assert len([p for p in article.passages if p.kind == "qa"]) == 4
    hardware = article.passages[1]
    assert hardware.question == "What hardware do you use?"
    assert "But now I'm curious: what is the argument for more screen real estate?" in hardware.answer
    # Link text stays, link syntax and the reference URL go.
    assert "I just bought a new bottom-of-the-line MacBook Pro." in hardware.answer


def test_the_two_odd_headings_are_questions():
    reitz = parse_file(USESTHIS / "kenneth.reitz.markdown", enrich=False)
    assert reitz.passages[-1].question == "What would be your dream setup?"
    assert len(reitz.passages) == 4
    kemenczy = parse_file(USESTHIS / "tamas.kemenczy.markdown", enrich=False)
    assert kemenczy.passages[-1].question == "What would be your dream setup?"


def test_deeper_headings_stay_inside_the_answer():
    terpstra = parse_file(USESTHIS / "brett.terpstra.markdown", enrich=False)
    assert [p.question for p in terpstra.passages] == [
        "Who are you, and what do you do?",
        "What hardware do you use?",
        "And what software?",
        "What would be your dream setup?",
    ]
    software = terpstra.passages[2].answer
    for sub_heading in ("Coding/Design:", "Productivity", "Writing:", "Music:", "Utilities:"):
        assert sub_heading in software


@pytest.mark.parametrize("name", ["david.sleight", "jon.tan", "r.stevens"])
def test_empty_headings_are_not_questions(name):
    article = parse_file(USESTHIS / f"{name}.markdown", enrich=False)
    assert [p.question for p in article.passages][-1] == "What would be your dream setup?"
    assert article.passages[-1].answer  # the text after the empty heading still belongs to it
    assert any(d.reason == "empty heading" for d in article.dropped)


def test_front_matter_without_closing_line_still_gives_the_name():
    article = parse_file(USESTHIS / "blackle.mori.markdown", enrich=False)
    assert article.interviewees == ["Blackle Mori"]
    assert article.passages[0].question == "Who are you, and what do you do?"
    assert any("closing" in w for w in article.warnings)


def test_image_credit_from_front_matter():
    text = (USESTHIS / "aaron.bleyaert.markdown").read_text(encoding="utf-8")
    credits = front_matter_value(text, "credits")
    article = parse_file(USESTHIS / "aaron.bleyaert.markdown", enrich=False)
    if credits:
        assert credits["name"] in article.image_credits
    with_credits = [p for p in FILES if "\ncredits:" in p.read_text(encoding="utf-8").split("\n---", 2)[0]]
    sample = parse_file(with_credits[0], enrich=False)
    assert (
        front_matter_value(with_credits[0].read_text(encoding="utf-8"), "credits")["name"]
        in sample.image_credits
    )


def test_two_people_taking_turns_are_both_recorded_as_answerers(articles):
    article = articles["kicks.condor.markdown"]
    assert all(set(p.answerers) == {"Jody", "Cody"} for p in article.passages)
    assert "Jody: " in article.passages[0].answer and "Cody: " in article.passages[0].answer


@pytest.mark.parametrize("name", ["kate.welch", "brent.knepper"])
def test_section_labels_in_an_answer_are_not_speakers(articles, name):
    article = articles[f"{name}.markdown"]
    assert all(p.answerers == article.interviewees for p in article.passages)
