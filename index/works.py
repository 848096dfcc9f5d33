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
# Every alternative opens with its quote mark, so the search skips in C to the quote marks (a pattern
# that opens with a look-ahead or look-behind is tried at every position: 2.5-3 times the cost); a
# straight quote's look-behind, after it, tests the character before the quote ("not inside a word").
# ``tests/test_works.py`` compares it with the plain form.
_QUOTED = re.compile(
    r"“([^“”\n]{1,80})”|‘([^‘’\n]{1,80})’(?!\w)|\"(?<!\w.)([^\"\n]{1,80})\"|"
    r"'(?<![\w’'].)([^'\n]{1,80})'(?!\w)"
)
_WORD = re.compile(r"[^\s]+")
_CUE_WORDS = re.compile(r"[a-z]+(?:-[a-z]+)*")
# What may stand between two quoted titles of one list: a comma, "and", "or", spaces.
_LIST_GAP = re.compile(r"[\s,]*(?:(?:and|or|&)\s+)?")
_MAX_WORDS = 10
# Nouns of kinds of work after which a Title Case run is a title ("the album Blue Train"); "project",
# "piece", "show" (a trade show) and verbs ("read", "wrote") are left to the quoted and capitals rules.
TITLE_NOUNS = frozenset(
    ["film", "films", "movie", "movies", "documentary", "series", "book", "books", "novel", "novels",
     "album", "albums", "song", "songs", "ep", "game", "games", "podcast", "podcasts", "comic", "comics",
     "webcomic", "memoir", "zine", "anthology", "sitcom", "musical", "opera", "novella", "videogame",
     "sequel", "trilogy", "cookbook", "textbook", "newsletter"]
)
# Words that may stand inside a title ("The Half-Life of Facts"); "for", "with", "at", "on", "from" more
# often join a title to what follows ("the game FEZ for Xbox", "a podcast called X on Substack").
_TITLE_CONNECTORS = frozenset(["of", "the", "and", "in", "a", "an", "to"])
# A run starting with one of these is a clause, not a title ("a song I'm writing", "songs Me and Oliver
# have written").
_PRONOUNS = frozenset(["I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’d", "I'll", "I’ll", "Me", "We", "You",
                       "He", "She", "They", "It", "My", "Our", "His", "Her", "Their", "This", "That"])
# "<kind> series X" names an event, not a work ("the conference series An Event Apart").
_EVENT_KINDS = frozenset(
    ["conference", "lecture", "reading", "talk", "event", "speaker", "concert", "dinner"]
)
# A run followed by one of these is a product or a brand on one ("the game Unity engine").
_PRODUCT_AFTER_TITLE = frozenset(["engine", "app", "apps", "software", "console", "controller", "store",
                            "platform", "editor", "plugin", "library", "framework", "jam", "studio"])


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
            if token.all_caps:  # (which needs a letter)
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
    for run in _titled_runs(view):
        name = view.span_text(run)
        if name in exclude or name.title() in exclude or _is_org_name(name) or name in boilerplate:
            continue
        if _not_a_title(view, run):
            continue
        found.append((run[0].start, title_case(name, from_caps=name.isupper())))
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


def _titled_runs(view: TextView) -> list[list[Token]]:
    """Title Case runs right after a noun that names a kind of work ("the album Blue Train", "my book
    Virtual Economies: Design and Analysis", "a game called Gunman Taco Truck"): small words may stand
    inside, and a colon with a capitalised word after it continues the title."""
    out = []
    runs = view.runs(_TITLE_CONNECTORS)
    for i, run in enumerate(runs):
        cue = view.previous(run[0])
        if cue is None or cue.capitalised or run[0].text in _PRONOUNS:
            continue
        if cue.text not in _NAMING and cue.text.lower() not in TITLE_NOUNS:  # most runs: no work noun
            continue
        before = view.before(cue, 3)
        if cue.text in _NAMING:  # "a game called X", "my first game is called X"
            if before[-1:] in (["is"], ["was"]):
                before = before[:-1]
            noun = before[-1] if before else ""
            before = before[:-1]
        elif view.gap(cue, run[0]) == " ":
            noun = cue.text.lower()
        else:
            continue
        if noun not in TITLE_NOUNS:
            continue
        # "the lecture series X" is an event; "80 series Neve", "300 series Smooth Bristol" a product line
        if noun == "series" and before and (before[-1] in _EVENT_KINDS or before[-1][:1].isdigit()):
            continue
        # "The Content Mines and I": a pronoun after "and" is the speaker; elsewhere it is part of the
        # title ("Push Me Pull You", "Listen Like You Mean It")
        if len(run) >= 3 and run[-1].text in _PRONOUNS and run[-2].text == "and":
            run = run[:-2]
        while run and run[-1].text.lower() in SMALL_WORDS:
            run = run[:-1]
        # "Silent Hill: Shattered Memories"
        if run and i + 1 < len(runs) and view.gap(run[-1], runs[i + 1][0]) == ": ":
            run = run + runs[i + 1]
        if not run or len(run) > _MAX_WORDS or _continues(view, run):
            continue
        # "the graphic novels Undertown and Orphan Blade": after a plural noun "and" joins two titles
        if noun.endswith("s") and noun != "series" and any(t.text == "and" for t in run):
            out += _split_at(run, "and")
        else:
            out.append(run)
    return out


def _split_at(run: list[Token], word: str) -> list[list[Token]]:
    """The parts of ``run`` between the tokens ``word`` (empty parts left out)."""
    parts: list[list[Token]] = [[]]
    for token in run:
        if token.text == word:
            parts.append([])
        else:
            parts[-1].append(token)
    return [part for part in parts if part]


def _continues(view: TextView, run: list[Token]) -> bool:
    """True when the title goes on past ``run`` (so ``run`` is only part of it), or began before it
    inside quotes (the quoted-title rule reads those whole): "Santa's Husband", "Love & Estrogen",
    "Come as You Are", "Destiny 2", “Kiss Me, Kill Me”."""
    last = run[-1]
    if last.possessive or view.text[run[0].start - 1 : run[0].start] in "“‘\"'" and run[0].start > 0:
        return True
    rest = view.text[last.end : last.end + 40]
    if re.match(r"[’']\s|\s*(?:&|\+|vs\.?|x)\s+[A-Z]|\s+[\d]", rest):
        return True
    # "Tinker, Tailor, Soldier, Spy", "No Way! Okay, Fine": a comma or "!" and a capital may go on
    # with the title; after a plural noun a comma separates titles instead
    if re.match(r"(?:, [A-Z][\w'’]*,|! [A-Z])", rest) and not _after_plural(view, run):
        return True
    # "Come as You Are", "Everything is a Remix": one or two lower-case words, then a capital again
    return bool(re.match(r" [a-z]+ (?:[a-z]+ )?[A-Z]", rest))


def _after_plural(view: TextView, run: list[Token]) -> bool:
    """True when a plural noun of a kind of work introduces ``run`` ("the games Yomi, Puzzle Strike")."""
    words = [w for w in view.before(run[0], 3) if w not in _NAMING]
    return bool(words) and words[-1].endswith("s") and words[-1] in TITLE_NOUNS and words[-1] != "series"


def _not_a_title(view: TextView, run: list[Token]) -> bool:
    """True for runs after a work noun that are no title: acronyms (BFA), places, software and brands
    (a product noun follows: "the game Unity engine"), the speaker's own words at a sentence start."""
    from index.places import gazetteer  # here: places is heavier to import than this module

    words = [t.text for t in run]
    name = view.span_text(run)
    if all(w in _acronyms() or len(w) < 2 for w in words) or name in gazetteer().names:
        return True
    if len(words) == 1 and (
        len(name) < 3 or words[0].lower() in SMALL_WORDS or re.fullmatch(r"[A-Z]+s", name)  # "PDFs"
    ):
        return True
    nxt = view.after(run[-1])
    # "the game Unity engine"; "a podcast AV Club called X" (the one that names something is no title)
    after = _PRODUCT_AFTER_TITLE | _NAMING
    return nxt is not None and view.gap(run[-1], nxt) == " " and nxt.text.lower() in after


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
