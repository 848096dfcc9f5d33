"""Plain text → blocks: one block per line, a blank line marks a paragraph boundary."""

from __future__ import annotations

import re

from index.blocks import Block, Document, clean_inline

BULLET = re.compile(r"^[-*+•·▪◦]\s+")


def text_document(text: str) -> Document:
    doc = Document()
    gap = True
    for line in text.split("\n"):
        stripped = clean_inline(line)
        if not stripped:
            gap = True
            continue
        doc.blocks.append(Block(stripped, gap=gap, list_item=bool(BULLET.match(stripped))))
        gap = False
    return doc
