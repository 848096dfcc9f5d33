"""HTML → blocks: one block per block element, with bold, headings, question/answer classes and the
page's <title> and meta tags; scripts, styles, navigation and page furniture are left out."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import NamedTuple

from index.blocks import Block, Document, clean_inline
from index.model import Dropped

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
_EM_TAGS = {"em", "i", "cite"}
_COLOR = re.compile(r"color\s*[:=]\s*[\"']?\s*(#?\w{1,20})", re.IGNORECASE)


class _Segment(NamedTuple):
    """A run of text inside one block element, with the inline formatting it is set in."""

    text: str
    strong: bool = False
    em: bool = False
    color: str = ""  # innermost colour of an enclosing element (``style="color:…"``, ``<font color>``)


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
        # (tag, question class, answer class, furniture, text colour set by this element or "")
        self.stack: list[tuple[str, bool, bool, bool, str]] = []
        self.skip_depth = 0
        self.skip_tag = ""
        self.skipped: list[str] = []
        self.furniture_depth = 0
        self.furniture_text: list[str] = []
        self.strong_depth = 0
        self.em_depth = 0
        self.pre_depth = 0
        self.heading = 0
        self.caption_depth = 0
        self.segments: list[_Segment] = []
        self.links: list[tuple[str, str]] = []
        self.href: str | None = None
        self.href_text: list[str] = []
        self.in_title = False
        self.title: list[str] = []
        self.next_gap = True

    # -- helpers

    def _flush(self, gap_after: bool = True) -> None:
        raw = "".join(s.text for s in self.segments)
        text = raw.strip("\n") if self.pre_depth else clean_inline(raw.replace("\n", " "))
        if text and not self.pre_depth and not self.heading and self._split_bold_lead():
            return
        if text:
            visible = [s for s in self.segments if s.text.strip()]
            strong = bool(visible) and all(s.strong for s in visible)
            emphasis = bool(visible) and all(s.em for s in visible)
            colors = {s.color for s in visible}
            self.doc.blocks.append(
                Block(
                    text,
                    gap=self.next_gap,
                    heading=self.heading,
                    strong=strong and not self.heading,
                    emphasis=emphasis and not self.heading,
                    color=colors.pop() if len(colors) == 1 else "",
                    quote=any(entry[0] == "blockquote" for entry in self.stack),
                    lead=self._lead(visible) if not (strong or emphasis or self.pre_depth) else "",
                    qclass=any(entry[1] for entry in self.stack),
                    aclass=any(entry[2] for entry in self.stack),
                    code=bool(self.pre_depth),
                    list_item=any(entry[0] == "li" for entry in self.stack),
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
            self.segments[lead_end].strong or not self.segments[lead_end].text.strip()
        ):
            lead_end += 1
        lead = clean_inline("".join(s.text for s in self.segments[:lead_end]).replace("\n", " "))
        rest = clean_inline("".join(s.text for s in self.segments[lead_end:]).replace("\n", " "))
        if not lead or not rest or not lead.endswith("?"):
            return False
        segments = self.segments
        self.segments = [_Segment(lead, True, segments[0].em, segments[0].color)]
        self._flush(gap_after=False)
        self.segments = [s._replace(strong=False) for s in segments[lead_end:]]
        self._flush()
        return True

    @staticmethod
    def _lead(visible: list[_Segment]) -> str:
        """The bold (or italic) span a block opens with, when plain text follows it ("<b>Linus</b>: …")."""
        if not visible or not (visible[0].strong or visible[0].em):
            return ""
        kind = "strong" if visible[0].strong else "em"
        end = 0
        while end < len(visible) and getattr(visible[end], kind):
            end += 1
        if end == len(visible):
            return ""
        lead = clean_inline(" ".join(s.text for s in visible[:end]))
        return lead if len(lead) <= 80 else ""

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
        class_attr = attr.get("class") or attr.get("classname", "")  # JSX writes className
        classes = set(class_attr.lower().split())
        furniture = tag in _FURNITURE_TAGS or bool(_FURNITURE_CLASSES.search(class_attr))
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
        color = _COLOR.search(attr.get("style", "")) or _COLOR.search("color=" + attr.get("color", ""))
        self.stack.append(
            (
                tag,
                bool(classes & _QUESTION_CLASSES),
                bool(classes & _ANSWER_CLASSES),
                furniture,
                color.group(1).lower() if color else "",
            )
        )
        if tag in _STRONG_TAGS:
            self.strong_depth += 1
        elif tag in _EM_TAGS:
            self.em_depth += 1
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
            open_tag, _, _, furniture, _ = self.stack[-1]
            if open_tag in _BLOCK_TAGS or furniture or open_tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self._flush()
            self.stack.pop()
            if furniture:
                self.furniture_depth -= 1
            if open_tag in _STRONG_TAGS:
                self.strong_depth -= 1
            elif open_tag in _EM_TAGS:
                self.em_depth -= 1
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
        color = next((entry[4] for entry in reversed(self.stack) if entry[4]), "")
        self.segments.append(_Segment(data, self.strong_depth > 0, self.em_depth > 0, color))

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
            "og:site_name": "site_name",
            "application-name": "site_name",
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


def html_document(text: str) -> Document:
    """Blocks of an HTML page or fragment. A page whose text is mostly inside ``<pre>`` (plain text put on
    the web as it was) is read as plain text, line by line, rather than as one code block."""
    parser = _BlockParser()
    parser.feed(_without_unclosed_comment(text))
    parser.close()
    doc = parser.doc
    pre = sum(len(b.text) for b in doc.blocks if b.code)
    if pre and pre > 0.5 * sum(len(b.text) for b in doc.blocks):
        from index.blocks.text import text_document

        blocks: list[Block] = []
        for block in doc.blocks:
            blocks.extend(text_document(block.text).blocks if block.code else [block])
        doc.blocks = blocks
    return doc
