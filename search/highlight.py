"""Snippets: the part of a passage that best shows why it matched, as safe HTML with ``<mark>`` tags.

The text is run through the same analyser the index used, so a token matches exactly when the index
would have matched it (stemming, accents, apostrophes, hyphenated words). Everything except the
``<mark>`` tags we add is escaped, and the result is passed through bleach allowing only ``mark``.
"""

from __future__ import annotations

import html
import re

import bleach

SNIPPET_CHARS = 240
"""Longest snippet, in characters of source text (ellipses not counted)."""
CONTEXT_CHARS = 60
"""Characters of text kept before the first highlighted word."""


def _matches(text: str, terms: set[str], analyzer) -> list[tuple[int, int, str]]:
    if not terms or not text:
        return []
    found = []
    for token in analyzer(text, chars=True, mode="index"):
        if token.text in terms:
            span = (token.startchar, token.endchar, token.text)
            if not found or found[-1][:2] != span[:2]:
                found.append(span)
    return found


def _snap_start(text: str, start: int) -> int:
    """Move ``start`` forward to the beginning of a word (never past ``CONTEXT_CHARS``)."""
    if start <= 0:
        return 0
    match = re.search(r"\s", text[start:start + CONTEXT_CHARS])
    return start + match.end() if match else start


def _snap_end(text: str, end: int) -> int:
    if end >= len(text):
        return len(text)
    cut = text.rfind(" ", 0, end)
    return cut if cut > end - 40 else end


def mark(text: str, terms: set[str], analyzer, maxchars: int | None = None) -> str:
    """HTML of ``text`` (or of its best ``maxchars`` window) with ``<mark>`` around matched tokens.

    ``terms`` are index terms (analysed forms, e.g. ``"anim"``); ``maxchars=None`` keeps the whole text.
    """
    spans = _matches(text, terms, analyzer)
    start, end = 0, len(text)
    if maxchars is not None and len(text) > maxchars:
        if spans:
            # The window holding the most distinct matched words; the earliest on ties.
            best, best_score = 0, -1
            for i, (s, _e, _t) in enumerate(spans):
                within = {t for (s2, e2, t) in spans[i:] if e2 <= s + maxchars - CONTEXT_CHARS}
                if len(within) > best_score:
                    best, best_score = i, len(within)
            start = _snap_start(text, max(0, spans[best][0] - CONTEXT_CHARS))
        end = _snap_end(text, start + maxchars)
    out = ["…" if start > 0 else ""]
    pos = start
    for s, e, _t in spans:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s], quote=False))
        out.append("<mark>" + html.escape(text[s:e], quote=False) + "</mark>")
        pos = e
    out.append(html.escape(text[pos:end], quote=False))
    if end < len(text):
        out.append("…")
    return bleach.clean("".join(out), tags={"mark"}, attributes={}, strip=True)
