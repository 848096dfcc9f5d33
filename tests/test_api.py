"""The JSON twins, CSV export, OpenAPI document and health check, over a real index in a temp folder."""

from __future__ import annotations

import csv
import io
import json
import subprocess

import pytest
from webfixtures import INTERVIEWS

from index.facets import FACET_NAMES
from search.results import SearchResult
from webui.app import create_app


def get_json(client, url: str, status: int = 200) -> dict:
    response = client.get(url)
    assert response.status_code == status, (url, response.get_data(as_text=True))
    assert response.mimetype == "application/json"
    return response.get_json()


def test_api_search_has_the_cli_json_shape_and_the_same_results(client, web_site):
    data = get_json(client, "/api/search?q=software&per_page=5")
    expected_keys = set(SearchResult(query="", total=0, page=1, per_page=1).to_json())
    assert expected_keys <= set(data)
    assert {"article", "passage", "question", "snippet", "interviewee", "publication", "score", "url"} <= set(
        data["hits"][0]
    )
    cli = subprocess.run(
        [INTERVIEWS, "search", "software", "--json", "--limit", "5", "--index", str(web_site["index"])],
        capture_output=True, text=True, timeout=120,
    )
    assert cli.returncode == 0, cli.stderr
    from_cli = json.loads(cli.stdout)
    assert from_cli["total"] == data["total"]
    assert [(h["article"], h["passage"]) for h in from_cli["hits"]] == [
        (h["article"], h["passage"]) for h in data["hits"]
    ]


def test_facet_values_carry_selected_flags_and_toggle_urls_that_agree_with_counts(client):
    data = get_json(client, "/api/search?q=software")
    assert set(data["facets"]) <= set(FACET_NAMES)
    value = data["facets"]["category"][0]
    assert value["selected"] is False
    narrowed = get_json(client, value["toggle_url"])
    assert narrowed["total"] == value["count"]
    assert narrowed["filters"] == {"category": [value["value"]]}
    chosen = next(v for v in narrowed["facets"]["category"] if v["value"] == value["value"])
    assert chosen["selected"] is True
    back = get_json(client, chosen["toggle_url"])
    assert back["total"] == data["total"] and back["filters"] == {}


def test_match_any_finds_either_word_and_its_links_keep_the_mode(client):
    both = get_json(client, "/api/search?q=software+zzqnotaword&match=all")
    assert both["total"] == 0
    either = get_json(client, "/api/search?q=software+zzqnotaword&match=any&per_page=3")
    assert either["total"] == get_json(client, "/api/search?q=software")["total"] > 3
    assert "match=any" in either["next_url"]
    assert get_json(client, either["next_url"])["total"] == either["total"]


def test_api_pages_link_to_each_other(client):
    first = get_json(client, "/api/search?q=software&per_page=3")
    assert first["previous_url"] is None and first["next_url"]
    second = get_json(client, first["next_url"])
    assert second["page"] == 2 and second["previous_url"]
    assert get_json(client, second["previous_url"])["hits"] == first["hits"]


@pytest.mark.parametrize(
    "query, names",
    [("page=abc", "page"), ("page=0", "page"), ("per_page=101", "per_page"), ("sort=random", "sort"),
     ("topc=x", "topc"), ("q=a&q=b", "q"), ("more=colour", "more"), ("match=some", "match")],
)
def test_bad_parameters_get_a_json_400_naming_them(client, query, names):
    error = get_json(client, f"/api/search?{query}", status=400)["error"]
    assert error["status"] == 400 and names in error["message"]


def test_api_article_returns_the_whole_interview(client):
    data = get_json(client, "/api/articles/voyagela/000_713f14fa217934a6")
    assert data["id"] == "voyagela/000_713f14fa217934a6"
    assert data["publication"] and data["passages"]
    assert [p["number"] for p in data["passages"]] == sorted(p["number"] for p in data["passages"])
    assert data["html_url"] == "/articles/voyagela/000_713f14fa217934a6"


def test_api_similar_lists_passages_of_other_articles(client):
    data = get_json(client, "/api/similar?article=litang-zone/003_a09c00f12582b7b2&passage=1&limit=3")
    assert 0 < len(data["hits"]) <= 3
    for hit in data["hits"]:
        assert hit["article"] != "litang-zone/003_a09c00f12582b7b2"
        assert hit["html_url"] == f"/articles/{hit['article']}#p{hit['passage']}"
    assert get_json(client, "/api/similar?article=x", status=400)["error"]["status"] == 400


def test_api_unknown_article_is_a_json_404(client):
    error = get_json(client, "/api/articles/nowhere/nothing", status=404)["error"]
    assert "nowhere/nothing" in error["message"]


def test_unknown_api_route_is_a_json_404(client):
    assert get_json(client, "/api/nothing", status=404)["error"]["status"] == 404


def test_openapi_document_describes_the_parameters_the_api_accepts(client):
    doc = get_json(client, "/api/openapi.json")
    assert doc["openapi"].startswith("3.")
    assert {"/api/search", "/api/articles/{id}", "/search.csv", "/healthz"} <= set(doc["paths"])
    params = {p["name"] for p in doc["paths"]["/api/search"]["get"]["parameters"]}
    assert set(FACET_NAMES) <= params
    # Every documented parameter is accepted.
    for name in params - {"page", "per_page", "more", "sort", "match"}:
        get_json(client, f"/api/search?{name}=software")
    get_json(client, "/api/search?q=software&match=any")


def test_csv_export_has_the_current_results(client):
    data = get_json(client, "/api/search?q=software&sort=newest&per_page=25")
    response = client.get("/search.csv?q=software&sort=newest&per_page=25")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    expected = [(h["article"], h["passage"]) for h in data["hits"]]
    assert [(r["article"], int(r["passage"])) for r in rows] == expected
    assert rows[0]["link"].startswith("/articles/")  # relative without a configured PUBLIC_URL
    assert client.get("/api/search.csv?q=software").status_code == 200


def test_csv_allows_larger_pages_than_the_api(client):
    assert client.get("/search.csv?q=software&per_page=500").status_code == 200
    assert client.get("/api/search?q=software&per_page=500").status_code == 400
    assert client.get("/search.csv?q=software&per_page=5000").status_code == 400


def test_healthz_reports_the_index_when_a_searcher_is_open(client):
    data = get_json(client, "/healthz")
    assert data["status"] == "ok"
    assert data["passages"] > 0
    assert "generation" in data


def test_healthz_is_503_without_an_index(tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_api_search_without_an_index_is_a_json_503(tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "none")})
    response = app.test_client().get("/api/search?q=x")
    assert response.status_code == 503 and response.get_json()["error"]["status"] == 503
