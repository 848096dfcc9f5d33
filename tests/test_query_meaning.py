"""Searches that find what people mean: word forms, synonyms, acronyms, phrases with stop words.

A small real index built from hand-written articles (JSONL), each passage written to be found, or not,
by one query.
"""

from __future__ import annotations

import json

import pytest

from index.build import build
from index.model import Article, Passage
from search import query
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
    "rockroll3": "Rock and roll is my life; I also collect rock samples.",
    "sidekick": "Every cartoon animator loves an animal sidekick.",
    "ceramics": "I took a ceramics class and it changed how I see objects.",
    "todo": "My to-do list lives in a paper notebook.",
    "todosolid": "I keep a todo list in a text file.",
    "whattodo": "I never know what to do with a list of chores.",
    "email": "I answer email once a day.",
}
NAMESAKE = [  # an interview whose title and interviewee name have "ceramics", its answers do not
    "I grew up in Ohio and moved to Chicago for college.",
    "My favourite tool is a wooden rib my grandmother gave me.",
    "Follow me on Instagram.",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("meaning")
    jsonl = root / "articles.jsonl"
    with open(jsonl, "w", encoding="utf-8") as fh:
        for key, text in PASSAGES.items():
            article = Article(id=f"t/{key}", path=f"t/{key}.txt", title=f"Interview {len(text)}",
                              publication="Test", passages=[Passage(1, "qa", "Tell us more?", text)])
            fh.write(json.dumps(article.to_dict()) + "\n")
        namesake = Article(id="t/namesake", path="t/namesake.txt", title="Ceramics Jones on ceramics",
                           interviewees=["Ceramics Jones"], publication="Test",
                           passages=[Passage(n, "qa", "What else?", text, answerers=["Ceramics Jones"])
                                     for n, text in enumerate(NAMESAKE, 1)])
        fh.write(json.dumps(namesake.to_dict()) + "\n")
    build(root / "corpus", root / "index", jsonl=jsonl)
    with open_index(root / "index") as engine:
        yield engine


def ranked(engine, query: str, **kwargs) -> list[tuple[str, bool]]:
    result = engine.search(query, per_page=50, **kwargs)
    return [(hit.article.removeprefix("t/"), hit.partial) for hit in result.hits]


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
    assert found(engine, "animator") == {"animator", "losangeles", "sidekick"}  # "animators"
    assert found(engine, "animals") == {"animals", "sidekick"}
    assert found(engine, "animator -animal") == {"animator", "losangeles"}
    assert found(engine, "animal") == {"animals", "sidekick"}


def test_a_phrase_keeps_its_stop_words_gap(engine):
    assert found(engine, '"rock and roll"') == {"rockroll", "rockroll3"}
    assert found(engine, '"rock roll"') == set()
    assert found(engine, "rock roll", match="all") == {"rockroll", "rockroll2", "rockroll3"}


def test_a_hyphenated_word_finds_its_joined_spelling_and_not_its_parts_alone(engine):
    assert found(engine, "e-mail") == {"email"}
    # "to-do" leaves only "do" once its stop word goes: the joined "todo" decides, not every "do".
    assert found(engine, "to-do list", match="all") == {"todo", "todosolid"}
    assert found(engine, "todo") == {"todo", "todosolid"}


def test_suggestions_ignore_the_synonyms_added(engine):
    result = engine.search("covid shoto")
    assert result.suggestion in (None, "covid shoot")


def test_most_words_follow_all_words_flagged_and_counted(engine):
    result = engine.search("rock roll saved")
    assert [(h.article, h.partial) for h in result.hits][0] == ("t/rockroll", False)
    assert {(h.article, h.partial) for h in result.hits[1:]} == {("t/rockroll2", True), ("t/rockroll3", True)}
    assert result.total == 3 and result.partial == 2
    strict = engine.search("rock roll saved", match="all")
    assert [h.article for h in strict.hits] == ["t/rockroll"] and strict.partial == 0
    # NOT excludes partial matches too; a one-word query has nothing partial to add.
    assert ("rockroll2", True) not in ranked(engine, "rock roll saved -cages")
    assert engine.search("knitting").partial == 0
    # Half the words (two of three) are needed: a passage with only "rock" is not a partial match.
    assert found(engine, "rock sundance award") == {"nominated"}


def test_a_name_or_title_match_does_not_outrank_an_answer_about_the_word(engine):
    order = [article for article, _ in ranked(engine, "ceramics")]
    assert order[0] == "ceramics"
    assert set(order[1:]) == {"namesake"}  # the name still finds that interview's passages, below


def test_highlighting_follows_the_query(engine):
    snippet = engine.search('"rock and roll"', match="all").hits
    marked = {h.article: h.snippet for h in snippet}["t/rockroll3"]
    assert marked.startswith("<mark>Rock</mark> and <mark>roll</mark>")
    assert "collect rock samples" in marked  # the word outside the phrase is not marked
    hit = engine.search("animator -title:animal", match="all").hits
    sidekick = {h.article: h.snippet for h in hit}["t/sidekick"]
    assert "<mark>animator</mark>" in sidekick and "<mark>animal" not in sidekick


def test_any_leaves_out_common_words_unless_nothing_else_is_left(engine, monkeypatch):
    # The default leaves out only the index's own stop words (with relevance feedback, keeping the long
    # list's words ranked better on Cranfield and CISI: search.query.ANY_STOP_WORDS).
    kept = engine.search("which studio would they move to between tours", match="any", per_page=50)
    assert {"t/la", "t/us"} < {h.article for h in kept.hits}
    assert not any("common words" in w for w in kept.warnings)
    monkeypatch.setattr(query, "ANY_STOP_WORDS", "long")
    result = engine.search("which studio would they move to between tours", match="any", per_page=50)
    # "which", "would", "they", "move", "between" are left out ("to" is not indexed anyway): without them the
    # passages about the studio and the tour are all that is found.
    assert {h.article for h in result.hits} == {"t/la", "t/us"}
    assert any(w == "common words not searched: which, would, they, move, between" for w in result.warnings)
    assert found(engine, "never", match="any") == {"la", "whattodo"}  # only a common word: searched
    assert found(engine, "never", match="all") == {"la", "whattodo"}


def test_a_synonym_group_keeps_its_tie_breaker_through_expansion(engine):
    # Whoosh rebuilds queries with the default tie-breaker (0); a group scored by its best alternative
    # alone would rank a passage using one synonym level with one using several.
    from search.query import SYNONYM_TIEBREAK, SynonymGroup, expand_words, parse

    with engine.session() as session:
        parsed = parse("covid anim*", session.searcher.schema)
        expanded, _ = expand_words(parsed.query, session.searcher.reader())
    groups = [leaf for leaf in _nodes(expanded) if isinstance(leaf, SynonymGroup)]
    assert groups and all(group.tiebreak == SYNONYM_TIEBREAK for group in groups)


def _nodes(q):
    yield q
    if not q.is_leaf():
        for child in q.children():
            yield from _nodes(child)
