"""Per-passage facet metadata: topics, places, works, organisations, roles and years.

``enrich_article`` is the pipeline stage (called by :func:`index.corpus.parse_file`); each facet has
its own module (``topics``, ``places``, ``works``, ``organizations``, ``roles``, ``years``), all sharing
one tokenisation per passage (:class:`index.spans.TextView`). It also normalises the article's
interviewee names and publication, and resolves a first name in a greeting ("Siqi") to the full name.

Precision before recall: every extractor prefers leaving a value out to adding junk; ``docs/facets.md``
has the measured precision and recall.
"""

from __future__ import annotations

import re

from index.model import Article, Passage
from index.organizations import extract_organizations
from index.places import extract_places
from index.roles import extract_roles
from index.spans import TextView
from index.topics import INTRO_TOPIC, classify_question
from index.works import caption_titles, extract_works
from index.years import extract_years

_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    """A person's or publication's name with spaces collapsed; a shouted multi-word name title-cased.

    Only "SIQI SONG"-style capitals are recased: names written in lower case on purpose ("why the lucky
    stiff", "jonobr1"), single-word capitals ("KAWS") and domains ("litang.zone") stay as written.
    """
    name = _SPACES.sub(" ", name).strip(" \t,;:")
    if " " in name and name.isupper():
        name = name.title()
    return name


def resolve_name(name: str, interviewees: list[str]) -> str:
    """The full interviewee name that ``name`` ("Siqi", "Song", "siqi song") is part of; else ``name``."""
    clean = normalise_name(name)
    folded = clean.casefold()
    matches = [
        full for full in interviewees if full.casefold() == folded or folded in full.casefold().split()
    ]
    return matches[0] if len(matches) == 1 else clean


def _name_words(interviewees: list[str]) -> frozenset[str]:
    """The interviewees' names and each of their words: never places, works or organisations."""
    words: set[str] = set()
    for full in interviewees:
        words.add(full)
        words.update(full.split())
    return frozenset(words)


def enrich_passage(
    passage: Passage, exclude: frozenset[str] = frozenset(), known_titles: tuple[str, ...] = ()
) -> Passage:
    """Fill one passage's facet lists in place (and return it).

    ``exclude``: names never to report (the interviewee's); ``known_titles``: work titles the article's
    captions give. Question and answer are both searched for places, works, organisations and years;
    roles come from the answer only (the interviewee speaks there), or from what an intro says the
    interviewee is ("<name> is a ..."); topics from the question (an intro passage is always "background
    and introduction").
    """
    text = f"{passage.question}\n{passage.answer}" if passage.question else passage.answer
    view = TextView(text)
    passage.topics = [INTRO_TOPIC] if passage.kind == "intro" else classify_question(passage.question)
    passage.places = extract_places(view, exclude)
    organizations = extract_organizations(view, exclude, tools_talk="tools and setup" in passage.topics)
    org_keys = {o.casefold() for o in organizations}
    passage.organizations = organizations
    passage.works = [w for w in extract_works(view, exclude, known_titles) if w.casefold() not in org_keys]
    if passage.kind == "qa":
        passage.roles = extract_roles(passage.answer)
    else:  # the intro is about the interviewee: "Siqi Song is a film director and animator"
        passage.roles = extract_roles(passage.answer, tuple(sorted(exclude)))
    passage.years = extract_years(text)
    return passage


def enrich_article(article: Article) -> Article:
    """Fill each passage's topics, places, works, organisations, roles and years; normalise names.

    Interviewee names and the publication are normalised (spacing, case); each passage's answerers are
    resolved to full interviewee names ("Siqi" -> "Siqi Song"). Work titles from image captions and
    credits ("Sister – ©Siqi Song – 03", "SOMETHING BLUE") are added to the intro passage and let a
    one-word capitals title in the text count. Returns the same article, changed in place.
    """
    article.interviewees = list(dict.fromkeys(normalise_name(n) for n in article.interviewees if n.strip()))
    article.publication = normalise_name(article.publication) if article.publication else ""
    exclude = _name_words(article.interviewees)
    titles = tuple(
        t
        for t in caption_titles([*article.captions, *article.image_credits])
        if t not in exclude and t.casefold() not in {n.casefold() for n in exclude}
    )
    for passage in article.passages:
        passage.answerers = list(
            dict.fromkeys(resolve_name(n, article.interviewees) for n in passage.answerers if n.strip())
        )
        enrich_passage(passage, exclude, titles)
        if passage.kind == "intro":
            keys = {w.casefold() for w in passage.works}
            passage.works += [t for t in titles if t.casefold() not in keys]
    return article
