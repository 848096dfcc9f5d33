"""Turn a decoded article (plain text, Markdown or HTML) into a flat list of :class:`Block` s.

A block is one line of text or one HTML block element, with the structural signals the splitter scores
questions by: heading level, whole-block bold, ``class="question"``, preformatted, list item, and whether
a blank line (a paragraph boundary) comes before it. Markup is rendered to plain text here so that
:mod:`index.split` never sees ``**`` or ``<p>``.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from index.model import Dropped


@dataclass
class Block:
    """One line (text, Markdown) or block element (HTML) of an article, as plain text plus signals."""

    text: str
    gap: bool = True  # a paragraph boundary (blank line, new HTML block) comes before it
    heading: int = 0  # heading level 1-6, 0 when not a heading
    strong: bool = False  # the whole block is bold / strong
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


def clean_inline(text: str) -> str:
    """Collapse runs of spaces (NBSP and other Unicode spaces included) and drop invisible characters."""
    return _SPACES.sub(" ", _INVISIBLE.sub("", text)).strip()


def build_document(text: str, fmt: str) -> Document:
    """Blocks for ``text`` in format ``fmt`` ("text", "markdown" or "html")."""
    if fmt == "html":
        return _html_document(text)
    if fmt == "markdown":
        return _markdown_document(text)
    return _text_document(text)


# --- plain text -------------------------------------------------------------------------------------------

_BULLET = re.compile(r"^[-*+•·▪◦]\s+")


def _text_document(text: str) -> Document:
    doc = Document()
    gap = True
    for line in text.split("\n"):
        stripped = clean_inline(line)
        if not stripped:
            gap = True
            continue
        doc.blocks.append(Block(stripped, gap=gap, list_item=bool(_BULLET.match(stripped))))
        gap = False
    return doc


# --- Markdown ---------------------------------------------------------------------------------------------

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


def _markdown_document(text: str) -> Document:
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
            and not _BULLET.match(line.strip())
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
            and not _BULLET.match(stripped)
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
        list_item = bool(_BULLET.match(stripped)) or bool(re.match(r"^\d{1,3}[.)]\s", stripped))
        if _BULLET.match(stripped):
            stripped = "- " + _BULLET.sub("", stripped)
        body = render_markdown_inline(stripped)
        if body:
            doc.blocks.append(Block(body, gap=gap, strong=strong, list_item=list_item))
            gap = False
    return doc


# --- HTML -------------------------------------------------------------------------------------------------

_SKIP_TAGS = {"script", "style", "noscript", "template", "svg", "iframe", "button", "select", "textarea"}
_FURNITURE_TAGS = {"nav", "header", "footer", "aside", "form", "menu"}
_BLOCK_TAGS = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "blockquote",
    "pre",
    "td",
    "th",
    "dt",
    "dd",
    "figcaption",
    "section",
    "article",
    "main",
    "tr",
    "table",
    "ul",
    "ol",
    "dl",
    "figure",
    "hr",
    "body",
    "address",
    "center",
}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed", "source", "wbr"}
_STRONG_TAGS = {"strong", "b"}
_QUESTION_CLASSES = {"question", "q", "interviewer", "ask", "asked", "question-text", "interview-question"}
_ANSWER_CLASSES = {"answer", "a", "interviewee", "response", "reply", "answer-text", "interview-answer"}
_FURNITURE_CLASSES = re.compile(
    r"(?:^|[\s_-])(?:nav|navbar|menu|breadcrumbs?|share|sharing|social|related|comments?|"
    r"respond|sidebar|widget|footer|header|newsletter|subscribe|advert|ads?|cookie|popup)(?:$|[\s_-])",
    re.IGNORECASE,
)


class _BlockParser(HTMLParser):
    """Collects text per block element with its signals; skips scripts, styles and page furniture."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = Document()
        self.stack: list[tuple[str, bool, bool, bool]] = []  # (tag, question class, answer class, furniture)
        self.skip_depth = 0
        self.skip_tag = ""
        self.skipped: list[str] = []
        self.furniture_depth = 0
        self.furniture_text: list[str] = []
        self.strong_depth = 0
        self.pre_depth = 0
        self.heading = 0
        self.caption_depth = 0
        self.segments: list[tuple[str, bool]] = []  # (text, inside <strong>/<b>)
        self.links: list[tuple[str, str]] = []
        self.href: str | None = None
        self.href_text: list[str] = []
        self.in_title = False
        self.title: list[str] = []
        self.next_gap = True

    # -- helpers

    def _flush(self, gap_after: bool = True) -> None:
        raw = "".join(text for text, _ in self.segments)
        text = raw.strip("\n") if self.pre_depth else clean_inline(raw.replace("\n", " "))
        if text and not self.pre_depth and not self.heading and self._split_bold_lead():
            return
        if text:
            visible = [t for t, _ in self.segments if t.strip()]
            strong = bool(visible) and all(s for t, s in self.segments if t.strip())
            qclass = any(q for _, q, _, _ in self.stack)
            aclass = any(a for _, _, a, _ in self.stack)
            self.doc.blocks.append(
                Block(
                    text,
                    gap=self.next_gap,
                    heading=self.heading,
                    strong=strong and not self.heading,
                    qclass=qclass,
                    aclass=aclass,
                    code=bool(self.pre_depth),
                    list_item=any(tag == "li" for tag, *_ in self.stack),
                    caption=bool(self.caption_depth),
                    links=list(self.links),
                )
            )
            self.next_gap = gap_after
        self.segments = []
        self.links = []

    def _split_bold_lead(self) -> bool:
        """``<p><strong>Question?</strong> Answer…</p>``: emit the bold question and the rest as two
        blocks. Only when the bold lead ends with "?", so bold words inside a sentence stay put."""
        lead_end = 0
        while lead_end < len(self.segments) and (
            self.segments[lead_end][1] or not self.segments[lead_end][0].strip()
        ):
            lead_end += 1
        lead = clean_inline("".join(t for t, _ in self.segments[:lead_end]).replace("\n", " "))
        rest = clean_inline("".join(t for t, _ in self.segments[lead_end:]).replace("\n", " "))
        if not lead or not rest or not lead.endswith("?"):
            return False
        segments = self.segments
        self.segments = [(lead, True)]
        self._flush(gap_after=False)
        self.segments = [(t, False) for t, _ in segments[lead_end:]]
        self._flush()
        return True

    # -- parser callbacks

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {k: (v or "") for k, v in attrs}
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth += 1
            return
        if tag in _SKIP_TAGS:
            self.skip_depth, self.skip_tag = 1, tag
            return
        if tag == "title":
            self.in_title = True
            return
        if tag == "meta":
            self._meta(attr)
            return
        if tag == "link" and "canonical" in attr.get("rel", "").lower() and attr.get("href"):
            self.doc.meta.setdefault("url", attr["href"])
            return
        if tag == "time" and attr.get("datetime"):
            self.doc.meta.setdefault("date", attr["datetime"])
        classes = set(attr.get("class", "").lower().split())
        furniture = tag in _FURNITURE_TAGS or bool(_FURNITURE_CLASSES.search(attr.get("class", "")))
        furniture = furniture or attr.get("role", "") in (
            "navigation",
            "banner",
            "contentinfo",
            "complementary",
        )
        if tag in _VOID_TAGS:
            if tag == "br":
                self._flush(gap_after=False)
            elif tag == "hr":
                self._flush()
            return
        if tag in _BLOCK_TAGS or furniture:
            self._flush()
        if furniture:
            self.furniture_depth += 1
        self.stack.append(
            (tag, bool(classes & _QUESTION_CLASSES), bool(classes & _ANSWER_CLASSES), furniture)
        )
        if tag in _STRONG_TAGS:
            self.strong_depth += 1
        elif tag == "pre":
            self.pre_depth += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.heading = int(tag[1])
        elif tag == "figcaption":
            self.caption_depth += 1
        elif tag == "a":
            self.href, self.href_text = attr.get("href", ""), []

    def handle_endtag(self, tag: str) -> None:
        if self.skip_depth:
            if tag == self.skip_tag:
                self.skip_depth -= 1
            return
        if tag == "title":
            self.in_title = False
            return
        if not any(t == tag for t, *_ in self.stack):
            return  # a stray end tag
        # Close everything opened after ``tag`` too (browsers do the same for unclosed <p>, <li>…).
        while self.stack:
            open_tag, _, _, furniture = self.stack[-1]
            if open_tag in _BLOCK_TAGS or furniture or open_tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._flush()
            self.stack.pop()
            if furniture:
                self.furniture_depth -= 1
            if open_tag in _STRONG_TAGS:
                self.strong_depth -= 1
            elif open_tag == "pre":
                self.pre_depth -= 1
            elif open_tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.heading = 0
            elif open_tag == "figcaption":
                self.caption_depth -= 1
            elif open_tag == "a" and self.href is not None:
                label = clean_inline("".join(self.href_text))
                if self.href:
                    self.links.append((label, self.href))
                self.href = None
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            if data.strip():
                self.skipped.append(f"<{self.skip_tag}>")
            return
        if self.in_title:
            self.title.append(data)
            return
        if self.href is not None:
            self.href_text.append(data)
        if self.furniture_depth:
            if data.strip():
                self.furniture_text.append(data)
            return
        self.segments.append((data, self.strong_depth > 0))

    def handle_comment(self, data: str) -> None:
        if data.strip():
            self.doc.dropped.append(Dropped(clean_inline(data)[:200], "HTML comment"))

    def _meta(self, attr: dict[str, str]) -> None:
        key = (attr.get("property") or attr.get("name") or "").lower()
        content = clean_inline(attr.get("content", ""))
        if not content:
            return
        wanted = {
            "og:title": "title",
            "og:url": "url",
            "og:description": "summary",
            "description": "summary",
            "article:published_time": "date",
            "date": "date",
            "author": "author",
        }
        if key in wanted:
            self.doc.meta.setdefault(wanted[key], content)

    def close(self) -> None:
        super().close()
        self._flush()
        title = clean_inline("".join(self.title))
        if title:
            self.doc.meta.setdefault("html_title", title)
        for tag in sorted(set(self.skipped)):
            self.doc.dropped.append(Dropped(tag, "script, style or embedded content"))
        furniture = clean_inline(" ".join(self.furniture_text))
        if furniture:
            self.doc.dropped.append(
                Dropped(furniture[:300], "page navigation, header, footer, form or sidebar")
            )


def _without_unclosed_comment(text: str) -> str:
    """``text`` cut at a ``<!--`` that is never closed, which hides the rest of the page in a browser
    too. HTMLParser would rescan to the end from every later ``<!--``: quadratic on a page of them."""
    start = text.find("<!--")
    while start >= 0:
        end = text.find("-->", start + 4)
        if end < 0:
            return text[:start]
        start = text.find("<!--", end + 3)
    return text


def _html_document(text: str) -> Document:
    parser = _BlockParser()
    parser.feed(_without_unclosed_comment(text))
    parser.close()
    return parser.doc
