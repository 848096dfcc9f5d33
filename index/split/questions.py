"""Find the questions: the strongest structural signal the document has decides (``class="question"`` →
headings → speaker labels → bold paragraphs), else every block is scored on its wording. Text whose line
breaks were lost is cut into sentences (or before inline ``Q:``/``A:``) first."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from index.blocks import Block
from index.model import Dropped, Passage
from index.split.furniture import State
from index.split.labels import find_label, seconds, speaker_key
from index.split.passages import Draft, assemble, finish
from index.split.patterns import Patterns, match_key
from index.split.turns import Known, TurnResult, find_turn_passages, label_answerers
from index.split.wording import (
    FIRST_PERSON,
    GREETING,
    INTERROGATIVE,
    QUESTION_END,
    SECOND_PERSON,
    greets,
    is_closing,
    is_prompt,
    is_question_like,
)

TEXT_QUESTION_THRESHOLD = 5
"""Score a block needs, on textual signals alone, to count as a question (see :func:`_text_score`)."""


@dataclass
class Found:
    """What the question finders found: passages (the first may be kind "pre", the text before the first
    question), who answered and who asked where labels say so, and which signal decided."""

    passages: list[Passage] = field(default_factory=list)
    answerers: list[str] = field(default_factory=list)
    interviewers: list[str] = field(default_factory=list)
    question_label: str = ""  # a label every question carries ("Q", "Olinux"), taken off the questions
    method: str = ""
    speakers: dict = field(default_factory=dict)  # speaker key → turns.Speaker, when speaker turns decided
    interviewer_keys: list[str] = field(default_factory=list)


def find_passages(blocks: list[Block], pats: Patterns, state: State, known: Known | None = None) -> Found:
    """Passages by the strongest signal the article has: ``class="question"``, question headings, speaker
    turns, a formatting contrast, then wording (see the module docstring). ``known`` (people named by
    front matter, title and text) helps tell speakers from section labels and find the interviewer."""
    known = known or Known()
    if not blocks:
        return Found()
    lone_heading: Found | None = None
    for method, finder in (("class", _by_class), ("headings", _by_headings)):
        drafts = finder(blocks, pats)
        if drafts is None:
            continue
        if method == "headings" and sum(d.kind == "qa" for d in drafts) < 2:
            # One heading that asks ("## Tell us about yourself?") over questions marked another way
            # (italic list items) is a section title: the other signals go first.
            lone_heading = _found(drafts, method, known)
            continue
        return _found(drafts, method, known)
    found = _find_unmarked(blocks, pats, state, known)
    return lone_heading if lone_heading is not None and len(found.passages) < 2 else found


def _find_unmarked(blocks: list[Block], pats: Patterns, state: State, known: Known) -> Found:
    """Passages when neither a class nor question headings mark them: speaker turns, a formatting
    contrast, then wording (see :func:`find_passages`)."""
    turns = find_turn_passages(blocks, pats, known)
    if turns is not None:
        return _from_turns(turns, state)
    drafts = _by_formatting(blocks, pats) or _by_set_answers(blocks, pats)
    if drafts is not None:
        return _found(drafts, "formatting", known)
    stamped = _stamped_lines(blocks)
    if stamped is not None:
        lines, stamps = stamped
        marks = _textual_marks(lines, pats, sentences=True)
        _join_lead_ins(lines, marks)
        if sum(marks) >= 2:
            state.warnings.append("a timestamp on every line and no speaker labels: questions from wording")
            return _found(assemble(lines, marks, stamps), "wording (timestamped lines)", known)
    split = _leading_question_blocks(blocks)
    if split is not None:
        blocks = split
    marks = _textual_marks(blocks, pats)
    if sum(marks) < 2:
        # Maybe the line breaks were lost: cut long blocks into sentences and look again.
        sentences = _sentence_blocks(blocks)
        if len(sentences) > len(blocks):
            turns = find_turn_passages(_inline_label_blocks(blocks), pats, known)
            if turns is not None:
                state.warnings.append("line breaks seem lost; split on Q:/A: labels")
                return _from_turns(turns, state)
            sentence_marks = _textual_marks(sentences, pats, sentences=True)
            if sum(sentence_marks) >= 2:
                state.warnings.append("line breaks seem lost; questions recovered from sentence patterns")
                return _found(assemble(sentences, sentence_marks), "sentences", known)
    if sum(marks) < 2:
        return Found()
    return _found(assemble(blocks, marks), "wording", known)


def _from_turns(turns: TurnResult, state: State) -> Found:
    state.dropped.extend(Dropped(text, reason) for text, reason in turns.dropped)
    found = Found([finish(d) for d in turns.drafts], turns.answerers, turns.interviewers, method="turns")
    found.speakers, found.interviewer_keys = turns.speakers, turns.interviewer_keys
    return found


def _found(drafts: list[Draft], method: str, known: Known) -> Found:
    """Finish drafts that headings, class, formatting or wording marked: take a label every question
    carries off the questions, and record labelled answerers. A last "question" that nobody answers and
    that only thanks or signs off ("## Thank you!") is no question."""
    last = drafts[-1] if drafts else None
    if last and last.kind == "qa" and not last.answer_parts and is_closing(" ".join(last.question_parts)):
        drafts.pop()
    label = _strip_question_label(drafts)
    answerers = label_answerers(drafts, known)
    return Found([finish(d) for d in drafts], answerers, [], question_label=label, method=method)


def _strip_question_label(drafts: list[Draft]) -> str:
    """``Q: How did…`` / ``Olinux: Tell us…`` in every question: the label is the interviewer's, not part
    of the question. Taken off when two or more questions and most of them carry the same one."""
    labels = []
    for draft in drafts:
        if draft.kind == "qa" and draft.question_parts:
            labels.append(find_label(Block(draft.question_parts[0])))
    keys = Counter(speaker_key(lab.name) for lab in labels if lab is not None and lab.rest)
    if not keys:
        return ""
    key, count = keys.most_common(1)[0]
    questions = sum(d.kind == "qa" for d in drafts)
    if count < 2 or count * 2 < questions:
        return ""
    name = ""
    for draft in drafts:
        if draft.kind != "qa" or not draft.question_parts:
            continue
        label = find_label(Block(draft.question_parts[0]))
        if label is not None and label.rest and speaker_key(label.name) == key:
            draft.question_parts[0] = label.rest
            name = name or label.name
    return name


def _by_class(blocks: list[Block], pats: Patterns) -> list[Draft] | None:
    """Questions are the blocks inside ``class="question"`` elements, and any sub-heading (level 2 or
    deeper) that reads like a question: pages that mark most questions by class sometimes set one
    (often the last, "What's next?") as a plain heading."""
    if not any(b.qclass for b in blocks):
        return None
    marks = [b.qclass or (b.heading >= 2 and is_question_like(b.text, pats)) for b in blocks]
    return assemble(blocks, marks)


def _by_headings(blocks: list[Block], pats: Patterns) -> list[Draft] | None:
    """When question-like headings exist: every heading at the level most of them use is a question, and
    so is any other heading that reads like one; the rest ("#### Coding/Design:") are sub-headings
    inside answers."""
    by_level: dict[int, list[int]] = {}
    for b in blocks:
        if b.heading:
            counts = by_level.setdefault(b.heading, [0, 0])
            counts[0] += 1
            counts[1] += is_question_like(b.text, pats)
    if not by_level:
        return None
    level = max(by_level, key=lambda lv: (by_level[lv][1], -lv))
    total, questions = by_level[level]
    if questions == 0 or (questions < 2 and total > 2) or questions * 3 < total:
        return None
    marks = [bool(b.heading) and (is_question_like(b.text, pats) or _at_level(b, level)) for b in blocks]
    # Headings before the first one that reads like a question are the page's own (tagline, byline,
    # section title), not questions.
    first = next(i for i, b in enumerate(blocks) if marks[i] and is_question_like(b.text, pats))
    marks[:first] = [False] * first
    return assemble(blocks, marks)


def _at_level(block: Block, level: int) -> bool:
    """A heading at the questions' level that carries no date (see :data:`_DATED`)."""
    return block.heading == level and not _DATED.search(block.text)


# A date or a clock time: a heading that carries one ("Start Bootstrap August 25, 2014 at 9:30 PM", a
# comment's author and time) is a comment or post heading, not a question.
_DATED = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.? \d{1,2}(?:st|nd|rd|th)?,? \d{4}\b"
    r"|\b\d{1,2}:\d{2}\s*(?:am|pm)\b|\b\d{1,2}[/.]\d{1,2}[/.]\d{2,4}\b",
    re.IGNORECASE,
)


def _by_formatting(blocks: list[Block], pats: Patterns) -> list[Draft] | None:
    """A formatting contrast: whole-bold paragraphs, or failing those whole-italic ones, that read like
    questions (end with "?" or a prompt) are the questions — two at least. When most paragraphs set that
    way ask (:data:`STATEMENT_SHARE`), the others set the same way between plain paragraphs are the
    interviewer's too: print interviews set remarks and statements as prompts ("You're moving towards a
    transition."), and the setting, not the "?", is what marks them."""
    for style in ("strong", "emphasis"):
        styled = [getattr(b, style) and not b.code for b in blocks]
        texts = [_ENUMERATOR.sub("", b.text) for b in blocks]
        asks = [s and is_question_like(t, pats) for s, t in zip(styled, texts, strict=True)]
        if sum(asks) < 2:
            continue
        # Questions set as list items ("1. __Tell us about yourself.__"): statements may be list items too.
        listed = sum(a and b.list_item for a, b in zip(asks, blocks, strict=True)) * 2 > sum(asks)
        last = len(asks) - 1 - asks[::-1].index(True)
        if last + 1 < len(blocks) and styled[last + 1] and not asks[last + 1]:
            asks[last] = False  # a closing remark set like the questions, then a byline: nothing answers it
            if sum(asks) < 2:
                continue
            last = len(asks) - 1 - asks[::-1].index(True)
        marks = list(asks)
        turns = sum(
            asks[i] or (styled[i] and _set_as_prompt(blocks, styled, i, listed)) for i in range(len(blocks))
        )
        if sum(asks) >= STATEMENT_SHARE * turns:
            for i in range(len(blocks)):
                after_last = i > last and len(blocks[i].text.split()) > SHORT_PROMPT_WORDS
                before_first = i < asks.index(True) and not listed  # a list of questions starts anywhere
                if styled[i] and not asks[i] and not (after_last or before_first) and _set_as_prompt(
                    blocks, styled, i, listed
                ):
                    marks[i] = True
        return assemble(blocks, marks)
    return None


def _by_set_answers(blocks: list[Block], pats: Patterns) -> list[Draft] | None:
    """The contrast the other way round: the answers are set apart (italic, bold, or one colour, as
    printed and early web interviews set the interviewee's words) and the interviewer's turns are
    plain. Every run of plain paragraphs right before a set answer is one question, a remark before the
    question included ("I notice a classic on each album." + "Why these?"); the first run only from its
    last paragraph, which the intro comes before. Needs three set answers or more, almost none of them
    asking, and most plain runs before them ending in a question."""
    n = len(blocks)
    turn_like = [not (b.heading or b.code or b.list_item or b.caption) for b in blocks]
    colors = Counter(b.color for b in blocks if b.color)
    for style in ("emphasis", "strong", "color"):
        if style == "color":
            if not colors:
                continue
            main = colors.most_common(1)[0][0]
            set_apart = [b.color == main and t for b, t in zip(blocks, turn_like, strict=True)]
        else:
            set_apart = [getattr(b, style) and t for b, t in zip(blocks, turn_like, strict=True)]
        answers = [i for i in range(n) if set_apart[i]]
        asked = sum(is_question_like(blocks[i].text, pats) for i in answers)
        if len(answers) < 3 or asked > len(answers) // 10:
            continue
        runs: list[tuple[int, int]] = []  # [start, end) of the plain turn-like paragraphs before an answer
        for j in answers:
            if j == 0 or set_apart[j - 1]:
                continue
            k = j
            while k > 0 and turn_like[k - 1] and not set_apart[k - 1]:
                k -= 1
            if k < j:
                runs.append((k, j))
        asking = [r for r in runs if is_question_like(blocks[r[1] - 1].text, pats)]
        if len(asking) < 3 or len(asking) < 0.7 * len(runs):
            continue
        marks = [False] * n
        out = list(blocks)
        for number, (start, end) in enumerate(runs):
            if number == 0 or end - start > 3:
                start = end - 1
            for i in range(start, end):
                marks[i] = True
                if i > start:  # one question, however many paragraphs it takes
                    out[i] = replace(blocks[i], gap=False)
        return assemble(out, marks)
    return None


SHORT_PROMPT_WORDS = 12
"""After the last styled question only a short statement is taken as a prompt; a longer styled paragraph
there is the author's bio or a closing note."""


STATEMENT_SHARE = 0.6
"""Share of the turn-like paragraphs set in the questions' style (see :func:`_set_as_prompt`) that must
ask before the others set that way count as the interviewer's statements."""


_ENUMERATOR = re.compile(r"^\s*(?:\d{1,3}[.)]|[-*•])\s+")


def _set_as_prompt(blocks: list[Block], styled: list[bool], i: int, listed: bool = False) -> bool:
    """A styled paragraph that is not a question still is the interviewer's when it stands between plain
    paragraphs like a turn: a sentence or more, not a heading or "Label:" sub-heading, not a list item
    unless the questions are list items (``listed``), with plain text after it (the answer)."""
    block = blocks[i]
    text = _ENUMERATOR.sub("", block.text).strip()
    if (block.list_item and not listed) or block.heading or text.endswith(":") or len(text.split()) < 3:
        return False
    nxt = blocks[i + 1] if i + 1 < len(blocks) else None
    return nxt is not None and not styled[i + 1] and not nxt.heading and not nxt.code


def _textual_marks(blocks: list[Block], pats: Patterns, sentences: bool = False) -> list[bool]:
    """Mark blocks whose textual score reaches :data:`TEXT_QUESTION_THRESHOLD`."""
    scores = [
        _text_score(b, blocks[i + 1] if i + 1 < len(blocks) else None, pats, sentences)
        for i, b in enumerate(blocks)
    ]
    marks = [s >= TEXT_QUESTION_THRESHOLD for s in scores]
    # A greeting line just before a question, in the same paragraph, belongs to it
    # ("Hi Zhe, thanks for joining us today." / "Are you happy …?").
    for i in range(len(blocks) - 1, 0, -1):
        lead = blocks[i - 1]
        if marks[i] and not marks[i - 1] and not blocks[i].gap and lead.gap and greets(lead):
            marks[i - 1] = True
    return marks


_LINE_STAMP = re.compile(r"^\[?((?:\d{1,2}:)?\d{1,2}:\d{2})(?:\.\d+)?\]?\s+(?=\S)")


def _stamped_lines(blocks: list[Block]) -> tuple[list[Block], list[float | None]] | None:
    """A transcript whose every line opens with a timestamp and names no speaker ("00:03:11 How did you
    get into programming?"): the lines without their stamps, as sentences of running speech (no paragraph
    boundaries: a turn changes silently), and each line's time in seconds. None unless three in four lines
    (ten at least) carry a stamp."""
    stamps = [_LINE_STAMP.match(b.text) for b in blocks]
    if sum(m is not None for m in stamps) < max(10, 0.75 * len(blocks)):
        return None
    lines = [
        Block(b.text[m.end() :], gap=False) if m else Block(b.text, gap=False, heading=b.heading)
        for b, m in zip(blocks, stamps, strict=True)
    ]
    return lines, [seconds(m.group(1)) if m else None for m in stamps]


_LEAD_IN_WORDS = 15


def _join_lead_ins(lines: list[Block], marks: list[bool]) -> None:
    """In running speech, the one or two short sentences just before a question that do not speak in the
    first person ("Cool.", "All right. So that's how you got started.") are the interviewer's lead-in."""
    questions = list(marks)
    for i in range(len(lines) - 1, 0, -1):
        if not questions[i] or questions[i - 1]:
            continue
        for j in (i - 1, i - 2):
            text = lines[j].text if j >= 0 else ""
            if not text or questions[j] or len(text.split()) > _LEAD_IN_WORDS or FIRST_PERSON.search(text):
                break
            if "?" in text:
                break
            marks[j] = True


_QUOTATIVE = re.compile(
    r"^(?:and |so |but )?(?:they|he|she|i|we|people|everyone|everybody|someone)"
    r"(?:['’](?:re|s|m)| (?:are|is|was|were|am))?(?: all)? (?:like|said|say|says|go|goes|went|asked),",
    re.IGNORECASE,
)
_LEADING_CONJUNCTION = re.compile(r"^(?:and|so|but|ok|okay|well|now)\b[,]?\s+", re.IGNORECASE)


def _text_score(block: Block, nxt: Block | None, pats: Patterns, sentence: bool) -> int:
    """Textual evidence that ``block`` is an interviewer's question (higher is stronger).

    +3 ends with "?" or is an interviewer prompt; +1 a "?" elsewhere; +1 starts a paragraph (−1 if it
    continues one); +1 short (≤ 350 chars), −3 long (> 600); +1 followed by a longer block; +1 opens
    with an interrogative (after a leading "and", "so", "but"…); +1 says "you"; −2 speaks in the first
    person singular; −2 nothing follows; −3 reported speech ("They're like, …?"); −3 a line (of one
    sentence a line) that starts in lower case, carrying on the sentence before it; −6 a list item,
    code or heading.
    """
    text = block.text
    if block.code or block.list_item or block.heading or len(text) > 2000:
        return -6
    key = match_key(text)
    score = 0
    if QUESTION_END.search(key) or is_prompt(key, pats):
        score += 3
    elif "?" in key:
        score += 1
    if not sentence:
        score += 1 if block.gap else -1
    score += 1 if len(text) <= 350 else 0
    score -= 3 if len(text) > 600 else 0
    if nxt is None:
        score -= 2
    elif len(nxt.text) > len(text) and not QUESTION_END.search(nxt.text):
        score += 1
    body = _LEADING_CONJUNCTION.sub("", GREETING.sub("", key, count=1), count=1)
    if INTERROGATIVE.match(body) or INTERROGATIVE.match(key):
        score += 1
    if _QUOTATIVE.match(key):
        score -= 3  # reported speech: "They're like, Python?", "And he said, why not?"
    if sentence and text[:1].islower():
        score -= 3  # a line that carries on the sentence before it ("will say, hey, can you …?")
    if SECOND_PERSON.search(key):
        score += 1
    if FIRST_PERSON.search(key):
        score -= 2
    return score


# The lookbehind lets a run of punctuation be tried once, from its start: linear on a line of "????".
_SENTENCE_END = re.compile(r"(?<![.!?…])[.!?…]+[\"”’')\]]*\s+(?=[\"“‘(]?[A-Z0-9])")


def _split_sentences(text: str) -> list[str]:
    out, start = [], 0
    for match in _SENTENCE_END.finditer(text):
        out.append(text[start : match.end()].strip())
        start = match.end()
    out.append(text[start:].strip())
    return [s for s in out if s]


def _sentence_blocks(blocks: list[Block]) -> list[Block]:
    """Long blocks cut into one block per sentence (for text whose line breaks were lost)."""
    out: list[Block] = []
    for block in blocks:
        if len(block.text) < 600 or block.code:
            out.append(block)
            continue
        for i, sentence in enumerate(_split_sentences(block.text)):
            out.append(Block(sentence, gap=block.gap if i == 0 else False))
    return out


_QUESTION_SENTENCE = re.compile(r"^.{8,400}?\?[\"”’')\]]*(?=\s+\S)")
_NEXT_QUESTION_SENTENCE = re.compile(r"\s+[^.!?\n]{8,400}\?[\"”’')\]]*(?=\s+\S)")


def _leading_question_blocks(blocks: list[Block]) -> list[Block] | None:
    """Blocks that open with a question and go on with its answer ("How did the band start? We met in
    school…"), cut in two, when three or more blocks are like that: an article whose question and answer
    lines were run together. None when the article does not look like that."""
    cuts: list[tuple[int, int]] = []
    for i, block in enumerate(blocks):
        if block.code or block.heading or block.list_item or len(block.text) < 40:
            continue
        match = _QUESTION_SENTENCE.match(block.text)
        if match is None:
            continue
        end = match.end()
        # A question of two or more sentences ("Could you tell us …? How do you come up with …?") is asked
        # whole before the answer begins.
        while more := _NEXT_QUESTION_SENTENCE.match(block.text, end):
            end = more.end()
        rest = block.text[end:].strip()
        if len(rest) >= 20 and not QUESTION_END.search(rest) and "?" not in rest[:80]:
            cuts.append((i, end))
    if len(cuts) < 3:
        return None
    out = list(blocks)
    for i, end in reversed(cuts):
        block = blocks[i]
        question = Block(block.text[:end].strip(), gap=True)
        answer = Block(block.text[end:].strip(), gap=False)
        out[i : i + 1] = [question, answer]
    return out


_INLINE_QA = re.compile(r"(?:(?<=[.!?\"”])|^)\s*\b(Q|A)([:.])\s+")


def _inline_label_blocks(blocks: list[Block]) -> list[Block]:
    """Long blocks cut before inline ``Q:`` / ``A:`` labels (text whose line breaks were lost)."""
    out: list[Block] = []
    for block in blocks:
        if len(block.text) < 300 or block.code:
            out.append(block)
            continue
        starts = [m.start(1) for m in _INLINE_QA.finditer(block.text)]
        if len(starts) < 2:
            out.append(block)
            continue
        cuts = [0, *starts, len(block.text)]
        for a, b in zip(cuts, cuts[1:], strict=False):
            piece = block.text[a:b].strip()
            if piece:
                out.append(Block(piece, gap=True))
    return out
