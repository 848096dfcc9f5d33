"""One conformance suite, run against both engines on the same small corpus.

The embedded Whoosh index and a SolrCloud collection (2 shards × 2 replicas) are built from the same
articles by the same ``interviews build`` code; every test then asks both the same thing. What a user
sees must not depend on the engine: totals and facet counts equal, the same passages near the top,
the same highlights, corrections and sort orders, the same answers to bad input; changes made by
``update`` become visible (and deletions disappear) in both. The last test stops a Solr node in the
middle of a run and checks that searches still answer, from the replicas.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from searchkit import ACCENTS_ARTICLE, COVID, STOP_MOTION, all_passages, copy_seeds, copy_usesthis

from index.build import build, update
from index.facets import FACETS, order_values
from search.engine import open_index

USESTHIS = 40
"""Interviews of The Setup added to the three seed articles (about 180 passages in all)."""
ENGINES = ("whoosh", "solr")

QUERIES = [
    "covid", "Covid-19", "covid19", "stop motion", '"stop motion"', "camera", "camera lenses",
    "camera OR keyboard", "question:advice -money", "-covid", "Thérèse", "Therese", "we'd", "film",
    "interviewee:song", "topic:advice", "publication:VoyageLA", "editor", "music production", "macbook",
    "photo*", "keybord~", "",
]
"""Queries covering words, phrases, hyphenated words, operators, fields, accents, prefix and fuzzy
words, and the empty query (everything)."""
EXPANDED = [("animat*", r"animat\w*"), ("photo*", r"photo\w*"), ("animaton~", r"animation"),
            ("keybord~", r"keyboards?"), ("edtor~", r"editors?")]
"""Prefix and fuzzy words, and a pattern of the words they must find. Their totals are not compared:
both engines expand them to the index's stems, and Whoosh's Porter stemmer makes other stems than
Lucene's for some words (animated: ``animat`` / ``anim``; see tests/test_solr_analysis.py)."""
TRANSCRIPT = "podcast/ep12"
TRANSCRIPT_ARTICLE = """\
---
title: "Episode 12: Building a sound library with Mara Quill"
publication: Studio Hours Podcast
---

Mara Quill records foley for independent films. We talked about field recording and her sample packs.

Jonas Reed (00:00:05):
Welcome back to Studio Hours. Mara, how did you start recording sounds?

Mara Quill (00:00:12):
I started with a cheap handheld recorder and a lot of walks through the harbour at night.

Jonas Reed (00:01:40):
Right.

Mara Quill (00:01:42):
The recordings were noisy, but they taught me where to stand.

Jonas Reed (00:03:05):
What gear do you carry on a field trip now?

Mara Quill (00:03:11):
Two small diaphragm microphones, a windshield and a recorder with good preamps.
"""
"""A transcript: its interviewer and each passage's start second must come back from both engines."""
BAD_QUERIES = ['"unclosed phrase', "camera AND", "(((film", "*mera", "film~~", "title:", "a" * 3000,
               "OR OR OR", "-", "\x00\x1f camera", "unknownfield:x"]


def _corpus(target: Path) -> Path:
    copy_seeds(target)
    copy_usesthis(target, USESTHIS)
    (target / "voyagela" / "therese.txt").write_text(ACCENTS_ARTICLE, encoding="utf-8")
    (target / "podcast").mkdir()
    (target / "podcast" / "ep12.md").write_text(TRANSCRIPT_ARTICLE, encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def built(tmp_path_factory, solr_cluster):
    """Both engines over the same corpus: {"whoosh": engine, "solr": engine}."""
    root = tmp_path_factory.mktemp("conformance")
    corpus = _corpus(root / "corpus")
    url = solr_cluster.new_collection()
    locations = {"whoosh": str(root / "index"), "solr": url}
    reports = {name: build(corpus, location) for name, location in locations.items()}
    assert reports["whoosh"].passages == reports["solr"].passages > 150
    engines = {name: open_index(location) for name, location in locations.items()}
    yield engines
    for engine in engines.values():
        engine.close()
    solr_cluster.drop_collection(url)


def _passages(result) -> list[tuple[str, int]]:
    return [(hit.article, hit.passage) for hit in result.hits]


def _facets(result) -> dict[str, list[tuple[str, int, bool]]]:
    return {name: [(v.value, v.count, v.selected) for v in facet.values] + [("more", facet.more, False)]
            for name, facet in result.facets.items()}


# --- the same answers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("match", ["most", "all"])
@pytest.mark.parametrize("query", QUERIES)
def test_totals_and_facet_counts_equal(built, query, match):
    whoosh, solr = (built[name].search(query, facet_limit=None, match=match) for name in ENGINES)
    assert solr.total == whoosh.total
    assert _facets(solr) == _facets(whoosh)
    assert solr.warnings == whoosh.warnings


@pytest.mark.parametrize(("query", "pattern"), EXPANDED)
def test_prefix_and_fuzzy_words_find_every_passage_with_the_word(built, query, pattern):
    word = re.compile(rf"\b{pattern}\b", re.IGNORECASE)
    wanted = set()
    for page in range(1, 10):
        for hit in built["whoosh"].search("", per_page=100, page=page).hits:
            if word.search(hit.question + " " + hit.answer):
                wanted.add((hit.article, hit.passage))
    assert wanted
    for name in ENGINES:
        found = set(all_passages(built[name], query))
        assert wanted <= found, name
        assert not built[name].search(query).warnings


@pytest.mark.parametrize("match", ["all", "any"])
@pytest.mark.parametrize("query", ["camera lenses", "music software", "keyboard mouse", "photo editing"])
def test_top_hits_overlap(built, query, match):
    whoosh, solr = (built[name].search(query, per_page=10, match=match) for name in ENGINES)
    assert solr.total == whoosh.total
    mine, theirs = set(_passages(whoosh)), set(_passages(solr))
    assert len(mine & theirs) >= 0.7 * min(len(mine), 10)
    # Scores differ in the last digits (Lucene keeps field lengths in one byte), so near-ties may swap:
    # each engine's best passage is among the other's first three.
    assert _passages(solr)[0] in _passages(whoosh)[:3] and _passages(whoosh)[0] in _passages(solr)[:3]


@pytest.mark.parametrize("query", ["which camera and lenses do you use for photography",
                                   "software for recording and mixing music at home"])
def test_long_any_word_queries_are_re_ranked_alike(built, query):
    """Any-word queries of three words or more are ranked again with relevance feedback (the Solr engine
    fetches the first passages and searches their words as exact terms): the same passages are found, and
    the first ten largely agree. Feedback builds on the first ranking, so the engines' small score
    differences can move single passages further than without it (seen: one engine's first passage
    fourth in the other)."""
    whoosh, solr = (built[name].search(query, per_page=10, match="any", facet_limit=None) for name in ENGINES)
    assert solr.total == whoosh.total > 10
    assert _facets(solr) == _facets(whoosh)
    mine, theirs = _passages(whoosh), _passages(solr)
    assert len(set(mine) & set(theirs)) >= 7


@pytest.mark.parametrize("query", ["covid", "LA", "TV", "United States", "camera"])
def test_synonyms_score_as_their_best_form_in_both_engines(built, query):
    """A group of synonyms (covid, covid-19, coronavirus, pandemic) scores as its best form plus a tenth
    of the others' (a DisjunctionMax), not as their sum, so a passage that names several forms is not
    lifted on Solr only. Lucene's BM25 scores are a near-constant share of Whoosh's (other constants,
    field lengths kept in one byte); written as an OR, the passage with "Covid" and
    "pandemic" got twice that share, and the Solr ranking of synonym searches drifted from Whoosh's."""
    whoosh, solr = ({(h.article, h.passage): h.score for h in built[name].search(query, per_page=100).hits}
                    for name in ENGINES)
    assert whoosh.keys() == solr.keys() and whoosh
    shares = [solr[key] / whoosh[key] for key in whoosh]
    assert max(shares) / min(shares) < 1.2, sorted(shares)


@pytest.mark.parametrize("filters", [
    {"publication": ["The Setup"]},
    {"publication": ["The Setup", "VoyageLA"], "topic": ["tools and setup"]},
    {"interviewee": ["Siqi Song"], "topic": ["advice", "no such topic"]},
])
def test_multi_select_facets_count_each_facet_without_its_own_filter(built, filters):
    whoosh, solr = (built[name].search("", filters=filters, facet_limit=5) for name in ENGINES)
    assert solr.total == whoosh.total
    assert _facets(solr) == _facets(whoosh)
    for name, values in filters.items():
        listed = {v.value: v for v in solr.facets[name].values}
        assert all(listed[value].selected for value in values)
    # The publication facet ignores its own filter: other publications keep their counts.
    if "publication" in filters:
        others = {k: v for k, v in filters.items() if k != "publication"}
        everything = built["solr"].search("", filters=others)
        assert solr.facets["publication"].values[0].count == everything.facets["publication"].values[0].count


@pytest.mark.parametrize("sort", ["newest", "interviewee", "relevance"])
def test_sorts_give_the_same_order(built, sort):
    for query in ("", "camera"):
        whoosh, solr = (built[name].search(query, sort=sort, per_page=30) for name in ENGINES)
        if sort == "relevance" and query:
            continue  # scores differ in the last digits between the engines; see test_top_hits_overlap
        assert _passages(solr) == _passages(whoosh)


def test_paging_limits_and_warnings(built):
    for name in ENGINES:
        engine = built[name]
        result = engine.search("camera", per_page=500)
        assert result.per_page == 100 and any("per_page" in w for w in result.warnings)
        deep = engine.search("camera", page=5000)
        assert any("first 10000 results" in w for w in deep.warnings)
        assert engine.search("camera", page=2, per_page=3).page == 2
    pages = [_passages(built[name].search("camera", page=2, per_page=3)) for name in ENGINES]
    assert len(pages[0]) == len(pages[1]) == 3


def test_highlights_are_the_same(built):
    whoosh, solr = (built[name].search("stop motion animation", per_page=20) for name in ENGINES)
    snippets = {name: {(h.article, h.passage): h.snippet for h in result.hits}
                for name, result in (("whoosh", whoosh), ("solr", solr))}
    shared = snippets["whoosh"].keys() & snippets["solr"].keys()
    assert shared
    for key in shared:
        assert snippets["solr"][key] == snippets["whoosh"][key]
        assert "<mark>" in snippets["solr"][key]
    top = solr.hits[0]
    assert "<mark>" in top.snippet and "<script" not in top.snippet


@pytest.mark.parametrize(("typed", "expected"), [("animaton", "animation"), ("covdi", "covid"),
                                                 ("stop motoin", "stop motion"), ("covid", None)])
def test_did_you_mean(built, typed, expected):
    for name in ENGINES:
        assert built[name].search(typed).suggestion == expected, name


def test_similar_passages(built):
    for name in ENGINES:
        similar = built[name].more_like_this(STOP_MOTION, 2, limit=5)
        assert 0 < len(similar) <= 5, name
        assert all(hit.article != STOP_MOTION for hit in similar)
    assert built["solr"].more_like_this("no/such-article", 1) == []


def test_articles_read_back_whole(built):
    whoosh, solr = (built[name].article(COVID) for name in ENGINES)
    assert solr is not None and whoosh is not None
    assert solr.to_dict() == whoosh.to_dict()
    assert built["solr"].article("no/such-article") is None


def test_transcripts_read_back_with_interviewer_and_start_seconds(built):
    whoosh, solr = (built[name].article(TRANSCRIPT) for name in ENGINES)
    assert solr is not None and whoosh is not None
    assert solr.to_dict() == whoosh.to_dict()
    assert solr.interviewer == "Jonas Reed"
    assert [(p.kind, p.start) for p in solr.passages] == [("intro", None), ("qa", 5.0), ("qa", 185.0)]


def test_stats(built):
    whoosh, solr = (built[name].stats(top=3) for name in ENGINES)
    for key in ("passages", "articles", "facets"):
        assert solr[key] == whoosh[key]


@pytest.mark.parametrize("facet", ["interviewee", "place"])
def test_tied_values_list_the_newest_first(built, facet):
    """Interviewees of The Setup tie at four passages: among equal counts the value with the newest
    passage comes first, then A-Z (index.facets.order_values), worked out here from the articles."""
    engine = built["whoosh"]
    spec = next(f for f in FACETS if f.name == facet)
    tally: dict[str, list] = {}
    for article_id in dict.fromkeys(a for a, _ in all_passages(engine)):
        article = engine.article(article_id)
        for passage in article.passages:
            for value in spec.values(article, passage):
                count, newest = tally.get(value, (0, ""))
                tally[value] = (count + 1, max(newest, article.date))
    expected = [(v, c) for v, c, _ in order_values([(v, c, d) for v, (c, d) in tally.items()])]
    assert len({c for _, c in expected[:12]}) < 12  # there are ties to break
    for name in ENGINES:
        listed = [(v["value"], v["count"]) for v in built[name].stats(top=12)["facets"][facet]]
        assert listed == expected[:12], name


@pytest.mark.parametrize("query", BAD_QUERIES)
def test_bad_queries_answer_with_warnings(built, query):
    whoosh, solr = (built[name].search(query) for name in ENGINES)
    assert solr.total == whoosh.total
    assert solr.warnings == whoosh.warnings


# --- changes become visible ------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ENGINES)
def test_update_and_delete_are_visible(tmp_path, solr_cluster, name):
    corpus = copy_seeds(tmp_path / "corpus")
    location = str(tmp_path / "index") if name == "whoosh" else solr_cluster.new_collection()
    try:
        build(corpus, location)
        engine = open_index(location)
        assert engine.search("zeppelin").total == 0
        article = corpus / "voyagela" / "000_713f14fa217934a6.txt"
        text = re.sub("covid", "zeppelin", article.read_text(encoding="utf-8"), flags=re.IGNORECASE)
        article.write_text(text, encoding="utf-8")
        report = update(corpus, location)
        assert (report.articles, report.unchanged) == (1, 2)
        assert engine.search("zeppelin").total >= 1
        assert engine.search("covid").total == 0
        article.unlink()
        report = update(corpus, location)
        assert report.deleted == 1
        assert engine.search("zeppelin").total == 0
        assert engine.article(COVID) is None
        assert update(corpus, location).unchanged == 2  # the manifest came back: nothing to send
        engine.close()
    finally:
        if name == "solr":
            solr_cluster.drop_collection(location)


# --- a node goes down ------------------------------------------------------------------------------------

def test_searches_answer_while_a_node_is_down(built, solr_cluster):
    """Stop the node the collection URL names (and then another): every search still answers, with
    the same results, from the replicas on the nodes left."""
    solr = built["solr"]
    before = {query: (solr.search(query).total, _passages(solr.search(query))) for query in QUERIES[:8]}
    nodes = solr_cluster.nodes()
    entry = next(n["index"] for n in nodes if solr.url.startswith(n["url"]))
    solr_cluster.stop_node(entry)
    try:
        for query, (total, top) in before.items():
            result = solr.search(query)
            assert (result.total, _passages(result)) == (total, top), query
        assert solr.article(COVID) is not None
        assert solr.more_like_this(STOP_MOTION, 2)
    finally:
        solr_cluster.start_node(entry)
    other = next(n["index"] for n in nodes if n["index"] != entry)
    solr_cluster.stop_node(other)
    try:
        for query, (total, top) in before.items():
            result = solr.search(query)
            assert (result.total, _passages(result)) == (total, top), query
    finally:
        solr_cluster.start_node(other)


def test_most_of_the_words_follow_all_of_them(built):
    whoosh, solr = (built[name].search("stop motion zzqxjwvk") for name in ENGINES)
    assert whoosh.partial == whoosh.total > 0
    assert (solr.total, solr.partial) == (whoosh.total, whoosh.partial)
