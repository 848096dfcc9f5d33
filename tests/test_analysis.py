"""The analysis chain (index/analysis.py): word forms, acronyms, stop-word gaps, data files, fingerprints."""

from __future__ import annotations

import json
import re

import pytest
from searchkit import copy_seeds

from bench.word_families import read_pairs, score
from index import analysis
from index.analysis import acronyms, minimal_stem, synonyms, terms, text_analyzer, word_forms
from index.build import build, update
from index.whoosh_store import outdated, read_meta
from search.engine import IndexNotFound, open_index


def test_word_family_set_meets_the_bar():
    pairs = read_pairs()
    assert len(pairs) >= 200
    result = score(lambda word: set(terms(word, mode="index")), pairs)
    assert result["recall"] >= 0.90, result["misses"]
    assert result["apart"] >= 0.98, result["misses"]
    assert result["precision"] >= 0.98, result["misses"]


@pytest.mark.parametrize("a, b", [
    ("film", "films"), ("knit", "knitting"), ("nominated", "nomination"), ("woman", "women"),
    ("child", "children"), ("mouse", "mice"), ("running", "run"), ("stopped", "stop"),
    ("programming", "program"), ("animated", "animation"), ("colour", "color"),
])
def test_inflections_meet(a, b):
    assert terms(a) == terms(b)


@pytest.mark.parametrize("a, b", [
    ("animal", "animator"), ("universe", "university"), ("organ", "organization"), ("new", "news"),
    ("police", "policy"), ("arm", "army"), ("general", "generate"), ("busy", "business"),
])
def test_different_words_stay_apart(a, b):
    assert terms(a) != terms(b)


def test_minimal_stemmer_is_lucenes_plural_rules():
    assert [minimal_stem(w) for w in ("films", "stories", "boxes", "shoes", "glass", "bus", "is", "rays")] \
        == ["film", "story", "boxe", "shoes", "glass", "bus", "is", "ray"]


def test_acronyms_never_meet_the_lower_case_word():
    assert terms("LA") == terms("L.A.") == ["l.a."]
    assert terms("de la Vega") == ["de", "la", "vega"]
    assert terms("US") == terms("U.S.") == ["u.s."] and terms("us") == []  # "us" is a stop word
    assert terms("IT support") == ["i.t.", "support"] and terms("it works") == ["work"]
    assert set(acronyms()) >= {"LA", "US", "IT"}


def test_stop_words_leave_a_position_gap():
    tokens = [(t.text, t.pos) for t in text_analyzer()("rock and roll", positions=True)]
    assert tokens == [("rock", 0), ("roll", 2)]


def test_hyphenated_words_index_parts_and_joined_form():
    assert terms("Covid-19", mode="index") == ["covid", "covid19", "19"]
    assert terms("Covid-19") == ["covid", "19"]


def test_data_files_are_in_solr_formats():
    line = re.compile(r"[a-z']+\t[a-z']+")
    body = [x for x in analysis.WORD_FORMS_FILE.read_text().splitlines() if x and not x.startswith("#")]
    assert len(body) > 10_000 and all(line.fullmatch(x) for x in body)
    assert body == sorted(body)
    assert word_forms()["women"] == "woman"
    folding = analysis.folding()
    assert all(len(v) == 1 for v in folding.values()) and folding[ord("é")] == "e"


def test_synonyms_file_parses_and_keeps_acronyms_case_sensitive():
    found = synonyms()
    assert ("los", "angeles") in found.groups[("LA",)]
    assert ("covid",) in found.groups[("pandemic",)]
    assert ("la",) not in found.groups


def test_synonyms_parse_errors_name_the_line(tmp_path):
    bad = tmp_path / "synonyms.txt"
    bad.write_text("a, b\nx => y => z\n", encoding="utf-8")
    with pytest.raises(ValueError, match="synonyms.txt:2"):
        synonyms(bad)


def test_an_index_built_with_another_analysis_asks_for_a_rebuild(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    build(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as engine:
        assert engine.search("film").total > 0
    gen = next(p for p in (tmp_path / "index").iterdir() if p.name.startswith("gen-"))
    meta = read_meta(gen)
    assert outdated(meta) is None
    meta["analysis"]["fingerprint"] = "1-older"
    (gen / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    assert "rebuild" in outdated(read_meta(gen))
    with pytest.raises(IndexNotFound, match="another text analysis.*interviews build"):
        open_index(tmp_path / "index")
    with pytest.raises(Exception, match="interviews build"):
        update(corpus, tmp_path / "index")
    build(corpus, tmp_path / "index")
    with open_index(tmp_path / "index") as engine:
        assert engine.search("film").total > 0
