"""Plain text → blocks: one block per line; a blank line (or a ``{p}`` layout code) starts a paragraph."""

from __future__ import annotations

import re

from index.blocks import Block, Document, clean_inline
from index.blocks.markup import strip_markup

BULLET = re.compile(r"^[-*+•·▪◦]\s+")


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
        doc.blocks.append(Block(stripped, gap=gap, list_item=bool(BULLET.match(stripped))))
        gap = False
    return doc
