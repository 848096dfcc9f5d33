"""126 filter-evasion payloads (``fixtures/xss_payloads.txt``, from the OWASP cheat sheet) in every place
a hostile article or visitor can put text: article text, questions, titles, links, front matter,
publication names, facet values and queries. In the real Chromium, against the real server, nothing runs.

"Nothing runs" means: no dialog opens, ``alert``/``confirm``/``prompt`` (replaced before any page
script by ones that set the ``window.__xss`` canary) are never called, no console error (a CSP refusal
would be one), the page does not navigate away, and the DOM holds no ``on*=`` attribute, no
``javascript:`` URL and no embedded object, frame, image or foreign script. Pages are loaded with the
Content-Security-Policy bypassed, so escaping alone must hold; the main pages are loaded with it enforced
too.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from searchkit import FIXTURE_CORPUS
from test_xss import FIND_INTERACTIVE
from webfixtures import LiveServer, build_index

PAYLOADS = [
    line for line in (Path(__file__).parent / "fixtures" / "xss_payloads.txt").read_text("utf-8").splitlines()
    if line.strip() and not line.startswith("#")
]
PER_ARTICLE = 10
CANARY = """
window.__xss = false;
for (const name of ['alert', 'confirm', 'prompt', 'print']) {
  window[name] = function () { window.__xss = name; };
}
"""


def _yaml(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid YAML double-quoted scalar


def hostile_markdown(chunk: list[str], number: int) -> str:
    p = (chunk * 2)[:PER_ARTICLE]
    return f"""---
title: {_yaml(p[0] + f" Payload {number}")}
interviewee: {_yaml(p[1] + " Mallory")}
date: 2021-01-{number % 28 + 1:02d}
url: {_yaml(p[2])}
categories:
- {_yaml(p[3])}
- {_yaml(p[4])}
---

### What about {p[5]} hardware, xsspayload?

I use [a laptop]({p[6]}) and {p[7]} xsspayload every day, and {p[8]} too.

### And which software, {p[9]}?

Mostly xsspayload tools: {p[0]} and {p[1]}.
"""


def hostile_text(chunk: list[str], number: int) -> str:
    return f"""Meet Eve Number{number}: {chunk[0]}

Hi Eve, thanks for joining us. Can you tell us about {chunk[1]} your work?
I make xsspayload things {chunk[2]} every day.

What is next for you?
More xsspayload {chunk[3]} and {chunk[4]}.

Contact Info:
Website: {chunk[5]}
Instagram: {chunk[6]}
"""


@pytest.fixture(scope="module")
def payload_server(tmp_path_factory):
    base = tmp_path_factory.mktemp("xss-payloads")
    corpus = base / "corpus"
    for folder in ("voyagela", "litang-zone"):
        (corpus / folder).mkdir(parents=True)
        for path in (FIXTURE_CORPUS / folder).iterdir():
            (corpus / folder / path.name).write_bytes(path.read_bytes())
    chunks = [PAYLOADS[i:i + PER_ARTICLE] for i in range(0, len(PAYLOADS), PER_ARTICLE)]
    for number, chunk in enumerate(chunks):
        folder = corpus / f"hostile{number % 3}"
        folder.mkdir(exist_ok=True)
        (folder / "publication.yml").write_text(f"name: {_yaml(PAYLOADS[number % len(PAYLOADS)])}\n")
        (folder / f"md{number:02d}.md").write_text(hostile_markdown(chunk, number), encoding="utf-8")
        (folder / f"txt{number:02d}.txt").write_text(hostile_text((chunk * 2)[:7], number), encoding="utf-8")
    build_index(corpus, base / "index")
    server = LiveServer(corpus, base / "index", workers=1)
    yield server, 2 * len(chunks)
    server.stop()


class Tab:
    """One reused page in its own browser context, collecting every sign that something ran."""

    def __init__(self, browser, bypass_csp: bool):
        self.context = browser.new_context(bypass_csp=bypass_csp)
        self.context.add_init_script(CANARY)
        self.page = self.context.new_page()
        self.events: list[str] = []
        self.page.on("dialog", lambda dialog: (self.events.append(f"dialog: {dialog.message}"),
                                               dialog.dismiss()))
        self.page.on("pageerror", lambda exc: self.events.append(f"page error: {exc}"))
        self.page.on("console", lambda msg: msg.type == "error"
                     and self.events.append(f"console error: {msg.text}"))

    def visit(self, url: str, wait_ms: int = 150) -> list[str]:
        """Load ``url`` and return what ran (empty when the page is inert)."""
        self.events.clear()
        self.page.goto(url)
        self.page.wait_for_timeout(wait_ms)  # time for onerror/onload handlers and timers to fire
        if self.page.url != url:
            self.events.append(f"navigated to {self.page.url}")
        canary = self.page.evaluate("window.__xss")
        if canary:
            self.events.append(f"{canary}() was called")
        self.events += [f"interactive markup: {item}" for item in self.page.evaluate(FIND_INTERACTIVE)]
        return [f"{url}: {event}" for event in self.events]


@pytest.fixture(scope="module")
def tabs(browser):
    made = {"no-csp": Tab(browser, bypass_csp=True), "csp": Tab(browser, bypass_csp=False)}
    yield made
    for tab in made.values():
        tab.context.close()


def test_the_payload_list_is_the_public_one_and_has_at_least_100_vectors():
    assert len(PAYLOADS) >= 100
    assert len(set(PAYLOADS)) == len(PAYLOADS)
    assert "<IMG SRC=JaVaScRiPt:alert('XSS')>" in PAYLOADS


def test_hostile_articles_are_indexed_with_their_payloads(payload_server):
    server, articles = payload_server
    data = server.get_json("/api/search?q=xsspayload&per_page=100")
    # Two articles whose text is mostly <HTML>/<XML>/<?…?> payloads read as HTML with no questions left.
    assert len({hit["article"] for hit in data["hits"]}) >= articles - 2, "the hostile articles are indexed"
    stored = [server.get_json(f"/api/articles/{quote(a)}") for a in {hit["article"] for hit in data["hits"]}]
    stored.append(server.get_json("/api/search?q=xsspayload&more=category"))
    text = json.dumps(stored, ensure_ascii=False)
    verbatim = [p for p in PAYLOADS if json.dumps(p, ensure_ascii=False)[1:-1] in text]
    # Front matter keeps payloads verbatim; in article text the splitter already drops markup.
    assert len(verbatim) >= 50, f"only {len(verbatim)} payloads reached the index verbatim"


def test_results_facets_and_stats_pages_run_no_payload(payload_server, tabs):
    server, _ = payload_server
    urls = [f"/?{urlencode({'q': 'xsspayload', 'per_page': 100})}"]
    urls += [f"/?{urlencode({'q': 'xsspayload', 'more': facet})}"
             for facet in ("category", "interviewee", "publication")]
    urls += ["/stats", "/?" + urlencode({"q": "xsspayload", "sort": "interviewee", "per_page": 100})]
    facets = server.get_json("/api/search?q=xsspayload&more=category")["facets"]
    urls += ["/?" + urlencode({"q": "xsspayload", "category": v["value"]}) for v in facets["category"][:20]]
    problems = []
    for name, tab in tabs.items():
        for url in urls:
            problems += [f"[{name}] {p}" for p in tab.visit(server.url + url)]
    assert problems == [], problems[:10]


def test_hostile_article_pages_run_no_payload(payload_server, tabs):
    server, _ = payload_server
    hits = server.get_json("/api/search?q=xsspayload&per_page=100")["hits"]
    problems = []
    for article in sorted({hit["article"] for hit in hits}):
        url = f"{server.url}/articles/{quote(article)}?q=xsspayload"
        for name, tab in tabs.items():
            problems += [f"[{name}] {p}" for p in tab.visit(url)]
    assert problems == [], problems[:10]


def test_every_payload_as_a_query_is_echoed_inert(payload_server, tabs):
    server, _ = payload_server
    problems = []
    for number, payload in enumerate(PAYLOADS):
        # Each payload as the query; every fifth also as a selected facet value (shown as a chip).
        for params in ({"q": payload}, {"q": "xsspayload", "topic": payload})[: 2 if number % 5 == 0 else 1]:
            problems += tabs["no-csp"].visit(f"{server.url}/?{urlencode(params)}", wait_ms=50)
    assert problems == [], problems[:10]


def test_the_detector_sees_a_payload_that_does_run(tabs):
    """The checks above can fail: an unescaped payload on a page of our own making is caught."""
    html = "<p>hi</p><img src=x onerror=alert(1)><a href='javascript:alert(2)'>x</a>"
    problems = tabs["no-csp"].visit("data:text/html," + quote(html))
    assert any("alert() was called" in p for p in problems)
    assert any("IMG onerror" in p for p in problems) and any("A href" in p for p in problems)
