"""Titles of works (films, series, books, albums) a passage names, shown in title case.

Two signals, both precise on their own:

- a run of ALL-CAPS words in otherwise normal text (SOMETHING BLUE, ALL IN A DAY’S WORK) right after a
  work cue ("thesis THE TEST", "short film SISTER", "animation series ALL IN A DAY’S WORK") or named
  by the article's captions. Runs made only of acronyms from ``entities.yml`` (UCLA, MFA) are not works;
- a quoted Title Case title (“Kong: Skull Island”, ‘The Paper Tigers’) after a work cue ("known for",
  "film", "book"), or continuing a comma-separated list of such titles: every significant word
  capitalised, no sentence punctuation inside.

Capitals and quotes without a cue are mostly emphasis, product names and nicknames ("I LOVE", "USB
MIDI", "Captain Terror"), which is why the cue is required.

Organisation names (a cue word such as Studio as the head, or a known name) are never works.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from index import vocab
from index.spans import TextView, Token

# Lowercase in a title unless first, last or after a colon.
SMALL_WORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "but",
        "or",
        "nor",
        "for",
        "of",
        "in",
        "on",
        "at",
        "to",
        "by",
        "as",
        "vs",
        "via",
        "per",
        "from",
        "with",
    ]
)
# Words before a one-word title that say a work follows ("short film SISTER", "the album X").
WORK_CUES = frozenset(
    [
        "film",
        "films",
        "movie",
        "movies",
        "short",
        "feature",
        "documentary",
        "series",
        "show",
        "shows",
        "thesis",
        "book",
        "books",
        "novel",
        "album",
        "song",
        "songs",
        "record",
        "ep",
        "game",
        "project",
        "episode",
        "podcast",
        "comic",
        "comics",
        "piece",
        "memoir",
        "starring",
        "directed",
        "edited",
        "wrote",
        "written",
        "produced",
        "published",
        "watched",
        "reading",
        "read",
    ]
)
# Cues of two words ("latest work, THE COIN"); "work" alone is too common ("my work IMAP e-mail").
WORK_CUE_PAIRS = frozenset(
    {
        ("known", "for"),
        ("latest", "work"),
        ("new", "work"),
        ("recent", "work"),
        ("first", "work"),
    }
)
# Before a quoted title only ("work on ‘The Paper Tigers’"): before capitals they name software as often
# ("I primarily work on REAPER").
QUOTE_CUE_PAIRS = frozenset({("work", "on"), ("worked", "on"), ("working", "on")})
# Words that introduce a title only after a cue ("a song called “Still Alive”").
_NAMING = frozenset({"called", "named", "titled"})
_QUOTED = re.compile(
    r"“([^“”\n]{1,80})”|‘([^‘’\n]{1,80})’(?!\w)|(?<![\w])\"([^\"\n]{1,80})\"|(?<![\w’'])'([^'\n]{1,80})'(?!\w)"
)
_WORD = re.compile(r"[^\s]+")
_CUE_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*")
# What may stand between two quoted titles of one list: a comma, "and", "or", spaces.
_LIST_GAP = re.compile(r"[\s,]*(?:(?:and|or|&)\s+)?")
_MAX_WORDS = 10


def title_case(title: str, from_caps: bool = False) -> str:
    """``title`` in title case: small words lowercase except first, last and after a colon.

    With ``from_caps`` (the title was written in capitals) every other word becomes Capitalised
    ("ALL IN A DAY’S WORK" -> "All in a Day’s Work"); otherwise words keep their own capitals
    ("iPhone", "TV").
    """
    words = title.split()
    out = []
    for i, word in enumerate(words):
        lower = word.lower()
        after_colon = i > 0 and out[-1].endswith(":")
        if 0 < i < len(words) - 1 and not after_colon and lower.strip(":") in SMALL_WORDS:
            out.append(lower)
        elif from_caps:
            out.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
        else:
            out.append(word[:1].upper() + word[1:])
    return " ".join(out)


def _acronyms() -> frozenset[str]:
    return vocab.word_set("entities", "acronyms")


def _is_org_name(name: str) -> bool:
    last = name.split()[-1] if name.split() else ""
    return last in vocab.word_set("organizations", "cue_words") or name in vocab.word_set(
        "organizations", "known"
    )


def _caps_runs(view: TextView) -> list[list[Token]]:
    """Runs of consecutive ALL-CAPS tokens (single spaces between) inside the capitalised runs."""
    out = []
    for run in view.runs():
        current: list[Token] = []
        for token in run:
            if token.all_caps and any(c.isalpha() for c in token.text):
                current.append(token)
            else:
                if current:
                    out.append(current)
                current = []
        if current:
            out.append(current)
    return out


def _shouting(view: TextView, run: list[Token]) -> bool:
    """True when the text around ``run`` is itself in capitals (a shouted sentence or a heading)."""
    left = view.text[max(0, run[0].start - 30) : run[0].start]
    right = view.text[run[-1].end : run[-1].end + 30]
    around = (left.split("\n")[-1] + " " + right.split("\n")[0]).strip()
    return not any(c.islower() for c in around)


def _cue_before(words: list[str], quoted: bool = False) -> bool:
    """True when the words right before a title end with a work cue (``quoted``: the title is in quotes,
    which a few more cues may introduce)."""
    if not words:
        return False
    pairs = WORK_CUE_PAIRS | QUOTE_CUE_PAIRS if quoted else WORK_CUE_PAIRS
    if words[-1] in WORK_CUES or (len(words) >= 2 and (words[-2], words[-1]) in pairs):
        return True
    # "a song called X"; not "a side project called X" (projects so named are mostly software or gear)
    return words[-1] in _NAMING and any(w in WORK_CUES and w != "project" for w in words[-4:-1])


def _has_cue(view: TextView, token: Token) -> bool:
    return _cue_before(view.before(token, 4))


def extract_works(
    view: TextView, exclude: frozenset[str] = frozenset(), known_titles: Iterable[str] = ()
) -> list[str]:
    """Display titles of the works ``view`` names, in order of first mention, without duplicates.

    ``exclude`` holds names that are never works (the interviewee's). ``known_titles`` are titles the
    article's captions or credits give (compared case-insensitively); they let a one-word capitals run
    count without a cue.
    """
    known = {t.casefold() for t in known_titles}
    acronyms = _acronyms()
    boilerplate = vocab.word_set("entities", "boilerplate")
    found: list[tuple[int, str]] = []
    for run in _caps_runs(view):
        # "I" and "A" at the edges are pronouns or articles, not part of a title
        while run and run[0].text in ("I", "A") and len(run) > 1 and run[1].text in acronyms:
            run = run[1:]
        while run and run[-1].text in ("I", "A"):
            run = run[:-1]
        if not run or len(run) > _MAX_WORDS:
            continue
        words = [t.text for t in run]
        if all(w in acronyms or len(w) < 2 for w in words):
            continue
        if any(w in acronyms for w in words) and len(words) < 3:
            continue
        if any(any(c.isdigit() for c in w) for w in words):
            continue
        if sum(1 for w in words if len(w) >= 3 and w not in acronyms and w.lower() not in SMALL_WORDS) < 1:
            continue
        name = view.span_text(run)
        if name in exclude or name.title() in exclude or _shouting(view, run) or _is_org_name(name):
            continue
        if len(run) == 1 and len(name) < 4:
            continue
        if not (_has_cue(view, run[0]) or name.casefold() in known):
            continue
        if _cut_short(view, run[-1]):
            continue
        found.append((run[0].start, title_case(name, from_caps=True)))
    previous_end = -1
    for match in _QUOTED.finditer(view.text):
        group = next(i for i, g in enumerate(match.groups(), 1) if g is not None)
        inner = match.group(group).strip()
        if not _is_quoted_title(inner, boilerplate) or _is_org_name(inner) or inner in exclude:
            continue
        continues_list = previous_end >= 0 and _LIST_GAP.fullmatch(view.text[previous_end : match.start()])
        if not (continues_list or _quote_has_cue(view, match.start()) or inner.casefold() in known):
            continue
        previous_end = match.end()
        found.append((match.start(), title_case(inner, from_caps=inner.isupper())))
    found.sort()
    seen: dict[str, str] = {}
    for _, title in found:
        seen.setdefault(title.casefold(), title)
    return list(seen.values())


def _cut_short(view: TextView, last: Token) -> bool:
    """True when a capitals title goes on past ``last`` through a lower-case word ("ROVE x JBG"): the run
    is only part of the title."""
    nxt = view.after(last)
    after = view.after(nxt) if nxt is not None else None
    return (
        after is not None
        and view.gap(last, nxt) == " "
        and view.gap(nxt, after) == " "
        and not nxt.capitalised
        and len(nxt.text) <= 3
        and after.all_caps
    )


def _quote_has_cue(view: TextView, offset: int) -> bool:
    """True when the words before the quote opening at ``offset`` end with a work cue."""
    tail = view.text[max(0, offset - 50) : offset]
    tail = re.split(r"[.!?;:\n]", tail)[-1]
    return _cue_before(_CUE_WORDS.findall(tail.lower())[-4:], quoted=True)


def _is_quoted_title(inner: str, boilerplate: frozenset[str]) -> bool:
    """A quote that reads as a title: Title Case words, no sentence punctuation, not boilerplate."""
    if inner in boilerplate or not inner[:1].isupper() or inner[-1] in ".,!?;":
        return False
    words = _WORD.findall(inner)
    if not 1 <= len(words) <= _MAX_WORDS:
        return False
    for i, word in enumerate(words):
        bare = word.strip(":,()")
        if not bare:
            continue
        if bare[:1].isupper() or bare[:1].isdigit():
            continue
        if i > 0 and bare.lower() in SMALL_WORDS:
            continue
        return False
    return not (all(w.isupper() for w in words) and all(w in _acronyms() for w in words))


def caption_titles(lines: Iterable[str]) -> list[str]:
    """Titles named by image captions and credits.

    A caption "Title – ©Owner – 02" names "Title"; a credit line in capitals ("SOMETHING BLUE") is a
    title unless it is an acronym. Names of people in credits ("Yifu Li") are not titles.
    """
    out = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        head = re.split(r"\s+[–—-]\s+(?:©|\(c\))", line, maxsplit=1)
        if len(head) == 2 and head[0].strip():
            out.append(title_case(head[0].strip(), from_caps=head[0].isupper()))
        elif line.isupper() and any(c.isalpha() for c in line) and line not in _acronyms():
            out.append(title_case(line, from_caps=True))
    return list(dict.fromkeys(out))
