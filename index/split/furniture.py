"""Set site furniture aside before questions are looked for, each piece with its reason.

Navigation, share buttons, comment forms, related-story lists, photo captions (→ ``captions``), the
image-credit block (→ ``image_credits``), the contact block (→ ``links``) and lead-in formulas that name
the interviewee (→ ``interviewees``). The patterns live in ``index/data/boilerplate.yml``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.blocks import Block
from index.model import Dropped, Link
from index.split.attribution import meta_fields, publication_word
from index.split.patterns import Patterns, match_key, nav_key
from index.split.text import clean_name, name_like, person_name

_BOILERPLATE_MAX_CHARS = 500  # longer blocks are content, never furniture
_RELATED = "related-stories list"
_META_REACH = 12  # "Key: value" lines and bylines are looked for among the first this many content blocks


@dataclass
class State:
    """What the furniture pass collected, besides the content blocks."""

    content: list[Block] = field(default_factory=list)
    dropped: list[Dropped] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    captions: list[str] = field(default_factory=list)
    lead_in_names: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, tuple[str, str]] = field(default_factory=dict)  # field → (value, the line it came from)
    related: bool = False  # a list of the site's own related articles was set aside


def set_aside_furniture(blocks: list[Block], state: State, pats: Patterns, html: bool = False) -> None:
    """Move every non-content block to dropped / captions / credits / links; keep the rest in order.

    In ``html`` every element is its own paragraph, so a blank line cannot end an image-credit block;
    the first line that is not a name does."""
    mode = ""  # "contact" | "credits" while inside such a block
    mode_found = 0
    mode_header = ""
    removed_before = False
    for block in blocks:
        text = block.text
        key = match_key(text)
        short = len(text) <= _BOILERPLATE_MAX_CHARS and not block.code
        if mode == "contact":
            link = _contact_link(block, pats, in_block=True)
            if link is not None:
                if link.url:
                    state.links.append(link)
                else:
                    state.warnings.append(f"contact line without a usable URL: {text}")
                    state.dropped.append(Dropped(text, "contact line without a usable URL"))
                mode_found += 1
                removed_before = True
                continue
            mode = _end_mode(mode, mode_found, mode_header, state)
        elif mode == "credits":
            if (
                short
                and name_like(text)
                and not _furniture_reason(key, pats)
                and not block.heading
                and not (block.gap and mode_found and not html and not _html_like(block))
            ):
                state.credits.append(text.strip(" ,;"))
                mode_found += 1
                removed_before = True
                continue
            mode = _end_mode(mode, mode_found, mode_header, state)
        elif mode == "related":
            if short and block.list_item and not block.heading:
                state.dropped.append(Dropped(text, _RELATED))
                removed_before = True
                continue
            mode = ""
        if short:
            if any(p.match(key) for p in pats.contact_headers):
                mode, mode_found, mode_header = "contact", 0, text
                removed_before = True
                continue
            if any(p.match(key) for p in pats.related_headers):
                mode, state.related = "related", True
                state.dropped.append(Dropped(text, _RELATED))
                removed_before = True
                continue
            inline_credit = _inline_credits(key, pats)
            if inline_credit is not None:
                if inline_credit:
                    state.credits.extend(inline_credit)
                    state.dropped.append(Dropped(text, "image credits (kept as metadata)"))
                else:
                    mode, mode_found, mode_header = "credits", 0, text
                removed_before = True
                continue
            link = _contact_link(block, pats, in_block=False)
            if link is not None and link.url:
                state.links.append(link)
                removed_before = True
                continue
            if block.caption or (len(text) <= 250 and any(p.match(key) for p in pats.captions)):
                state.captions.append(text)
                holder = _caption_holder(text)
                if holder:
                    state.credits.append(holder)
                removed_before = True
                continue
            reason = _furniture_reason(key, pats)
            if reason:
                state.dropped.append(Dropped(text, reason[0]))
                state.related = state.related or reason[0] == _RELATED
                if reason[1]:
                    holder = _courtesy_holder(text)
                    if holder:
                        state.credits.append(holder)
                removed_before = True
                continue
            # A line right after removed text starts afresh: "Date: …" then "Publication: …" on the next line.
            if len(state.content) < _META_REACH and (block.gap or removed_before or not state.content):
                fields = meta_fields(text)
                if block.heading:  # a heading may be a byline ("By Rawya"), never "Key: value" metadata
                    fields = {k: v for k, v in fields.items() if k == "byline"}
                if fields:
                    for name, value in fields.items():
                        state.meta.setdefault(name, (value, text))
                    state.dropped.append(Dropped(text, "byline or metadata line"))
                    removed_before = True
                    continue
            name = _lead_in_name(key, pats)
            if name and _publication_like(name):
                # "Interview with CanvasRebel" on the interviewee's own page names the publication.
                state.meta.setdefault("publication", (name, text))
                name = ""
            if name:
                state.lead_in_names.append(name)
                headline = not state.content and (block.heading == 1 or not text.endswith((".", "!")))
                if not headline:  # "Meet Zoe Park" at the top is the title as well; keep it for that
                    state.dropped.append(Dropped(text, "lead-in formula naming the interviewee"))
                    removed_before = True
                    continue
        if removed_before and not block.gap:
            block.gap = True  # what was before it is gone: it now starts a paragraph
        removed_before = False
        state.content.append(block)
    _end_mode(mode, mode_found, mode_header, state)


def _end_mode(mode: str, found: int, header: str, state: State) -> str:
    if mode and not found:
        what = "contact block" if mode == "contact" else "image-credit block"
        state.dropped.append(Dropped(header, f"empty {what}"))
    elif mode:
        state.dropped.append(
            Dropped(header, f"{'contact' if mode == 'contact' else 'image-credit'} block header")
        )
    return ""


def _html_like(block: Block) -> bool:
    return bool(block.links) or block.list_item


def _furniture_reason(key: str, pats: Patterns) -> tuple[str, bool] | None:
    """(reason, is a credit line) when ``block`` is site furniture, else None."""
    if any(p.search(key) for p in pats.lines_any):  # most lines are no furniture: one search says so
        for pattern, reason, credit in pats.lines:
            if pattern.search(key):
                return reason, credit
    if len(key) <= 60 and nav_key(key) in pats.navigation:
        return "site navigation or share button", False
    return None


def _lead_in_name(key: str, pats: Patterns) -> str:
    if len(key) > 300:
        return ""
    for pattern in pats.lead_ins:
        match = pattern.match(key)
        if match:
            name = _without_appositive(clean_name(match.group("name")))
            if name and person_name(name):
                return name
    return ""


_CAMEL_CASE = re.compile(r"^[A-Z][a-z]{2,}(?:[A-Z][a-z]+|[A-Z]{2,})+$")


def _publication_like(name: str) -> bool:
    """A lead-in "name" that is a publication, not a person: one word in camel case ("CanvasRebel",
    "VoyageLA"; a short first part as in "McDonald" or "LeBron" is a name) or a name with a publication
    word ("Tideline Magazine")."""
    return bool(_CAMEL_CASE.match(name)) or publication_word(name)


def _without_appositive(name: str) -> str:
    """A name without what a comma adds about the person ("Doeke Wartena, 2019 Fellow", "Isaac Schlueter,
    CEO of npm", "Ana Lima, Photographer"); a list of names ("Ida Brandt, Tom Weller") stays whole."""
    first, sep, rest = name.partition(",")
    if not sep:
        return name
    others = [p.strip() for p in re.split(r",|&|\band\b", rest) if p.strip()]
    names = all(len(p.split()) >= 2 and person_name(p) and not re.search(r"\d", p) for p in others)
    return name if names else first.strip()


_NAME_LIST = re.compile(r",|;|&| and ")


def _inline_credits(key: str, pats: Patterns) -> list[str] | None:
    """None when ``key`` is not a credit header; [] for a bare header; names for "Image Credits: A, B"."""
    head, sep, rest = key.partition(":")
    candidate = head if sep else key
    if not any(p.match(candidate.strip()) for p in pats.credit_headers):
        return None
    if not rest.strip():
        return []
    return [clean_name(n) for n in _NAME_LIST.split(rest) if clean_name(n)]


def _caption_holder(text: str) -> str:
    """The © holder of a caption ("Sister – ©Siqi Song – 03" → "Siqi Song"), or ""."""
    _, sep, after = text.partition("©")
    if not sep:
        return ""
    holder = re.split(r"\s[–—|-]\s|\s\d{1,4}$", after.strip(), maxsplit=1)[0]
    holder = re.sub(r"^(?:\d{4}\s+)", "", holder.strip())
    holder = clean_name(holder)
    return holder if holder and len(holder) <= 60 else ""


def _courtesy_holder(text: str) -> str:
    match = re.search(r"\b(?:of|by|to)\s+(.{2,80})$", text.strip(), re.IGNORECASE)
    return clean_name(match.group(1)) if match else ""


_URL = re.compile(r"https?://[^\s<>\"')\]]+", re.IGNORECASE)


_DOMAIN = re.compile(
    r"\b(?:www\.)?[a-z0-9][a-z0-9-]{0,62}(?:\.[a-z0-9-]{1,63}){1,4}\.?(?:/[^\s<>\"')\]]*)?", re.I
)


_EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(?:\.[\w-]+)+$")


_HANDLE = re.compile(r"^@?([\w.\-]{1,60})/?$")


_CONTACT_LINE = re.compile(r"^(?:[-*+•·▪◦]\s*)?([A-Za-z][A-Za-z -]{0,20}?)\s*[:：]\s*(.*)$")


_KNOWN_TLD = re.compile(
    r"\.(?:com|org|net|io|co|us|uk|de|fr|cn|me|tv|art|studio|design|film|la|ca|au|info|biz)\b", re.I
)


def _contact_link(block: Block, pats: Patterns, in_block: bool) -> Link | None:
    """A :class:`Link` when ``block`` is a contact line (``Instagram: zsong.film``), else None.

    Outside a contact block only labelled lines whose value is a URL or handle qualify, so an answer
    sentence with a colon is never taken. The returned link's ``url`` is "" when nothing usable is there.
    """
    text = block.text
    if len(text) > 300:
        return None
    match = _CONTACT_LINE.match(text)
    if not match:
        if in_block and (_URL.search(text) or block.links) and len(text.split()) <= 3:
            url = block.links[0][1] if block.links else _URL.search(text).group(0)
            return Link(label=_label_for_url(url), url=url)
        return None
    label, value = match.group(1).strip(), match.group(2).strip()
    template = pats.contact_labels.get(label.lower())
    if template is None:
        return None
    if not in_block and not (_URL.search(value) or _EMAIL.match(value)) and len(value.split()) > 1:
        return None
    if not in_block and not value:
        return None
    url = ""
    hrefs = [href for _, href in block.links if href and not href.startswith("#")]
    if hrefs:
        url = hrefs[0]
    elif _URL.search(value):
        url = _URL.search(value).group(0).rstrip(".,;")
    elif _EMAIL.match(value.split()[0] if value else ""):
        url = "mailto:" + value.split()[0]
    elif value:
        first = value.split()[0].rstrip(".,;")
        domain = _DOMAIN.match(first)
        social = bool(template) and "{handle}" in template and "/" not in first
        # A social label's value is a handle even when it has a dot in it (Instagram "zsong.film").
        is_site = first.lower().startswith("www.") or (
            not social and (_KNOWN_TLD.search(first) or "." in first)
        )
        if domain and is_site and not first.startswith("@"):
            url = "https://" + domain.group(0).rstrip(".")
        else:
            handle = _HANDLE.match(first)
            if handle and template and "{handle}" in template:
                url = template.format(handle=handle.group(1))
    if not in_block and not url:
        return None
    return Link(label=label[:1].upper() + label[1:], url=url)


def _label_for_url(url: str) -> str:
    host = re.sub(r"^https?://(?:www\.)?", "", url, flags=re.I).split("/")[0]
    return host or url
