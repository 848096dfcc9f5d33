"""Small numpy helpers the search modules share, each kept for a measured reason."""

from __future__ import annotations

import numpy as np

COMPRESS_FROM = 4096
"""From this many entries, :func:`kept` selects with ``np.compress`` rather than a boolean index."""


def kept(array: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """``array[mask]`` (one-dimensional, ``mask`` a boolean array as long): the same entries in the same
    order. Past :data:`COMPRESS_FROM` entries by ``np.compress``, which numpy (2.4) runs 1.4-6x faster
    than a boolean index when the mask is neither nearly all true nor nearly all false (300,000 int32
    entries, a third kept: 0.19 against 1.08 ms), as masks of matches over postings, facet entries and
    phrase keys are; at most 2x slower when nearly all are kept. Small arrays keep the boolean index
    (a few microseconds cheaper there)."""
    return np.compress(mask, array) if len(mask) > COMPRESS_FROM else array[mask]
