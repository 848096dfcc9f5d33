"""Facet values in a useful order: most passages first, then the newest interview's, then A-Z."""

from __future__ import annotations

import pytest

from index.build import build
from search.engine import open_index

ARTICLE = """---
title: Meet {name}
date: {date}
---
Meet {name}

Today we’d like to introduce you to {name}.

Hi {first}, can you tell us about your work?
I run a ceramics studio where we teach wheel throwing to beginners.

What is next for you?
A residency next spring, and a book about glazes.
{extra}"""
EXTRA = """
What was your biggest challenge?
Finding clay in winter was the hardest part of the whole year.
"""


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("order")
    corpus = root / "corpus" / "mag"
    corpus.mkdir(parents=True)
    (corpus / "publication.yml").write_text("name: Mag\n", encoding="utf-8")
    for slug, name, date, extra in [
        ("aaron", "Aaron Abbot", "2020-03-01", ""),
        ("zed", "Zed Zimmer", "2023-05-01", ""),
        ("mia", "Mia Moreau", "2021-07-01", EXTRA),
    ]:
        text = ARTICLE.format(name=name, first=name.split()[0], date=date, extra=extra)
        (corpus / f"{slug}.md").write_text(text, encoding="utf-8")
    report = build(root / "corpus", root / "index")
    assert not report.skipped
    with open_index(root / "index") as engine:
        yield engine


def test_most_passages_first_then_the_newest_interview_then_alphabetical(engine):
    values = [(v.value, v.count) for v in engine.search("", facet_limit=None).facets["interviewee"].values]
    assert [name for name, _ in values] == ["Mia Moreau", "Zed Zimmer", "Aaron Abbot"]
    assert values[1][1] == values[2][1] < values[0][1]


def test_stats_lists_values_in_the_same_order(engine):
    top = [v["value"] for v in engine.stats(top=2)["facets"]["interviewee"]]
    assert top == ["Mia Moreau", "Zed Zimmer"]
