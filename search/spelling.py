"""How "did you mean" picks a correction, the same for every engine.

An engine finds the candidates (indexed words at most :data:`MAX_EDITS` edits from a word no field
knows, first letter kept) and how much each is used; :func:`best_correction` picks one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_EDITS = 2
"""Largest edit distance a "did you mean" suggestion may be from the typed word."""
MAX_SUGGEST_WORDS = 4
"""Unknown words "did you mean" corrects in one query (see :func:`words_to_correct`)."""


def words_to_correct(unknown: list, match: str) -> list:
    """Which of a query's unknown words (in query order) "did you mean" tries to correct: only where a
    correction can change the answer. When every word must match (``match`` "all") and more than
    :data:`MAX_SUGGEST_WORDS` are unknown, correcting that many still finds nothing: none. Otherwise the
    first :data:`MAX_SUGGEST_WORDS` (each costs a walk of the word list)."""
    if match == "all" and len(unknown) > MAX_SUGGEST_WORDS:
        return []
    return unknown[:MAX_SUGGEST_WORDS]


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
