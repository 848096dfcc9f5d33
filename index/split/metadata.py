"""Article metadata from front matter, HTML meta tags and the first blocks: title, date, url, summary."""

from __future__ import annotations

import re

from index.blocks import Block, clean_inline
from index.model import Article
from index.split.text import dedupe


def as_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return ", ".join(as_text(v) for v in value if v is not None)
    if isinstance(value, dict):
        return as_text(value.get("name") or value.get("title") or "")
    return clean_inline(str(value))


def as_list(value) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in as_list(v)]
    if isinstance(value, dict):
        name = value.get("name") or value.get("title")
        return [clean_inline(str(name))] if name else []
    return [clean_inline(part) for part in re.split(r"\s*[,;]\s*", str(value)) if part.strip()]


_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
    )
}


def normalise_date(value: str) -> str:
    """An ISO ``YYYY-MM-DD`` for ``value`` (ISO, ISO datetime, "March 3, 2023", "3 March 2023"), or ""."""
    value = clean_inline(value)
    match = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})", value)
    if match:
        y, m, d = (int(g) for g in match.groups())
    else:
        match = re.match(r"^([A-Za-z]{3})[a-z]*\.? (\d{1,2}),? (\d{4})$", value) or None
        if match:
            m, d, y = _MONTHS.get(match.group(1).lower(), 0), int(match.group(2)), int(match.group(3))
        else:
            match = re.match(r"^(\d{1,2}) ([A-Za-z]{3})[a-z]*\.? (\d{4})$", value)
            if not match:
                return ""
            d, m, y = int(match.group(1)), _MONTHS.get(match.group(2).lower(), 0), int(match.group(3))
    if not (1 <= m <= 12 and 1 <= d <= 31 and 1000 <= y <= 9999):
        return ""
    return f"{y:04d}-{m:02d}-{d:02d}"


def front_matter_metadata(article: Article, front: dict, meta: dict, warnings: list[str]) -> None:
    article.title = as_text(front.get("title")) or as_text(meta.get("title"))
    raw_date = as_text(front.get("date")) or as_text(meta.get("date"))
    article.date = normalise_date(raw_date) if raw_date else ""
    if raw_date and not article.date:
        warnings.append(f"date {raw_date!r} is not a recognisable date; left empty")
    article.url = as_text(front.get("url") or front.get("link") or front.get("canonical")) or as_text(
        meta.get("url")
    )
    article.summary = as_text(
        front.get("summary") or front.get("description") or front.get("subtitle")
    ) or as_text(meta.get("summary"))
    article.categories = dedupe(as_list(front.get("categories")) + as_list(front.get("tags")))
    for key in ("credits", "image_credits", "photo_credits", "credit"):
        article.image_credits.extend(as_list(front.get(key)))


_TITLE_END = (".", "?", "!", ":", ";", ",")


def title_from_blocks(blocks: list[Block], meta: dict) -> tuple[str, list[Block]]:
    """Title from a level-1 heading near the top (a page may open with navigation or a tagline), else a
    short first line, else the HTML <title>."""
    top = next((i for i, b in enumerate(blocks[:8]) if b.heading == 1), None)
    if top is not None and top > 0:
        return blocks[top].text, blocks[:top] + blocks[top + 1 :]
    if blocks:
        first = blocks[0]
        nxt = blocks[1] if len(blocks) > 1 else None
        if first.heading == 1 or (first.heading and len(first.text) <= 150 and not first.text.endswith("?")):
            return first.text, blocks[1:]
        is_short = len(first.text) <= 200 and len(first.text.split()) <= 25
        stands_alone = nxt is None or nxt.gap
        if (
            is_short
            and stands_alone
            and not first.heading
            and not first.text.rstrip("”\"')").endswith(_TITLE_END)
            and not first.code
            and not first.list_item
        ):
            return first.text, blocks[1:]
        # A note before the title ("This transcription is taken from …") and then the title set in bold
        # on a line of its own.
        second = nxt
        after = blocks[2] if len(blocks) > 2 else None
        if (
            second is not None
            and second.strong
            and not second.heading
            and len(second.text) <= 150
            and second.gap
            and (after is None or after.gap)
            and not second.text.rstrip("”\"')").endswith((*_TITLE_END, "?"))
        ):
            return second.text, [first, *blocks[2:]]
    html_title = as_text(meta.get("html_title"))
    if html_title:
        return title_parts(html_title, meta.get("link_hosts", ()))[0], blocks
    return "", blocks


_TITLE_SEPARATOR = re.compile(r"\s+[|–—»·]\s+|\s+-\s+(?=[^-]{1,40}$)")


def title_parts(html_title: str, hosts=()) -> tuple[str, str]:
    """(the article's title, the site's name) of an HTML ``<title>``: "Interview title | Site name" as a
    rule, "Site name - Interview title" when the leading part spells a host the page links to and the
    trailing part does not ("Artzar - Timothy Leary Interview" on a page linking artzar.com). The site
    part is "" when the title has no separator."""
    parts = _TITLE_SEPARATOR.split(html_title, maxsplit=1)
    if len(parts) < 2:
        return html_title.strip(), ""
    head, tail = parts[0].strip(), parts[1].strip()
    return (tail, head) if leading_site(head, tail, hosts) else (head, tail)


def leading_site(head: str, tail: str, hosts=()) -> bool:
    """True when ``head`` spells one of ``hosts`` (a page's link hosts or their names, "artzar.com",
    "artzar") and ``tail`` does not."""
    labels = {_letters(h) for h in hosts}

    def spells(part: str) -> bool:
        return bool(_letters(part)) and _letters(part) in labels

    return spells(head) and not spells(tail)


def _letters(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())
