"""The search library on a real index of the seed articles (plus one with accents), built once."""

from __future__ import annotations

import shutil
from collections import Counter

import pytest
from searchkit import ACCENTS_ARTICLE, CANVAS, COVID, STOP_MOTION, USESTHIS, all_passages, copy_seeds

from index.build import build
from search.engine import MAX_PER_PAGE, open_index


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("search")
    corpus = copy_seeds(root / "corpus")
    (corpus / "extra").mkdir()
    (corpus / "extra" / "publication.yml").write_text("name: Extra Mag\n", encoding="utf-8")
    (corpus / "extra" / "therese.txt").write_text(ACCENTS_ARTICLE, encoding="utf-8")
    report = build(corpus, root / "index")
    assert not report.skipped
    with open_index(root / "index") as engine:
        yield engine


def hits(engine, query, **kwargs):
    return [(h.article, h.passage) for h in engine.search(query, per_page=MAX_PER_PAGE, **kwargs).hits]


def test_covid_ranks_the_fourth_passage_of_000_first(engine):
    result = engine.search("covid")
    assert (result.hits[0].article, result.hits[0].passage) == (COVID, 4)
    assert "<mark>Covid</mark>" in result.hits[0].snippet


def test_stop_motion_finds_003(engine):
    found = hits(engine, "stop motion", match="all")
    assert found and {article for article, _ in found} == {STOP_MOTION}


def test_phrase_needs_the_words_in_order(engine):
    assert hits(engine, '"stop motion animation"')
    assert not hits(engine, '"motion stop"')
    # Words of a phrase across a removed stop word still match ("sets you apart").
    assert (COVID, 3) in hits(engine, '"sets you apart"')


def test_field_queries_search_only_that_field(engine):
    assert hits(engine, "question:covid") == [(COVID, 4)]
    assert hits(engine, "answer:covid") == [(COVID, 4)]
    in_answers_only = hits(engine, "answer:quarantine")
    assert in_answers_only == [(COVID, 4)] and not hits(engine, "question:quarantine")
    assert {a for a, _ in hits(engine, 'interviewee:"Siqi Song"')} == {STOP_MOTION}


def test_an_organisation_is_found_by_its_other_names_but_counted_once(engine):
    by_acronym = set(hits(engine, "org:UCLA"))
    assert by_acronym and {a for a, _ in by_acronym} == {COVID}
    assert set(hits(engine, 'organization:"University of California, Los Angeles"')) == by_acronym
    values = [v.value for v in engine.search("", facet_limit=None).facets["organization"].values]
    assert "UCLA" in values and "University of California, Los Angeles" not in values


def test_unknown_field_is_a_warning_not_an_error(engine):
    result = engine.search("colour:blue covid", match="all")
    assert any("unknown field 'colour'" in w for w in result.warnings)
    assert result.total == 0  # "colour" and "blue" are searched as words, and no passage has both


def test_prefix_and_fuzzy(engine):
    assert (COVID, 4) in hits(engine, "quarant*")
    # Stemming makes "animation" → "anim"; prefix and fuzzy words still reach it.
    assert {a for a, _ in hits(engine, "animati*")} == {STOP_MOTION}
    assert {a for a, _ in hits(engine, "animaton~")} == {STOP_MOTION}
    assert (COVID, 4) in hits(engine, "quarantin~1")


def test_boolean_operators(engine):
    films = set(hits(engine, "film"))
    assert (COVID, 4) in films
    assert (COVID, 4) not in hits(engine, "film -covid")
    assert (COVID, 4) not in hits(engine, "film NOT covid")
    either = set(hits(engine, "quarantine OR oscar"))
    assert either == set(hits(engine, "quarantine")) | set(hits(engine, "oscar"))
    assert (COVID, 4) not in hits(engine, "-covid")


def test_hyphens_numbers_accents_and_apostrophes_fold(engine):
    for query in ("covid-19", "covid19", "Covid", '"covid-19 crisis"'):
        assert (COVID, 4) in hits(engine, query), query
    assert (COVID, 4) in hits(engine, "2020")
    assert hits(engine, "Therese") == hits(engine, "thérèse") != []
    assert hits(engine, "montreal") == hits(engine, "Montréal") != []
    assert hits(engine, "we'd") == hits(engine, "we’d") and (COVID, 1) in hits(engine, "we'd")


def test_did_you_mean(engine):
    result = engine.search("animaton")
    assert result.total == 0 and result.suggestion == "animation"
    assert engine.search("stop motion animaton").suggestion == "stop motion animation"
    assert engine.search("animation").suggestion is None


def test_facet_counts_match_the_hits(engine):
    result = engine.search("film", per_page=MAX_PER_PAGE, facet_limit=None)
    expected = Counter()
    for hit in result.hits:
        article = engine.article(hit.article)
        passage = next(p for p in article.passages if p.number == hit.passage)
        for topic in passage.topics:
            expected[("topic", topic)] += 1
        expected[("publication", article.publication)] += 1
    counted = Counter({(name, v.value): v.count for name in ("topic", "publication")
                       for v in result.facets[name].values})
    assert counted == expected
    assert result.total == len(result.hits)


def test_filters_or_within_and_across_facets(engine):
    everything = engine.search("", facet_limit=None)
    publications = {v.value: v.count for v in everything.facets["publication"].values}
    assert everything.total == sum(publications.values())
    voyage = engine.search("", filters={"publication": ["VoyageLA"]})
    assert voyage.total == publications["VoyageLA"]
    assert {h.article for h in voyage.hits} == {COVID}
    both = engine.search("", filters={"publication": ["VoyageLA", "CanvasRebel"]})
    assert both.total == publications["VoyageLA"] + publications["CanvasRebel"]
    # Across facets: VoyageLA AND Siqi Song (who is in litang.zone) → nothing.
    none = engine.search("", filters={"publication": ["VoyageLA"], "interviewee": ["Siqi Song"]})
    assert none.total == 0
    # A facet is counted with the other facets' filters, not its own, so alternatives keep their counts.
    assert {v.value: v.count for v in voyage.facets["publication"].values} == publications
    interviewees = {v.value: v.count for v in voyage.facets["interviewee"].values}
    assert interviewees == {"Jinsui Song": publications["VoyageLA"]}
    for query in ("film", '"film festivals"', "film*"):
        filtered = engine.search(query, filters={"publication": ["litang.zone", "CanvasRebel"]})
        assert filtered.hits and {h.publication for h in filtered.hits} <= {"litang.zone", "CanvasRebel"}
        assert filtered.total == len(all_passages(engine, query,
                                                  filters={"publication": ["litang.zone", "CanvasRebel"]}))


def test_selected_value_is_listed_even_at_zero(engine):
    result = engine.search("covid", filters={"interviewee": ["Siqi Song"], "topic": ["No Such Topic"]})
    assert result.total == 0 and result.hits == []
    for query in ("covid", '"covid-19"', "covid", "covid*"):
        for sort in ("relevance", "newest"):
            empty = engine.search(query, filters={"publication": ["CanvasRebel"]}, sort=sort)
            assert (empty.total, empty.hits) == (0, []), (query, sort)
    listed = {v.value: (v.count, v.selected) for v in result.facets["interviewee"].values}
    assert listed["Siqi Song"] == (0, True)
    topics = {v.value: (v.count, v.selected) for v in result.facets["topic"].values}
    assert topics["No Such Topic"] == (0, True)


def test_facet_limit_reports_what_was_cut(engine):
    full = engine.search("", facet_limit=None).facets["publication"]
    top = engine.search("", facet_limit=1).facets["publication"]
    assert len(top.values) == 1 and top.more == len(full.values) - 1
    assert top.values[0].count == max(v.count for v in full.values)
    expanded = engine.search("", facet_limit=1, expand=["publication"]).facets["publication"]
    assert [v.value for v in expanded.values] == [v.value for v in full.values]


@pytest.mark.parametrize("query", ['"stop motion', "(film OR", "film AND", "*ilm", "a*", "x" * 10_000,
                                   " ".join(["film"] * 5000), "title:", ":::", "film~9", "((()))", "NOT"])
def test_malformed_queries_never_raise(engine, query):
    result = engine.search(query)
    assert result.warnings or result.total >= 0
    assert isinstance(result.total, int)


def test_malformed_query_falls_back_to_words_and_says_so(engine):
    result = engine.search('"stop motion')
    assert any("plain words" in w for w in result.warnings)
    assert {h.article for h in result.hits if not h.partial} == {STOP_MOTION}


def test_costly_requests_are_capped_with_warnings(engine):
    result = engine.search("film", page=10**9, per_page=10**6)
    assert result.per_page == MAX_PER_PAGE and result.warnings
    assert engine.search("*").warnings or engine.search("*").total >= 0
    long = engine.search("covid " + "x" * 10_000)
    assert any("cut" in w for w in long.warnings)


def test_sorts(engine):
    by_name = engine.search("", sort="interviewee", per_page=MAX_PER_PAGE)
    names = [h.interviewee.casefold() for h in by_name.hits]
    assert names == sorted(names)
    assert engine.search("film", sort="bogus").warnings


def test_snippets_escape_html(engine, tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    (corpus / "extra").mkdir()
    text = ACCENTS_ARTICLE.replace("wheel throwing", "Tom & Jerry <script>alert(1)</script> zebracake")
    (corpus / "extra" / "x.txt").write_text(text, encoding="utf-8")
    assert not build(corpus, tmp_path / "index").skipped
    with open_index(tmp_path / "index") as other:
        snippet = other.search("zebracake").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet and "&amp;" in snippet
    assert "<mark>zebracake</mark>" in snippet


def test_article_has_all_passages_in_order(engine):
    article = engine.article(COVID)
    numbers = [p.number for p in article.passages]
    assert numbers == sorted(numbers) and len(numbers) == len(set(numbers))
    assert sorted(n for a, n in all_passages(engine) if a == COVID) == numbers
    assert article.title and article.publication == "VoyageLA"
    assert engine.article("no/such-article") is None


def test_more_like_this_comes_from_other_articles(engine):
    similar = engine.more_like_this(STOP_MOTION, 1, limit=3)
    assert similar and len(similar) <= 3
    assert all(hit.article != STOP_MOTION for hit in similar)
    assert engine.more_like_this(CANVAS, 999) == []


def test_stats(engine):
    stats = engine.stats()
    assert stats["articles"] == 4
    assert stats["passages"] == len(all_passages(engine))
    assert stats["generation"].startswith("gen-")
    assert stats["facets"]["publication"][0]["count"] >= stats["facets"]["publication"][-1]["count"]


def test_newest_sorts_by_article_date_then_passage(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "usesthis").mkdir(parents=True)
    for name in ("aaron.bleyaert.markdown", "aaron.boodman.markdown"):
        shutil.copy(USESTHIS / name, corpus / "usesthis" / name)
    copy_seeds(corpus)  # undated: they sort after every dated passage
    assert not build(corpus, tmp_path / "index").skipped
    with open_index(tmp_path / "index") as other:
        hits = other.search("", sort="newest", per_page=MAX_PER_PAGE).hits
    dated = [h for h in hits if h.date]
    assert len({h.date for h in dated}) == 2 and hits[:len(dated)] == dated
    keys = [(h.date, h.article, -h.passage) for h in dated]
    assert keys == sorted(keys, reverse=True)
