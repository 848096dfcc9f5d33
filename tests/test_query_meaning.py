"""Searches that find what people mean: word forms, synonyms, acronyms, phrases with stop words.

A small real index built from hand-written articles (JSONL), each passage written to be found, or not,
by one query.
"""

from __future__ import annotations

import json

import pytest

from index.build import build
from index.model import Article, Passage
from search.engine import open_index

PASSAGES = {
    "la": "We moved the studio to LA in 2019 and never looked back.",
    "losangeles": "Los Angeles has a huge community of animators.",
    "delavega": "My mentor, Maria de la Vega, taught me to paint.",
    "us": "We toured the US for a year with the band.",
    "usword": "She told us to keep going whatever happened.",
    "pandemic": "The pandemic shut down our shoot for four months.",
    "women": "Women in film still get a fraction of the budgets.",
    "knitting": "I started knitting when I was seven.",
    "nominated": "The short was nominated for an award at Sundance.",
    "animals": "I am an animal lover and a Virgo.",
    "animator": "Every animator I admire started with flip books.",
    "rockroll": "Rock and roll saved my life.",
    "rockroll2": "Rock music and roll cages are my two hobbies.",
}


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("meaning")
    jsonl = root / "articles.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        for key, text in PASSAGES.items():
            article = Article(id=f"t/{key}", path=f"t/{key}.txt", title=f"Interview {len(text)}",
                              publication="Test", passages=[Passage(1, "qa", "Tell us more?", text)])
            fh.write(json.dumps(article.to_dict()) + "\n")
    build(root / "corpus", root / "index", jsonl=jsonl)
    with open_index(root / "index") as engine:
        yield engine


def found(engine, query: str, **kwargs) -> set[str]:
    result = engine.search(query, per_page=50, **kwargs)
    return {hit.article.removeprefix("t/") for hit in result.hits}


def test_acronyms_find_the_acronym_and_its_synonyms_not_the_word(engine):
    assert found(engine, "LA") == {"la", "losangeles"}
    assert found(engine, "Los Angeles") == {"la", "losangeles"}
    assert found(engine, "la") == {"delavega"}
    assert found(engine, "US") == {"us"}


def test_synonyms_come_from_the_data_file_and_are_reported(engine):
    result = engine.search("covid")
    assert {hit.article for hit in result.hits} == {"t/pandemic"}
    assert any("pandemic" in w for w in result.warnings)
    assert found(engine, "coronavirus shoot") == {"pandemic"}


def test_word_forms(engine):
    assert found(engine, "woman") == {"women"}
    assert found(engine, "knit") == {"knitting"}
    assert found(engine, "nomination") == {"nominated"}
    assert found(engine, "animator") == {"animator", "losangeles"}  # "animators"
    assert found(engine, "animals") == {"animals"}
    assert found(engine, "animator -animal") == {"animator", "losangeles"}


def test_a_phrase_keeps_its_stop_words_gap(engine):
    assert found(engine, '"rock and roll"') == {"rockroll"}
    assert found(engine, '"rock roll"') == set()
    assert found(engine, "rock roll") == {"rockroll", "rockroll2"}


def test_suggestions_ignore_the_synonyms_added(engine):
    result = engine.search("covid shoto")
    assert result.suggestion in (None, "covid shoot")
