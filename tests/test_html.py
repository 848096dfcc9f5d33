"""The HTML pages through Flask's test client, over a real index of real articles in a temp folder."""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest

from webui.app import create_app


def html_of(client, url: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def api(client, url: str) -> dict:
    response = client.get(url)
    assert response.status_code == 200, (url, response.get_data(as_text=True))
    return response.get_json()


def text_of(html: str) -> str:
    """The page's text as a reader sees it: tags dropped, entities decoded."""
    return unescape(re.sub(r"<[^>]+>", "", html))


def hrefs(html: str, pattern: str = "") -> list[str]:
    return [unescape(h) for h in re.findall(r'href="([^"]*)"', html) if re.search(pattern, unescape(h))]


def test_search_page_shows_hits_with_question_snippet_and_passage_link(client):
    data = api(client, "/api/search?q=covid")
    assert data["total"] > 0
    html = html_of(client, "/?q=covid")
    assert f"{data['total']:,} passage" in html
    assert re.search(r"\(\d+ ms\)", html), "the time taken is shown"
    first = data["hits"][0]
    assert first["question"] in text_of(html)
    assert re.search(r'class="hit-question"><a [^>]*>[^<]*<mark>', html), "the question shows the match too"
    assert "<mark>" in html.split('class="hits"')[1], "snippets keep their highlights"
    assert f"/articles/{first['article']}?q=covid#p{first['passage']}" in hrefs(html)
    assert first["interviewee"] in text_of(html)


def test_query_box_is_labelled_focused_and_echoes_the_query(client):
    html = html_of(client, "/?q=stop+motion")
    box = re.search(r"<input[^>]*id=\"q\"[^>]*>", html).group(0)
    assert 'value="stop motion"' in box and "autofocus" in box
    assert '<label for="q"' in html
    assert 'role="search"' in html and "<main" in html and 'role="banner"' in html


def test_facet_sidebar_lists_every_facet_with_counts_and_toggle_links(client):
    data = api(client, "/api/search?q=software")
    html = html_of(client, "/?q=software")
    for name, values in data["facets"].items():
        if not values:
            continue
        assert f'id="facet-{name}"' in html, name
        top = values[0]
        checkbox = re.search(rf'<input type="checkbox"[^>]*name="{name}" value="([^"]*)"', html)
        assert unescape(checkbox.group(1)) == top["value"]
        assert f"{top['count']:,}</span>" in html


def test_ticking_a_facet_value_filters_and_pins_it_as_checked_with_a_chip(client):
    data = api(client, "/api/search?q=work")
    value = data["facets"]["publication"][-1]  # the smallest publication, so the filter visibly narrows
    filtered = api(client, f"/api/search?q=work&publication={value['value']}")
    assert filtered["total"] == value["count"]
    assert {hit["publication"] for hit in filtered["hits"]} == {value["value"]}

    html = html_of(client, f"/?q=work&publication={value['value']}")
    sidebar = html.split('id="facet-publication"')[1].split("</fieldset>")[0]
    first_box = re.search(r"<input[^>]*>", sidebar).group(0)
    assert f'value="{value["value"]}"' in first_box, "the selected value is pinned on top"
    assert "checked" in first_box
    chip = re.search(r'<a class="chip" href="([^"]*)"', html)
    assert chip, "the active filter is shown as a removable chip"
    assert parse_qs(urlsplit(unescape(chip.group(1))).query) == {"q": ["work"]}


def test_or_within_a_facet_and_across_facets(client):
    data = api(client, "/api/search?q=work")
    pubs = data["facets"]["publication"]
    assert len(pubs) >= 2, "'work' is said in several publications of the test corpus"
    a, b = pubs[0], pubs[1]
    both = api(client, f"/api/search?q=work&publication={a['value']}&publication={b['value']}")
    assert both["total"] == a["count"] + b["count"], "values of one facet combine with OR"

    cats = api(client, f"/api/search?q=work&publication={a['value']}")["facets"]["category"]
    cat = cats[0]
    across = api(client, f"/api/search?q=work&publication={a['value']}&category={cat['value']}")
    assert across["total"] == cat["count"] <= a["count"], "different facets combine with AND"


def test_sort_newest_orders_hits_by_date(client):
    data = api(client, "/api/search?q=software&sort=newest&per_page=20")
    dates = [hit["date"] for hit in data["hits"] if hit["date"]]
    assert len(dates) > 2 and dates == sorted(dates, reverse=True)
    html = html_of(client, "/?q=software&sort=newest")
    assert re.search(r'<option value="newest"\s+selected', html)


def test_pagination_links_lead_to_the_next_page_of_different_hits(client):
    page1 = api(client, "/api/search?q=software")
    assert page1["total"] > 10, "the test corpus must give several pages"
    html = html_of(client, "/?q=software")
    nxt = re.search(r'<a rel="next" href="([^"]*)"', html).group(1)
    assert parse_qs(urlsplit(unescape(nxt)).query)["page"] == ["2"]
    page2 = api(client, "/api/search?q=software&page=2")
    first = {(h["article"], h["passage"]) for h in page1["hits"]}
    assert first.isdisjoint((h["article"], h["passage"]) for h in page2["hits"])
    html2 = html_of(client, unescape(nxt))
    assert 'aria-current="page" class="current">2<' in html2
    assert '<ol class="hits" start="11">' in html2


def test_did_you_mean_links_to_the_corrected_query(client):
    data = api(client, "/api/search?q=animaton")
    assert data["suggestion"], "the library suggests a correction for a misspelling"
    html = html_of(client, "/?q=animaton")
    link = re.search(r'Did you mean <a href="([^"]*)">', html).group(1)
    assert parse_qs(urlsplit(unescape(link)).query)["q"] == [data["suggestion"]]


def test_the_match_menu_switches_between_all_and_any_of_the_words(client):
    html = html_of(client, "/?q=covid+software")
    assert re.search(r'<option value="most"\s+selected>All words, then most<', html)
    assert 'name="match" value' not in html, "the menu carries the match; no hidden copy"
    html = html_of(client, "/?q=covid+software&match=any")
    assert re.search(r'<option value="any"\s+selected>Any word<', html)
    both = api(client, "/api/search?q=covid+software&match=all")["total"]
    either = api(client, "/api/search?q=covid+software&match=any")["total"]
    assert either > both
    # Links built from the page keep the match.
    nxt = re.search(r'<a rel="next" href="([^"]*)"', html).group(1)
    assert parse_qs(urlsplit(unescape(nxt)).query)["match"] == ["any"]


def test_an_all_words_query_that_finds_nothing_offers_any_of_the_words(client):
    html = html_of(client, "/?q=covid+zzqxjwvk&match=all")
    assert "No passages" in html
    link = hrefs(html, r"match=any")
    assert len(link) == 1
    found = html_of(client, link[0])
    assert "Nothing matched" not in found and 'class="hits"' in found
    assert not hrefs(html_of(client, "/?q=zzqxjwvk"), r"match=any"), "one word: nothing to offer"


def test_no_match_shows_the_empty_state_with_tips(client):
    html = html_of(client, "/?q=zzqxjwvk")
    assert "No passages" in html and "Nothing matched" in html and "/help" in html


def test_blank_page_welcomes_with_tips_and_archive_size(client):
    html = html_of(client, "/")
    assert "Tips" in html and 'class="hits"' not in html
    passages = api(client, "/healthz")["passages"]
    assert f"{passages:,} passages" in html


def test_help_page_documents_the_query_syntax(client):
    html = unescape(html_of(client, "/help"))
    for syntax in ("OR", "NOT", '"text editor"', "question:headphones", "anim*", "animaton~"):
        assert syntax in html, syntax


def test_article_page_has_passage_anchors_highlights_and_more_like_this(client):
    hit = api(client, "/api/search?q=covid")["hits"][0]
    article = api(client, f"/api/articles/{hit['article']}")
    html = html_of(client, f"/articles/{hit['article']}?q=covid")
    for passage in article["passages"]:
        assert f'id="p{passage["number"]}"' in html
    target = html.split(f'id="p{hit["passage"]}"')[1].split("</section>")[0]
    assert re.search(r"<mark>covid", target, re.IGNORECASE), "the searched word is highlighted in the passage"
    assert "More like this" in html
    heading = text_of(re.search(r'<h1 id="article-title">(.*?)</h1>', html, re.S).group(1)).strip()
    assert heading == article["title"], "the page is headed by the interview's title"


def test_article_metadata_links_are_safe_http_links(client):
    article = api(client, "/api/articles/canvasrebel/004_fa6f740934f22d15")
    html = html_of(client, "/articles/canvasrebel/004_fa6f740934f22d15")
    assert article["links"], "the seed has contact links"
    for link in article["links"]:
        assert unescape(link["label"]) in unescape(html)
    for a in re.findall(r"<a [^>]*href=\"https?://[^>]*>", html):
        assert 'rel="nofollow noopener"' in a
    for credit in article["image_credits"]:
        assert credit in unescape(html)


def test_unknown_article_is_a_clear_404_page(client):
    html = html_of(client, "/articles/voyagela/does-not-exist", status=404)
    assert "voyagela/does-not-exist" in html and "Traceback" not in html


def test_stats_page_shows_archive_size_and_largest_facet_values(client):
    health = api(client, "/healthz")
    html = html_of(client, "/stats")
    assert f"{health['passages']:,}" in html
    top = api(client, "/api/search?q=software")["facets"]["publication"][0]["value"]
    assert top in unescape(html)


def test_opensearch_description_points_at_the_search_page(client):
    response = client.get("/opensearch.xml")
    assert response.status_code == 200
    assert response.mimetype == "application/opensearchdescription+xml"
    # No PUBLIC_URL configured here: relative, never the Host header (tests/test_api_contract.py).
    assert 'template="/?q={searchTerms}"' in response.get_data(as_text=True)
    assert 'rel="search"' in html_of(client, "/help")


@pytest.mark.parametrize(
    "url, reason",
    [("/?q=x&page=abc", "page"), ("/?q=x&page=0", "page"), ("/?q=x&sort=sideways", "sort"),
     ("/?q=x&per_page=100000", "per_page"), ("/?q=a&q=b", "q"), ("/?q=x&page=1_0", "page")],
)
def test_bad_parameters_get_a_clear_400_page(client, url, reason):
    html = html_of(client, url, status=400)
    assert reason in html and "Traceback" not in html


def test_a_pasted_paragraph_is_searched_by_its_first_1000_characters_with_a_notice(client):
    html = html_of(client, "/?q=" + "software " * 150)
    assert "Your query was 1,350 characters long; only its first 1,000 were searched." in html
    assert 'class="hits"' in html


def test_help_has_a_limits_anchor_and_states_the_csv_limit_and_the_slash_key(client):
    html = html_of(client, "/help")
    assert 'id="limits"' in html
    assert "all its results up to the first\n    1,000" in html
    assert "types a slash" in html


def test_unknown_parameters_are_ignored_and_named(client):
    html = html_of(client, "/?q=software&utm_source=mail")
    assert "utm_source" in html and 'class="hits"' in html


@pytest.mark.parametrize(
    "url", ["/", "/?q=software", "/help", "/stats", "/articles/voyagela/000_713f14fa217934a6", "/nope"]
)
def test_every_page_has_a_strict_csp_and_no_inline_script_or_style(client, url):
    response = client.get(url)
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "script-src 'self'" in csp and "style-src 'self'" in csp
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html), "no inline <script>"
    assert not re.search(r"<style|\sstyle=", html), "no inline style"
    for src in re.findall(r'(?:src|href)="(https?:)?//', html):
        pytest.fail(f"asset from another origin: {src}")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_echoed_query_is_escaped(client):
    payload = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    response = client.get("/", query_string={"q": payload})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_static_assets_are_served_by_us(client):
    for path in ("/static/style.css", "/static/app.js", "/static/favicon.svg"):
        assert client.get(path).status_code == 200, path


def test_without_an_index_pages_answer_503_and_say_how_to_build_one(tmp_path):
    app = create_app({"TESTING": True, "INDEX_DIR": str(tmp_path / "missing")})
    response = app.test_client().get("/?q=x")
    assert response.status_code == 503
    html = response.get_data(as_text=True)
    assert "interviews build" in html and str(tmp_path / "missing") in html and "Traceback" not in html


def test_show_more_lists_every_value_of_one_facet_and_show_fewer_goes_back(client):
    data = api(client, "/api/search?q=software")
    hidden = data["facets_more"]["interviewee"]
    assert hidden > 0, "'software' has more interviewees than the sidebar lists"
    html = html_of(client, "/?q=software")
    more = re.search(r'<a class="facet-more" href="([^"]*)">Show more interviewee', html).group(1)
    expanded = html_of(client, unescape(more))
    sidebar = expanded.split('id="facet-interviewee"')[1].split("</fieldset>")[0]
    assert sidebar.count('type="checkbox"') == len(data["facets"]["interviewee"]) + hidden
    other = expanded.split('id="facet-category"')[1].split("</fieldset>")[0]
    assert other.count('type="checkbox"') == len(data["facets"]["category"]), "other facets stay short"
    fewer = re.search(r'<a class="facet-more" href="([^"]*)">Show fewer', expanded).group(1)
    assert "more=" not in unescape(fewer)


def test_more_like_this_links_to_passages_of_other_interviews(client):
    article_id = "litang-zone/003_a09c00f12582b7b2"
    html = html_of(client, f"/articles/{article_id}")
    similar = html.split('class="similar"')[1].split("</details>")[0]
    page_url = hrefs(similar, r"^/similar\?")[0]
    assert parse_qs(urlsplit(page_url).query) == {"article": [article_id], "passage": ["0"]}
    page = html_of(client, page_url)
    links = hrefs(page.split('class="hits"')[1], r"^/articles/")
    assert links and all(not link.startswith(f"/articles/{article_id}") for link in links)
    assert all(re.search(r"#p\d+$", link) for link in links)


@pytest.mark.parametrize(
    "query, status",
    [("article=voyagela/000_713f14fa217934a6&passage=x", 400), ("passage=1", 400),
     ("article=voyagela/000_713f14fa217934a6&passage=99", 404), ("article=nowhere/none&passage=1", 404)],
)
def test_more_like_this_page_refuses_bad_passages_clearly(client, query, status):
    html = html_of(client, f"/similar?{query}", status=status)
    assert "passage" in html or "article" in html


def test_passages_with_most_of_the_words_are_listed_apart(client):
    html = html_of(client, "/?q=stop+motion+zzqxjwvk")
    assert "Passages with most of your words" in html and 'class="hits partial"' in html
    data = api(client, "/api/search?q=stop+motion+zzqxjwvk")
    assert data["partial"] == data["total"] > 0 and all(hit["partial"] for hit in data["hits"])
    strict = api(client, "/api/search?q=stop+motion+zzqxjwvk&match=all")
    assert strict["total"] == 0 and strict["partial"] == 0
