"""Speaker labels at the start of a block, in every shape publications write them, and which labels name
the same speaker.

Shapes (all recognised by one function, :func:`find_label`):

- ``Name: text``, ``NAME: text``, ``initials: text``, ``nick: text`` (IRC), ``SH:How`` (glued to the text);
- ``Name (Role): text`` and ``Publication (Person): text``; ``Name (00:12:31): text``;
- ``Name - text``, ``CS> text``, ``Michael>> text``; ``Q: text``, ``Q. text``, ``Qs. text``;
- a bold or italic lead (``**Bluebird**: text``, ``_Blake:_ text``,
  ``0:00:13.8 **Adam Garrett-Harris** text``);
- a line that is only a label, perhaps with a timestamp (``Shinobi: 00:00:01``, ``### Bryan Robinson 0:02``),
  whose words follow on the next lines.

A label is only a candidate here; :mod:`index.split.turns` accepts labels that recur (or name the same
speaker as one that does), so ``Note: …`` once in an answer never becomes a speaker.

Which labels are one speaker (:func:`same_speaker`): equal ignoring case and dots (``Olinux``/``OLinux``),
initials of the other (``OG`` ↔ ``Olivia Gehrke``, ``V.M.`` ↔ ``Vincenzo Morra``, ``JOT`` ↔
``Jeremy Olmsted-Thompson``, ``BvT`` ↔ ``Bernard van Tienen``), one of its words (``Kidd`` ↔ ``Chip
Kidd``, ``Miku`` ↔ ``Miku Kobato``), or a nick built from it (``adam3us`` ↔ ``Adam Back``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from index.blocks import Block

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:\.\d{1,3})?"
"""A timestamp: ``m:ss``, ``mm:ss``, ``h:mm:ss``, with optional fractions of a second."""

_WORD = r"[A-Z\u00C0-\u00DE][\w.'’\-\u00C0-\u024F]{0,30}"
_PARTICLE = r"(?:van|von|de|der|den|da|di|du|le|la|del|della|dos|bin|al|el|ter|ten)"
_NAME = rf"(?:{_WORD}(?:[ \t]+(?:{_WORD}|{_PARTICLE})){{0,4}})"
_NICK = (
    r"(?:[a-z][a-z0-9_.\-]{1,30}[a-z0-9])"  # IRC nicks, handles and site names ("adam3us", "kubuntu-de.org")
)
_GROUP = rf"(?:{_NAME}(?:\s*,\s*(?:and\s+)?{_NAME}|\s+(?:and|&)\s+{_NAME}){{1,5}})"  # "OT and SO"
_PAREN = r"(?:\s*\((?P<paren>[^()\n]{1,60})\))?"

_STAMP_PREFIX = re.compile(rf"^\\?\[?({TIME})\\?\]?\s+")
_STAMP_ONLY = re.compile(rf"^\\?[\[(]?({TIME})\\?[\])]?$")
_QA = re.compile(
    r"^(?P<label>Q|A|Qs|Ques|Ans|Question|Answer)\s*(?:[.):]|\.\)|:-)\s*(?P<rest>\S.*)$", re.DOTALL
)
_COLON = re.compile(
    rf"^(?P<label>{_GROUP}|{_NAME}|{_NICK}){_PAREN}[ \t]*[:：](?:[ \t]+|(?=[A-Z\"“‘'(\[])|$)(?P<rest>.*)$",
    re.DOTALL,
)
_GT = re.compile(rf"^(?P<label>{_NAME}|{_NICK})[ \t]?>{{1,2}}[ \t]*(?P<rest>\S.*)$", re.DOTALL)
_DASH = re.compile(rf"^(?P<label>{_NAME}){_PAREN}[ \t]+[-–—][ \t]+(?P<rest>\S.*)$", re.DOTALL)
_NAME_STAMP = re.compile(rf"^(?P<label>{_NAME}|{_NICK})[ \t]+(?P<stamp>{TIME})$")
_LEAD_PUNCT = re.compile(r"^\s*(?:[:：]|>{1,2}|[-–—]|\.)?\s*")

# Words that open a line with a colon but are not people: section labels and metadata keys.
NOT_SPEAKERS = frozenset(
    [
        "note",
        "notes",
        "update",
        "updated",
        "edit",
        "editor",
        "editors",
        "p.s",
        "ps",
        "bio",
        "website",
        "web",
        "site",
        "instagram",
        "facebook",
        "twitter",
        "linkedin",
        "email",
        "e-mail",
        "other",
        "tip",
        "tips",
        "warning",
        "important",
        "example",
        "examples",
        "step",
        "edit",
        "tl;dr",
        "caption",
        "captions",
        "credit",
        "credits",
        "location",
        "address",
        "phone",
        "hours",
        "price",
        "tags",
        "tag",
        "category",
        "categories",
        "related",
        "source",
        "sources",
        "via",
        "photo",
        "photos",
        "photograph",
        "photography",
        "image",
        "images",
        "picture",
        "pictures",
        "video",
        "audio",
        "date",
        "time",
        "when",
        "where",
        "title",
        "subject",
        "from",
        "to",
        "cc",
        "published",
        "updated",
        "author",
        "authors",
        "by",
        "translator",
        "translation",
        "translated",
        "publication",
        "original",
        "url",
        "link",
        "links",
        "read",
        "listen",
        "watch",
        "download",
        "transcript",
        "summary",
        "description",
        "keywords",
        "update",
        "disclaimer",
        "disclosure",
        "sponsor",
        "sponsors",
        "episode",
        "show",
        "notes",
        "warning",
        "spoiler",
        "q&a",
        "intro",
        "introduction",
        "outro",
        "fact",
        "facts",
        "tl",
        "dr",
        "also",
        "see",
        "more",
        "part",
        "chapter",
        "section",
        "day",
        "week",
        "month",
        "year",
        "today",
        "yesterday",
        "tomorrow",
        "morning",
        "evening",
    ]
)
INTERVIEWER_LABELS = frozenset({"q", "qs", "ques", "question", "interviewer", "int", "me", "us", "we"})
ANSWER_LABELS = frozenset({"a", "ans", "answer", "interviewee", "guest"})
# Labels for several people at once ("**All:** Yeah.", "BOTH: …", "The band: …"), as speaker keys: a turn
# of the answerers together, never a person of its own.
GROUP_LABELS = frozenset(
    {"all", "both", "everyone", "everybody", "together", "band", "theband", "group", "allthree", "allfour"}
)


@dataclass
class Label:
    """A speaker label found at the start of a block.

    ``name`` is the label as written, without markup or its parenthesis; ``paren`` what the parenthesis
    held ("Daria Aeonia", "G, Vo"); ``rest`` the text after the label (``""`` for a label-only line);
    ``stamp`` a timestamp in seconds written with the label, else None; ``shape`` how it was written
    ("colon", "lead", "gt", "dash", "qa", "line")."""

    name: str
    rest: str
    shape: str
    paren: str = ""
    stamp: float | None = None

    @property
    def key(self) -> str:
        return speaker_key(self.name)


def seconds(stamp: str) -> float:
    """``"1:05"`` → 65.0, ``"00:12:31"`` → 751.0, ``"0:00:13.8"`` → 13.8."""
    parts = stamp.split(":")
    total = 0.0
    for part in parts:
        total = total * 60 + float(part)
    return total


_KEY_NOISE = re.compile(r"[\s.'’_-]+")
_WORD_CUT = re.compile(r"[\s\-]+")
_NICK_CHARS = re.compile(r"[\d._-]")


def speaker_key(name: str) -> str:
    """The form labels are compared in: case and dots, spaces and apostrophes gone (``V.M.`` → ``vm``)."""
    return _KEY_NOISE.sub("", name).casefold()


_DASHES = (" - ", " – ", " — ", "\t-")
_QA_STARTS = ("Q.", "A.", "Qs.", "Ques.", "Ans.")


def maybe_label(text: str) -> bool:
    """A cheap test: could plain ``text`` open with a label? Every shape has a delimiter near the start
    (":", ">", ")", a dash between spaces; a timestamp has a colon). Plain ``in`` tests: this runs on every
    paragraph of every article."""
    head = text[:100]
    return (
        ":" in head
        or ">" in head
        or ")" in head
        or "：" in head
        or (("-" in head or "–" in head or "—" in head) and any(d in head for d in _DASHES))
        or head.startswith(_QA_STARTS)
    )


def find_label(block: Block) -> Label | None:
    """The speaker label ``block`` opens with, in any of the shapes in the module docstring, or None."""
    if block.code or len(block.text) < 2:
        return None
    text = block.text
    if not block.lead and not block.heading and not maybe_label(text):
        return None
    stamp = None
    prefix = _STAMP_PREFIX.match(text)
    if prefix:
        stamp, text = seconds(prefix.group(1)), text[prefix.end() :]
    if block.heading:
        match = _NAME_STAMP.match(text)
        if match and _plausible(match.group("label")):
            return Label(match.group("label"), "", "line", stamp=seconds(match.group("stamp")))
        return None
    label = _from_lead(block, text) or _from_text(text)
    if label is None:
        return None
    if stamp is not None and label.stamp is None:
        label.stamp = stamp
    if label.paren and _STAMP_ONLY.match(label.paren.strip()):
        label.stamp, label.paren = seconds(_STAMP_ONLY.match(label.paren.strip()).group(1)), ""
    rest_stamp = _STAMP_PREFIX.match(label.rest + " ") if label.rest else None
    if rest_stamp:
        label.stamp = label.stamp if label.stamp is not None else seconds(rest_stamp.group(1))
        label.rest = label.rest[rest_stamp.end() :].strip() if rest_stamp.end() <= len(label.rest) else ""
    if _STAMP_ONLY.match(label.rest.strip()):
        label.stamp, label.rest = seconds(_STAMP_ONLY.match(label.rest.strip()).group(1)), ""
    return label


def _from_lead(block: Block, text: str) -> Label | None:
    lead = block.lead
    if not lead or not text.startswith(lead):
        return None
    name = lead.rstrip(" :：>.-–—")
    rest = _LEAD_PUNCT.sub("", text[len(lead) :], count=1).strip()
    qa = _QA.match(f"{name}: x")
    if qa:
        return Label(qa.group("label"), rest, "qa")
    match = re.fullmatch(rf"(?P<label>{_GROUP}|{_NAME}|{_NICK}){_PAREN}", name)
    if not match or not _plausible(match.group("label")):
        return None
    return Label(match.group("label"), rest, "lead", paren=(match.group("paren") or "").strip())


def _from_text(text: str) -> Label | None:
    match = _QA.match(text)
    if match:
        return Label(match.group("label"), match.group("rest").strip(), "qa")
    for pattern, shape in ((_COLON, "colon"), (_GT, "gt"), (_DASH, "dash")):
        match = pattern.match(text)
        if match and _plausible(match.group("label")):
            paren = (match.groupdict().get("paren") or "").strip()
            return Label(match.group("label"), match.group("rest").strip(), shape, paren=paren)
    match = _NAME_STAMP.match(text)
    if match and _plausible(match.group("label")):
        return Label(match.group("label"), "", "line", stamp=seconds(match.group("stamp")))
    return None


def _plausible(label: str) -> bool:
    """A label is at most five words, not a section or metadata word, and not a sentence opener."""
    words = label.split()
    if not words or len(words) > 6 or len(label) > 60:
        return False
    if label.casefold().rstrip(".") in NOT_SPEAKERS or words[0].casefold() in NOT_SPEAKERS:
        return False
    return not (len(words) == 1 and label.islower() and not _NICK_CHARS.search(label) and len(label) < 3)


# --- which labels are one speaker ---------------------------------------------------------------------------


def name_words(name: str) -> list[str]:
    """The words of a name, hyphenated parts counted separately (``Olmsted-Thompson`` → two)."""
    return [w for w in _WORD_CUT.split(name.strip()) if w]


def initials(name: str) -> str:
    return "".join(w[0] for w in name_words(name) if w[0].isalpha()).casefold()


def is_initials(label: str) -> bool:
    """``OG``, ``V.M.``, ``JOT``, ``BvT``: two to five letters, mostly capitals, or dotted."""
    compact = label.replace(".", "").replace(" ", "")
    if not 2 <= len(compact) <= 5 or not compact.isalpha():
        return False
    capitals = sum(c.isupper() for c in compact)
    return "." in label or capitals == len(compact) or (capitals >= 2 and compact[0].isupper())


def same_speaker(short: str, full: str) -> bool:
    """True when label ``short`` names the same speaker as the longer ``full`` (module docstring)."""
    if speaker_key(short) == speaker_key(full):
        return True
    full_words = name_words(full)
    if len(full_words) < 2:
        return False
    if is_initials(short):
        compact = short.replace(".", "").replace(" ", "").casefold()
        if compact == initials(full):
            return True
        significant = "".join(w[0] for w in full_words if not re.fullmatch(_PARTICLE, w)).casefold()
        return compact == significant
    short_words = name_words(short)
    if len(short_words) == 1:
        word = short_words[0].casefold()
        if any(word == w.casefold() for w in full_words):
            return True
        if short.islower() or any(c.isdigit() for c in short):
            # A nick built from the name: "adam3us" for Adam Back, "bentheelder" for Benjamin Elder.
            letters = re.sub(r"[^a-z]", "", word)
            first, last = full_words[0].casefold(), full_words[-1].casefold()
            return (len(first) >= 3 and letters.startswith(first)) or (len(last) >= 4 and last in letters)
    return False


def display_name(name: str) -> str:
    """A label as a name to show: ``REED ROMANKO`` → ``Reed Romanko``; others as written."""
    if name.isupper() and len(name.replace(" ", "")) > 3 and " " in name.strip():
        return " ".join(w.capitalize() if w.isalpha() else w for w in name.split())
    return name.strip()
