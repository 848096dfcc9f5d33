"""Small text helpers the split modules share: de-duplication and telling a person's name from other text."""

from __future__ import annotations

import re

from index.blocks import clean_inline
from index.model import Link

_PARTICLES = {
    "de",
    "da",
    "di",
    "del",
    "della",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "du",
    "dos",
    "bin",
    "al",
    "el",
}


HONORIFICS = re.compile(r"^(?:dr|mr|mrs|ms|mx|prof|sir|dame|chef|rev)\.?\s+", re.IGNORECASE)


def person_name(text: str) -> bool:
    """Two to five words, each capitalised (name particles such as "van" or "de" aside)."""
    words = HONORIFICS.sub("", text).split()
    if not 1 <= len(words) <= 5:
        return False
    capitalised = [w for w in words if w.lower() not in _PARTICLES]
    return bool(capitalised) and all(w[0].isupper() or not w[0].isalpha() for w in capitalised)


def name_like(text: str) -> bool:
    """A short line that could be a person's or a work's name (no sentence punctuation at the end)."""
    text = text.strip()
    if not text or len(text) > 80 or len(text.split()) > 8:
        return False
    return not text.endswith((".", "?", "!", ":", ";")) or text.endswith(("Jr.", "Sr.", "Inc.", "Co."))


def clean_name(name: str) -> str:
    name = clean_inline(name).strip(" ,;:.!\"'“”‘’")
    name = re.sub(r"['’]s$", "", name)
    return name


def dedupe(items: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for item in items:
        item = item.strip()
        if item and item.lower() not in seen:
            seen.add(item.lower())
            out.append(item)
    return out


def dedupe_links(links: list[Link]) -> list[Link]:
    seen: set[tuple[str, str]] = set()
    out = []
    for link in links:
        if (link.label, link.url) not in seen:
            seen.add((link.label, link.url))
            out.append(link)
    return out


_SLUG = re.compile(r"[a-z][a-z'’]+(?:[-_][a-z][a-z'’]*){1,3}")


def unslug(name: str) -> str:
    """A person's slug as their name ("anthony-garone" → "Anthony Garone", as Jekyll front matter keys an
    author); anything else unchanged."""
    if not _SLUG.fullmatch(name.strip()):
        return name
    return " ".join(part.capitalize() for part in re.split(r"[-_]", name.strip()))
