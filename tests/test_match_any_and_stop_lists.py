"""``match="any"`` (any of the words, repeats weigh more) and the per-index stop list (``--stop-words``)."""

from __future__ import annotations

import json
import subprocess

import pytest
from searchkit import COVID, INTERVIEWS, STOP_MOTION, copy_seeds

from index.analysis import stop_list
from index.build import build, update
from search.engine import open_index
from search.query import MAX_TERMS

NEW_ARTICLE = """\
Meet Ada Quill

Today we’d like to introduce you to Ada Quill.

Hi Ada, can you tell us about your first camera?
My first camera was a Zorki rangefinder that my grandmother gave me.

What is next for you?
A first book of photographs, printed in Lisbon next spring.
"""


@pytest.fixture(scope="module")
def indexes(tmp_path_factory):
    """The seed corpus built twice: with the default (short) stop list and with the long one."""
    root = tmp_path_factory.mktemp("stoplists")
    corpus = copy_seeds(root / "corpus")
    build(corpus, root / "short")
    build(corpus, root / "long", stop_words="long")
    return root


def _meta(index_dir) -> dict:
    current = (index_dir / "CURRENT").read_text().strip()
    return json.loads((index_dir / current / "meta.json").read_text())


def test_any_finds_passages_with_either_word(indexes):
    with open_index(indexes / "short") as engine:
        assert engine.search("covid motion", match="all").total == 0  # no passage has both
        result = engine.search("covid motion", match="any", per_page=100)
        articles = {hit.article for hit in result.hits}
        assert {COVID, STOP_MOTION} <= articles
        assert result.total == engine.search("covid OR motion").total


def test_any_weighs_a_repeated_word_by_its_count(indexes):
    with open_index(indexes / "short") as engine:
        once = engine.search("covid motion", match="any")
        assert once.hits[0].article == COVID
        # covid's passage also has "Covid-19" (a synonym): it takes more repeats of "motion" to win.
        repeated = engine.search("covid " + "motion " * 10, match="any")
        assert repeated.hits[0].article == STOP_MOTION
        # Same passages found; only the weights changed.
        assert repeated.total == once.total
        # A word written in two forms that stem alike counts twice too.
        stems = engine.search("covid " + "motions motion " * 3, match="any")
        assert stems.hits[0].article == STOP_MOTION


def test_any_word_limit_counts_words_not_operators_or_stop_words(indexes):
    # 40 stop words, then 62 words joined by 61 ORs: 163 words as typed, 63 the index keeps.
    filler = " ".join(["the of"] * 20)
    ors = " OR ".join(["zq"] * (MAX_TERMS - 2))
    with open_index(indexes / "short") as engine:
        result = engine.search(f"{filler} {ors} OR covid", match="any")
        assert not any("cut" in w for w in result.warnings), result.warnings
        assert COVID in {hit.article for hit in result.hits}
        # Beyond the limit of content words, the query is cut (and says so).
        many = " ".join(f"word{i}" for i in range(MAX_TERMS)) + " covid"
        cut = engine.search(many, match="any")
        assert any("cut" in w for w in cut.warnings) and cut.total == 0


def test_unknown_match_is_a_warning_and_all_words_must_match(indexes):
    with open_index(indexes / "short") as engine:
        result = engine.search("covid motion", match="some")
        assert result.total == 0 and any("unknown match" in w for w in result.warnings)


def test_long_stop_list_is_kept_in_the_index_and_used_by_queries(indexes):
    assert _meta(indexes / "short")["analysis"]["stop_words"] == "short"
    assert _meta(indexes / "long")["analysis"]["stop_words"] == "long"
    assert {"first", "show", "system"} <= stop_list("long")
    with open_index(indexes / "short") as short, open_index(indexes / "long") as long:
        assert short.search("first").total > 0
        result = long.search("first")
        assert result.total == 0 and result.warnings  # "only very common words …"
        # Content words are untouched, and a phrase matches across a dropped stop word's gap.
        assert long.search("film").total == short.search("film").total > 0
        assert long.search('"stop motion"').total == short.search('"stop motion"').total > 0


def test_update_keeps_the_stop_list_the_index_was_built_with(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    build(corpus, tmp_path / "index", stop_words="long")
    (corpus / "voyagela" / "ada.txt").write_text(NEW_ARTICLE, encoding="utf-8")
    report = update(corpus, tmp_path / "index")
    assert not report.skipped, report.skipped
    with open_index(tmp_path / "index") as engine:
        assert engine.search("zorki").total == 1  # the update was indexed ...
        assert engine.search("first").total == 0  # ... with the long stop list
    assert _meta(tmp_path / "index")["analysis"]["stop_words"] == "long"


def test_unknown_stop_list_fails_before_writing_anything(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    with pytest.raises(ValueError, match="unknown stop list"):
        build(corpus, tmp_path / "index", stop_words="huge")
    assert not (tmp_path / "index").exists() or not list((tmp_path / "index").glob("gen-*"))


def test_cli_build_stop_words_and_search_any(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    index = tmp_path / "index"
    run = subprocess.run([INTERVIEWS, "build", "--stop-words", "long", "--corpus", str(corpus),
                          "--index", str(index)], capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert _meta(index)["analysis"]["stop_words"] == "long"
    out = subprocess.run([INTERVIEWS, "search", "--any", "covid motion", "--json", "--index", str(index)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert {COVID, STOP_MOTION} <= {hit["article"] for hit in json.loads(out.stdout)["hits"]}
    refused = subprocess.run([INTERVIEWS, "build", "--stop-words", "huge", "--corpus", str(corpus),
                              "--index", str(index)], capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
