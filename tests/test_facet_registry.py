"""The facet registry (``index/facets.py``): its entries, and that one entry is all a new facet needs."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import textwrap

from searchkit import ROOT

from index.facets import ARTICLE_FACETS, FACET_NAMES, FACETS, PASSAGE_FACETS, FacetSpec, canonical_name
from index.model import Article, Passage
from index.schema import FACET_PREFIX, build_schema
from search.query import SEARCHABLE_FIELDS, TEXT_FIELD_ALIASES


def test_every_source_names_a_field_of_the_article_or_passage():
    fields = {
        "article": {f.name for f in dataclasses.fields(Article)},
        "passage": {f.name for f in dataclasses.fields(Passage)},
    }
    for spec in FACETS:
        assert spec.source, spec.name
        for path in spec.source:
            scope, attribute = path.split(".", 1)
            assert attribute in fields[scope], f"{spec.name}: {path} is not a field"


def test_names_and_aliases_are_unique_and_resolve():
    seen: dict[str, str] = {}
    for spec in FACETS:
        for alias in (spec.name, *spec.aliases):
            assert alias not in seen, f"{alias!r} names both {seen[alias]} and {spec.name}"
            assert alias not in TEXT_FIELD_ALIASES
            seen[alias] = spec.name
            assert canonical_name(alias) == spec.name
            assert canonical_name(alias.upper()) == spec.name
    assert canonical_name("colour") is None
    assert set(FACET_NAMES) <= set(SEARCHABLE_FIELDS)


def test_facet_names_leave_the_schema_own_fields_alone():
    own = set(build_schema().names()) - set(FACET_NAMES) - {FACET_PREFIX + n for n in FACET_NAMES}
    assert own and not own & set(FACET_NAMES)
    assert not own & {FACET_PREFIX + n for n in FACET_NAMES}


def test_passage_and_article_facets_split_the_registry():
    assert {f.name for f in PASSAGE_FACETS} | {f.name for f in ARTICLE_FACETS} == set(FACET_NAMES)
    assert [f.passage_attribute for f in PASSAGE_FACETS] == [
        "topics", "places", "works", "organizations", "roles", "years"]


def test_values_follow_the_sources_in_order_and_normalise():
    article = Article(id="a", path="a.txt", interviewees=["Siqi Song"], publication=" litang.zone ",
                      categories=["Film\nmakers", "Film makers", ""])
    passage = Passage(number=1, kind="qa", question="q", answer="a", places=["Los  Angeles", "Beijing"])
    by_name = {spec.name: spec for spec in FACETS}
    assert by_name["interviewee"].values(article, passage) == ["Siqi Song"]
    passage.answerers = ["Yifu Li"]
    assert by_name["interviewee"].values(article, passage) == ["Yifu Li"]
    assert by_name["interviewee"].article_values(article) == ["Siqi Song"]
    assert by_name["publication"].values(article, passage) == ["litang.zone"]
    assert by_name["category"].values(article, passage) == ["Film makers"]
    assert by_name["place"].values(article, passage) == ["Los Angeles", "Beijing"]
    assert by_name["work"].values(article, passage) == []


def test_a_custom_normaliser_is_applied_and_blank_values_dropped():
    spec = FacetSpec("kind", "Kind", "Kinds", ("passage.kind",),
                     normalise=lambda v: v.upper() if v != "x" else "")
    assert spec.values(None, Passage(number=0, kind="intro", question="", answer="")) == ["INTRO"]
    assert spec.values(None, Passage(number=0, kind="x", question="", answer="")) == []


# A new facet, added as one entry to a copy of the registry, reaches the index, filters, counts, the query
# parser (name and alias), the JSON API and the page, with no other change.
_ONE_ENTRY = """
import importlib.util, json, sys, tempfile
from pathlib import Path
source = Path("index/facets.py").read_text()
entry = ('    FacetSpec("passage_kind", "Passage kind", "Passage kinds", ("passage.kind",), '
         'aliases=("kinds",)),\\n')
marker = '    FacetSpec("category"'
assert marker in source
spec = importlib.util.spec_from_file_location("index.facets", "index/facets.py")
module = importlib.util.module_from_spec(spec)
sys.modules["index.facets"] = module
exec(compile(source.replace(marker, entry + marker), "index/facets.py", "exec"), module.__dict__)
sys.path.insert(0, "tests")
from searchkit import copy_seeds
from index.build import build
from search.engine import open_index
from webui.app import create_app
tmp = Path(tempfile.mkdtemp())
build(copy_seeds(tmp / "corpus"), tmp / "index")
engine = open_index(tmp / "index")
result = engine.search("", filters={"passage_kind": ["intro"]}, per_page=100)
counts = {v.value: v.count for v in engine.search("").facets["passage_kind"].values}
by_alias = engine.search("kinds:intro", per_page=100)
app = create_app({"INDEX_DIR": str(tmp / "index"), "TESTING": True})
client = app.test_client()
api = client.get("/api/search?passage_kind=intro").get_json()
page = client.get("/?q=studio").get_data(as_text=True)
print(json.dumps({"total": result.total, "passages": sorted({h.passage for h in result.hits}),
                  "counts": counts, "alias_total": by_alias.total, "warnings": by_alias.warnings,
                  "api_total": api["total"], "label_on_page": "Passage kind" in page}))
"""


def test_adding_a_facet_is_one_registry_entry():
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(_ONE_ENTRY)], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    out = json.loads(done.stdout.strip().splitlines()[-1])
    # of the seeds, only litang.zone's article has an intro passage
    assert out["total"] == 1 and out["passages"] == [0]
    assert out["counts"]["intro"] == 1 and out["counts"]["qa"] > 10
    assert out["alias_total"] == 1 and not out["warnings"]
    assert out["api_total"] == 1
    assert out["label_on_page"]


def test_values_order_by_count_then_newest_then_a_to_z():
    from index.facets import order_values

    values = [("b", 4, "2014-01-02"), ("a", 4, "2014-01-02"), ("Aaron", 4, "2010-05-01"),
              ("zed", 4, "2021-03-04"), ("undated", 4, ""), ("many", 9, "1999-01-01")]
    assert [v for v, _, _ in order_values(values)] == ["many", "zed", "a", "b", "Aaron", "undated"]
