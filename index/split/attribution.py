"""Who asked and where it was published, from what the article says in words: ``Key: value`` lines and
bylines near the top ("Interviewer: …", "By Scott Ruecker"), and phrases anywhere ("Published in Issue 52
of Linux Gazette", "WTBU's Grace Lauson chatted with …", "I'm Shinobi from Bitcoin Magazine").

The patterns live in ``index/data/attribution.yml``; each finding keeps the words it came from, which
``interviews parse --explain`` shows.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

import yaml

from index.split.labels import INTERVIEWER_LABELS
from index.split.patterns import DATA_DIR

NAME = (
    r"(?-i:(?:[A-Z]['’])?[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]+(?:-[A-Z][a-z\u00DF-\u024F]+)?"
    r"(?:[ \t]+(?:(?:van|von|de|der|den|da|di|du|le|la|del|bin|al)[ \t]+)?"
    r"(?:[A-Z]['’])?[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]+(?:-[A-Z][a-z\u00DF-\u024F]+)?){1,2})"
)
"""A person's name as the phrases capture it: two or three capitalised words, name particles allowed."""

FIRST = r"(?-i:[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]+(?:[ \t]+[A-Z\u00C0-\u00DE][a-z\u00DF-\u024F]+){0,2})"
"""A person's name that may be a single word (a first name or a pseudonym: "Shinobi")."""

_PUB_WORD = r"(?!I\b|I['’])[A-Z0-9][\w&'’\-]*(?:\.[\w&'’\-]+)*"  # "Linux", "PIXLS.US"; no dot at the end
PUB = (
    rf"(?-i:(?:{_PUB_WORD}|[a-z][a-z0-9\-]*\.[a-z]{{2,6}}(?:\.[a-z]{{2}})?)"
    rf"(?:[ \t](?:(?:of|the|and|&|de|du|for)[ \t])?{_PUB_WORD}){{0,4}})"
)
"""A publication's name as the phrases capture it: capitalised words, an acronym or a site name."""


@dataclass
class Attribution:
    """Findings with the words they came from: ``{field: (value, evidence)}``."""

    found: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, key: str, value: str, evidence: str) -> None:
        if value and key not in self.found:
            self.found[key] = (value, evidence)

    def get(self, key: str) -> str:
        return self.found.get(key, ("", ""))[0]

    def evidence(self, key: str) -> str:
        return self.found.get(key, ("", ""))[1]


@dataclass
class _Patterns:
    meta_keys: dict[str, str]  # lower-cased key → field
    meta_line: re.Pattern
    bylines: list[re.Pattern]
    publication: list[re.Pattern]
    interviewer: list[re.Pattern]
    publication_words: frozenset[str]


@functools.lru_cache(maxsize=2)
def _load(path: str = os.path.join(DATA_DIR, "attribution.yml")) -> _Patterns:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)

    def compile_all(items: list[str]) -> list[re.Pattern]:
        return [
            re.compile(
                p.replace("{NAME}", NAME).replace("{FIRST}", FIRST).replace("{PUB}", PUB), re.IGNORECASE
            )
            for p in items
        ]

    keys = {str(k).lower(): name for name, words in data["meta_keys"].items() for k in words}
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    meta_line = re.compile(rf"(?:^|\s)({alternatives})\s*[:：]\s*", re.IGNORECASE)
    return _Patterns(
        meta_keys=keys,
        meta_line=meta_line,
        bylines=compile_all(data.get("bylines", [])),
        publication=compile_all(data.get("publication_phrases", [])),
        interviewer=compile_all(data.get("interviewer_phrases", [])),
        publication_words=frozenset(str(w).casefold() for w in data.get("publication_words", [])),
    )


def meta_fields(text: str) -> dict[str, str]:
    """``{field: value}`` when ``text`` is a metadata line ("Date: 2016-05-17", "Interviewer: A
    Translator: B", "By Rawya"), else ``{}``. The whole line must be key–value pairs or a byline."""
    pats = _load()
    if len(text) > 300:
        return {}
    for byline in pats.bylines:
        match = byline.match(text.strip())
        if match:
            return {"byline": match.group("person")}
    matches = list(pats.meta_line.finditer(text))
    if not matches or matches[0].start() > 0:
        return {}
    out: dict[str, str] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = text[match.end() : following.start() if following else len(text)].strip(" ,;|")
        if not value or len(value) > 120:
            return {}
        out.setdefault(pats.meta_keys[match.group(1).lower()], value)
    return out


def phrases(texts: list[str], attribution: Attribution) -> None:
    """Look for publication and interviewer phrases in ``texts`` (first finding of each kind wins)."""
    pats = _load()
    for text in texts:
        if not text:
            continue
        for pattern in pats.publication:
            match = pattern.search(text)
            if match:
                pub = trim_publication(match.group("pub"))
                if pub:
                    attribution.add("publication", pub, _clip(match.group(0)))
                person = match.groupdict().get("person")
                if person:
                    attribution.add("interviewer", person, _clip(match.group(0)))
        for pattern in pats.interviewer:
            match = pattern.search(text)
            if match:
                attribution.add("interviewer", match.group("person"), _clip(match.group(0)))


_TRAILING_SMALL = re.compile(r"(?:[ \t]+(?:of|the|and|&|de|du|for))+$|[.’'\-]+$")
_NOT_PUBLICATIONS = frozenset(
    {
        *("i", "we", "you", "he", "she", "they", "it", "this", "that", "the", "a", "an"),
        *("our", "my", "your", "his", "her", "their", "issue", "episode", "part"),
    }
)
_DATE_LIKE = re.compile(
    r"^(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b|^\d[\d\s./-]*$", re.IGNORECASE
)


def trim_publication(name: str) -> str:
    """A captured publication name without trailing small words or punctuation; "" when it is only a
    pronoun or an article ("We", "The")."""
    name = _TRAILING_SMALL.sub("", name.strip())
    name = _TRAILING_SMALL.sub("", name)
    if not name or name.casefold() in _NOT_PUBLICATIONS or len(name) > 60 or _DATE_LIKE.match(name):
        return ""
    return name


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 120 else text[:119] + "…"


def publication_word(name: str) -> bool:
    """True when ``name`` has a word that publications are named with ("Amiga Magazin", "Linux Gazette")."""
    words = {w.casefold() for w in re.findall(r"[A-Za-z]+", name)}
    return bool(words & _load().publication_words)


def attribute(article_title: str, html_meta: dict, front: dict, state_meta: dict, found, texts: list[str]):
    """(interviewer, its source, publication, its source), each "" when the article does not say.

    Interviewer, strongest first: the speaker labels' interviewer (a person, not "Q"), a metadata line or
    byline near the top, a phrase ("X sat down with", "interview conducted by X"), the front-matter
    author. Publication: a metadata line, a phrase ("Published in … of X", "I'm X from Y", "Y's X
    chatted with"), the interviewer's label when it is not a person ("Amiga Magazin:", "kubuntu-de.org:",
    "Heavy Local Greece (Daria Aeonia):"), the page's ``og:site_name``, the ``<title>``'s site part."""
    found_in_text = Attribution()
    phrases(texts, found_in_text)
    interviewer, interviewer_source = "", ""
    people = [s for s in found.interviewers if s and _person(s, found)]
    if people:
        interviewer, interviewer_source = " and ".join(people), "speaker labels (who asks)"
    else:
        for key in ("interviewer", "byline"):
            if key in state_meta and _person_like(state_meta[key][0]):
                interviewer, interviewer_source = _clean(state_meta[key][0]), f"line: {state_meta[key][1]}"
                break
    if not interviewer and found_in_text.get("interviewer"):
        interviewer = found_in_text.get("interviewer")
        interviewer_source = f"text: {found_in_text.evidence('interviewer')}"
    publication, publication_source = "", ""
    if "publication" in state_meta:
        publication, publication_source = (
            _clean(state_meta["publication"][0]),
            f"line: {state_meta['publication'][1]}",
        )
    elif found_in_text.get("publication"):
        publication = found_in_text.get("publication")
        publication_source = f"text: {found_in_text.evidence('publication')}"
    else:
        label = _publication_label(found)
        if label:
            publication, publication_source = label, "the interviewer's speaker label"
        elif html_meta.get("site_name"):
            publication, publication_source = html_meta["site_name"], "page metadata (og:site_name)"
        else:
            site = _title_site(html_meta.get("html_title", ""), article_title)
            if site:
                publication, publication_source = site, f"page title: {html_meta.get('html_title')}"
    return interviewer, interviewer_source, publication, publication_source


def _person(name: str, found) -> bool:
    speaker = next((s for s in found.speakers.values() if s.name == name), None) if found.speakers else None
    if speaker is not None and (not speaker.person or publication_word(name)):
        return False
    return _person_like(name) or (speaker is not None and speaker.person)


_PERSONISH = re.compile(
    r"^[A-Z\u00C0-\u00DE][\w'’.\-]*(?:[ \t,]+(?:and\s+)?[A-Za-z\u00C0-\u024F][\w'’.\-]*){0,8}$"
)


def _person_like(value: str) -> bool:
    value = _clean(value)
    return bool(value) and len(value) <= 80 and bool(_PERSONISH.match(value)) and not publication_word(value)


def _clean(value: str) -> str:
    return re.sub(r"\s*\([^()]{0,40}\)", "", value).strip(" ,;.")


def _publication_label(found) -> str:
    """The interviewer's label when it names an organisation, or the organisation a label puts its
    person in ("Heavy Local Greece (Daria Aeonia)")."""
    for key in getattr(found, "interviewer_keys", []) or []:
        speaker = found.speakers.get(key)
        if speaker is None or key in INTERVIEWER_LABELS:
            continue
        if speaker.affiliation:
            return speaker.affiliation
        if not speaker.person or publication_word(speaker.name):
            return speaker.name
    return ""


_TITLE_SITE = re.compile(r"\s+(?:[|–—»·:]|-)\s+([^|–—»·]{2,60})$")


def _title_site(html_title: str, article_title: str) -> str:
    """ "Interview: Timothy Miller LG #130" has no site part; "Meet Ana | VoyageLA" has "VoyageLA"."""
    match = _TITLE_SITE.search(html_title or "")
    if not match:
        return ""
    site = match.group(1).strip()
    return site if site and site not in article_title and len(site.split()) <= 5 else ""
