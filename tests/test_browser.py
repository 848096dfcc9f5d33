"""The search page in a real Chromium against the real server (``interviews serve`` in a subprocess).

Screenshots go to ``test-artifacts/``. Chromium missing: skipped locally, a failure when ``CI`` is set.
"""

from __future__ import annotations

import shutil
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from searchkit import FIXTURE_CORPUS
from webfixtures import LiveServer, axe_violations, build_index, screenshot

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 800}


@pytest.fixture()
def page(browser, live_server):
    context = browser.new_context(viewport=DESKTOP)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.base = live_server.url
    yield page
    context.close()
    assert not errors, f"browser errors: {errors}"


def params(page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def hit_keys(page) -> list[str]:
    return page.locator(".hit-question a").evaluate_all("links => links.map(a => a.getAttribute('href'))")


def test_type_a_query_tick_and_untick_facets_follow_a_hit_and_go_back(page):
    page.goto(page.base + "/")
    assert page.evaluate("document.activeElement.id") == "q", "the query box is focused"
    page.keyboard.type("software")
    page.keyboard.press("Enter")
    page.wait_for_selector(".hit")
    assert params(page)["q"] == ["software"]
    total_text = page.locator("h1.count").inner_text().split(" (")[0]  # without the time taken
    screenshot(page, "search-1280")

    facet = page.locator("#facet-category input[type=checkbox]").first
    value = facet.get_attribute("value")
    count = int(page.locator("#facet-category .facet-count").first.inner_text().replace(",", ""))
    with page.expect_navigation():
        facet.check()
    assert params(page)["category"] == [value]
    assert page.locator("h1.count").inner_text().startswith(f"{count:,} passage")
    assert page.locator(".chip").first.inner_text().startswith("Category:")
    first_box = page.locator("#facet-category input[type=checkbox]").first
    assert first_box.get_attribute("value") == value, "the selected value is pinned on top"
    assert first_box.is_checked()
    screenshot(page, "search-filtered-1280")

    with page.expect_navigation():
        page.locator("#facet-category input[type=checkbox]").first.uncheck()
    assert "category" not in params(page)
    assert page.locator("h1.count").inner_text().split(" (")[0] == total_text

    results_url = page.url
    link = page.locator(".hit-question a").first
    href = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert urlsplit(page.url).path == urlsplit(href).path and "#p" in page.url
    anchor = urlsplit(page.url).fragment
    target = page.locator(f"#{anchor}")
    assert target.is_visible() and target.evaluate("el => el.matches(':target')")
    assert target.locator("mark").count() > 0, "the searched word is highlighted in the passage"
    screenshot(page, "article-1280")

    similar = target.locator("details.similar")
    similar.locator("summary").click()
    similar.locator("ul a").first.wait_for()  # fetched from /api/similar by the script
    assert similar.locator("ul a").count() > 0

    page.go_back()
    assert page.url == results_url
    page.wait_for_selector(".hit")


def test_remove_a_filter_chip_and_change_sort(page):
    page.goto(page.base + "/?q=software")
    value = page.locator("#facet-publication input[type=checkbox]").first.get_attribute("value")
    page.goto(page.base + "/?q=software&publication=" + value)
    with page.expect_navigation():
        page.locator(".chip").first.click()
    assert "publication" not in params(page)
    with page.expect_navigation():
        page.select_option("#sort", "newest")
    assert params(page)["sort"] == ["newest"] and params(page)["q"] == ["software"]
    dates = page.locator(".hit-meta .date").all_inner_texts()
    assert dates == sorted(dates, reverse=True)
    page.fill("#q", "hardware")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert params(page) == {"q": ["hardware"], "sort": ["newest"]}, "a new query keeps the sort"
    assert page.locator(".hit").count() > 0


def test_match_menu_finds_any_of_the_words_and_back(page):
    page.goto(page.base + "/?q=covid+software")
    both = page.locator("#results-heading").inner_text()
    with page.expect_navigation():
        page.select_option("#match", "any")
    assert params(page) == {"q": ["covid software"], "match": ["any"]}
    assert page.locator("#results-heading").inner_text() != both
    with page.expect_navigation():
        page.select_option("#match", "most")
    assert params(page) == {"q": ["covid software"]}, "the default adds nothing to the address"


def test_page_through_results(page):
    page.goto(page.base + "/?q=software")
    first = hit_keys(page)
    page.click("a[rel=next]")
    page.wait_for_url("**page=2**")
    second = hit_keys(page)
    assert second and set(first).isdisjoint(second)
    assert page.locator(".pagination [aria-current=page]").inner_text() == "2"
    page.click("a[rel=prev]")
    page.wait_for_load_state()
    assert hit_keys(page) == first
    page.go_back()
    assert hit_keys(page) == second


def test_keyboard_slash_focuses_search_and_space_ticks_a_facet(page):
    page.goto(page.base + "/?q=software")
    page.locator(".brand").focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    box = page.locator("#facet-category input[type=checkbox]").first
    value = box.get_attribute("value")
    box.focus()
    outline = box.evaluate("el => getComputedStyle(el).outlineStyle")
    assert outline != "none", "keyboard focus is visible"
    with page.expect_navigation():
        page.keyboard.press("Space")
    assert params(page)["category"] == [value]


def test_works_without_javascript(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/?q=software")
    boxes = page.locator("#facet-category input[type=checkbox]")
    value = boxes.first.get_attribute("value")
    boxes.first.check()
    assert "category" not in params(page), "without the script a tick waits for Apply"
    with page.expect_navigation():
        page.click("button.apply")
    assert params(page)["category"] == [value] and params(page)["q"] == ["software"]
    with page.expect_navigation():
        page.select_option("#sort", "interviewee")
        page.click(".sort button")
    assert params(page)["sort"] == ["interviewee"] and params(page)["category"] == [value]
    context.close()


PAGES = [
    "/", "/?q=software", "/?q=software&category=mac", "/articles/canvasrebel/004_fa6f740934f22d15?q=art",
    "/help", "/stats", "/?q=zzqxjwvk", "/nothing-here",
    "/similar?article=litang-zone/003_a09c00f12582b7b2&passage=2",
]


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280", "375"])
@pytest.mark.parametrize("path", PAGES)
def test_no_serious_accessibility_violations_and_no_sideways_scroll(browser, live_server, viewport, path):
    context = browser.new_context(viewport=viewport, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    page.goto(live_server.url + path)
    name = (path.strip("/").replace("/", "_").replace("?", "_").replace("&", "_").replace("=", "-") or "home")
    screenshot(page, f"a11y-{name[:60]}-{viewport['width']}")
    violations = axe_violations(page)
    assert not violations, violations
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"page scrolls sideways by {overflow}px at {viewport['width']}px"
    context.close()


def test_phone_layout_keeps_search_box_and_results_usable(browser, live_server):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/?q=software")
    box = page.locator("#q").bounding_box()
    assert box["width"] >= 200, "the query box stays wide enough to type in"
    assert page.locator(".hit").first.bounding_box()["x"] >= 0
    screenshot(page, "search-375")
    context.close()


def test_a_rebuilt_index_is_picked_up_without_restart(browser, tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(FIXTURE_CORPUS / "voyagela", corpus / "voyagela")
    build_index(corpus, tmp_path / "index")
    server = LiveServer(corpus, tmp_path / "index", workers=2)
    try:
        page = browser.new_page()
        page.goto(server.url + "/?q=stop+motion")
        assert page.locator(".hit").count() == 0
        shutil.copytree(FIXTURE_CORPUS / "litang-zone", corpus / "litang-zone")
        build_index(corpus, tmp_path / "index")
        # Both workers must see it: load the page a few times, each request may land on either.
        for _ in range(4):
            page.goto(server.url + "/?q=stop+motion")
            assert page.locator(".hit").count() > 0
        page.close()
    finally:
        server.stop()


def test_slash_in_the_search_box_types_a_slash_elsewhere_it_selects_the_box(page):
    """Issue 14 asked what `/` does in the box: it types a slash there (AC/DC, 24/7), as /help says."""
    page.goto(page.base + "/?q=software")
    page.locator("#q").click()
    page.keyboard.press("End")
    page.keyboard.type("/x")
    assert page.locator("#q").input_value() == "software/x"
    page.locator(".brand").focus()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "q"
    selected = page.evaluate("(() => { const q = document.getElementById('q');"
                             " return q.value.substring(q.selectionStart, q.selectionEnd); })()")
    assert selected == "software/x", "the shortcut selects the query so typing replaces it"


@pytest.mark.parametrize("query", ["zzzqqqnothing", "software " * 150, "x" * 1200])
def test_long_and_empty_results_pages_use_the_whole_width(page, query):
    """Issue 14: long queries and zero-result pages squeezed the heading into the filters' narrow column."""
    page.goto(page.base + "/?" + urlencode({"q": query}))
    assert page.locator("#results-heading").count() == 1
    main = page.locator("main").evaluate("el => el.getBoundingClientRect().width")
    results = page.locator("section.results").evaluate("el => el.getBoundingClientRect().width")
    has_filters = page.locator("#facets-heading").count() > 0
    assert results > (0.6 if has_filters else 0.9) * main, (results, main, has_filters)
    heading = page.locator("#results-heading")
    assert heading.evaluate("el => el.scrollWidth <= el.clientWidth + 1"), "it wraps, never overflows"
    if len(query) > 1000:
        assert "only its first 1,000 were searched" in page.locator(".notice").first.inner_text()
    screenshot(page, "layout-" + ("long" if len(query) > 100 else "empty"))
