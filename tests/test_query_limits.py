"""Queries of death: wildcards, huge ORs, huge queries, absurd paging, unknown and repeated parameters.

Each gets a bounded answer with a message saying what was changed or refused, never a 500. Time and
memory are measured by ``bench/query_limits.py`` (figures in docs/reliability.md), not asserted here.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from search.engine import MAX_PER_PAGE, MAX_RESULTS_DEPTH, open_index
from search.query import MAX_FUZZY, MAX_FUZZY_CHARS, MAX_FUZZY_WORDS, MAX_TERMS
from webui.urls import MAX_PAGE, MAX_QUERY_CHARS
from webui.urls import MAX_PER_PAGE as WEB_MAX_PER_PAGE


@pytest.fixture(scope="module")
def engine(web_site):
    with open_index(web_site["index"]) as engine:
        yield engine


def api(client, status: int, **params) -> dict:
    response = client.get("/api/search?" + urlencode(params, doseq=True))
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.is_json
    return response.get_json()


def error_message(client, **params) -> str:
    return api(client, 400, **params)["error"]["message"]


@pytest.mark.parametrize("q", ["*", "**", "?", "*?*", "*a*", "a*", "*software"])
def test_wildcard_queries_answer_with_an_explanation(client, engine, q):
    data = api(client, 200, q=q)
    assert data["warnings"], "the page says what was done with the wildcard"
    assert data["total"] <= engine.stats(top=0)["passages"]
    assert len(data["hits"]) <= 10


def test_a_500_term_or_is_cut_to_the_first_words_and_stays_an_or(engine):
    words = ["software", "hardware"] + [f"nosuchword{i}" for i in range(498)]
    result = engine.search(" OR ".join(words))
    assert any(f"first {MAX_TERMS} words" in w for w in result.warnings)
    assert result.total == engine.search("software OR hardware").total > 0


def test_a_500_term_or_through_the_api_is_refused_with_the_length_limit(client):
    message = error_message(client, q=" OR ".join(f"word{i}" for i in range(500)))
    assert f"limit is {MAX_QUERY_CHARS}" in message


def test_a_10000_character_query_is_refused_by_the_web_and_cut_by_the_library(client, engine):
    query = ("software " * 1112)[:9_999] + "s"
    assert len(query) == 10_000
    # Its URL is over 8 KB: refused before any view runs, on the page as in the API.
    assert client.get("/api/search?" + urlencode({"q": query})).status_code == 414
    assert client.get("/?" + urlencode({"q": query})).status_code == 414
    result = engine.search(query)
    assert result.total > 0 and any("cut" in w for w in result.warnings)


def test_page_a_billion_is_refused_by_the_web_and_clamped_by_the_library(client, engine):
    assert f"between 1 and {MAX_PAGE}" in error_message(client, q="software", page=10**9)
    assert client.get("/?q=software&page=1000000000").status_code == 400
    result = engine.search("software", page=10**9)
    assert result.page * result.per_page <= MAX_RESULTS_DEPTH
    assert any("paged through" in w for w in result.warnings)


def test_a_page_past_the_last_result_is_empty_not_an_error(client):
    data = api(client, 200, q="software", page=MAX_PAGE)
    assert data["hits"] == [] and data["total"] > 0


def test_per_page_a_million_is_refused_by_the_web_and_clamped_to_100_by_the_library(client, engine):
    assert f"between 1 and {WEB_MAX_PER_PAGE}" in error_message(client, q="software", per_page=10**6)
    result = engine.search("software", per_page=10**6)
    assert result.per_page == MAX_PER_PAGE == 100
    assert len(result.hits) <= 100 and any("per_page" in w for w in result.warnings)


@pytest.mark.parametrize("bad", ["0", "-1", "1e9", "ten", "", "9" * 400])
def test_malformed_paging_is_a_400_naming_the_parameter(client, bad):
    assert "'page'" in error_message(client, q="software", page=bad)
    assert "'per_page'" in error_message(client, q="software", per_page=bad)


def test_unknown_facet_names_are_loud_in_the_api_ignored_on_the_page_and_warned_by_the_library(
    client, engine
):
    assert "unknown parameter 'colour'" in error_message(client, q="software", colour="red")
    page = client.get("/?q=software&colour=red&utm_source=x")
    assert page.status_code == 200
    result = engine.search("software", filters={"colour": ["red"]})
    assert result.total == engine.search("software").total
    assert any("unknown facet 'colour'" in w for w in result.warnings)


def test_repeated_control_parameters_are_refused_and_repeated_facets_are_ored(client):
    for name, values in (("q", ["a", "b"]), ("page", ["1", "2"]), ("sort", ["newest", "relevance"])):
        assert f"'{name}' was given 2 times" in error_message(client, **{name: values})
    one = api(client, 200, publication=["The Setup"])["total"]
    both = api(client, 200, publication=["The Setup", "VoyageLA"])["total"]
    assert both >= one > 0


def test_too_many_values_for_one_facet_are_refused(client):
    message = error_message(client, topic=[f"t{i}" for i in range(51)])
    assert "'topic'" in message and "limit" in message


def test_fuzzy_distance_is_capped_even_after_punctuation(engine):
    # Found by bench/fuzz_long.py: "-~8" escaped the cap, and Whoosh built a distance-8 automaton.
    result = engine.search("fev -~8")
    assert any(f"capped at {MAX_FUZZY}" in w for w in result.warnings)


def test_long_fuzzy_words_and_too_many_fuzzy_words_are_searched_exactly(engine):
    long_word = "x" * (MAX_FUZZY_CHARS + 1)
    assert any("searched exactly" in w for w in engine.search(long_word + "~2").warnings)
    many = " OR ".join(f"softwar{i}~1" for i in range(MAX_FUZZY_WORDS + 2))
    warnings = engine.search(many).warnings
    assert sum("searched exactly" in w for w in warnings) == 2


def test_a_long_unknown_word_gets_no_spelling_suggestion(engine):
    assert engine.search("qwertyuiopasdfghjklzxcvbnm" * 20).suggestion is None
    assert engine.search("softwre").suggestion == "software"


def test_a_fuzzy_distance_glued_to_the_next_word_is_still_capped(engine):
    # Found by bench/fuzz_long.py: "word~8s" passed _clean uncapped, and Whoosh still read "~8".
    from search.query import expand_words, parse

    def expanded_words(text: str) -> set[str]:
        with engine.session() as session:
            parsed = parse(text, session.searcher.schema)
            expanded, _ = expand_words(parsed.query, session.searcher.reader())
        return {word for leaf in expanded.leaves() for word in getattr(leaf, "texts", ())}

    capped = expanded_words("covidx~2")
    assert capped and expanded_words("covidx~8s") == capped


def test_the_help_page_states_the_limits(client):
    from search.query import MIN_PREFIX

    text = " ".join(client.get("/help").get_data(as_text=True).split())
    assert f"up to {MAX_QUERY_CHARS} characters" in text and f"first {MAX_TERMS} words" in text
    assert f"at least {MIN_PREFIX} letters" in text and f"up to {WEB_MAX_PER_PAGE} results" in text
    assert f"up to {MAX_FUZZY_CHARS} letters and on {MAX_FUZZY_WORDS} words per query" in text


@pytest.mark.parametrize("q", ["A~/5", "covid~1/9", "~/5", "x~/0"])
def test_a_fuzzy_prefix_longer_than_the_word_is_no_error(engine, q):
    # Found by bench/fuzz_long.py: "A~/5" made Whoosh's edit automaton raise IndexError.
    from search.query import expand_words, parse

    with engine.session() as session:
        parsed = parse(q, session.searcher.schema)
        expand_words(parsed.query, session.searcher.reader())
    result = engine.search(q)
    assert not any("plain words" in w for w in result.warnings), "searched as written, not as a fallback"
