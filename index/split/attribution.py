"""Who asked and where it was published, from what the article says in words: ``Key: value`` lines and
bylines near the top ("Interviewer: …", "By Scott Ruecker"), and phrases anywhere ("Published in Issue 52
of Linux Gazette", "WTBU's Grace Lauson chatted with …", "I'm Shinobi from Bitcoin Magazine").

The patterns live in ``index/data/attribution.yml``; each finding keeps the words it came from, which
``interviews parse --explain`` shows.
"""

from __future__ import annotations

import bisect
import functools
import os
import re
from collections import Counter
from dataclasses import dataclass, field

import yaml

from index.split.labels import INTERVIEWER_LABELS
from index.split.metadata import title_parts
from index.split.patterns import DATA_DIR
from index.split.publication import EXPLICIT, HINTED, STATED, Evidence, host_label, spelled

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
    publication: list[_Phrase]
    interviewer: list[_Phrase]
    publication_words: frozenset[str]
    organisation_words: frozenset[str]

    def chosen(self, publication: bool, interviewer: bool) -> list[_Phrase]:
        """The phrases (publication phrases first) that can name what is wanted."""
        wanted = {"pub"} if publication else set()
        wanted |= {"person"} if interviewer else set()
        return [p for p in self.publication + self.interviewer if wanted & set(p.pattern.groupindex)]


@dataclass(frozen=True)
class _Phrase:
    """A pattern and the words one of which every match of it holds (``()``: no such words)."""

    pattern: re.Pattern
    words: tuple[str, ...]

    def search(self, text: str, hits: dict[str, list[int]]) -> re.Match | None:
        """The first match in ``text``, looked for only around where its words occur (``hits``: lower-cased
        word → offsets): a pattern that opens with a name would otherwise be tried at every capital."""
        if not self.words:
            return self.pattern.search(text)
        starts = [at for word in self.words for at in hits.get(word, ())]
        if not starts:
            return None
        starts.sort()
        end = -1
        for at in starts:
            if at < end:
                continue  # inside the window already searched
            begin = max(0, at - _BEFORE)
            end = text.find(" ", at + _AFTER)
            end = len(text) if end < 0 else end
            match = self.pattern.search(text, begin, end)
            if match:
                return match
        return None


# A phrase's match reaches this far before and after the word it holds (a name and a publication of a
# few words each).
_BEFORE, _AFTER = 120, 200


@functools.lru_cache(maxsize=2)
def _load(path: str = os.path.join(DATA_DIR, "attribution.yml")) -> _Patterns:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)

    def compile_one(pattern: str) -> re.Pattern:
        return re.compile(
            pattern.replace("{NAME}", NAME).replace("{FIRST}", FIRST).replace("{PUB}", PUB), re.IGNORECASE
        )

    def compile_all(items: list[str]) -> list[re.Pattern]:
        return [compile_one(p) for p in items]

    def phrases_of(items: list) -> list[_Phrase]:
        out = []
        for item in items:
            pattern, words = (item, ()) if isinstance(item, str) else (item["pattern"], item.get("words", ()))
            words = tuple(str(w).casefold() for w in words)
            out.append(_Phrase(compile_one(pattern), words))
        return out

    keys = {str(k).lower(): name for name, words in data["meta_keys"].items() for k in words}
    alternatives = "|".join(re.escape(k) for k in sorted(keys, key=len, reverse=True))
    meta_line = re.compile(rf"(?:^|\s)({alternatives})\s*[:：]\s*", re.IGNORECASE)
    publication = phrases_of(data.get("publication_phrases", []))
    interviewer = phrases_of(data.get("interviewer_phrases", []))
    return _Patterns(
        meta_keys=keys,
        meta_line=meta_line,
        bylines=compile_all(data.get("bylines", [])),
        publication=publication,
        interviewer=interviewer,
        publication_words=frozenset(str(w).casefold() for w in data.get("publication_words", [])),
        organisation_words=frozenset(str(w).casefold() for w in data.get("organisation_words", [])),
    )


def meta_fields(text: str) -> dict[str, str]:
    """``{field: value}`` when ``text`` is a metadata line ("Date: 2016-05-17", "Interviewer: A
    Translator: B", "By Rawya"), else ``{}``. The whole line must be key–value pairs or a byline."""
    pats = _load()
    if len(text) > 300:
        return {}
    stripped = text.strip()
    for byline in pats.bylines:
        match = byline.match(stripped)
        if match:
            return {"byline": match.group("person")}
    if not pats.meta_line.match(text):  # the line must open with a key
        return {}
    matches = list(pats.meta_line.finditer(text))
    out: dict[str, str] = {}
    for match, following in zip(matches, [*matches[1:], None], strict=True):
        value = text[match.end() : following.start() if following else len(text)].strip(" ,;|")
        if not value or len(value) > 120:
            return {}
        out.setdefault(pats.meta_keys[match.group(1).lower()], value)
    return out


def phrases(
    texts: list[str], attribution: Attribution, publication: bool = True, interviewer: bool = True
) -> None:
    """Look for publication and interviewer phrases in ``texts`` (first finding of each kind wins); only
    for the publication or only for the interviewer when the other is known already."""
    pats = _load()
    chosen = pats.chosen(publication, interviewer)
    if not chosen:
        return
    words = tuple(sorted({w for phrase in chosen for w in phrase.words}, key=len, reverse=True))
    unfiltered = any(not phrase.words for phrase in chosen)
    texts = [t for t in texts if t]
    # One look for the words over all the texts together (each text's offsets kept apart): most texts
    # hold none of them, and a look per text and word cost more than the phrases themselves.
    starts, at = [], 0
    for text in texts:
        starts.append(at)
        at += len(text) + 1
    per_text: list[dict[str, list[int]]] = [{} for _ in texts]
    for word, offsets in _word_starts("\n".join(texts), words).items():
        for offset in offsets:
            index = bisect.bisect_right(starts, offset) - 1
            per_text[index].setdefault(word, []).append(offset - starts[index])
    for text, hits in zip(texts, per_text, strict=True):
        if not hits and not unfiltered:
            continue
        for phrase in chosen:
            match = phrase.search(text, hits)
            if match:
                found = match.groupdict()
                pub = trim_publication(found["pub"]) if found.get("pub") else ""
                if pub:
                    attribution.add("publication", pub, _clip(match.group(0)))
                if found.get("person"):
                    attribution.add("interviewer", found["person"], _clip(match.group(0)))


def _word_starts(text: str, words: tuple[str, ...]) -> dict[str, list[int]]:
    """Where each of ``words`` begins a word of ``text`` (ignoring case): ``{word: [offsets]}``."""
    lowered = text.lower()
    hits: dict[str, list[int]] = {}
    if len(lowered) != len(text):  # a letter whose lower case is longer ("İ"): offsets would drift
        for word in words:
            for match in re.finditer(r"(?<!\w)" + re.escape(word), text, re.IGNORECASE):
                hits.setdefault(word, []).append(match.start())
        return hits
    for word in words:
        at = lowered.find(word)
        while at >= 0:
            if at == 0 or not (lowered[at - 1].isalnum() or lowered[at - 1] == "_"):
                hits.setdefault(word, []).append(at)
            at = lowered.find(word, at + 1)
    return hits


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


_TRAILING_ISSUE = re.compile(
    r"(?<=[A-Za-z])(?:,?\s+(?:issue|no\.?|vol\.?|volume))?\s+#?\d{1,4}$", re.IGNORECASE
)


def trim_publication(name: str) -> str:
    """A captured publication name without trailing small words or punctuation; "" when it is only a
    pronoun or an article ("We", "The")."""
    name = _TRAILING_SMALL.sub("", name.strip())
    name = _TRAILING_SMALL.sub("", name)
    name = _TRAILING_ISSUE.sub("", name)  # "Zavtone 11", "Night Owls, Issue 12": the issue is no part
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


def attribute(
    article_title: str,
    html_meta: dict,
    front: dict,
    state_meta: dict,
    found,
    texts: list[str],
    known_publication: str = "",
    own_host: str = "",
) -> tuple[str, str, list[Evidence]]:
    """(interviewer, its source, the evidence of the publication), the first two "" when the article does
    not say. ``texts`` are the words of the interviewer and the site (title, intro, questions,
    furniture), never the interviewee's answers: "I'm Chief Scientist at RStudio" or "my book, published
    by MIT Press" in an answer names the interviewee's employer or publisher, not the publication.
    ``known_publication`` (from front matter or the corpus folder) spares looking for publication phrases.

    Interviewer, strongest first: the speaker labels' interviewer (a person, not "Q"), a metadata line or
    byline near the top, a phrase ("X sat down with", "interview conducted by X"), the front-matter
    author. Publication evidence (weighed by :func:`index.split.publication.choose`): a metadata line, a
    phrase ("Published in … of X", "I'm X from Y", "Y's X chatted with", "this week on X"), a staff
    byline ("Harvard Advocate Staff"), the interviewer's label when it is not a person ("Amiga Magazin:",
    "kubuntu-de.org:", "Heavy Local Greece (Daria Aeonia):"), the page's ``og:site_name``, the
    ``<title>``'s site part, the site ``own_host`` names (see :func:`own_site`)."""
    interviewer, interviewer_source = "", ""
    people = [s for s in found.interviewers if s and _person(s, found)]
    if people:
        interviewer, interviewer_source = " and ".join(people), "speaker labels (who asks)"
    else:
        for key in ("interviewer", "byline"):
            if key in state_meta and _person_like(state_meta[key][0]):
                interviewer, interviewer_source = _clean(state_meta[key][0]), f"line: {state_meta[key][1]}"
                break
    found_in_text = Attribution()
    wants_publication = not known_publication and "publication" not in state_meta
    phrases(texts, found_in_text, publication=wants_publication, interviewer=not interviewer)
    if not interviewer and found_in_text.get("interviewer"):
        interviewer = found_in_text.get("interviewer")
        interviewer_source = f"text: {found_in_text.evidence('interviewer')}"
    if known_publication:
        return interviewer, interviewer_source, []
    evidence: list[Evidence] = []
    if "publication" in state_meta:
        value, line = state_meta["publication"]
        evidence.append(Evidence(_clean(value), EXPLICIT, f"line: {line}"))
    if found_in_text.get("publication"):
        phrase = found_in_text.evidence("publication")
        evidence.append(Evidence(found_in_text.get("publication"), STATED, f"text: {phrase}"))
    staff = _staff_byline(front, state_meta)
    if staff:
        evidence.append(Evidence(staff[0], STATED, staff[1]))
    label = _publication_label(found)
    if label:
        evidence.append(Evidence(label, STATED, "the interviewer's speaker label"))
    if html_meta.get("site_name"):
        evidence.append(Evidence(html_meta["site_name"], STATED, "page metadata (og:site_name)"))
    site = _title_site(html_meta.get("html_title", ""), article_title, html_meta.get("link_hosts", ()))
    if site:
        evidence.append(Evidence(site, HINTED, f"page title: {html_meta.get('html_title')}"))
    headline = _headline_publication(article_title)
    if headline:
        evidence.append(Evidence(headline, HINTED, f"title: {article_title}"))
    if own_host:
        evidence.append(
            Evidence(site_name(own_host, texts), HINTED, f"the site's own related articles ({own_host})")
        )
    return interviewer, interviewer_source, evidence


# "The Humble Review - Interview with The Byter", "Interview with Ana Lima | Tideline Magazine": the part of
# a title beside the interview is the publication when a publication word names it.
_HEADLINE_SIDES = (
    re.compile(r"^(?P<pub>[^:|–—]{2,60}?)\s+(?:[-–—|]|::?)\s+(?:an?\s+|the\s+)?interview\b", re.IGNORECASE),
    re.compile(r"\binterview\b[^|–—]{0,80}?\s+[-–—|]\s+(?P<pub>[^|–—]{2,60})$", re.IGNORECASE),
)


def _headline_publication(title: str) -> str:
    for pattern in _HEADLINE_SIDES:
        match = pattern.search(title or "")
        if match and publication_word(match.group("pub")):
            return _clean(match.group("pub"))
    return ""


_STAFF = re.compile(
    r"^(?:the\s+)?(?P<pub>.{2,60}?)\s+(?:staff|editors|editorial(?:\s+(?:team|staff|board))?|team|newsroom)$",
    re.IGNORECASE,
)


def staff_of(byline: str) -> str:
    """The publication a staff byline names ("Harvard Advocate Staff", "The Verge editors") or an
    organisation that is the byline ("Processing Foundation"), else ""."""
    byline = " ".join(byline.split())
    match = _STAFF.match(byline)
    if match:
        return trim_publication(match.group("pub"))
    words = [w.casefold() for w in re.findall(r"[A-Za-z]+", byline)]
    if 2 <= len(words) <= 6 and byline[:1].isupper() and (set(words) & _load().organisation_words):
        return trim_publication(byline)
    return ""


def _staff_byline(front: dict, state_meta: dict) -> tuple[str, str] | None:
    """(publication, its source) from a front-matter author or a byline that is a staff byline."""
    candidates = [(v, "front matter author") for k in ("author", "authors") for v in _strings(front.get(k))]
    for key in ("author", "byline"):
        if key in state_meta:
            candidates.append((state_meta[key][0], f"line: {state_meta[key][1]}"))
    for value, source in candidates:
        publication = staff_of(value)
        if publication:
            return publication, f"{source} ({value})"
    return None


def _strings(value) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


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
        letters = re.sub(r"[^A-Za-z]", "", speaker.name)
        if len(letters) >= 2 and (not speaker.person or publication_word(speaker.name)):
            return speaker.name  # a lone letter ("A:", "S:") is someone's initial, never a publication
    return ""


_TITLE_SITE = re.compile(r"\s+(?:[|–—»·:]|-)\s+([^|–—»·]{2,60})$")


def _title_site(html_title: str, article_title: str, hosts=()) -> str:
    """ "Interview: Timothy Miller LG #130" has no site part; "Meet Ana | VoyageLA" has "VoyageLA", and so
    has "VoyageLA - Meet Ana" on a page linking voyagela.com (see :func:`title_parts`)."""
    match = _TITLE_SITE.search(html_title or "")
    if not match:
        return ""
    title, site = title_parts(html_title, hosts)
    if not html_title.startswith(site):  # the usual "Title | Site": the part after the last separator
        site = match.group(1).strip()
    return site if site and site not in article_title and len(site.split()) <= 5 else ""


_URL = re.compile(
    r"https?://(?:www\.)?([a-z0-9][a-z0-9.-]{0,100}\.[a-z]{2,12})(/[^\s()\"'<>\[\]]{0,300})?", re.IGNORECASE
)
_DATED_PATH = re.compile(r"/(?:19|20)\d\d/")


def own_site(raw: str) -> str:
    """The host of the site's own archive, from the links of an article that has a related-articles
    list: the one host with at least two different dated permalinks (``…/2012/08/slug/``), more than any
    other host; "" when there is none. Sites link their own back issues this way; one link to another
    site's dated post is common, two to one other site beating the site's own are not."""
    if "://" not in raw:
        return ""
    counts: Counter[str] = Counter()
    seen: set[tuple[str, str]] = set()
    for match in _URL.finditer(raw):
        host, path = match.group(1).lower(), match.group(2) or ""
        if _DATED_PATH.search(path) and (host, path.rstrip("/")) not in seen:
            seen.add((host, path.rstrip("/")))
            counts[host] += 1
    ranked = counts.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return ""
    return ranked[0][0]


def site_name(host: str, texts: list[str]) -> str:
    """How the site at ``host`` is named: capitalised words of ``texts`` that spell its name ("Godot
    Engine" for ``godotengine.org``), else the name split before a publication word
    ("smashingmagazine.com" → "Smashing Magazine"), else the host itself ("pixls.us")."""
    name = spelled(host, texts)
    if name:
        return name
    letters = host_label(host).replace("-", "")
    for word in sorted(_load().publication_words, key=len, reverse=True):
        if letters.endswith(word) and len(letters) - len(word) >= 3:
            return f"{letters[: -len(word)].capitalize()} {word.capitalize()}"
    return host.removeprefix("www.")
