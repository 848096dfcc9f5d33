"""The plain-words fast path of ``search.query.parse`` builds exactly the query Whoosh's parser builds.

Every query object (type, field, text, boost, start and end characters, every attribute) and every
other field of the parsed query are compared with the general path's, over the word-form dictionary's
and the synonym file's words, stop words, acronyms, digits, operators and long queries.
"""

from __future__ import annotations

import itertools

import pytest

from index.analysis import acronyms, stop_list, synonyms, word_forms
from index.schema import build_schema
from search import query


def shape(q) -> tuple:
    """Everything a query node holds, its children's too."""
    attrs = {k: v for k, v in vars(q).items() if k != "subqueries"}
    children = [shape(c) for c in q.children()] if not q.is_leaf() else []
    return type(q), attrs, q.startchar, q.endchar, q.boost, children


def parsed(result: query.ParsedQuery) -> tuple:
    return (result.text, result.cleaned, result.match_all, result.fallback, result.warnings,
            shape(result.query))


def words() -> list[str]:
    forms = word_forms()
    picked = sorted(forms)[::max(1, len(forms) // 1500)] + sorted(set(forms.values()))[:300]
    syn = sorted({w for key in synonyms().groups for w in key})[:200]
    return picked + syn + sorted(stop_list())[:100] + sorted(acronyms())[:100] + [
        "Venezuela", "COVID", "covid19", "iPhone12", "mp3", "1999", "2020s", "x", "a1b2", "UNESCO"]


@pytest.fixture(scope="module")
def schema():
    return build_schema()


@pytest.mark.parametrize("match", ["most", "all"])
def test_single_words_parse_as_whooshs_parser_parses_them(schema, match):
    fast = 0
    for word in words():
        expected = parsed(query._parse_syntax(word, schema, match))
        for _ in range(2):  # a word's first parse, then its terms as remembered
            assert parsed(query.parse(word, schema, match)) == expected, word
        fast += query._plain_query(word, schema, match) is not None
    assert fast > 1000  # the fast path really ran


def test_word_runs_parse_as_whooshs_parser_parses_them(schema):
    vocabulary = words()
    texts = [" ".join(vocabulary[i:i + n]) for n in (2, 3, 5) for i in range(0, len(vocabulary), 37)]
    texts += ["  leading and trailing  ", "los angeles", "rock and roll", "stop motion", "new york city",
              "cats AND dogs", "cats OR dogs", "NOT cats", "cats ANDNOT dogs", "the the the", "a an",
              " ".join(["word"] * 70), " ".join(f"w{i}" for i in range(80)), "x" * 1200, "",
              "café", "naïve approach", "tab\tseparated", "line\nbreak"]
    texts += [" ".join(pair) for pair in itertools.islice(itertools.permutations(vocabulary[:40], 2), 300)]
    for text in texts:
        for match in ("most", "all", "any"):
            got = query.parse(text, schema, match)
            assert parsed(got) == parsed(query._parse_syntax(text, schema, match)), (text, match)


def test_what_the_fast_path_leaves_to_the_parser(schema):
    for text in ["covid", "cats AND dogs", "-cats", "stop*", "word~", '"a phrase"', "question:art",
                 "café", "e-mail", "the", " ".join(["word"] * 65)]:
        assert query._plain_query(text, schema, "most") is None, text
    assert query._plain_query("venezuela", schema, "any") is None
    assert query._plain_query("venezuela mountains", schema, "most") is not None
