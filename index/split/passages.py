"""Drafts of passages and how marked blocks become them: a marked block starts a question, the rest is
its answer (or the text before the first question)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.blocks import Block, clean_inline
from index.model import Passage

# "1. How did…", "Q3) What…", "- How…": a question's number or list bullet is not part of it.
_ENUMERATOR = re.compile(r"^(?:(?:Q\s?)?\d{1,2}[.):]|[-*•–])\s+(?=\S)")


@dataclass
class Draft:
    """A passage being assembled (``kind`` "pre" holds text before the first question)."""

    kind: str
    question_parts: list[str] = field(default_factory=list)
    answer_parts: list[tuple[str, bool]] = field(default_factory=list)  # (text, starts a paragraph)
    answerers: list[str] = field(default_factory=list)
    start: float | None = None  # seconds into the recording (transcripts)


def assemble(blocks: list[Block], marks: list[bool], stamps: list[float | None] | None = None) -> list[Draft]:
    """Group blocks into drafts: a marked block starts a question; consecutive marked blocks with no
    paragraph break between them are one question; the rest is answer (or pre-question text). ``stamps``
    (seconds, per block) give each question its start."""
    drafts: list[Draft] = [Draft("pre")]
    for i, block in enumerate(blocks):
        current = drafts[-1]
        if marks[i]:
            continues = current.kind == "qa" and not current.answer_parts and (not block.gap or block.qclass)
            if not continues:
                current = Draft("qa", start=stamps[i] if stamps else None)
                drafts.append(current)
            current.question_parts.append(block.text)
        else:
            current.answer_parts.append((block.text, block.gap or block.heading > 0))
    if not drafts[0].answer_parts:
        drafts.pop(0)
    return drafts


def finish(draft: Draft) -> Passage:
    answer = ""
    for text, new_paragraph in draft.answer_parts:
        if answer:
            answer += "\n\n" if new_paragraph else "\n"
        answer += text
    return Passage(
        number=0,
        kind=draft.kind,
        question=_ENUMERATOR.sub("", clean_inline(" ".join(draft.question_parts)), count=1),
        answer=answer.strip(),
        answerers=list(draft.answerers),
        start=draft.start,
    )
