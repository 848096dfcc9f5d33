"""Organisations a passage names: schools, festivals, awards, companies, studios and programmes.

From ``index/data/organizations.yml``:

- a run of capitalised words whose head is a cue word ("Beijing Film Academy", "LA Shorts Awards"), or
  with a cue word followed by "of ..." ("British Academy of Film and Television Arts"); a run made only
  of generic words ("Film School", "Art Academy") is not a name;
- a capitalised run followed by a lowercase cue ("Panavision New Filmmakers program"), after
  "<studio/company/label/...> called" ("a design studio called Dirty Bandits"), or before ", LLC";
- a one-word festival name ending in "fest" with inner capitals ("CAAMfest");
- a known name or acronym ("UCLA", "Film Independent", "LAIKA"), also inside a longer run
  ("LAIKA Animation Fellowship" names LAIKA too); names listed in ``companies_need_context`` (mostly
  used as brands, "Apple keyboard") only after "at", "for", "joined"... and standing alone.
"""

from __future__ import annotations

from functools import cache

from index import vocab
from index.spans import TextView, Token

_CONNECTORS = frozenset({"of", "the", "and", "for", "de", "la", "du", "der", "des", "y", "on"})
# Words that alone do not make a run a proper name ("Film School", "Summer Program").
_GENERIC = frozenset(
    [
        "film",
        "art",
        "arts",
        "music",
        "design",
        "business",
        "law",
        "medical",
        "high",
        "grad",
        "graduate",
        "summer",
        "animation",
        "new",
        "national",
        "international",
        "local",
        "public",
        "private",
        "state",
        "community",
        "independent",
        "digital",
        "media",
        "fine",
        "visual",
        "the",
        "performing",
        "short",
        "shorts",
        "video",
        "board",
        "mobile",
        "indie",
        "alternate",
        "reality",
        "edible",
        "tabletop",
        "computer",
    ]
)
# "a <noun> called X" names an organisation X.
_ORG_NOUNS = frozenset(
    [
        "studio",
        "company",
        "agency",
        "consultancy",
        "startup",
        "label",
        "publisher",
        "nonprofit",
        "non-profit",
        "organization",
        "organisation",
        "collective",
        "firm",
        "school",
        "festival",
        "conference",
        "convention",
        "network",
        "business",
        "shop",
        "store",
    ]
)
# "X, LLC" / "X, Inc": a legal form after a comma.
_LEGAL_SUFFIXES = frozenset(["LLC", "Inc", "Ltd", "GmbH", "AB", "BV", "SA", "PLC"])
_ORG_CONTEXT = frozenset(["at", "for", "joined", "join", "joining", "by", "from", "founded", "co-founded"])


@cache
def _data() -> tuple[
    frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str], frozenset[str]
]:
    return (
        vocab.word_set("organizations", "cue_words"),
        vocab.word_set("organizations", "lower_cue_words"),
        vocab.word_set("organizations", "known"),
        vocab.word_set("organizations", "companies_need_context"),
        vocab.word_set("organizations", "never"),
        vocab.word_set("entities", "function_words"),
    )


def _strip(run: list[Token]) -> list[Token]:
    """Drop leading grammar words ("At", "The", "My") and trailing connectors."""
    function_words = _data()[5]
    while run and (run[0].text in function_words or run[0].text in _CONNECTORS):
        run = run[1:]
    while run and run[-1].text in _CONNECTORS:
        run = run[:-1]
    return run


def _is_cue_name(view: TextView, run: list[Token]) -> bool:
    cue_words = _data()[0]
    words = [t.text for t in run]
    if len(words) < 2:
        return False
    head_ok = words[-1] in cue_words or any(
        w in cue_words and i + 1 < len(words) and words[i + 1] == "of" for i, w in enumerate(words)
    )
    if not head_ok:
        return False
    return any(w not in cue_words and w.lower() not in _GENERIC and w not in _CONNECTORS for w in words)


def _split_and(view: TextView, run: list[Token]) -> list[list[Token]]:
    """Split "X Institute of the Arts and the Y Academy" into two names when both halves are names."""
    for i, token in enumerate(run):
        if token.text == "and" and 0 < i < len(run) - 1:
            left, right = _strip(run[:i]), _strip(run[i + 1 :])
            if left and right and _is_cue_name(view, left) and _is_cue_name(view, right):
                return [left, right]
    return [run]


def extract_organizations(view: TextView, exclude: frozenset[str] = frozenset()) -> list[str]:
    """Names of the organisations ``view`` names, in order of first mention, without duplicates.

    ``exclude`` holds names that are never organisations here (the interviewee's).
    """
    cue_words, lower_cues, known, need_context, never, _ = _data()
    boilerplate = vocab.word_set("entities", "boilerplate")
    found: list[tuple[int, str]] = []

    def add(start: int, name: str) -> None:
        if name in boilerplate or name in exclude or any(name == n or name.endswith(" " + n) for n in never):
            return
        found.append((start, name))

    for raw in view.runs(_CONNECTORS):
        for run in _split_and(view, _strip(raw)):
            if not run:
                continue
            run = _after_title(run)
            name = view.span_text(run)
            if _is_cue_name(view, run):
                add(run[0].start, name)
            # known names inside the run, longest first
            words = [t.text for t in run]
            for size in range(min(len(words), 4), 0, -1):
                for i in range(len(words) - size + 1):
                    candidate = " ".join(words[i : i + size])
                    if candidate not in known:
                        continue
                    if candidate in need_context:
                        before = view.before(run[i], 1)
                        if len(words) != size or not before or before[-1] not in _ORG_CONTEXT:
                            continue
                    add(run[i].start, candidate)
            # "Panavision New Filmmakers program"
            nxt = view.after(run[-1])
            if (
                nxt is not None
                and nxt.text in lower_cues
                and len(run) >= 2
                and view.gap(run[-1], nxt) == " "
                and not _after_possessive(view, run[0])
            ):
                add(run[0].start, f"{name} {nxt.text}")
            # "a design studio called Dirty Bandits"
            before = view.before(run[0], 2)
            if len(before) == 2 and before[1] in ("called", "named") and before[0] in _ORG_NOUNS:
                add(run[0].start, name)
            # "MartianCraft, LLC"
            if nxt is not None and view.gap(run[-1], nxt) == ", " and nxt.text in _LEGAL_SUFFIXES:
                add(run[0].start, f"{name}, {nxt.text}")
    for token in view.tokens:
        text = token.text
        if (
            text.endswith("fest")
            and len(text) > 5
            and sum(c.isupper() for c in text) >= 2
            and text[0].isupper()
        ):
            add(token.start, text)
    found.sort()
    seen: dict[str, str] = {}
    for _, name in found:
        seen.setdefault(name.casefold(), name)
    # "MartianCraft" is the same organisation as "MartianCraft, LLC": keep the longer form
    names = list(seen.values())
    return [n for n in names if not any(other.startswith(n + ", ") for other in names)]


def _after_title(run: list[Token]) -> list[Token]:
    """ "Creative Director of Touch Press" -> "Touch Press": drop a job title before "of" when no cue
    word stands before the "of" (the organisation is the part after it)."""
    cue_words = _data()[0]
    for i, token in enumerate(run):
        if token.text == "of":
            if any(t.text in cue_words for t in run[:i]):
                return run
            rest = _strip(run[i + 1 :])
            return rest if rest and any(t.text in cue_words for t in rest) else run
    return run


def _after_possessive(view: TextView, token: Token) -> bool:
    index = view.tokens.index(token)
    return index > 0 and view.tokens[index - 1].possessive and view.gap(view.tokens[index - 1], token) == " "
