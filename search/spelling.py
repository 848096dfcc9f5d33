"""How "did you mean" picks a correction, the same for every engine.

An engine finds the candidates (indexed words at most :data:`MAX_EDITS` edits from a word no field
knows, first letter kept) and how much each is used; :func:`best_correction` picks one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

MAX_EDITS = 2
"""Largest edit distance a "did you mean" suggestion may be from the typed word."""


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
    within = [c for c in candidates if c != typed and edits(typed, c) <= MAX_EDITS]
    if not within:
        return None
    return min(within, key=lambda c: (edits(typed, c), -used(c), c))
