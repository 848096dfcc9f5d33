"""The API as an attacker sees it: every parameter the OpenAPI document allows is accepted, everything
else is refused with a JSON 4xx naming the problem (issue 14's list), and no answer grows with the
attacker's request beyond what a normal search returns."""

from __future__ import annotations

import pytest

from webui.app import MAX_HEADER_BYTES, MAX_URL_BYTES


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
