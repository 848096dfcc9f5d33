"""Speaker labels at the start of lines (``Q:``/``A:``, initials, names, a publication's label): who
asks, who answers, and who answered each question in a group interview."""

from __future__ import annotations

import re

from index.blocks import Block
from index.split.passages import Draft
from index.split.patterns import Patterns
from index.split.wording import is_question_like

_LABEL = re.compile(
    r"^(?P<label>Q|A|[A-Z][\w.&'’-]{0,24}(?: [A-Z][\w.&'’-]{0,24}){0,3})\s*[:：]\s+(?P<rest>\S.*)$|"
    r"^(?P<qa>Q|A)[.)]\s+(?P<qarest>\S.*)$",
    re.DOTALL,
)


# Labels that open a line but are not people ("Note: …", "Website: …").
_NOT_SPEAKERS = re.compile(
    r"^(?:note|update|editor['’]s note|photos?|images?|source|via|p\.?s|bio|website|instagram|facebook|"
    r"twitter|linkedin|email|other|tip|warning|important|example|step|edit|tl;dr|caption|credits?|location|"
    r"address|phone|hours|price|tags|category|categories|related)$"
)


_INTERVIEWER_LABELS = {"q", "question", "interviewer", "int", "me", "us", "we"}


def _speaker_label(block: Block) -> tuple[str, str] | None:
    if block.code or len(block.text) < 3:
        return None
    match = _LABEL.match(block.text)
    if not match:
        return None
    if match.group("qa"):
        return match.group("qa"), match.group("qarest")
    label = match.group("label").strip()
    if _NOT_SPEAKERS.match(label.lower().rstrip(".")):
        return None
    return label, match.group("rest")


def by_speaker_labels(blocks: list[Block], pats: Patterns):
    """Speaker-labelled interviews (``Q:``/``A:``, ``Q.``/``A.``, initials, the publication's label and the
    interviewees' names). The interviewer's label is Q / Interviewer, else the label whose lines most
    often read like questions; every other label answers. Unlabelled lines continue the last speaker."""
    labels: list[tuple[str, str] | None] = [_speaker_label(b) for b in blocks]
    counts: dict[str, list[int]] = {}
    for found in labels:
        if found:
            entry = counts.setdefault(found[0], [0, 0])
            entry[0] += 1
            entry[1] += is_question_like(found[1], pats)
    speakers = {name for name, (n, _) in counts.items() if n >= 2 or name in ("Q", "A")}
    labelled = sum(counts[s][0] for s in speakers)
    if len(speakers) < 2 or labelled < 4:
        return None
    interviewer = next((s for s in speakers if s.lower() in _INTERVIEWER_LABELS), None)
    if interviewer is None:
        interviewer = max(speakers, key=lambda s: (counts[s][1] / counts[s][0], counts[s][0]))
        if counts[interviewer][1] == 0:
            return None
    drafts: list[Draft] = [Draft("pre")]
    speaker = ""
    answer_labels: list[str] = []
    for block, found in zip(blocks, labels, strict=True):
        current = drafts[-1]
        if found and found[0] in speakers:
            speaker, rest = found
            if speaker == interviewer:
                if current.kind == "qa" and not current.answer_parts:
                    current.question_parts.append(rest)
                else:
                    drafts.append(Draft("qa", question_parts=[rest]))
                continue
            if speaker not in current.answerers:
                current.answerers.append(speaker)
            if speaker not in answer_labels:
                answer_labels.append(speaker)
            current.answer_parts.append((f"{speaker}: {rest}" if speaker != "A" else rest, True))
            continue
        if speaker == interviewer and current.kind == "qa" and not current.answer_parts:
            current.question_parts.append(block.text)
        else:
            current.answer_parts.append((block.text, block.gap))
    if not drafts[0].answer_parts:
        drafts.pop(0)
    # With one answerer, the label in front of every answer paragraph is noise.
    for draft in drafts:
        if len(draft.answerers) == 1:
            prefix = f"{draft.answerers[0]}: "
            draft.answer_parts = [
                (t[len(prefix) :] if t.startswith(prefix) else t, g) for t, g in draft.answer_parts
            ]
    return drafts, answer_labels


def label_answerers(drafts: list[Draft], known_names: list[str]) -> list[str]:
    """Record who answered when answers open with speakers' names (``Mitch: …``, ``**Ana:** …``).

    Labels count when they start answer paragraphs in two or more passages, and when they are people:
    one of them names a known interviewee (first name, full name or initials), or two speakers take turns
    (A, B, A) within one answer. Section labels such as ``Video:`` / ``Audio:`` / ``Art:``, which come
    once each in a fixed order, are left alone."""
    passages_with: dict[str, int] = {}
    opens: set[str] = set()
    sequences: list[list[str]] = []
    for draft in drafts:
        if draft.kind != "qa":
            continue
        sequence: list[str] = []
        for i, (text, _) in enumerate(draft.answer_parts):
            found = _speaker_label(Block(text))
            if found and found[0] not in ("Q", "A"):
                sequence.append(found[0])
                if i == 0:
                    opens.add(found[0])
        for label in set(sequence):
            passages_with[label] = passages_with.get(label, 0) + 1
        sequences.append(sequence)
    speakers = {label for label, n in passages_with.items() if n >= 2} if opens else set()
    if not speakers:
        return []
    names_a_person = any(_label_names(label, known_names) for label in speakers)
    takes_turns = any(_takes_turns([s for s in seq if s in speakers]) for seq in sequences)
    if not (names_a_person or takes_turns):
        return []
    order: list[str] = []
    for draft in drafts:
        if draft.kind != "qa":
            continue
        for text, _ in draft.answer_parts:
            found = _speaker_label(Block(text))
            if found and found[0] in speakers and found[0] not in draft.answerers:
                draft.answerers.append(found[0])
                if found[0] not in order:
                    order.append(found[0])
        if len(draft.answerers) == 1:
            prefix = f"{draft.answerers[0]}: "
            draft.answer_parts = [
                (t[len(prefix) :] if t.startswith(prefix) else t, g) for t, g in draft.answer_parts
            ]
    return order


def _label_names(label: str, names: list[str]) -> bool:
    """True when ``label`` is one of ``names``, a first name of one, or its initials."""
    for name in names:
        parts = name.split()
        if parts and (
            label in (name, parts[0]) or label.replace(".", "") == "".join(p[0] for p in parts).upper()
        ):
            return True
    return False


def _takes_turns(sequence: list[str]) -> bool:
    """True when a speaker comes back after someone else spoke (A, B, A)."""
    seen: list[str] = []
    for label in sequence:
        if label in seen and seen[-1] != label:
            return True
        if not seen or seen[-1] != label:
            seen.append(label)
    return False
