"""The BM25 baselines (bm25s, tantivy) index passages like ours and rank them sensibly."""

from __future__ import annotations

import pytest

from bench.baselines import Bm25s, QuerySpec, Tantivy
from index.model import Article, Passage


def _articles() -> list[Article]:
    def qa(n, q, a):
        return Passage(number=n, kind="qa", question=q, answer=a)

    return [
        Article(id="a/one", path="a/one.txt", title="Ana Ruiz, animator", interviewees=["Ana Ruiz"],
                passages=[qa(1, "What do you do?", "I direct stop motion films and animate puppets."),
                          qa(2, "Your keyboard?", "A mechanical keyboard with quiet switches.")]),
        Article(id="a/two", path="a/two.txt", title="Bo Lee", interviewees=["Bo Lee"],
                passages=[qa(1, "Pets?", "The animals at home: two cats and a dog."),
                          qa(2, "What software?", "Logic, and a keyboard controller; keyboards.")]),
    ]


@pytest.fixture(params=["bm25s", "tantivy"])
def engine(request, tmp_path):
    system = Bm25s() if request.param == "bm25s" else Tantivy(tmp_path / "tantivy")
    assert system.build(_articles()) == 4
    system.open()
    yield system
    system.close()


def test_passage_ids_and_stemming(engine):
    ranked = engine.ranked_passages("film puppet", 10)
    assert [pid for pid, _ in ranked] == ["a/one#1"]  # film/films, puppet/puppets meet
    assert engine.ranked(QuerySpec("any", ("films",)), 10)[0][0] == "a/one"


def test_names_and_title_are_searchable(engine):
    assert {pid for pid, _ in engine.ranked_passages("Bo Lee", 10)} == {"a/two#1", "a/two#2"}


def test_repeated_words_weigh_more(engine):
    once = dict(engine.ranked_passages("mechanical keyboard", 10))
    twice = dict(engine.ranked_passages("mechanical keyboard keyboard", 10))
    # The repeated word's share grows, so the passage with more keyboards gains on the mechanical one.
    assert twice["a/two#2"] / twice["a/one#2"] > once["a/two#2"] / once["a/one#2"]


def test_stop_words_and_syntax_find_nothing_rather_than_fail(engine):
    assert engine.ranked_passages("the and of", 10) == []
    assert engine.ranked_passages('cats: "AND" (OR) ^2', 10)[0][0] == "a/two#1"
