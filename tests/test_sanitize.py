"""The allow-lists every fragment of article text passes through on its way to a page."""

from __future__ import annotations

import pytest

from webui.sanitize import link, safe_url, snippet, text_html


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)", " JavaScript:alert(1)", "java\tscript:alert(1)", "data:text/html,<script>",
     "vbscript:x", "//evil.example/x", "/relative", "https://", "zsong.film", ""],
)
def test_only_absolute_http_urls_are_safe(url):
    assert safe_url(url) is None


def test_http_links_get_nofollow_noopener_and_escaped_labels():
    html = str(link("<b>Site</b>", "https://example.com/a?b=1&c=2"))
    expected = (
        '<a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">&lt;b&gt;Site&lt;/b&gt;</a>'
    )
    assert html == expected
    assert str(link("Web", "javascript:alert(1)")) == "<span>Web: javascript:alert(1)</span>"


def test_snippets_keep_mark_and_escape_every_other_tag():
    html = str(snippet('a <mark>b</mark> <script>x</script> <a href="javascript:y">z</a> <img onerror=q>'))
    assert html.count("<mark>") == 1 and "<script" not in html and "<a " not in html and "<img" not in html
    assert "&lt;script&gt;" in html


def test_article_text_is_escaped_linked_and_marked():
    text = 'See https://example.com/x and javascript:alert(1) <img src=x onerror=alert(2)>\n\nAnimators & amp'
    html = str(text_html(text, "animation amp"))
    assert html.count("<p>") == 2
    assert '<a href="https://example.com/x" rel="nofollow noopener">' in html
    assert 'href="javascript' not in html and "<img" not in html and "&lt;img" in html
    assert "<mark>Animators</mark>" in html, "a word sharing the query word's stem is marked"
    assert "&amp; <mark>amp</mark>" in html, "a term never matches inside an escaped entity"
