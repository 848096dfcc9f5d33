"""How "did you mean" picks a correction, the same for every engine.

An engine finds the candidates (indexed words at most :data:`MAX_EDITS` edits from a word no field
knows, first letter kept) and how much each is used; :func:`best_correction` picks one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from search.scoring import minimum_should_match

MAX_EDITS = 2
"""Largest edit distance a "did you mean" suggestion may be from the typed word."""
MAX_SUGGEST_WORDS = 4
"""Unknown words "did you mean" corrects in one query (see :func:`words_to_correct`)."""


def words_to_correct(unknown: list, match: str, words: int | None = None) -> list:
    """Which of a query's unknown words (in query order) "did you mean" tries to correct: only where a
    correction can change the answer. A passage must hold every one of the query's ``words`` (default:
    as many as ``unknown``) for ``match`` "all", half of them for "most" (the partial tier's
    :func:`search.scoring.minimum_should_match`), one for "any". When correcting
    :data:`MAX_SUGGEST_WORDS` of them still leaves too few known words for that, none: no correction
    could find anything. Otherwise the first :data:`MAX_SUGGEST_WORDS` (each costs a walk of the word
    list)."""
    total = len(unknown) if words is None else words
    needed = {"all": total, "most": minimum_should_match(total)}.get(match, 1)
    tried = unknown[:MAX_SUGGEST_WORDS]
    if total - len(unknown) + len(tried) < needed:
        return []
    return tried


def edits(a: str, b: str) -> int:
    """Optimal string alignment distance (insertions, deletions, substitutions, adjacent swaps)."""
    prev2, prev = None, list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            if prev2 is not None and i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]


def best_correction(typed: str, candidates: Iterable[str], used: Callable[[str], int]) -> str | None:
    """The candidate nearest ``typed`` (fewest edits, then most ``used``, then A–Z), within
    :data:`MAX_EDITS`; None if there is none."""
    distance = {c: edits(typed, c) for c in candidates if c != typed}
    fewest = min((n for n in distance.values() if n <= MAX_EDITS), default=None)
    if fewest is None:
        return None
    # How much a word is used is looked up only for the closest ones.
    return min((c for c, n in distance.items() if n == fewest), key=lambda c: (-used(c), c))
