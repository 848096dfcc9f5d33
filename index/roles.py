"""Roles the interviewee gives themselves ("I’m a colorist", "working as a film editor"), normalised.

A role is read only after a first-person or role-taking phrase ("I’m a", "I work as", "as a",
"my journey to become a", "being a"); the words after it are split into a list ("writer/director and
editor", "designer, illustrator and animator") and each item's last words are looked up in
``index/data/roles.yml``, longest phrasing first. Aspirations ("I aim to become an engineer") are not
roles; the list stops at a clause boundary ("from", "in", "who", a full stop).

An article's intro speaks of the interviewee in the third person: there a role follows the interviewee's
name or a pronoun and "is a" ("Siqi Song is a film director and animator", "She is an editor").
"""

from __future__ import annotations

import re
from functools import cache, lru_cache
from typing import NamedTuple

from index import vocab

# Phrases after which the interviewee names a role of theirs. The look-ahead for their first letters
# lets the scan skip most positions at once (it halves the cost of this search).
_INTRO = re.compile(
    r"(?=[iwajdbsm])\b(?:i[’']m|i am|i was|i[’']ve been|i have been|i work(?:ed|ing)? (?:mostly |mainly )?as|"
    r"work(?:ed|ing)? as|(?<!such )as|journey to become|decision to become|became|being|"
    r"(?:i )?(?:also|sometimes|mostly) do)"
    r"\s+(?:(?:also|now|currently|mostly|mainly|primarily|still|just|basically) )*(?:a |an |the )?",
    re.IGNORECASE,
)
# Where the list of roles ends.
_STOP = re.compile(
    r"[.;:!?()\n—–]|\b(?:from|in|at|with|for|who|that|which|living|based|since|currently|working|to|by|"
    r"on|of|i|you|it|when|while|where|because|but|so|if|like|than|has|have|had|is|are|was|were|will|"
    r"would|can|could|been|who|whose|my|our|too|as well)\b",
    re.IGNORECASE,
)
# "I'm neither an audio designer nor an artist", "I don't think of myself as a designer": not roles.
_NEGATION = re.compile(r"\b(?:not|never|neither|nor|no longer)\b|n[’']t\b", re.IGNORECASE)
# "I use emacs as an editor": a thing used as a tool, not the speaker's role.
_USED_AS = re.compile(r"\b(?:use|uses|used|using)\b[^.;:!?]{0,40}$", re.IGNORECASE)
_ITEM_SPLIT = re.compile(r"\s*(?:,|/|&|\band\b|\bor\b|\ba\b|\ban\b)\s*", re.IGNORECASE)
_MAX_ITEM_WORDS = 4


@cache
def _vocabulary() -> tuple[dict[tuple[str, ...], str], int, frozenset[str]]:
    data = vocab.load("roles")
    phrases: dict[tuple[str, ...], str] = {}
    for role, spellings in (data.get("roles") or {}).items():
        for spelling in [role, *(spellings or [])]:
            phrases[tuple(str(spelling).lower().split())] = str(role)
    longest = max((len(k) for k in phrases), default=1)
    return phrases, longest, frozenset(str(q).lower() for q in data.get("qualifiers") or [])


def _role_of(item: str) -> str | None:
    """The canonical role an item such as "freelance film editor" names (its last words), or None."""
    phrases, longest, qualifiers = _vocabulary()
    words = item.lower().replace("’", "'").split()
    if not words or len(words) > _MAX_ITEM_WORDS:
        return None
    for size in range(min(longest, len(words)), 0, -1):
        role = phrases.get(tuple(words[-size:]))
        if role is not None:
            # every word before the role must be a qualifier ("freelance film editor"); any other
            # word makes it some other thing ("text editor", "project director", "bad photographer")
            if all(w in qualifiers or w in ("a", "an", "the") for w in words[:-size]):
                return role
            return None
    return None


@lru_cache(maxsize=256)
def _third_person(names: tuple[str, ...]) -> re.Pattern:
    subjects = sorted({*names, "she", "he", "they"}, key=len, reverse=True)
    return re.compile(
        r"\b(?:" + "|".join(re.escape(s) for s in subjects) + r")\s+(?:is|was|has been|are|were|works as)"
        r"\s+(?:(?:also|now|currently|mostly|mainly|primarily|still|just|basically) )*(?:a |an |the )?",
        re.IGNORECASE,
    )


class _Patterns(NamedTuple):
    """The patterns one reading of a text uses (see :func:`_lowered`)."""

    intro: re.Pattern
    stop: re.Pattern
    negation: re.Pattern
    used_as: re.Pattern
    item_split: re.Pattern


_ANY_CASE = _Patterns(_INTRO, _STOP, _NEGATION, _USED_AS, _ITEM_SPLIT)
# The same patterns without IGNORECASE, for a lower-cased text: matching case-insensitively made the
# scan for _INTRO cost about 1.6 times as much (every letter compared folded).
_LOWER_CASE = _Patterns(*(re.compile(p.pattern) for p in _ANY_CASE))
# The only characters that IGNORECASE matches with an ASCII letter of the patterns but that lower() does
# not turn into it: dotless i, long s ("İ" lower-cases to two characters, which the length test catches).
_CASE_FOLD_ONLY = ("ı", "ſ")


def _lowered(text: str) -> str | None:
    """``text`` lower-cased when the case-sensitive patterns find in it exactly what the IGNORECASE ones
    find in ``text`` (same length, character for character, and none of :data:`_CASE_FOLD_ONLY`)."""
    low = text.lower()
    if len(low) != len(text) or any(c in low for c in _CASE_FOLD_ONLY):
        return None
    return low


def extract_roles(text: str, subjects: tuple[str, ...] | None = None) -> list[str]:
    """Canonical roles the speaker of ``text`` names as their own, in order, without duplicates.

    With ``subjects`` (the interviewee's names and each of their words) ``text`` is about the
    interviewee, not by them: only roles after "<subject> is a" count.
    """
    found: list[str] = []
    patterns, scanned = _ANY_CASE, text
    if subjects is not None:
        patterns = patterns._replace(intro=_third_person(subjects))
    else:
        low = _lowered(text)
        if low is not None:  # items are lower-cased by _role_of anyway, so nothing else changes
            patterns, scanned = _LOWER_CASE, low
    for match in patterns.intro.finditer(scanned):
        rest = scanned[match.end() : match.end() + 160]
        stop = patterns.stop.search(rest)
        span = rest[: stop.start()] if stop else rest
        lead = scanned[max(0, match.start() - 40) : match.end()]
        if patterns.negation.search(lead) or patterns.negation.search(span):
            continue
        before = scanned[max(0, match.start() - 60) : match.start()]
        if match.group().strip().lower().startswith("as") and patterns.used_as.search(before):
            continue
        for item in patterns.item_split.split(span):
            role = _role_of(item.strip(" ,\"“”'"))
            if role is not None:
                found.append(role)
    return list(dict.fromkeys(found))
