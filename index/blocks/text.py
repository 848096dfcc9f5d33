"""Plain text → blocks: one block per line; a blank line (or a ``{p}`` layout code) starts a paragraph; a
line quoted e-mail style (``> …``) loses its marks and is a quote."""

from __future__ import annotations

import re

from index.blocks import Block, Document, clean_inline
from index.blocks.markup import strip_markup

BULLET = re.compile(r"^[-*+•·▪◦]\s+")
_QUOTE_MARK = re.compile(r"^(?:>[ \t]?)+")


def text_document(text: str) -> Document:
    """Blocks of a plain-text article: one per line; layout codes and template tags are taken out."""
    doc = Document()
    text, doc.dropped = strip_markup(text, "text")
    gap = True
    for line in text.split("\n"):
        stripped = clean_inline(line)
        if not stripped:
            gap = True
            continue
        quoted = _QUOTE_MARK.match(stripped)
        if quoted:  # "> When did you start?": a quoted line, as e-mail interviews quote the questions
            stripped = stripped[quoted.end() :]
            if not stripped:
                continue
        block = Block(stripped, gap=gap, list_item=bool(BULLET.match(stripped)))
        block.quote = bool(quoted)
        doc.blocks.append(block)
        gap = False
    return doc
