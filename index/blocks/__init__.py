"""Turn a decoded article (plain text, Markdown or HTML) into a flat list of :class:`Block` s.

A block is one line of text or one HTML block element, with the structural signals the splitter scores
questions by: heading level, whole-block bold, ``class="question"``, preformatted, list item, and whether
a blank line (a paragraph boundary) comes before it. Markup is rendered to plain text here so that
:mod:`index.split` never sees ``**`` or ``<p>``. One module per format: :mod:`index.blocks.text`,
:mod:`index.blocks.markdown`, :mod:`index.blocks.html`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.model import Dropped


@dataclass
class Block:
    """One line (text, Markdown) or block element (HTML) of an article, as plain text plus signals."""

    text: str
    gap: bool = True  # a paragraph boundary (blank line, new HTML block) comes before it
    heading: int = 0  # heading level 1-6, 0 when not a heading
    strong: bool = False  # the whole block is bold / strong
    emphasis: bool = False  # the whole block is italic / emphasised
    color: str = ""  # the one text colour the whole block is set in (HTML ``color``), "" when none
    quote: bool = False  # inside a blockquote
    lead: str = ""  # a bold or italic span the block opens with, when more text follows ("Kidd:")
    qclass: bool = False  # inside an element whose class marks a question
    aclass: bool = False  # inside an element whose class marks an answer
    code: bool = False  # preformatted / code: never a question, kept verbatim in answers
    list_item: bool = False
    caption: bool = False  # an HTML <figcaption>
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, href) of <a> inside (HTML)


@dataclass
class Document:
    """The blocks of one article plus what the format itself told us (HTML <title>, meta tags)."""

    blocks: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    meta: dict = field(default_factory=dict)  # "title", "url", "date", "summary" from HTML head


_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_SPECIAL = frozenset("\u00a0\u202f\u205f\u3000\u200b\u200c\u200d\u2060\ufeff\u00ad") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)  # the Unicode spaces and invisible characters of the two patterns above


def clean_inline(text: str) -> str:
    """Collapse runs of spaces (NBSP and other Unicode spaces included) and drop invisible characters."""
    if "  " not in text and "\t" not in text and (text.isascii() or _SPECIAL.isdisjoint(text)):
        return text.strip()  # the common case, without a regex
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def build_document(text: str, fmt: str) -> Document:
    """Blocks for ``text`` in format ``fmt`` ("text", "markdown" or "html")."""
    # Imported here: each reader module imports Block and clean_inline from this one.
    from index.blocks.html import html_document
    from index.blocks.markdown import markdown_document
    from index.blocks.text import text_document

    if fmt == "html":
        return html_document(text)
    if fmt == "markdown":
        return markdown_document(text)
    return text_document(text)


__all__ = ["Block", "Document", "build_document", "clean_inline"]
