"""Every fragment of article-derived HTML passes through here, through bleach allow-lists.

Article text is untrusted: it came from files anyone may have dropped into the corpus. Templates
autoescape plain strings; the few fragments that must carry markup are built here and nowhere else:

- snippets keep ``<mark>`` and nothing else (every other tag is escaped, so it shows as text);
- article text keeps ``<mark>`` (searched words), ``<p>`` and links, and links only to ``http(s)`` URLs,
  always with ``rel="nofollow noopener"``.
"""

from __future__ import annotations

import html
import re
import threading
from functools import partial
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter
from markupsafe import Markup

SAFE_SCHEMES = frozenset({"http", "https"})
LINK_REL = "nofollow noopener"



def _link_attrs(attrs: dict, new: bool = False) -> dict | None:
    """A linkify callback: drop links that are not http(s), mark the rest nofollow noopener."""
    href = attrs.get((None, "href"), "")
    if safe_url(href) is None:
        return None
    attrs[(None, "rel")] = LINK_REL
    return attrs


_local = threading.local()


def _cleaner(kind: str) -> bleach.Cleaner:
    """This thread's ``"snippet"`` or ``"text"`` cleaner. A bleach Cleaner keeps parser state while it
    cleans, so threads sharing one (gunicorn's gthread workers) corrupted each other's parse: an
    IndexError and a 500 under concurrent load."""
    cleaners = getattr(_local, "cleaners", None)
    if cleaners is None:
        cleaners = _local.cleaners = {
            "snippet": bleach.Cleaner(tags={"mark"}, attributes={}, protocols=set(), strip=False),
            "text": bleach.Cleaner(
                tags={"mark", "p", "a"},
                attributes={"a": ["href", "rel"]},
                protocols=set(SAFE_SCHEMES),
                strip=False,
                filters=[partial(LinkifyFilter, callbacks=[_link_attrs], parse_email=False, skip_tags={"a"})],
            ),
        }
    return cleaners[kind]


def safe_url(url: str) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else None (``javascript:``, ``data:``, …)."""
    url = (url or "").strip()
    # Browsers ignore ASCII control characters and whitespace inside a scheme ("java\tscript:"), so a URL
    # carrying any is refused rather than normalised.
    if not url or any(ord(c) < 33 or c == "\x7f" for c in url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in SAFE_SCHEMES or not parts.netloc:
        return None
    return url


def snippet(fragment: str) -> Markup:
    """A search snippet as safe HTML: ``<mark>`` kept, every other tag escaped so it reads as text."""
    return Markup(_cleaner("snippet").clean(fragment or ""))


def link(label: str, url: str) -> Markup:
    """An ``<a>`` to ``url`` labelled ``label`` when the URL is http(s); otherwise both as plain text."""
    href = safe_url(url)
    text = label or url
    if href is None:
        shown = f"{label}: {url}" if label and url and label != url else text
        return Markup("<span>{}</span>").format(shown)
    return Markup('<a href="{}" rel="{}">{}</a>').format(href, LINK_REL, text)


def query_terms(query: str) -> list[str]:
    """The words of a user query worth highlighting: no operators, field names, negated words or syntax.

    A rough reading on purpose: highlighting a word too many is harmless, and the query parser proper
    lives in the search library.
    """
    terms: list[str] = []
    negated = False
    for token in re.findall(r"-?[\w:'’*~-]+", query or ""):
        if token == "NOT":
            negated = True
            continue
        if negated or token.startswith("-") or token in {"AND", "OR"}:
            negated = False
            continue
        word = token.rsplit(":", 1)[-1].strip("*~-'’")
        word = re.sub(r"~\d*$", "", word)
        if len(word) >= 2 and word.lower() not in terms:
            terms.append(word.lower())
    return terms


_SUFFIXES = ("ations", "ation", "ions", "ion", "ings", "ing", "ers", "er", "ed", "es", "s")


def _crude_stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def _terms_pattern(terms: list[str]) -> re.Pattern | None:
    if not terms:
        return None
    # A prefix match on a crudely stripped word, so "animation" also marks "animated" and "animators"; the
    # index's real stemming is the library's. Longest first so overlapping terms mark the longer word. The
    # lookbehind keeps a term such as "amp" from matching inside an escaped entity ("&amp;").
    stems = sorted({_crude_stem(t) for t in terms}, key=len, reverse=True)
    alternatives = "|".join(re.escape(s) for s in stems)
    return re.compile(rf"(?<![\w&])(?:{alternatives})\w*", re.IGNORECASE)


def text_html(text: str, query: str = "") -> Markup:
    """Plain article text as safe HTML paragraphs, with the query's words in ``<mark>`` and URLs linked.

    Blank lines separate paragraphs. Every character of ``text`` is escaped before any tag is added.
    """
    pattern = _terms_pattern(query_terms(query))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", text or "") if p.strip()]
    pieces = []
    for para in paragraphs:
        escaped = html.escape(para, quote=False)
        if pattern is not None:
            escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
        pieces.append(f"<p>{escaped}</p>")
    return Markup(_cleaner("text").clean("".join(pieces)))


def plain_marked(text: str, query: str = "") -> Markup:
    """A short plain string (a question, a title) escaped, with the query's words in ``<mark>``."""
    pattern = _terms_pattern(query_terms(query))
    escaped = html.escape(text or "", quote=False)
    if pattern is not None:
        escaped = pattern.sub(lambda m: f"<mark>{m.group(0)}</mark>", escaped)
    return Markup(_cleaner("snippet").clean(escaped))
