"""Markdown → blocks: headings, whole-line bold, list items, code, reference links and inline markup."""

from __future__ import annotations

import html
import operator
import re

from index.blocks import Block, Document, clean_inline
from index.blocks.markup import strip_markup
from index.blocks.text import BULLET
from index.model import Dropped

_MD_HEADING = re.compile(r"^(#{1,6})(?!#)(.*)$")
_QUOTED_HEADING = re.compile(r"^(#{1,6})[ \t]+(\S.*)$")
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
REFERENCE_LINK_DEFINITION = "reference-link definition"  # the reason such a dropped line carries
_NUMBERED = re.compile(r"^\d{1,3}[.)]\s")
_FIRST_GROUP = operator.itemgetter(1)  # as a ``sub`` replacement: r"\1" without expanding a template
_BULLET_STARTS = frozenset("-*+•·▪◦")  # the characters BULLET opens with


def render_markdown_inline(text: str) -> str:
    """Markdown inline markup as plain text: links and images keep their text, emphasis marks go."""
    if "[" in text:
        text = _inline_links(text)
        text = _MD_IMAGE_REF.sub("", text)
        text = _MD_LINK_REF.sub(_FIRST_GROUP, text)
        text = text.replace("[]", "")
    if "<" in text:
        text = _MD_AUTOLINK.sub(_FIRST_GROUP, text)
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
    """Blocks of a Markdown article; HTML inside it is read as the Markdown it stands for."""
    doc = Document()
    text, dropped = strip_markup(text, "markdown")
    doc.dropped.extend(dropped)
    if "<img" in text:
        text = _images_to_alt_text(text)
    markers = has_block_html(text)
    if markers:
        text = html_to_markdown(text, doc.dropped)
    gap = True
    fence = ""
    quote = False
    lines = text.split("\n")
    underline = -1  # the line under a setext heading, read with it
    in_list = False  # inside a list item: indented paragraphs continue it (CommonMark), not code
    for i, line in enumerate(lines):
        if i == underline:
            continue
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
        if markers and (QUOTE_ON in line or QUOTE_OFF in line):
            quote = (line.rfind(QUOTE_ON) > line.rfind(QUOTE_OFF)) if QUOTE_ON in line else False
            line = line.replace(QUOTE_ON, "").replace(QUOTE_OFF, "")
        match = _MD_FENCE.match(line) if ("```" in line or "~~~" in line) else None
        if match:
            fence = match.group(1)
            gap = True
            continue
        whole = line.strip()
        if not whole:
            gap = True
            continue
        first = whole[0]  # the regular expressions below are tried only where their first character is
        if (
            line.startswith(("    ", "\t"))
            and (gap or (doc.blocks and doc.blocks[-1].code))
            and not (first in _BULLET_STARTS and BULLET.match(whole))
            and not in_list
        ):
            doc.blocks.append(Block(line.rstrip(), gap=gap, code=True))
            gap = False
            continue
        if not line.startswith((" ", "\t")) and gap:
            in_list = False  # a paragraph back at the margin ends the list
        ref = _MD_REF_DEF.match(line) if first == "[" else None
        if ref:
            doc.dropped.append(Dropped(line.strip(), REFERENCE_LINK_DEFINITION))
            gap = True
            continue
        if first in "-*_" and _MD_HR.match(whole):
            gap = True
            continue
        if markers and line.startswith(CAPTION_MARK):
            caption = render_markdown_inline(line[1:])
            if caption:
                doc.blocks.append(Block(caption, gap=True, caption=True))
            gap = True
            continue
        color = ""
        if markers and line.startswith(COLOR_OPEN):
            color, _, line = line[1:].partition(COLOR_CLOSE)
            whole = line.strip()
            first = whole[:1]
        heading = _MD_HEADING.match(line) if line.startswith("#") else None
        if heading:
            level = len(heading.group(1))
            body = render_markdown_inline(heading.group(2).strip().rstrip("#").strip())
            if not body:
                doc.dropped.append(Dropped(line.strip(), "empty heading"))
            else:
                doc.blocks.append(Block(body, gap=True, heading=level))
            gap = True
            continue
        in_quote = quote
        stripped = whole
        if first == ">":
            in_quote = True
            stripped = _MD_BLOCKQUOTE.sub("", whole)
            quoted = _QUOTED_HEADING.match(stripped)
            if quoted:  # "> #### Could you tell us …?": a heading set inside a blockquote
                body = render_markdown_inline(quoted.group(2).strip().rstrip("#").strip())
                if body:
                    doc.blocks.append(Block(body, gap=True, heading=len(quoted.group(1)), quote=True))
                gap = True
                continue
        # A setext heading: a text line underlined with === or ---.
        if (
            i + 1 < len(lines)
            and lines[i + 1].startswith("=")
            and _MD_SETEXT.match(lines[i + 1])
            and gap
            and stripped
            and not BULLET.match(stripped)
        ) and lines[i + 1].strip().startswith("="):
            doc.blocks.append(Block(render_markdown_inline(stripped), gap=True, heading=1))
            underline = i + 1
            gap = True
            continue
        opening = stripped[:1]
        lead = _MD_STRONG_LEAD.match(stripped) if opening in "*_" else None
        if lead and lead.group(2).rstrip().endswith("?"):
            # "**Question?** Answer…" on one line: the bold question and the answer are two blocks.
            doc.blocks.append(Block(render_markdown_inline(lead.group(2)), gap=gap, strong=True))
            doc.blocks.append(Block(render_markdown_inline(lead.group(3)), gap=False))
            gap = False
            continue
        strong = opening in "*_" and bool(_MD_STRONG_WHOLE.match(stripped))
        emphasis = not strong and opening in "*_" and bool(_MD_EM_WHOLE.match(stripped))
        bullet = opening in _BULLET_STARTS and BULLET.match(stripped)
        numbered = _NUMBERED.match(stripped) if opening.isdigit() else None
        list_item = bool(bullet) or bool(numbered)
        if bullet:
            stripped = "- " + stripped[bullet.end() :]
        if list_item:
            in_list = in_list or not line.startswith((" ", "\t"))
            # A whole-bold or whole-italic item ("1. __Tell us about yourself.__", "1. _What is your
            # job?_"), nested items too, is set like a whole-bold or italic paragraph.
            item = stripped[(bullet or numbered).end() :].strip() if (bullet or numbered) else ""
            strong = strong or bool(item[:1] in ("*", "_") and _MD_STRONG_WHOLE.match(item))
            emphasis = emphasis or (not strong and item[:1] in ("*", "_") and bool(_MD_EM_WHOLE.match(item)))
        body = render_markdown_inline(stripped)
        if body:
            block = Block(body, gap=gap, strong=strong, emphasis=emphasis, list_item=list_item)
            block.quote, block.color = in_quote, color
            if not (strong or emphasis) and stripped[:1] in _LEAD_STARTS:
                block.lead = _lead_span(stripped)
            doc.blocks.append(block)
            gap = False
    return doc


# "**Name:** text", "_Blake:_ text", "0:00:13.8 **Adam Garrett-Harris** text": a bold or italic span
# opening the line (after an optional timestamp) with more text after it.
_MD_LEAD = re.compile(
    r"^(?:\\?\[?\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?\\?\]?\s+)?"
    r"(\*\*\*?|___?|\*|_)(?=[^\s*_])([^*_\n]{1,80}?)(?<=\S)\1(?![*_])(.*)$"
)
_LEAD_STARTS = frozenset("*_[\\0123456789")
_MD_EM_WHOLE = re.compile(r"^([*_])(?=[^\s*_])(.+)(?<=[^\s*_])\1$")


def _lead_span(line: str) -> str:
    match = _MD_LEAD.match(line)
    if not match or not render_markdown_inline(match.group(3)):
        return ""
    return render_markdown_inline(match.group(2))


# --- HTML inside Markdown ---------------------------------------------------------------------------------

# Private-use characters mark what HTML said about a line, for the line reader below: a caption line, the
# start and end of a blockquote, and the colour a line is set in (``\ue003blue\ue004text``).
CAPTION_MARK = "\ue000"
QUOTE_ON = "\ue001"
QUOTE_OFF = "\ue002"
COLOR_OPEN = "\ue003"
COLOR_CLOSE = "\ue004"

_TAG = re.compile(
    r"<(/?)([A-Za-z][A-Za-z0-9]{0,15})((?:[^<>\"']|\"[^\"<>]{0,500}\"|'[^'<>]{0,500}'){0,1000})(/?)>"
)
_HTML_IN_MARKDOWN = re.compile(
    r"<(?:p|div|figure|figcaption|blockquote|table|section|article|center|h[1-6]|ul|ol|li|br|span|font|"
    r"strong|b|em|i|iframe|script|style|pre|dl|dt|dd|tr|td)[\s>/]",
    re.IGNORECASE,
)
_SKIP = {
    *("script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea"),
    *("object", "video", "audio", "nav", "aside", "form"),
}
_PARAGRAPH = {
    *("p", "div", "section", "article", "center", "main", "table", "tr", "ul", "ol", "dl", "td", "th"),
    *("dt", "dd", "header", "footer", "address", "body", "html"),
}
_COLOR = re.compile(r"color\s*[:=]\s*[\"']?\s*(#?[\w]{1,20})", re.IGNORECASE)


def has_block_html(text: str) -> bool:
    """True when Markdown ``text`` holds HTML elements that shape paragraphs or formatting."""
    return "<" in text and bool(_HTML_IN_MARKDOWN.search(text))


def html_to_markdown(text: str, dropped: list[Dropped]) -> str:
    """HTML elements inside Markdown turned into the Markdown they stand for, so one reader handles both.

    Paragraph elements become blank lines, ``<strong>``/``<b>`` ``**``, ``<em>``/``<i>`` ``*``, headings
    ``#``, list items ``-``, ``<br>`` a line break; a ``<figure>`` becomes one caption line; scripts, styles,
    embedded frames and page furniture go with their content. Lines inside HTML elements lose their
    indentation (it is layout, not a Markdown code block)."""
    out: list[str] = []
    pos = 0
    depth = 0  # open paragraph-level elements: text inside them is not indented code
    pending = ""  # an opening ** or * waiting for the text it belongs to
    skipped: set[str] = set()
    lower = text.lower()
    for match in _TAG.finditer(text):
        if match.start() < pos:
            continue
        pending = _emit(out, text[pos : match.start()], depth, pending)
        pos = match.end()
        closing, name, attrs = match.group(1) == "/", match.group(2).lower(), match.group(3)
        if name in _SKIP and not closing:
            # Its content goes too, up to the closing tag; an element never closed loses only its tag,
            # not the rest of the article.
            end = _closing(text, lower, name, pos)
            skipped.add(name)
            pos = end if end >= 0 else pos
            out.append("\n\n")
        elif name == "figure" and not closing:
            end = _closing(text, lower, name, pos)
            if end >= 0:
                inner = " ".join(_TAG.sub(" ", text[pos:end]).split())
                out.append(f"\n\n{CAPTION_MARK}{inner}\n\n" if inner else "\n\n")
                pos = end
        elif name == "figcaption":
            out.append(f"\n\n{CAPTION_MARK}" if not closing else "\n\n")
        elif name in _PARAGRAPH:
            depth = max(0, depth + (-1 if closing else 1))
            out.append("\n\n")
        elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            out.append("\n\n" if closing else "\n\n" + "#" * int(name[1]) + " ")
        elif name == "li":
            out.append("\n" if closing else "\n- ")
        elif name == "br":
            out.append("\n")
        elif name == "hr":
            out.append("\n\n***\n\n")
        elif name == "blockquote":
            out.append(f"{QUOTE_OFF}\n\n" if closing else f"\n\n{QUOTE_ON}")
        elif name in ("strong", "b", "em", "i"):
            mark = "**" if name in ("strong", "b") else "*"
            if closing and pending.endswith(mark):
                pending = pending[: -len(mark)]  # an element with no text in it
            elif closing:
                _close_mark(out, mark)
            else:
                pending += mark
        elif name in ("span", "font") and not closing:
            color = _COLOR.search(attrs)
            line_so_far = "".join(out[-3:]).rsplit("\n", 1)[-1]
            if color and not line_so_far.strip():
                out.append(f"{COLOR_OPEN}{color.group(1).lower()}{COLOR_CLOSE}")
    _emit(out, text[pos:], depth, pending)
    for name in sorted(skipped):
        dropped.append(Dropped(f"<{name}>", "script, style or embedded content"))
    return "".join(out)


_INDENT = re.compile(r"\n[ \t]+")


def _closing(text: str, lower: str, name: str, pos: int) -> int:
    """The index just after ``</name…>`` following ``pos`` (within 20,000 characters), or -1."""
    start = lower.find(f"</{name}", pos, pos + 20000)
    if start < 0:
        return -1
    end = text.find(">", start)
    return end + 1 if end >= 0 else -1


def _emit(out: list[str], chunk: str, depth: int, pending: str) -> str:
    """Append a text ``chunk``; an opening mark still ``pending`` goes right before its first visible
    character. Returns the marks still pending (when the chunk was only whitespace)."""
    if not chunk:
        return pending
    if depth:
        chunk = _INDENT.sub("\n", chunk)
        if not out or out[-1].endswith("\n"):
            chunk = chunk.lstrip(" \t")
    stripped = chunk.lstrip()
    if pending and stripped:
        chunk = chunk[: len(chunk) - len(stripped)] + pending + stripped
        pending = ""
    out.append(chunk)
    return pending


def _close_mark(out: list[str], mark: str) -> None:
    """Put a closing ``mark`` right after the last visible character (``<b>Q: </b>`` → ``**Q:** ``)."""
    for i in range(len(out) - 1, -1, -1):
        stripped = out[i].rstrip()
        if stripped:
            out[i] = stripped + mark + out[i][len(stripped) :]
            return
    out.append(mark)
