"""Split a :class:`index.read.Source` into an :class:`index.model.Article`: metadata, intro, Q/A passages.

How (see docs/parsing.md for the long form):

1. :mod:`index.blocks` turns the text into blocks (lines / HTML block elements) with structural signals.
2. Site furniture is set aside, each piece with a reason: navigation, share buttons, comment forms,
   related-story lists, photo captions (→ ``captions``), the image-credit block (→ ``image_credits``),
   the contact block (→ ``links``), lead-in formulas that name the interviewee (→ ``interviewees``).
   The patterns live in ``index/data/boilerplate.yml``.
3. Questions are found by one general mechanism. The strongest structural signal the document has
   decides: ``class="question"`` → speaker labels (``Q:``/``A:``, initials, names) → headings → bold
   paragraphs. When one of them marks questions, only it does, so a "?" inside an answer never starts a
   question. Without structure, every block is scored on textual signals (ends with "?", interviewer
   prompt pattern, interrogative opening, "you", paragraph start, short line before a longer one, no
   first person) and the blocks over a threshold are questions. Text whose line breaks were lost is cut
   into sentences first.
4. Text before the first question becomes the intro passage (number 0) when it is substantive.
"""

from __future__ import annotations

import os

from index.blocks import Block, build_document
from index.blocks.markdown import REFERENCE_LINK_DEFINITION
from index.model import Article, ArticleError, Dropped, Passage
from index.read import Source
from index.split.attribution import attribute, own_site, staff_of
from index.split.furniture import State, set_aside_furniture
from index.split.metadata import as_text, front_matter_metadata, normalise_date, title_from_blocks
from index.split.patterns import load_patterns
from index.split.people import LEAD_IN_BYLINE, interviewees, known_people, lead_in_byline, resolve_answerers
from index.split.publication import (
    address_evidence,
    bio_site,
    choose,
    front_matter_evidence,
    host_label,
    link_hosts,
    linked_site,
)
from index.split.questions import TEXT_QUESTION_THRESHOLD, find_passages
from index.split.text import dedupe, dedupe_links, unslug

__all__ = [
    "MIN_INTRO_WORDS",
    "TEXT_QUESTION_THRESHOLD",
    "load_patterns",
    "normalise_date",
    "split_source",
]

MIN_INTRO_WORDS = 12
"""Fewer words than this before the first question are not an intro passage (they are dropped)."""


def split_source(source: Source, article_id: str = "", publication: str = "") -> Article:
    """Split ``source`` into an :class:`Article` with id ``article_id`` (default: the file stem).

    ``publication`` is used when the front matter names none. Raises :class:`ArticleError` when no
    question can be found (the file is not an interview, or its questions are not recognisable).
    """
    pats = load_patterns()
    front = source.front_matter
    doc = build_document(source.text, source.format)
    if "html_title" in doc.meta:  # which side of "Site - Title" is the site (metadata.title_parts)
        hosts = {h for h, _ in link_hosts(source.text)}
        doc.meta["link_hosts"] = hosts | {host_label(h) for h in hosts}
    state = State(dropped=list(doc.dropped), warnings=list(source.warnings))
    set_aside_furniture(doc.blocks, state, pats, html=source.format == "html")

    article = Article(
        id=article_id or os.path.splitext(os.path.basename(source.path))[0],
        path=source.path,
        format=source.format,
    )
    front_matter_metadata(article, front, doc.meta, state.warnings)
    if not article.title and "title" in state.meta:
        article.title = state.meta["title"][0]
    if not article.date and "date" in state.meta:
        article.date = normalise_date(state.meta["date"][0])
    article.publication = as_text(front.get("publication")) or publication
    blocks = state.content
    if not article.title:
        article.title, blocks = title_from_blocks(blocks, doc.meta)

    known = known_people(front, doc.meta, article.title, blocks, state)
    known.raw = source.text
    found = find_passages(blocks, pats, state, known)
    passages = found.passages
    if not passages:
        raise ArticleError(source.path, _no_question_reason(blocks))

    texts = _attribution_texts(article, passages, state, found.interviewers)
    interviewer, interviewer_source, evidence = attribute(
        article.title, doc.meta, front, state.meta, found, texts, known_publication=article.publication,
        own_host=own_site(source.text) if state.related and not article.publication else "",
    )
    if not interviewer and front.get("author") and not staff_of(as_text(front.get("author"))):
        interviewer, interviewer_source = unslug(as_text(front.get("author"))), "front matter author"
    article.interviewer = interviewer
    article.interviewees, people_source = interviewees(front, article, found, state, interviewer, known)
    if not interviewer and people_source.endswith(f"({LEAD_IN_BYLINE})"):
        interviewer = article.interviewer = lead_in_byline(state.lead_in_names, article.interviewees)
        interviewer_source = "lead-in line under the title (the interviewer's byline)"
    if article.publication:
        article.sources["publication"] = (
            "front matter" if front.get("publication") else "folder (publication.yml)"
        )
    else:
        people = [*article.interviewees, *interviewer.split(" and ")]
        everything = texts + [p.answer[:3000] for p in passages[:3]]
        evidence += front_matter_evidence(front) + address_evidence(front, doc.meta, people)
        weak = (linked_site(source.text, article.title, everything, people), bio_site(front, people))
        evidence += [e for e in weak if e]
        article.publication, publication_source = choose(evidence, people, everything)
        if article.publication:
            article.sources["publication"] = publication_source
    if interviewer:
        article.sources["interviewer"] = interviewer_source
    if article.interviewees:
        article.sources["interviewees"] = people_source
    article.sources["questions"] = found.method
    resolve_answerers(passages, article.interviewees)
    intro_blocks = passages.pop(0) if passages and passages[0].kind == "pre" else None
    if intro_blocks is not None:
        intro_text = intro_blocks.answer
        if len(intro_text.split()) >= MIN_INTRO_WORDS:
            article.passages.append(Passage(number=0, kind="intro", question="", answer=intro_text))
        elif intro_text:
            state.dropped.append(
                Dropped(intro_text, f"text before the first question, under {MIN_INTRO_WORDS} words")
            )
    for number, passage in enumerate(passages, start=1):
        passage.number = number
        if not passage.answer:
            state.warnings.append(f"question {number} has no answer: {passage.question[:80]}")
        article.passages.append(passage)

    article.links = dedupe_links(state.links)
    article.image_credits = dedupe(state.credits + article.image_credits)
    article.captions = dedupe(state.captions)
    article.dropped = state.dropped
    article.warnings = dedupe(state.warnings)
    if not article.title:
        article.warnings.append("no title found")
    if not article.interviewees:
        article.warnings.append("no interviewee found")
    return article


def _attribution_texts(
    article: Article, passages: list[Passage], state: State, interviewers: list[str]
) -> list[str]:
    """Where publication and interviewer phrases are looked for: the words of the interviewer and of the
    site — the title, the summary, the intro, the questions, the interviewer's own turns inside the first
    and last answers (a host's welcome and sign-off), and the furniture set aside (footers and bylines
    name publications) — never the interviewee's answers, where "I'm editor of X" or "published by Y"
    names the interviewee's employer or publisher."""
    texts = [article.title, article.summary]
    texts += [p.answer[:3000] for p in passages[:1] if p.kind == "pre"]
    texts += [p.question for p in passages if p.kind != "pre"][:40]
    for passage in [*passages[:2], *passages[-1:]] if interviewers else []:
        texts += _turns_of(passage.answer, interviewers)
    texts += [d.text for d in state.dropped if d.reason != REFERENCE_LINK_DEFINITION][:60]  # words, not URLs
    return [t for t in texts if t]


def _turns_of(answer: str, speakers: list[str]) -> list[str]:
    """The paragraphs of ``answer`` that ``speakers`` say: from a paragraph opening with one of their
    names and a colon ("Bryan Robinson: Thanks for listening…") to the next paragraph opening with
    another name."""
    out: list[str] = []
    speaking = False
    for paragraph in answer.split("\n\n"):
        label = paragraph.split(":", 1)[0] if ":" in paragraph[:60] else ""
        if label and label[:1].isupper() and len(label.split()) <= 4:
            speaking = label.strip() in speakers
        if speaking:
            out.append(paragraph)
    return out


def _no_question_reason(blocks: list[Block]) -> str:
    words = sum(len(b.text.split()) for b in blocks)
    if not blocks or words < 5:
        return "no text left after removing site furniture (not an interview)"
    return f"no questions found among {len(blocks)} text blocks ({words} words); not an interview?"
