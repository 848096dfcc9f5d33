"""The API as an attacker sees it (issue 14's list): every parameter the OpenAPI document allows is
accepted, everything else is refused with a JSON 4xx naming the problem, links never come from the Host
header, and no answer is blown up by what the request carries. schemathesis checks the document against
the server, bounded to a few examples per operation."""

from __future__ import annotations

import csv
import io
import json

import pytest

from webui.app import create_app
from webui.urls import MAX_CSV_ROWS, MAX_HEADER_BYTES, MAX_URL_BYTES

EVIL_HOST = "evil.example"


def error_of(response, status: int) -> str:
    assert response.status_code == status, (response.status_code, response.get_data(as_text=True)[:300])
    assert response.mimetype == "application/json"
    return response.get_json()["error"]["message"]


def test_an_over_long_url_is_414_and_over_long_headers_431(client):
    message = error_of(client.get("/api/search?q=" + "a" * MAX_URL_BYTES), 414)
    assert f"{MAX_URL_BYTES:,}" in message
    message = error_of(client.get("/api/search?q=a", headers={"X-Big": "b" * MAX_HEADER_BYTES}), 431)
    assert f"{MAX_HEADER_BYTES:,}" in message
    assert client.get("/api/search?q=" + "a" * 900).status_code == 200


@pytest.mark.parametrize("path", ["/api/search", "/search.csv", "/", "/api/similar"])
def test_other_methods_get_405_with_allow(client, path):
    response = client.post(path)
    assert response.status_code == 405
    assert set(response.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD"}


@pytest.mark.parametrize("value", ["1_0", "１０", "١٠", "%2B2", "-1", "2.0", "%20", "0x1"])
@pytest.mark.parametrize("name", ["page", "per_page"])
def test_numbers_are_ascii_digits_only(client, name, value):
    message = error_of(client.get(f"/api/search?q=software&{name}={value}"), 400)
    assert name in message
    assert client.get(f"/?q=software&{name}={value}").status_code == 400


@pytest.mark.parametrize("name", ["match", "sort", "more"])
def test_the_api_refuses_an_empty_choice_the_page_takes_it_as_the_default(client, name):
    assert "is empty" in error_of(client.get(f"/api/search?q=software&{name}="), 400)
    assert client.get(f"/?q=software&{name}=").status_code == 200


def test_similar_refuses_a_bad_limit_and_answers_404_for_an_unknown_article_or_passage(client):
    hit = client.get("/api/search?q=software&per_page=1").get_json()["hits"][0]
    base = f"/api/similar?article={hit['article']}&passage={hit['passage']}"
    assert len(client.get(base + "&limit=2").get_json()["hits"]) <= 2
    for bad in ("abc", "0", "11", "1_0", "-3"):
        assert "limit" in error_of(client.get(base + f"&limit={bad}"), 400)
    error_of(client.get("/api/similar?article=no/such/article&passage=1"), 404)
    error_of(client.get(f"/api/similar?article={hit['article']}&passage=9999"), 404)
    assert client.get("/similar?article=no/such/article&passage=1").status_code == 404


def test_csv_takes_every_result_up_to_its_limit_and_no_more(client):
    total = client.get("/api/search").get_json()["total"]
    assert 100 < total <= MAX_CSV_ROWS, "the test corpus needs more than one engine page of results"
    rows = list(csv.reader(io.StringIO(client.get("/search.csv").get_data(as_text=True))))
    assert len(rows) - 1 == total
    assert len({(r[0], r[1]) for r in rows[1:]}) == total, "no row twice"
    page2 = list(csv.reader(io.StringIO(
        client.get("/search.csv?per_page=40&page=2").get_data(as_text=True))))
    assert [r[:2] for r in page2[1:]] == [r[:2] for r in rows[41:81]]
    too_many = client.get(f"/search.csv?q=software&per_page={MAX_CSV_ROWS + 1}")
    assert str(MAX_CSV_ROWS) in error_of(too_many, 400)
    page = client.get("/?q=software").get_data(as_text=True)
    assert f'href="/search.csv?q=software&amp;per_page={MAX_CSV_ROWS}"' in page


def test_no_link_is_built_from_the_host_header(client):
    for path in ("/opensearch.xml", "/search.csv?q=software&per_page=3", "/api/openapi.json",
                 "/?q=software", "/api/search?q=software", "/articles/voyagela/000_713f14fa217934a6"):
        body = client.get(path, headers={"Host": EVIL_HOST}).get_data(as_text=True)
        assert EVIL_HOST not in body, path


def test_links_use_the_configured_public_url(web_site):
    app = create_app({"TESTING": True, "INDEX_DIR": str(web_site["index"]),
                      "PUBLIC_URL": "https://search.example.org/"})
    client = app.test_client()
    description = client.get("/opensearch.xml", headers={"Host": EVIL_HOST}).get_data(as_text=True)
    assert 'template="https://search.example.org/?q={searchTerms}"' in description
    one = client.get("/search.csv?q=software&per_page=1").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(one)))
    assert rows[1][rows[0].index("link")].startswith("https://search.example.org/articles/")
    assert client.get("/api/openapi.json").get_json()["servers"] == [{"url": "https://search.example.org/"}]


@pytest.mark.parametrize("query", ["😀" * 50, "\x01\x02\x03", "\x00", "!!! ???", "\u200b\u200b"])
def test_a_query_without_letters_or_digits_matches_nothing(client, query):
    data = client.get("/api/search", query_string={"q": query}).get_json()
    assert data["total"] == 0 and data["hits"] == []
    assert any("no letters or digits" in w for w in data["warnings"])
    assert client.get("/api/search?q=").get_json()["total"] > 0, "a blank query still browses everything"


def test_emoji_cost_the_answer_no_more_than_the_same_bytes_of_letters(client):
    """A 1 KB query of emoji once returned 301 KB (every passage matched; the query repeated, escaped,
    in every facet toggle URL). Now such a query finds nothing, and a query mixing emoji with a word costs
    at most the percent-encoding's 3x of what the same number of UTF-8 bytes of letters costs."""
    emoji = client.get("/api/search", query_string={"q": "😀" * 250})
    assert len(emoji.get_data()) < 6_000, "the query itself is echoed, and nothing else grows with it"
    mixed = client.get("/api/search", query_string={"q": "software " + "😀" * 240, "match": "any"})
    letters = client.get("/api/search", query_string={"q": "software " + "x" * 960, "match": "any"})
    assert json.loads(mixed.get_data())["total"] == json.loads(letters.get_data())["total"] > 0
    # Each toggle URL carries the query percent-encoded: 3 characters per UTF-8 byte at most.
    assert len(mixed.get_data()) <= 3.5 * len(letters.get_data())


# --- the OpenAPI document against the server (schemathesis) ----------------------------------------------

EXAMPLES = 25
"""Cases per operation and mode: bounded, so the check stays a few seconds of `make test`."""


def _checker(strategy, excluded: list):
    from hypothesis import HealthCheck, given, settings

    @given(case=strategy)
    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(excluded_checks=excluded)

    return check


def test_the_openapi_document_matches_what_the_server_accepts(app):
    """Every operation of /api/openapi.json, with valid (positive) and invalid (negative) parameters
    generated from it: never a 500, every status, content type and body as documented, and valid input
    accepted (schemathesis' default checks)."""
    import schemathesis
    from hypothesis.errors import Unsatisfiable
    from schemathesis.checks import negative_data_rejection

    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    # Left out for invalid cases: whether each one is refused. Refusals are tested one by one above;
    # schemathesis once counted a q of 4-byte characters as over maxLength where the server did not
    # (left for issue 14's follow-up), and a flaky check would fail everyone's `make test`.
    excluded = {schemathesis.GenerationMode.POSITIVE: [],
                schemathesis.GenerationMode.NEGATIVE: [negative_data_rejection]}
    checked = []
    for result in schema.get_all_operations():
        operation = result.ok()
        for mode in schemathesis.GenerationMode:
            check = _checker(operation.as_strategy(generation_mode=mode), excluded[mode])

            try:
                check()
            except Unsatisfiable:  # nothing invalid can be written for it (a free-form string path)
                assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
                continue
            checked.append((operation.label, mode.value))
    assert len({label for label, _ in checked}) == 5 and len(checked) >= 8, checked
