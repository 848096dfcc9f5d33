"""Where an interview was published, from every kind of evidence the article holds, weighed together.

Each piece of evidence names a publication with a weight (how much it alone says) and the words it came
from, which ``interviews parse --explain`` shows. Pieces naming the same publication add up (a host and
a name count as one when the name spells the host: ``godotengine.org`` and "Godot Engine"), and the best
publication is taken when its total reaches :data:`ENOUGH`. Precision first: a wrong publication becomes
a facet value users filter on, so weak signals (a host the article links to, the author's bio) count
only when nothing stronger names something else and never when they name a platform (GitHub, Twitter),
a person of the interview or that person's own website.

Weights (``ENOUGH`` is 2):

====  ===========================================================================================
4     the article says so: a front-matter key (``site``, ``blog``, ``podcast``, ``show``, …), a
      ``Publication:`` line
3     a phrase in the interviewer's or the site's words ("Published in Issue 52 of Linux Gazette",
      "welcome to X", "this week on X", a masthead "X Issue 3"), a staff byline, the interviewer's
      label when it is not a person, ``og:site_name`` / ``application-name``
2     the ``<title>``'s site part; the page's own address (front-matter ``canonical``, ``url``,
      ``permalink``, ``aliases``; ``og:url``) or a section of it named like a publication
      (``/chaincode-podcast/``); the site whose dated back issues a related-articles list links; the
      host the article links to for its own pages when the title names it; the one
      site the author's bio links to besides the author's own
====  ===========================================================================================
"""

from __future__ import annotations

import functools
import os
import re
from collections import Counter
from dataclasses import dataclass

import yaml

from index.split.patterns import DATA_DIR

ENOUGH = 2.0
"""The total weight a publication needs to be named (one strong or two weak pieces of evidence)."""

EXPLICIT, STATED, HINTED = 4.0, 3.0, 2.0


@dataclass(frozen=True)
class Evidence:
    """One piece of evidence: the publication it names (as the article spells it, or a host), its
    weight, and what ``--explain`` shows."""

    name: str
    weight: float
    source: str


@functools.lru_cache(maxsize=2)
def _lists(path: str = os.path.join(DATA_DIR, "attribution.yml")) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    return {
        "platforms": frozenset(str(h).casefold() for h in data.get("not_publications", [])),
        "keys": [str(k).lower() for k in data.get("front_matter_publication_keys", [])],
        "own_pages": re.compile(
            r"/(?:(?:19|20)\d\d/|(?:" + "|".join(data.get("own_page_paths", [])) + r")/)", re.IGNORECASE
        ),
        "sections": frozenset(str(w).casefold() for w in data.get("section_words", [])),
    }


# --- names and hosts ------------------------------------------------------------------------------------

_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,62})\.)+[a-z]{2,12}$", re.IGNORECASE)
_SECOND_LEVEL = frozenset({"co", "com", "org", "net", "ac", "gov", "edu", "or", "ne", "go"})  # bbc.co.uk


def is_host(name: str) -> bool:
    """True for a bare host name ("pixls.us", "kubuntu-de.org"), not for "Linux Gazette"."""
    return " " not in name and bool(_HOST.match(name)) and not name.replace(".", "").isdigit()


def host_label(host: str) -> str:
    """The part of ``host`` that names the site: ``godotengine`` for ``www.godotengine.org``,
    ``bbc`` for ``news.bbc.co.uk``."""
    parts = host.lower().removeprefix("www.").split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        return parts[-3]
    return parts[-2] if len(parts) >= 2 else parts[0]


def key(name: str) -> str:
    """What two spellings of one publication share: a host's label, else the name's letters and digits
    without a leading "The" ("The Changelog" = "Changelog", "PIXLS.US" = "pixls.us")."""
    if is_host(name):
        return re.sub(r"[^a-z0-9]", "", host_label(name))
    words = re.findall(r"[a-z0-9]+", name.casefold().replace("'", "").replace("’", ""))
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return "".join(words)


def _registrable(host: str) -> str:
    """``example.co.uk`` for ``news.example.co.uk``; ``github.com`` for ``gist.github.com``."""
    parts = host.lower().removeprefix("www.").split(".")
    if len(parts) >= 3 and len(parts[-1]) == 2 and parts[-2] in _SECOND_LEVEL:
        return ".".join(parts[-3:])
    return ".".join(parts[-2:])


def is_platform(name: str) -> bool:
    """A host or name that is a platform many sites use, never a publication ("github.com", "Twitter")."""
    platforms = _lists()["platforms"]
    if is_host(name):
        return _registrable(name) in platforms or name.lower().removeprefix("www.") in platforms
    return name.casefold() in platforms or key(name) in platforms


_CAPITALISED_RUN = re.compile(r"(?-i:[A-Z][\w&'’.\-]*(?:[ \t]+[A-Z][\w&'’.\-]*){0,3})")


def spelled(host: str, texts: list[str]) -> str:
    """How ``texts`` spell the site at ``host`` when they spell it as a name of its own: capitalised
    words that run together into the host's label and say more than one plain word ("Godot Engine" for
    godotengine.org, "PIXLS.US", "WoNoMute"); "" otherwise. "Kubernetes" for kubernetes.dev is the
    project the site is about, not the site, so the host stands for it."""
    label = host_label(host).replace("-", "")
    if len(label) < 3:
        return ""
    for text in texts:
        if label not in text.lower().replace(" ", "").replace("-", "").replace(".", ""):
            continue  # cheap test first: the letters must occur at all
        for match in _CAPITALISED_RUN.finditer(text):
            words = match.group(0).rstrip(".")
            letters = re.sub(r"[^a-z0-9]", "", words.lower())
            tld = "." + host.rsplit(".", 1)[-1].lower()
            if words.lower() == host.lower().removeprefix("www.") and words.endswith(tld):
                continue  # the address written out ("MakeWeirdMusic.com"), not a name ("PIXLS.US")
            if letters == label or letters == re.sub(r"[^a-z0-9]", "", host.lower()):
                plain_word = " " not in words and words[1:].islower() and "." not in words
                if not plain_word:
                    return words
    return ""


# --- evidence from the page's addresses and links -------------------------------------------------------

_URL = re.compile(
    r"(?:https?:)?//(?:www\.)?([a-z0-9][a-z0-9.-]{0,100}\.[a-z]{2,12})(/[^\s()\"'<>\[\]]{0,300})?",
    re.IGNORECASE,
)


def link_hosts(text: str) -> list[tuple[str, str]]:
    """(host, path) of every absolute or protocol-relative link in ``text``."""
    return [(m.group(1).lower().rstrip("."), m.group(2) or "") for m in _URL.finditer(text)]


_hosts = link_hosts


def _slug_name(segment: str) -> str:
    """A site section's name from its slug when it is named like a publication: "chaincode-podcast" →
    "Chaincode Podcast"; "" for "blog" alone or "2020-01-28-pieter-wuille"."""
    words = segment.lower().split("-")
    if len(words) < 2 or len(words) > 4 or words[-1] not in _lists()["sections"]:
        return ""
    if not all(w.isalpha() for w in words) or words[0] in ("the", "my", "our", "your", "all", "new"):
        return ""
    return " ".join(w.capitalize() for w in words)


def address_evidence(front: dict, html_meta: dict, people: list[str] = ()) -> list[Evidence]:
    """The page's own address (front-matter ``canonical``/``url``/``permalink``/``aliases``, ``og:url``):
    its host, or a section of its path named like a publication; each host or section once however many
    keys give it, and never a host spelled with the name of a person of the interview (a ``url`` key
    that links the interviewee's own website)."""
    out: list[Evidence] = []
    values: list[tuple[str, str]] = []
    keys = ("canonical", "canonical_url", "canonicalurl", "url", "permalink", "link", "aliases", "original")
    for name in keys:
        value = front.get(name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                values.append((item, f"front matter {name}"))
    if html_meta.get("url"):
        values.append((html_meta["url"], "page metadata (og:url / canonical)"))
    for value, source in values:
        value = value.strip()
        hosts = _hosts(value)
        path = hosts[0][1] if hosts else value if value.startswith("/") else ""
        if hosts and not is_platform(hosts[0][0]) and not _personal(hosts[0][0], people):
            out.append(Evidence(hosts[0][0], HINTED, f"{source} ({value[:80]})"))
        for segment in [s for s in path.split("/") if s][:-1]:  # the last segment is the page itself
            name = _slug_name(segment)
            if name:
                section = f"{source}: a section named like a publication ({value[:80]})"
                out.append(Evidence(name, HINTED, section))
                break
    once: dict[str, Evidence] = {}
    for piece in out:
        once.setdefault(key(piece.name), piece)
    return list(once.values())


def linked_site(raw: str, title: str, texts: list[str], people: list[str]) -> Evidence | None:
    """The host the article links to for its own pages, when the title names it: the site (hosts
    grouped by their name part: ``kubernetes.io`` and ``kubernetes.dev`` are one name) with more
    different links than any other, platforms aside; of its hosts the one with the most links to pages
    of the kind a site keeps of its own (``/article/``, ``/blog/``, ``/events/``, a dated path) — more
    than its other hosts, so a project's documentation site linked for reference does not count — and
    a capitalised word of the title that the host's name starts with ("Godot" for godotengine.org).
    Never a host spelled with the name of a person of the interview (their own website), nor one the
    text makes someone's employer or project (:func:`_affiliation`)."""
    if "//" not in raw:
        return None
    links: dict[str, set[str]] = {}  # a registrable host → the paths linked on it
    for host, path in _hosts(raw):
        if not is_platform(host):
            links.setdefault(_registrable(host), set()).add(path.rstrip("/"))
    by_label: Counter[str] = Counter()
    for host, paths in links.items():
        by_label[host_label(host)] += len(paths)
    ranked = by_label.most_common(2)
    if not ranked or ranked[0][1] < 2 or (len(ranked) > 1 and ranked[1][1] == ranked[0][1]):
        return None
    label = ranked[0][0]
    own_pages = _lists()["own_pages"]
    own_links = {h: sum(1 for p in paths if own_pages.search(p + "/")) for h, paths in links.items()}
    hosts = Counter({h: n for h, n in own_links.items() if host_label(h) == label}).most_common(2)
    if hosts[0][1] == 0 or (len(hosts) > 1 and hosts[1][1] == hosts[0][1]):
        return None  # no page of the site's own, or two hosts with as many: which one is unknown
    host = hosts[0][0]
    if _personal(host, people):
        return None
    label = label.replace("-", "")
    words = re.findall(r"(?-i:[A-Z][A-Za-z0-9]{3,})", title)
    word = next((w for w in sorted(words, key=len, reverse=True) if label.startswith(w.lower())), "")
    if not word or any(_affiliation(word).search(t) for t in texts):
        return None
    return Evidence(host, HINTED, f"links to its own pages on {host}, the site the title names ({word})")


def _affiliation(word: str) -> re.Pattern:
    """Words that make ``word`` someone's employer, company or project ("CEO of GitLab", "one of the
    co-founders of WordPress", "GitLab's founder", "WordPress co-founder", "I work at GitLab"): such a
    site links its own pages too, but it is what the interview is about, not where it was published."""
    roles = (
        r"(?:CEO|CTO|COO|(?:co-?)?founders?|creators?|maintainers?|president|director|head|engineers?"
        r"|developers? (?:at|for)|designers? at|managers?|employees?|chief \w+)"
    )
    w = re.escape(word)
    return re.compile(
        rf"\b(?:{roles} (?:of|at) |(?:work|works|worked|working) (?:at|for) |joined "
        rf"|(?:co-?)?(?:founded|created) ){w}\b"
        rf"|\b{w}(?:[’']s)? (?:CEO|CTO|(?:co-?)?founders?|creators?|maintainers?)\b",
        re.IGNORECASE,
    )


def _personal(host: str, people: list[str]) -> bool:
    """True when ``host`` is spelled with a person's name ("treymckay.net", "varivchenko.com")."""
    label = host_label(host)
    for person in people:
        for word in re.findall(r"\w{4,}", person.lower()):
            if word in label:
                return True
    return False


_HREF = re.compile(r"""href\s*=\s*["']([^"']+)["']|\((https?://[^)\s]+)\)|(?<![("'])(https?://\S+)""", re.I)


def bio_site(front: dict, people: list[str]) -> Evidence | None:
    """The one site the author's bio (front matter ``author-bio``, ``author_bio``, ``bio``) links to
    besides the author's own (``author-url``) and platforms: the site the author writes for."""
    bio = next((front[k] for k in front if isinstance(k, str) and "bio" in k.lower()
                and isinstance(front[k], str)), "")
    if not bio or "//" not in bio:
        return None
    own = {_registrable(h) for k, v in front.items() if isinstance(k, str) and "url" in k.lower()
           and isinstance(v, str) for h, _ in _hosts(v)}
    hosts = {_registrable(h) for h, _ in _hosts(bio)} - own
    hosts = {h for h in hosts if not is_platform(h) and not _personal(h, people)}
    if len(hosts) != 1:
        return None
    host = hosts.pop()
    return Evidence(host, HINTED, f"the author's bio links to {host}")


def front_matter_evidence(front: dict) -> list[Evidence]:
    """A front-matter key that names the site (``site``, ``blog``, ``podcast``, ``show``, …)."""
    out = []
    for name in _lists()["keys"]:
        value = front.get(name)
        if isinstance(value, dict):
            value = value.get("name") or value.get("title")
        if not isinstance(value, str) or not value.strip():
            continue
        value = " ".join(value.split())
        hosts = _hosts(value)
        if hosts:
            if not is_platform(hosts[0][0]):
                out.append(Evidence(hosts[0][0], HINTED, f"front matter {name} ({value[:80]})"))
        elif len(value) <= 60 and not value.isdigit():
            out.append(Evidence(value, EXPLICIT, f"front matter {name}"))
    return out


# --- choosing -------------------------------------------------------------------------------------------


def choose(evidence: list[Evidence], people: list[str], texts: list[str]) -> tuple[str, str]:
    """(publication, where it came from) from ``evidence``: the publication whose pieces weigh most, at
    least :data:`ENOUGH`; ("", "") when none does. Pieces naming a platform or a person of the interview
    are left out. A host is shown as the name the text spells for it, when it does ("Godot Engine")."""
    people_keys = {key(p) for p in people if p}
    totals: dict[str, float] = {}
    pieces: dict[str, list[Evidence]] = {}
    for piece in evidence:
        k = key(piece.name)
        if not k or is_platform(piece.name) or k in people_keys:
            continue
        totals[k] = totals.get(k, 0.0) + piece.weight
        pieces.setdefault(k, []).append(piece)
    if not totals:
        return "", ""
    ranked = sorted(totals, key=lambda k: (totals[k], max(p.weight for p in pieces[k])), reverse=True)
    best = ranked[0]  # sorted() is stable: of equals, the piece found first (the stronger kind) wins
    if totals[best] < ENOUGH:
        return "", ""
    if len(ranked) > 1 and totals[ranked[1]] == totals[best] and totals[best] < STATED:
        return "", ""  # two hints naming two sites: which one published it is unknown
    chosen = sorted(pieces[best], key=lambda p: -p.weight)
    names = [p.name for p in chosen if not is_host(p.name)]
    name = names[0] if names else spelled(chosen[0].name, texts) or chosen[0].name.removeprefix("www.")
    return with_article(name, texts), "; ".join(dict.fromkeys(p.source for p in chosen))


def with_article(name: str, texts: list[str]) -> str:
    """``name`` with "The" in front when the texts write it so at least as often as without ("was on the
    Changelog" beside "editor of Changelog" → "The Changelog"); a phrase may have captured the name
    without its article. "the X podcast" or "the X website" does not count: there "the" belongs to
    "podcast" or "website"."""
    if is_host(name) or name.casefold().startswith("the ") or " " in name and name.split()[0].islower():
        return name
    sections = "|".join(sorted(_lists()["sections"]))
    after = rf"(?!\s+(?i:{sections}|show|series|network|website|site|web site|homepage)\b)"
    mention = re.compile(rf"(?<![\w-])(?P<the>(?i:the)\s+)?{re.escape(name)}(?![\w-]){after}")
    with_the = without = 0
    for text in texts:
        if name not in text:
            continue
        for match in mention.finditer(text):
            if match.group("the"):
                with_the += 1
            else:
                without += 1
    return f"The {name}" if with_the and with_the >= without else name
