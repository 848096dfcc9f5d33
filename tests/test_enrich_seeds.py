"""The issue's acceptance checks, through parse_file on the real seed files."""

from pathlib import Path

import pytest

from index.corpus import parse_file

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "corpus"  # never the live corpus/


def facet(article, name):
    return {value for passage in article.passages for value in getattr(passage, name)}


@pytest.fixture(scope="module")
def seeds():
    return {
        key: parse_file(CORPUS / rel, corpus_root=CORPUS)
        for key, rel in {
            "000": "voyagela/000_713f14fa217934a6.txt",
            "003": "litang-zone/003_a09c00f12582b7b2.txt",
            "004": "canvasrebel/004_fa6f740934f22d15.txt",
        }.items()
    }


def test_000_covid_question_has_covid_topic(seeds):
    qa = [p for p in seeds["000"].passages if p.kind == "qa"]
    assert "Covid" in qa[3].question
    assert "Covid and crisis lessons" in qa[3].topics


def test_000_places_works_organisations(seeds):
    article = seeds["000"]
    assert {"Shenzhen", "Hong Kong", "United States", "San Francisco"} <= facet(article, "places")
    assert {"Something Blue", "Tequila Sunset", "Chan Is Fishing"} <= facet(article, "works")
    assert {"Beijing Film Academy", "UCLA", "CAAMfest"} <= facet(article, "organizations")


def test_003_works(seeds):
    assert {"Sister", "The Coin"} <= facet(seeds["003"], "works")


def test_003_intro_says_what_she_is(seeds):
    intro = next(p for p in seeds["003"].passages if p.kind == "intro")
    assert intro.roles == ["director", "animator"]  # "Siqi Song is a film director and animator"


def test_004_roles(seeds):
    assert {"colorist", "editor"} <= facet(seeds["004"], "roles")


def test_interviewee_names_are_never_entities(seeds):
    for article in seeds.values():
        names = {w for full in article.interviewees for w in [full, *full.split()]}
        for name in ("places", "works", "organizations"):
            assert not names & facet(article, name)


def test_every_passage_has_a_topic(seeds):
    for article in seeds.values():
        assert all(p.topics for p in article.passages)
