"""Markdown → blocks: headings, whole-line bold, list items, code, reference links and inline markup."""

from __future__ import annotations

import html
import re

from index.blocks import Block, Document, clean_inline
from index.blocks.text import BULLET
from index.model import Dropped

_MD_HEADING = re.compile(r"^(#{1,6})(?!#)(.*)$")
_MD_SETEXT = re.compile(r"^(=+|-+)[ \t]*$")
_MD_REF_DEF = re.compile(r"^ {0,3}\[([^\]\n]{1,300})\]:[ \t]*(\S+)")
_MD_FENCE = re.compile(r"^[ \t]*(```|~~~)")
_MD_IMAGE_REF = re.compile(r"!\[[^\]\n]{0,300}\]\[[^\]\n]{0,300}\]")
_MD_LINK_TEXT = r"\[((?:[^\[\]\n]|\[[^\[\]\n]{0,200}\]){1,500})\]"
_MD_LINK_REF = re.compile(_MD_LINK_TEXT + r"\[[^\]\n]{0,300}\]")
_MD_AUTOLINK = re.compile(r"<((?:https?|mailto):[^>\s]{1,1000})>")
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>\n]{0,500}>")
_MD_STRONG_WHOLE = re.compile(r"^(\*\*\*?|___?)(?=\S)(.+?)(?<=\S)\1[:.]?$")
_MD_STRONG_LEAD = re.compile(r"^(\*\*|__)(?=\S)([^*_\n]{1,400}?)\1\s+(\S.*)$")
_MD_EMPHASIS = re.compile(r"(?<![\w*_])[*_]{1,3}(?=\S)|(?<=\S)[*_]{1,3}(?![\w*_])")
_MD_BLOCKQUOTE = re.compile(r"^(?:>[ \t]?)+")
_MD_HR = re.compile(r"^(?:[-*_][ \t]*){3,}$")


def render_markdown_inline(text: str) -> str:
    """Markdown inline markup as plain text: links and images keep their text, emphasis marks go."""
    if "[" in text:
        text = _inline_links(text)
        text = _MD_IMAGE_REF.sub("", text)
        text = _MD_LINK_REF.sub(r"\1", text)
        text = text.replace("[]", "")
    if "<" in text:
        text = _MD_AUTOLINK.sub(r"\1", text)
        text = _HTML_TAG.sub("", text)
    if "*" in text or "_" in text:
        text = _MD_EMPHASIS.sub("", text)
    if "&" in text:
        text = html.unescape(text)
    text = text.replace("\\", "") if "\\" in text else text
    return clean_inline(text)


_IMG_ALT = re.compile(r"\balt=\"([^\"]*)\"", re.IGNORECASE)


def _images_to_alt_text(text: str) -> str:
    """``<img … alt="words">`` → ``words``: some answers are published as images whose alt text
    carries them. Tags are found with ``str.find`` and bounded to 3,000 characters."""
    out: list[str] = []
    i = 0
    while True:
        start = text.find("<img", i)
        if start < 0:
            break
        end = text.find(">", start, start + 3000)
        if end < 0:
            out.append(text[i : start + 4])
            i = start + 4
            continue
        alt = _IMG_ALT.search(text, start, end)
        out.append(text[i:start])
        out.append(" ".join(alt.group(1).split()) if alt else "")
        i = end + 1
    out.append(text[i:])
    return "".join(out)


_QUOTE_PAIRS = {'"': '"', "“": "”", "'": "'"}


def _inline_links(text: str) -> str:
    """``[text](url "title")`` → ``text`` and ``![alt](src)`` → nothing, scanning by hand rather than
    with one regex: real articles hold unbalanced quotes, spaces and nested brackets in their links, and
    a regex forgiving enough for them backtracks badly on long lines."""
    out: list[str] = []
    i = 0
    while True:
        j = text.find("](", i)
        if j < 0:
            break
        k = _opening_bracket(text, i, j)
        close = _closing_paren(text, j + 2) if k >= 0 else -1
        if close < 0:
            out.append(text[i : j + 2])
            i = j + 2
            continue
        if k > 0 and text[k - 1] == "!":
            out.append(text[i : k - 1])
        else:
            out.append(text[i:k])
            out.append(text[k + 1 : j])
        i = close + 1
    out.append(text[i:])
    return "".join(out)


def _opening_bracket(text: str, lo: int, j: int) -> int:
    """Index of the ``[`` matching the ``]`` at ``j`` (one level of nesting), not before ``lo``; or -1."""
    depth = 0
    for pos in range(j - 1, max(lo, j - 500) - 1, -1):
        ch = text[pos]
        if ch == "]":
            depth += 1
        elif ch == "[":
            if depth == 0:
                return pos
            depth -= 1
        elif ch == "\n":
            return -1
    return -1


_LINK_DEST = re.compile(r" {0,20}[^ )\"“\n]{0,1000} {0,20}")


def _closing_paren(text: str, start: int) -> int:
    """Index of the ``)`` closing a link destination that starts at ``start`` (after ``](``), or -1.

    Every step is bounded (a destination of at most 1,000 characters, a title of at most 500), so a
    line of ten thousand ``[a](`` costs linear time."""
    pos = _LINK_DEST.match(text, start).end()
    if pos < len(text) and text[pos] in _QUOTE_PAIRS:
        end = text.find(_QUOTE_PAIRS[text[pos]], pos + 1, pos + 500)
        if end >= 0 and text.find("\n", pos, end) < 0:
            pos = end + 1
    end = text.find(")", pos, pos + 1000)
    if end < 0 or text.find("\n", pos, end) >= 0:
        return -1
    return end


def markdown_document(text: str) -> Document:
    doc = Document()
    if "<img" in text:
        text = _images_to_alt_text(text)
    gap = True
    fence = ""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if fence:
            if line.strip().startswith(fence):
                fence = ""
                gap = True
            elif line.strip():
                doc.blocks.append(Block(line.rstrip(), gap=gap, code=True))
                gap = False
            else:
                gap = True
            continue
        match = _MD_FENCE.match(line)
        if match:
            fence = match.group(1)
            gap = True
            continue
        if not line.strip():
            gap = True
            continue
        if (
            line.startswith(("    ", "\t"))
            and (gap or (doc.blocks and doc.blocks[-1].code))
            and not BULLET.match(line.strip())
        ):
            doc.blocks.append(Block(line.rstrip(), gap=gap, code=True))
            gap = False
            continue
        ref = _MD_REF_DEF.match(line)
        if ref:
            doc.dropped.append(Dropped(line.strip(), "reference-link definition"))
            gap = True
            continue
        if _MD_HR.match(line.strip()):
            gap = True
            continue
        heading = _MD_HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            body = render_markdown_inline(heading.group(2).strip().rstrip("#").strip())
            if not body:
                doc.dropped.append(Dropped(line.strip(), "empty heading"))
            else:
                doc.blocks.append(Block(body, gap=True, heading=level))
            gap = True
            continue
        stripped = _MD_BLOCKQUOTE.sub("", line.strip())
        # A setext heading: a text line underlined with === or ---.
        if (
            i + 1 < len(lines)
            and _MD_SETEXT.match(lines[i + 1])
            and gap
            and stripped
            and not BULLET.match(stripped)
        ) and lines[i + 1].strip().startswith("="):
            doc.blocks.append(Block(render_markdown_inline(stripped), gap=True, heading=1))
            gap = True
            continue
        lead = _MD_STRONG_LEAD.match(stripped)
        if lead and lead.group(2).rstrip().endswith("?"):
            # "**Question?** Answer…" on one line: the bold question and the answer are two blocks.
            doc.blocks.append(Block(render_markdown_inline(lead.group(2)), gap=gap, strong=True))
            doc.blocks.append(Block(render_markdown_inline(lead.group(3)), gap=False))
            gap = False
            continue
        strong = bool(_MD_STRONG_WHOLE.match(stripped))
        list_item = bool(BULLET.match(stripped)) or bool(re.match(r"^\d{1,3}[.)]\s", stripped))
        if BULLET.match(stripped):
            stripped = "- " + BULLET.sub("", stripped)
        body = render_markdown_inline(stripped)
        if body:
            doc.blocks.append(Block(body, gap=gap, strong=strong, list_item=list_item))
            gap = False
    return doc
