"""Hostile articles and queries run nothing in a real browser and render as text.

The corpus (``webfixtures.xss_site``) holds articles whose text, title, links, front matter and
publication name carry ``<script>``, ``onerror=`` and ``javascript:`` payloads. Pages are loaded with the
Content-Security-Policy both enforced and bypassed: with it bypassed, only escaping stands between a
payload and execution, so a pass shows the escaping holds on its own.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

QUERY_PAYLOADS = [
    "<script>alert('q1')</script>",
    '"><img src=x onerror=alert("q2")>',
    "javascript:alert('q3')",
    "'><svg/onload=alert('q4')>",
    '</title><script>alert("q5")</script>',
]

FIND_INTERACTIVE = """() => {
  const bad = [];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase(), value = attr.value.trim().toLowerCase();
      if (name.startsWith('on')) bad.push(el.tagName + ' ' + name);
      const url = value.replace(/[\\s\\x00-\\x1f]/g, '');
      if (['href', 'src', 'action', 'formaction', 'data', 'xlink:href'].includes(name)
          && url.startsWith('javascript:')) bad.push(el.tagName + ' ' + name);
    }
    const tag = el.tagName.toUpperCase();
    if (['IFRAME', 'OBJECT', 'EMBED', 'SVG', 'IMG', 'BASE'].includes(tag)) bad.push(tag);
  }
  for (const s of document.scripts) {
    if (!s.src || new URL(s.src).origin !== location.origin) bad.push('script ' + (s.src || 'inline'));
  }
  return bad;
}"""


@pytest.fixture(params=[False, True], ids=["csp", "no-csp"])
def hostile_page(request, browser, xss_server):
    context = browser.new_context(bypass_csp=request.param)
    page = context.new_page()
    events: list[str] = []
    page.on("dialog", lambda dialog: (events.append(f"dialog: {dialog.message}"), dialog.dismiss()))
    page.on("pageerror", lambda exc: events.append(f"page error: {exc}"))
    page.on("console", lambda msg: msg.type == "error" and events.append(f"console error: {msg.text}"))
    page.events = events
    page.base = xss_server.url
    yield page
    context.close()


def check_inert(page) -> None:
    page.wait_for_timeout(300)  # give a payload's timers and onload handlers a chance to fire
    assert page.events == [], page.events
    assert page.evaluate(FIND_INTERACTIVE) == []


def heading(article: dict) -> str:
    """What the article page's h1 says: the title, else who was interviewed, else the id."""
    if article["title"]:
        return article["title"]
    if article["interviewees"]:
        return "Interview with " + ", ".join(article["interviewees"])
    return article["id"]


def hostile_ids(xss_server) -> list[str]:
    hits = xss_server.get_json("/api/search?q=xsspayload&per_page=50")["hits"]
    ids = sorted({hit["article"] for hit in hits})
    assert ids, "the hostile articles are indexed and found"
    return ids


def test_hostile_articles_in_results_run_nothing(hostile_page, xss_server):
    hostile_ids(xss_server)
    hostile_page.goto(hostile_page.base + "/?q=xsspayload")
    assert hostile_page.locator(".hit").count() > 0
    check_inert(hostile_page)
    # The facet sidebar shows the hostile publication name and interviewee as text.
    sidebar = hostile_page.locator(".facets").inner_text()
    data = xss_server.get_json("/api/search?q=xsspayload")
    for value in data["facets"]["publication"]:
        assert value["value"] in sidebar
    publication = data["facets"]["publication"][0]["value"]
    hostile_page.goto(hostile_page.base + "/?q=xsspayload&publication=" + quote(publication))
    check_inert(hostile_page)


def test_hostile_article_pages_run_nothing_and_show_payloads_as_text(hostile_page, xss_server):
    for article_id in hostile_ids(xss_server):
        article = xss_server.get_json(f"/api/articles/{article_id}")
        hostile_page.goto(hostile_page.base + f"/articles/{article_id}?q=xsspayload")
        check_inert(hostile_page)
        title = " ".join(heading(article).split())
        assert " ".join(hostile_page.locator("h1").inner_text().split()) == title
        body = hostile_page.locator("main").inner_text()
        for passage in article["passages"]:
            assert " ".join(passage["question"].split())[:60] in " ".join(body.split())
        for link in article["links"]:
            assert link["url"] in body or hostile_page.locator(f'a[href="{link["url"]}"]').count() == 1
        for summary in hostile_page.locator("details.similar summary").all():
            summary.click()  # the script fetches /api/similar and builds the list
        check_inert(hostile_page)
        for passage in article["passages"]:
            similar = f"/similar?article={quote(article_id)}&passage={passage['number']}"
            hostile_page.goto(hostile_page.base + similar)
            check_inert(hostile_page)


def test_the_markdown_payload_title_is_shown_as_text(hostile_page, xss_server):
    ids = [i for i in hostile_ids(xss_server) if i.endswith("mallory")]
    assert ids, "the Markdown article is indexed"
    article = xss_server.get_json(f"/api/articles/{ids[0]}")
    assert "<script>" in article["title"], "front matter titles are kept verbatim by the reader"
    hostile_page.goto(hostile_page.base + f"/articles/{ids[0]}")
    check_inert(hostile_page)
    assert "<script>" in hostile_page.locator("h1").inner_text()


@pytest.mark.parametrize("payload", QUERY_PAYLOADS)
def test_hostile_queries_are_echoed_as_text(hostile_page, payload):
    hostile_page.goto(hostile_page.base + "/?q=" + quote(payload))
    check_inert(hostile_page)
    assert payload in hostile_page.locator("h1.count").inner_text()
    assert hostile_page.locator("#q").input_value() == payload
    hostile_page.goto(hostile_page.base + "/articles/voyagela/000_713f14fa217934a6?q=" + quote(payload))
    check_inert(hostile_page)


def test_stats_page_with_hostile_facet_values_runs_nothing(hostile_page):
    hostile_page.goto(hostile_page.base + "/stats")
    check_inert(hostile_page)
