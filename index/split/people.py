"""Who is interviewed, from front matter, lead-ins, names the questions address, answer labels and the
headline; and who answered each passage."""

from __future__ import annotations

import re
from collections import Counter

from index.model import Article, Passage
from index.split.furniture import State
from index.split.metadata import as_list, as_text
from index.split.text import HONORIFICS, clean_name, dedupe
from index.split.turns import Known

_ADDRESS = re.compile(
    r"(?:\b(?:[Hh]i|[Hh]ello|[Hh]ey|[Dd]ear|[Tt]hanks|[Tt]hank you)\s+([A-Z][\w'’-]{1,20})\b|"
    r",\s*([A-Z][\w'’-]{1,20})[.!?,]|"
    r"^([A-Z][\w'’-]{1,20}),\s)"
)


_CAP_WORD = r"[A-Z\u00C0-\u024F][\w'’\-\u00C0-\u024F]{1,30}"


_STOP_FIRST_WORDS = {
    "Thank",
    "Thanks",
    "Hi",
    "Hello",
    "Hey",
    "Dear",
    "Welcome",
    "And",
    "So",
    "Now",
    "Well",
    "Yes",
    "No",
}


def interviewees(
    front: dict, article: Article, passages: list[Passage], answer_labels: list[str], state: State
):
    """Who is interviewed, strongest evidence first: front matter, lead-in formula, a name addressed in
    the questions and spelled out in the title or text, answer labels, and last a name in the title."""
    names = as_list(front.get("interviewees")) or as_list(front.get("interviewee"))
    if names:
        return dedupe(names)
    if state.lead_in_names:
        return dedupe(state.lead_in_names)
    # A short front-matter title is a name (The Setup titles each interview with the interviewee's name);
    # headline-style titles are longer or use headline words ("A Chat with …", "Questions for …").
    title = as_text(front.get("title"))
    if title and len(title) <= 60 and len(title.split()) <= 5 and not _HEADLINE_WORDS.search(title):
        return [title]
    questions = " ".join(p.question for p in passages if p.kind == "qa")
    haystack = "\n".join([article.title, *(p.answer for p in passages[:2])])
    found: list[str] = []
    for match in _ADDRESS.finditer(questions):
        first = next(g for g in match.groups() if g)
        if first in _STOP_FIRST_WORDS:
            continue
        full = re.search(rf"\b{re.escape(first)}\s+({_CAP_WORD})\b", haystack)
        if full:
            found.append(clean_name(f"{first} {full.group(1)}"))
    if found:
        return dedupe(found)
    people = [label for label in answer_labels if label not in ("A",) and len(label) > 2]
    if people:
        return dedupe(people)
    from_title = _name_from_title(article.title, haystack)
    if from_title:
        return [from_title]
    possessive = re.search(rf"\b({_CAP_WORD}(?: {_CAP_WORD}){{1,2}})['’]s\b", article.title)
    if possessive and possessive.group(1).split()[0] not in {"Check", "Meet", "Inside", "Behind"}:
        return [possessive.group(1)]
    return []


_HEADLINE_WORDS = re.compile(
    r"\b(?:with|for|about|meet|meets|interview|interviews|conversation|chat|talk|talks|talking|questions|q&a)\b|:",
    re.IGNORECASE,
)


_TITLE_BREAK_WORDS = {
    "The",
    "A",
    "An",
    "In",
    "On",
    "At",
    "With",
    "And",
    "Of",
    "For",
    "To",
    "From",
    "By",
    "About",
    "Meet",
    "Check",
    "Out",
    "Interview",
    "Conversation",
    "Talking",
    "Q&A",
    "Inside",
    "Behind",
    "Minutes",
    "Questions",
}


_TITLE_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w'’.\-\u00C0-\u024F]*|[^\w\s]")


def _name_from_title(title: str, text: str) -> str:
    """The person a headline names ("Bicycle Builders: Sam Okafor", "Ten Minutes with Jo Park"), or "".

    Runs of two or three capitalised words are candidates; one scores for coming after "with" or a
    colon, for ending the title, and for appearing again in ``text`` (the intro and first answer).
    A candidate needs two points, so "Two Cooks, One Kitchen" names nobody.
    """
    if not title:
        return ""
    tokens = _TITLE_WORD.findall(HONORIFICS.sub("", title))
    runs: list[tuple[int, int]] = []
    start = None
    for i, tok in enumerate([*tokens, "."]):
        word = HONORIFICS.sub("", tok)
        is_name_word = word[:1].isupper() and word not in _TITLE_BREAK_WORDS and not word.isupper()
        if is_name_word and start is None:
            start = i
        elif not is_name_word and start is not None:
            runs.append((start, i))
            start = None
    best, best_score = "", 1
    for a, b in runs:
        if not 2 <= b - a <= 3:
            continue
        name = " ".join(tokens[a:b])
        prev = tokens[a - 1].lower() if a else ""
        score = (prev in ("with", ":", "–", "—", "-")) + (b == len(tokens)) + (name in text)
        if score > best_score or (score == best_score and best):
            best, best_score = name, score
    return best


def resolve_answerers(passages: list[Passage], interviewees: list[str]) -> None:
    """Expand answer labels (first names, initials) to full interviewee names; with a single interviewee
    and no labels, that person answered every question."""

    def expand(label: str) -> str:
        for name in interviewees:
            parts = name.split()
            initials = "".join(p[0] for p in parts if p).upper()
            if label == name or label == parts[0] or label.replace(".", "").upper() == initials:
                return name
        return label

    for passage in passages:
        if passage.kind != "qa":
            continue
        if passage.answerers:
            passage.answerers = dedupe([expand(a) for a in passage.answerers if a != "A"]) or list(
                interviewees[:1]
            )
        elif len(interviewees) == 1:
            passage.answerers = list(interviewees)


# --- names the article gives, for expanding short labels and telling interviewer from interviewee ---------

_LOWER = "a-z\u00df-\u024f"
_NAME_WORD = rf"(?:[A-Z]['’])?[A-Z\u00C0-\u00DE][{_LOWER}]+(?:[A-Z][a-z]+)?(?:-[A-Z][{_LOWER}]+)?"
_NAME_PARTICLE = r"(?:van|von|de|der|den|da|di|du|le|la|del|bin|al)"
_NAME_IN_TEXT = re.compile(
    rf"(?<![\w.'’])({_NAME_WORD}(?:[ \t]+(?:{_NAME_PARTICLE}[ \t]+)?{_NAME_WORD}){{1,2}})(?![\w'’])"
)


def names_in_text(texts: list[str]) -> Counter:
    """Capitalised two- and three-word runs in ``texts`` that could be people's names, with counts."""
    counts: Counter = Counter()
    for text in texts:
        for match in _NAME_IN_TEXT.finditer(text):
            name = match.group(1)
            if name.split()[0] not in _STOP_FIRST_WORDS and name.split()[0] not in _TITLE_BREAK_WORDS:
                counts[name] += 1
    return counts


def known_people(front: dict, meta: dict, title: str, blocks: list, state: State) -> Known:
    """People the article names outside its turns: interviewees (front matter, lead-ins), interviewers
    (front-matter author, byline, ``Interviewer:`` lines) and every name-like run in its text."""
    interviewees = as_list(front.get("interviewees")) + as_list(front.get("interviewee"))
    interviewees += as_list(front.get("speakers")) + state.lead_in_names
    interviewers = (
        as_list(front.get("interviewer")) + as_list(front.get("author")) + as_list(meta.get("author"))
    )
    texts = [title, *(b.text for b in blocks[:400])]
    return Known(dedupe(interviewees), dedupe(interviewers), title=title, texts=texts)
