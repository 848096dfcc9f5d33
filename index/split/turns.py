"""Speaker turns: labelled blocks → turns → who is the interviewer → which interviewer turns open a passage.

One mechanism for every labelled interview, print or spoken:

1. **Labels** (:mod:`index.split.labels`) are found at block starts and grouped into speakers: forms that
   name the same person (full name, initials, first name, surname, different case) are one speaker, and a
   speaker counts when its labels recur. Short forms are expanded to the full name the article gives
   (``JOT`` → "Jeremy Olmsted-Thompson" from the intro). Labels glued inside a line (``…from— OLIVER
   TURIANO: Band``) split the line.
2. **Turns**: a labelled block starts a turn; unlabelled blocks continue it. When only one side is
   labelled (``CS>`` questions with bare answers, or ``Name:`` answers after bare list-item questions), a
   new paragraph after the labelled side's turn is the other side speaking.
3. **The interviewer** is decided from evidence, never from one site's spelling: a ``Q``/``Interviewer``
   label; asking most (share of turns that ask); the people the front matter or title names as
   interviewees (never the interviewer) or as author or interviewer; a label that is not a person (a
   publication's name); shorter turns; speaking first. A second speaker who asks as much is a co-host.
4. **Which interviewer turns open a passage**: where the publication set the interviewer's turns apart
   (bold, italic, heading, list item, colour) every such turn is a question, statements included. Where
   only labels tell them apart (transcripts, plain text), a turn opens a passage when it asks something;
   backchannel and remarks ("Right.", "That's awesome.") join the running answer, labelled. Thank-yous
   and a last turn nobody answers open nothing.

Timestamps written with labels (``Name (00:12:31):``, ``### Name 1:05``, ``[00:31]``) give each passage its
``start`` in seconds: the question turn's own, else the latest one before it.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from index.blocks import Block
from index.split.attribution import publication_word
from index.split.labels import (
    ANSWER_LABELS,
    GROUP_LABELS,
    INTERVIEWER_LABELS,
    Label,
    display_name,
    find_label,
    is_initials,
    maybe_label,
    name_words,
    same_speaker,
    speaker_key,
)
from index.split.passages import Draft
from index.split.patterns import Patterns
from index.split.wording import QUESTION_END, asks, is_closing

_INTERVIEWER = "\x00interviewer"  # the unlabelled side, when only answers carry labels
_ANSWERER = "\x00answerer"  # the unlabelled side, when only questions carry labels


@dataclass
class Speaker:
    """Everyone a group of labels names: its label forms, its best name, and how it talks."""

    key: str
    forms: list[str] = field(default_factory=list)
    name: str = ""
    affiliation: str = ""  # "Heavy Local Greece" in "Heavy Local Greece (Daria Aeonia):"
    labels: int = 0
    turns: int = 0
    asking: int = 0
    chars: int = 0
    first: int = 10**9
    person: bool = True

    @property
    def ask_ratio(self) -> float:
        return self.asking / self.turns if self.turns else 0.0

    @property
    def mean_chars(self) -> float:
        return self.chars / self.turns if self.turns else 0.0


@dataclass
class Turn:
    """One speaker's uninterrupted words: ``parts`` are (text, starts a paragraph)."""

    speakers: list[str]
    parts: list[tuple[str, bool]] = field(default_factory=list)
    stamp: float | None = None
    formatted: bool = False  # its first block is set apart (bold, italic, heading, list item, colour)
    labelled: bool = True

    @property
    def text(self) -> str:
        return " ".join(t for t, _ in self.parts)


@dataclass
class Known:
    """What the article says about its people outside the turns (front matter, title, byline, text).

    ``names`` (capitalised runs in the text that could be names, with counts) is worked out on first use
    from ``texts``: most articles never need it."""

    interviewees: list[str] = field(default_factory=list)
    interviewers: list[str] = field(default_factory=list)
    title: str = ""
    texts: list[str] = field(default_factory=list)
    speakers: list[str] = field(default_factory=list)  # front matter's list of everyone who speaks
    raw: str = ""  # the article's source text, for the profile links names are written as
    _names: Counter | None = None

    @property
    def names(self) -> Counter:
        if self._names is None:
            from index.split.people import names_in_text

            self._names = names_in_text(self.texts)
        return self._names

    @property
    def in_title(self) -> list[str]:
        """People's names the title mentions (that the text mentions again)."""
        from index.split.people import names_in_text

        return [n for n in names_in_text([self.title]) if self.names[n] > 1]


@dataclass
class TurnResult:
    drafts: list[Draft]
    interviewers: list[str]  # display names
    answerers: list[str]  # display names of everyone who answered, in order of first answer
    speakers: dict[str, Speaker]
    interviewer_keys: list[str] = field(default_factory=list)
    dropped: list[tuple[str, str]] = field(default_factory=list)  # (text, reason)


def find_turn_passages(blocks: list[Block], pats: Patterns, known: Known) -> TurnResult | None:
    """Passages of a speaker-labelled article (see the module docstring), or None when it has no labels."""
    labels = [find_label(b) for b in blocks]
    speakers, owner = _speakers(labels, known)
    if not speakers:
        return None
    blocks, labels = _split_glued_labels(blocks, labels, speakers, owner)
    labelled = sum(1 for lab in labels if lab is not None and _owner(lab, owner))
    if labelled < 3:
        return None
    turns = _turns(blocks, labels, owner, sided="")
    _count(turns, speakers, pats)
    sided = _one_sided(blocks, labels, owner, speakers, pats)
    interviewers = [] if sided == _INTERVIEWER else _choose_interviewers(speakers, known)
    if sided:
        turns = _turns(blocks, labels, owner, sided=sided, speakers=speakers, pats=pats)
        for speaker in speakers.values():
            speaker.turns = speaker.asking = speaker.chars = 0
        _count(turns, speakers, pats)
        if sided == _INTERVIEWER:
            interviewers = [_INTERVIEWER]
    if not interviewers:
        return None
    if not sided and any(t.speakers == [_INTERVIEWER] for t in turns):
        interviewers = [*interviewers, _INTERVIEWER]
    turns = _answers_left_unlabelled(turns, interviewers, speakers, pats)
    asking_turns = [t for t in turns if _is_interviewer(t, interviewers) and asks(t.text, pats)]
    if len(asking_turns) < 2:
        return None
    drafts, dropped = _passages(turns, interviewers, speakers, pats)
    if sum(d.kind == "qa" for d in drafts) < 2:
        return None
    answerers: list[str] = []
    for draft in drafts:
        for name in draft.answerers:
            if name not in answerers:
                answerers.append(name)
    names = [speakers[k].name for k in interviewers if k in speakers]
    return TurnResult(drafts, names, answerers, speakers, interviewer_keys=interviewers, dropped=dropped)


# --- speakers ----------------------------------------------------------------------------------------------


def _person_like(text: str) -> bool:
    """One to four capitalised words of letters: "Daria Aeonia", "Terence" — not "G, Vo" or "Dr."."""
    words = text.split()
    return 1 <= len(words) <= 4 and all(
        len(w) >= 3 and w[0].isupper() and any(c.islower() for c in w) and w.replace("-", "").isalpha()
        for w in words
    )


_GROUP_CUT = re.compile(r"\s*,\s*(?:and\s+)?|\s+(?:and|&)\s+")


def _parts(label: Label) -> list[str]:
    """The names a label stands for: one, or several in "OT and SO" / "AO, OT, and SO"."""
    return [p for p in _GROUP_CUT.split(label.name) if p] or [label.name]


def _people(label: Label) -> list[str]:
    """The people a label names: its parts (:func:`_parts`) without group words ("All", "Both")."""
    return [p for p in _parts(label) if speaker_key(p) not in GROUP_LABELS]


def _speakers(labels: list[Label | None], known: Known) -> tuple[dict[str, Speaker], dict[str, str]]:
    """Group label forms into speakers; keep the speakers whose labels recur. Returns the speakers by key
    and ``owner``: each accepted label form's key → its speaker's key."""
    counts: Counter = Counter()
    forms: dict[str, str] = {}
    shapes: dict[str, str] = {}
    affiliation: dict[str, str] = {}
    for label in labels:
        if label is None:
            continue
        if label.paren and _person_like(label.paren) and len(_parts(label)) == 1:
            person = label.paren
            affiliation[speaker_key(person)] = label.name
        else:
            person = label.name
        for part in _parts(label) if person == label.name else [person]:
            key = speaker_key(part)
            counts[key] += 1
            forms.setdefault(key, part)
            shapes.setdefault(key, label.shape)
    speakers: dict[str, Speaker] = {}
    owner: dict[str, str] = {}
    # Longest forms first, so initials and first names join the full name they abbreviate.
    for key in sorted(counts, key=lambda k: (-len(name_words(forms[k])), -len(forms[k]))):
        form = forms[key]
        home = next((s for s in speakers.values() if any(same_speaker(form, f) for f in s.forms)), None)
        if home is None and len(key) == 1 and key not in INTERVIEWER_LABELS | ANSWER_LABELS:
            # A one-letter label ("I:") after the name once ("Itza:"): the one speaker it can stand for.
            initial = [
                s for s in speakers.values() if any(len(f) >= 3 and f[0].casefold() == key for f in s.forms)
            ]
            home = initial[0] if len(initial) == 1 else None
        if home is None:
            home = speakers.setdefault(key, Speaker(key=key))
        home.forms.append(form)
        home.labels += counts[key]
        owner[key] = home.key
    # A bold or italic name said once ("**Nabarun**: …"), or a name on a line of its own with a timestamp
    # ("Unknown Speaker  3:14"), is a speaker too, when other speakers' names are set the same way: one
    # member of a panel may answer only once.
    recurring = [s for s in speakers.values() if s.labels >= 2]
    alike = Counter(shapes.get(speaker_key(s.forms[0])) for s in recurring)
    for speaker in list(speakers.values()):
        shape = shapes.get(speaker.key)
        once_but_alike = (
            shape in ("lead", "line")
            and alike[shape] >= 2
            and speaker.forms[0][:1].isupper()
            and len(name_words(speaker.forms[0])) <= 3
        )
        if speaker.labels < 2 and not once_but_alike:
            for form in speaker.forms:
                owner.pop(speaker_key(form), None)
            del speakers[speaker.key]
            continue
        speaker.affiliation = next(
            (affiliation[speaker_key(f)] for f in speaker.forms if speaker_key(f) in affiliation), ""
        )
    _name_speakers(list(speakers.values()), known)
    return speakers, owner


def _name_speakers(speakers: list[Speaker], known: Known) -> None:
    """Give each speaker its fullest name; two speakers are two people, so when both would take one name
    ("Michael>>" and "Fogus>>" beside a text naming Michael Fogus and Michael Kohl) the one that has
    another name to take takes that."""
    choices = {s.key: _name_choices(s, known) for s in speakers}
    chosen = {key: names[0] for key, names in choices.items()}
    for speaker in sorted(speakers, key=lambda s: -len(choices[s.key])):
        taken = {name for key, name in chosen.items() if key != speaker.key}
        free = [n for n in choices[speaker.key] if n not in taken]
        if chosen[speaker.key] in taken and free:
            chosen[speaker.key] = free[0]
    for speaker in speakers:
        speaker.name = chosen[speaker.key]
        speaker.person = _person_name(speaker.name)


def _person_name(name: str) -> bool:
    """A label that can be a person: not a domain, not all lower case, not a Q/A or group word."""
    if speaker_key(name) in INTERVIEWER_LABELS | ANSWER_LABELS | GROUP_LABELS:
        return False
    if "." in name and not is_initials(name):
        return False
    return not name.islower()


def _full_name(speaker: Speaker, known: Known) -> str:
    """The speaker's fullest name: its longest label form, else a name in the article that the short
    forms abbreviate (initials, first name, surname, or a nickname that begins a first name)."""
    return _name_choices(speaker, known)[0]


def _name_choices(speaker: Speaker, known: Known) -> list[str]:
    """The names the speaker may have, best first (see :func:`_full_name`); the label itself last."""
    longest = max(speaker.forms, key=lambda f: (len(name_words(f)), len(f)))
    if len(name_words(longest)) >= 2 and not is_initials(longest):
        return [display_name(longest)]
    people = [*known.interviewees, *known.interviewers, *known.speakers]
    candidates = [n for n in people if len(name_words(n)) >= 2]
    candidates += sorted(known.names, key=lambda n: (-known.names[n], len(n.split())))
    choices: list[str] = []
    for form in sorted(speaker.forms, key=len, reverse=True):
        for name in candidates:
            if speaker_key(name) != speaker_key(form) and same_speaker(form, name) and name not in choices:
                choices.append(name)
    if not choices and not is_initials(longest) and len(longest) >= 3:
        for name in candidates:
            first = name_words(name)[0]
            if first.casefold().startswith(longest.casefold()) and first.casefold() != longest.casefold():
                choices.append(name)
                break
    return [*choices, display_name(longest)]


def _owner(label: Label, owner: dict[str, str]) -> list[str]:
    """The accepted speakers a label names (several for "OT and SO"), or []."""
    if label.paren and _person_like(label.paren) and speaker_key(label.paren) in owner:
        return [owner[speaker_key(label.paren)]]
    keys = [owner.get(speaker_key(p)) for p in _parts(label)]
    return [k for k in keys if k] if all(keys) else []


_GLUED = re.compile(r"(?<=[\s—–-])([A-Z][A-Z.’']{1,24}(?: [A-Z][A-Z.’']{1,24}){0,3}):\s")


def _split_glued_labels(
    blocks: list[Block], labels: list[Label | None], speakers: dict[str, Speaker], owner: dict[str, str]
) -> tuple[list[Block], list[Label | None]]:
    """Cut blocks where an upper-case speaker label appears inside the line (a transcript whose line
    breaks were lost: "…we combine— OLIVER TURIANO: Band, like…")."""
    capitals = {k for k in owner if any(f.isupper() and len(f) >= 2 for f in speakers[owner[k]].forms)}
    if not capitals:
        return blocks, labels
    out_blocks: list[Block] = []
    out_labels: list[Label | None] = []
    for block, label in zip(blocks, labels, strict=True):
        cuts = [m.start(1) for m in _GLUED.finditer(block.text) if speaker_key(m.group(1)) in capitals]
        if not cuts or block.code:
            out_blocks.append(block)
            out_labels.append(label)
            continue
        edges = [0, *cuts, len(block.text)]
        for n, (a, b) in enumerate(zip(edges, edges[1:], strict=False)):
            piece = Block(block.text[a:b].strip(), gap=block.gap if n == 0 else False)
            if not piece.text:
                continue
            out_blocks.append(piece)
            out_labels.append(label if n == 0 else find_label(piece))
    return out_blocks, out_labels


# --- turns -------------------------------------------------------------------------------------------------


def _formatted(block: Block) -> bool:
    return bool(
        block.strong or block.emphasis or block.heading or block.list_item or block.quote or block.color
    )


def _turns(
    blocks: list[Block],
    labels: list[Label | None],
    owner: dict[str, str],
    sided: str,
    speakers: dict[str, Speaker] | None = None,
    pats: Patterns | None = None,
) -> list[Turn]:
    """Blocks → turns. ``sided`` names the unlabelled side when only one side carries labels."""
    turns: list[Turn] = [Turn(speakers=[], labelled=False)]  # text before the first label
    answer_marks = Counter()
    if sided == _INTERVIEWER:
        for block, label in zip(blocks, labels, strict=True):
            if label is not None and _owner(label, owner):
                answer_marks[_formatted(block)] += 1
    for index, (block, label) in enumerate(zip(blocks, labels, strict=True)):
        who = _owner(label, owner) if label is not None else []
        current = turns[-1]
        if who:
            turn = Turn(speakers=who, stamp=label.stamp, formatted=_formatted(block))
            if label.rest:
                turn.parts.append((label.rest, True))
            turns.append(turn)
            continue
        if not sided and block.gap and _set_apart_question(block) and current.parts:
            # Both sides are labelled, yet a question set apart and unlabelled is asked too (audience
            # questions read out: "**When is the last payment date? Can we extend it?**").
            turns.append(
                Turn(speakers=[_INTERVIEWER], parts=[(block.text, True)], labelled=False, formatted=True)
            )
            continue
        if not sided and current.speakers == [_INTERVIEWER] and not current.labelled and block.gap:
            # Plain text after such a question answers it ("September 30th.").
            turns.append(Turn(speakers=[_ANSWERER], parts=[(block.text, True)], labelled=False))
            continue
        if sided == _ANSWERER and current.labelled and block.gap and current.parts:
            turns.append(Turn(speakers=[_ANSWERER], parts=[(block.text, True)], labelled=False))
            continue
        if (
            sided == _INTERVIEWER
            and block.gap
            and _prompt_like(block, pats, answer_marks)
            and (_formatted(block) or _answered_next(labels, owner, index))
        ):
            turn = Turn(speakers=[_INTERVIEWER], parts=[(block.text, True)], labelled=False)
            turn.formatted = _formatted(block)
            turns.append(turn)
            continue
        if block.heading and current.speakers and current.speakers != [_INTERVIEWER]:
            # A heading between turns (a pull quote, "## “We have to get louder”") is nobody's words: it
            # goes with what comes next, not onto the end of the question before it.
            turns.append(Turn(speakers=[], parts=[(block.text, True)], labelled=False))
            continue
        current.parts.append((block.text, block.gap or bool(block.heading)))
    return turns


def _answers_left_unlabelled(
    turns: list[Turn], interviewers: list[str], speakers: dict[str, Speaker], pats: Patterns
) -> list[Turn]:
    """Where the interviewer's label is a question word (``Q:``) and the answers carry names, an answer
    that lost its label ("Q: Do you use any software…?" then "I've been using Epsilon for 20 years")
    would run on as part of the question: after a paragraph that ends in "?", a new paragraph of ten
    words or more that asks nothing is the answer. It is the one answerer's, when there is one."""
    if not any(k in INTERVIEWER_LABELS for k in interviewers):
        return turns
    answering = {k for t in turns if t.labelled for k in t.speakers if k not in interviewers}
    if not answering:
        return turns
    who = sorted(answering) if len(answering) == 1 else [_ANSWERER]
    out: list[Turn] = []
    for turn in turns:
        cut = None
        if turn.labelled and _is_interviewer(turn, interviewers):
            cut = next(
                (
                    k
                    for k in range(1, len(turn.parts))
                    if turn.parts[k][1]
                    and QUESTION_END.search(turn.parts[k - 1][0].rstrip())
                    and len(turn.parts[k][0].split()) >= 10
                    and not asks(turn.parts[k][0], pats)
                ),
                None,
            )
        if cut is None:
            out.append(turn)
            continue
        out.append(
            Turn(speakers=turn.speakers, parts=turn.parts[:cut], stamp=turn.stamp, formatted=turn.formatted)
        )
        out.append(Turn(speakers=list(who), parts=turn.parts[cut:], labelled=False))
    return out


def _set_apart_question(block: Block) -> bool:
    """A whole-bold or whole-italic paragraph of three words or more that ends in a question mark."""
    return (
        (block.strong or block.emphasis)
        and not (block.heading or block.list_item or block.code)
        and len(block.text.split()) >= 3
        and bool(QUESTION_END.search(block.text.rstrip()))
    )


def _answered_next(labels: list[Label | None], owner: dict[str, str], index: int) -> bool:
    """True when the block after ``index`` is a labelled turn: a plain paragraph that asks is the
    interviewer's only when an answer follows it; one followed by more unlabelled text (the intro's
    "how did she confront the guitar?" before the first question) is the writer's."""
    nxt = labels[index + 1] if index + 1 < len(labels) else None
    return nxt is not None and bool(_owner(nxt, owner))


def _prompt_like(block: Block, pats: Patterns | None, answer_marks: Counter) -> bool:
    """An unlabelled paragraph that is the interviewer speaking, where only answers carry labels: set
    apart by formatting that labelled answers lack, or asking in a short paragraph."""
    if _formatted(block) and answer_marks[True] <= answer_marks[False] // 4:
        return True
    return pats is not None and len(block.text) <= 400 and asks(block.text, pats)


def _count(turns: list[Turn], speakers: dict[str, Speaker], pats: Patterns) -> None:
    for index, turn in enumerate(turns):
        for key in turn.speakers:
            speaker = speakers.get(key)
            if speaker is None:
                continue
            speaker.turns += 1
            speaker.asking += asks(turn.text, pats) if turn.text else 0
            speaker.chars += len(turn.text)
            speaker.first = min(speaker.first, index)


# --- the interviewer ---------------------------------------------------------------------------------------


def _choose_interviewers(speakers: dict[str, Speaker], known: Known) -> list[str]:
    """The interviewer's key (and co-hosts'), from the evidence in the module docstring."""
    talking = {k: s for k, s in speakers.items() if s.turns}
    if not talking:
        return []

    def named(speaker: Speaker, names: list[str]) -> bool:
        forms = [*speaker.forms, speaker.name]
        return any(same_speaker(f, n) or same_speaker(n, f) for f in forms for n in names if n)

    # Front matter's "speakers" names everyone in some articles and only the guests in others: it tells
    # guests from hosts only when it names some of the labelled speakers and not all.
    listed = [s for s in talking.values() if named(s, known.speakers)]
    guests = list(known.interviewees)
    if 0 < len(listed) < len(talking):
        guests += known.speakers
    shortest = min(s.mean_chars for s in talking.values())
    first = min(s.first for s in talking.values())
    most_asking = max(s.asking for s in talking.values()) or 1
    # "A:" is the answer only beside "Q:" (or alone); beside "S:" it is someone's initial ("A" for Anthony).
    qa_convention = len(talking) == 1 or any(k in INTERVIEWER_LABELS for k in talking)

    def score(speaker: Speaker) -> float:
        value = 3.0 * speaker.ask_ratio + speaker.asking / most_asking
        if speaker.key in INTERVIEWER_LABELS:
            value += 10
        if speaker.key in ANSWER_LABELS and qa_convention:
            value -= 10
        if named(speaker, guests):
            value -= 6
        elif named(speaker, known.in_title):
            value -= 3
        if named(speaker, known.interviewers):
            value += 2
        if not speaker.person and ("." in speaker.name or publication_word(speaker.name)):
            value += 1  # a publication's name as the label ("kubuntu-de.org:", "Amiga Magazin:")
        if speaker.mean_chars <= shortest * 1.2:
            value += 0.5
        if speaker.first == first:
            value += 0.3
        return value

    ranked = sorted(talking.values(), key=score, reverse=True)
    best = ranked[0]
    chosen = [best.key]
    guests_known = any(named(s, guests) for s in talking.values())
    for other in ranked[1:]:
        answer_label = other.key in ANSWER_LABELS and qa_convention
        if named(other, guests) or answer_label or len(chosen) + 1 >= len(talking):
            continue
        cohost = (
            other.ask_ratio >= max(0.45, 0.6 * best.ask_ratio) and other.mean_chars <= 2 * best.mean_chars
        )
        # Beside known guests, another speaker who asks now and then is a co-host — when it asks more
        # than once or in half its turns: a colleague who chimes in with one question among remarks
        # ("Slyfox:") is not hosting.
        asks_enough = other.asking >= 2 or other.ask_ratio >= 0.5
        if cohost or (guests_known and other.ask_ratio >= 0.2 and asks_enough):
            chosen.append(other.key)
    return chosen


def _one_sided(
    blocks: list[Block],
    labels: list[Label | None],
    owner: dict[str, str],
    speakers: dict[str, Speaker],
    pats: Patterns,
) -> str:
    """Which side speaks without labels: the interviewer, when most labelled turns follow an unlabelled
    paragraph that asks or is set apart; the answerer, when every labelled speaker asks; else ""."""
    talking = [s for s in speakers.values() if s.turns]
    if not talking:
        return ""
    starts = prompted = 0
    previous: Block | None = None
    previous_labelled = False
    own_turns: Counter = Counter()  # the labelled paragraphs alone: a turn's text runs on into
    own_asks: Counter = Counter()  # the unlabelled paragraphs after it, which may be the other side
    for block, label in zip(blocks, labels, strict=True):
        who = _owner(label, owner) if label is not None else []
        labelled = bool(who)
        if labelled:
            starts += 1
            for key in who if label.rest else ():
                own_turns[key] += 1
                own_asks[key] += asks(label.rest, pats)
            if previous is not None and not previous_labelled and previous.gap:
                set_apart = _formatted(previous) and not previous.heading  # headings here are sections
                prompted += set_apart or asks(previous.text, pats)
        if block.gap or labelled:
            previous, previous_labelled = block, labelled

    def asking(speaker: Speaker) -> bool:
        if not own_turns[speaker.key]:  # labels on lines of their own
            return speaker.ask_ratio >= 0.5
        return own_asks[speaker.key] >= 0.5 * own_turns[speaker.key]

    if starts and prompted >= 0.5 * starts and not any(asking(s) for s in talking):
        return _INTERVIEWER
    if all(asking(s) for s in talking) and (
        len(talking) == 1 or all(s.key in INTERVIEWER_LABELS for s in talking)
    ):
        return _ANSWERER
    return ""


def _is_interviewer(turn: Turn, interviewers: list[str]) -> bool:
    return bool(turn.speakers) and all(k in interviewers for k in turn.speakers)


# --- passages ----------------------------------------------------------------------------------------------


def _passages(
    turns: list[Turn], interviewers: list[str], speakers: dict[str, Speaker], pats: Patterns
) -> tuple[list[Draft], list[tuple[str, str]]]:
    asking = [t for t in turns if _is_interviewer(t, interviewers)]
    answering = [t for t in turns if t.speakers and not _is_interviewer(t, interviewers)]
    marked = sum(t.formatted for t in asking) / max(len(asking), 1)
    answer_marked = sum(t.formatted for t in answering) / max(len(answering), 1)
    print_mode = marked >= 0.6 and answer_marked <= 0.25

    def opens(index: int) -> bool:
        text = turns[index].text
        if not text or is_closing(text):
            return False
        if print_mode or asks(text, pats):
            return True
        # A clause that asks without a question mark ("…, what is your jam in the JAMstack.") opens a
        # passage only when the answer comes next: in a show's welcome the host goes on talking.
        nxt = turns[index + 1] if index + 1 < len(turns) else None
        answered_next = nxt is not None and bool(nxt.speakers) and not _is_interviewer(nxt, interviewers)
        return answered_next and asks(text, pats, loosely=True)

    def name_of(key: str) -> str:
        if key in speakers and key not in GROUP_LABELS:
            return speakers[key].name
        return ""

    drafts: list[Draft] = [Draft("pre")]
    dropped: list[tuple[str, str]] = []
    stamp = None
    pending_speakers: list[list[str]] = []  # the speakers of each answer part, to label mixed answers
    for index, turn in enumerate(turns):
        if turn.stamp is not None:
            stamp = turn.stamp
        current = drafts[-1]
        if _is_interviewer(turn, interviewers) and opens(index):
            answered = any(
                t.speakers and not _is_interviewer(t, interviewers) and t.text for t in turns[index + 1 :]
            )
            if not answered:
                dropped.append((turn.text[:200], "interviewer's last turn, which nobody answers"))
                continue
            if current.kind == "qa" and not current.answer_parts:
                current.question_parts.append(turn.text)
                continue
            _label_mixed(current, pending_speakers, name_of, interviewers)
            pending_speakers = []
            drafts.append(
                Draft("qa", question_parts=[turn.text], start=turn.stamp if turn.stamp is not None else stamp)
            )
            continue
        for n, (text, gap) in enumerate(turn.parts):
            current.answer_parts.append((text, gap or n == 0))
            pending_speakers.append(turn.speakers)
        if current.kind == "qa":
            for key in turn.speakers:
                name = name_of(key)
                if name and key not in interviewers and name not in current.answerers:
                    current.answerers.append(name)
    _label_mixed(drafts[-1], pending_speakers, name_of, interviewers)
    if not drafts[0].answer_parts:
        drafts.pop(0)
    return drafts, dropped


def _label_mixed(draft: Draft, part_speakers: list[list[str]], name_of, interviewers: list[str]) -> None:
    """When several people speak in one answer (a band, a host's remark), each turn keeps its speaker's
    name in front ("Clay Frankel: It was good."); a single answerer's words need none."""
    if len(part_speakers) != len(draft.answer_parts):
        return
    distinct = {tuple(s) for s in part_speakers if s}
    if len(distinct) < 2:
        return
    previous: list[str] | None = None
    for i, who in enumerate(part_speakers):
        text, gap = draft.answer_parts[i]
        if who and who != previous:
            names = " and ".join(n for n in (name_of(k) for k in who) if n)
            if names:
                draft.answer_parts[i] = (f"{names}: {text}", True)
        previous = who


# --- answer labels in articles whose questions something else marked ----------------------------------------


def label_answerers(drafts: list[Draft], known: Known) -> list[str]:
    """Record who answered when answers open with speakers' names (``Mitch: …``, ``**Ana:** …``,
    ``<strong>Kidd:</strong> …``) in articles whose questions are marked by headings, class or formatting.

    Labels count when they start answer paragraphs in two or more passages and are people: one names a
    known interviewee (full name, first name, surname or initials), or two speakers take turns (A, B, A)
    within one answer. Section labels such as ``Video:`` / ``Audio:`` / ``Art:``, which come once each in
    a fixed order, are left alone. Returns the answerers' names in order of first answer."""
    found: list[list[tuple[int, Label]]] = []
    passages_with: Counter = Counter()
    forms: dict[str, str] = {}
    for draft in drafts:
        entries = []
        if draft.kind == "qa":
            for i, (text, gap) in enumerate(draft.answer_parts):
                if (not gap and i) or not maybe_label(text):
                    continue
                label = find_label(Block(text))
                if label is not None and label.rest and label.shape != "qa":
                    entries.append((i, label))
            for _, lab in entries:
                for part in _people(lab):
                    forms.setdefault(speaker_key(part), part)
        found.append(entries)
    groups: dict[str, str] = {}  # label key → the key of its fullest form
    for key in sorted(forms, key=lambda k: (-len(name_words(forms[k])), -len(forms[k]))):
        home = next((h for h in set(groups.values()) if same_speaker(forms[key], forms[h])), key)
        groups[key] = home
    # Passages per speaker, whichever of its forms a passage uses ("Home and Work:" and "Home Only:" in
    # one answer are one passage, not two).
    for entries in found:
        passages_with.update({groups[speaker_key(p)] for _, lab in entries for p in _people(lab)})
    speakers = {home for home, n in passages_with.items() if n >= 2}
    if not speakers:
        return []
    names = [*known.interviewees, known.title]
    names_person = any(
        same_speaker(forms[h], n) or same_speaker(n, forms[h]) for h in speakers for n in names if n
    )
    # Or several labels, each the first name of someone the text names in full ("Rosa Lind, Omar Haddad
    # and Ines Kraft" above "Rosa:", "Omar:", "Ines:"): section labels ("Video:", "Audio:") are not.
    firsts = {name_words(n)[0].casefold() for n in known.names if len(name_words(n)) >= 2}
    names_person = names_person or (
        len(speakers) >= 2 and all(forms[h].casefold() in firsts for h in speakers)
    )
    takes_turns = False
    for entries in found:
        sequence = [
            groups[speaker_key(p)]
            for _, lab in entries
            for p in _people(lab)
            if groups.get(speaker_key(p)) in speakers
        ]
        seen: list[str] = []
        for who in sequence:
            if who in seen and seen[-1] != who:
                takes_turns = True
            if not seen or seen[-1] != who:
                seen.append(who)
    if not (names_person or takes_turns):
        return []
    display = {h: _expand(forms[h], known) for h in speakers}
    order: list[str] = []
    for draft, entries in zip(drafts, found, strict=True):
        who_here = [groups.get(speaker_key(p)) for _, lab in entries for p in _people(lab)]
        who_here = [w for w in who_here if w in speakers]
        for who in who_here:
            name = display[who]
            if name not in draft.answerers:
                draft.answerers.append(name)
            if name not in order:
                order.append(name)
        if len(set(who_here)) == 1:  # one answerer: the label in front of each paragraph is noise
            for i, label in entries:
                if groups.get(speaker_key(label.name)) in speakers:
                    draft.answer_parts[i] = (label.rest, draft.answer_parts[i][1])
    return order


def _expand(form: str, known: Known) -> str:
    speaker = Speaker(key=speaker_key(form), forms=[form])
    return _full_name(speaker, known)
