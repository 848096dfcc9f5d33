"""Posting lists as numpy arrays, decoded once per segment and kept in memory.

Whoosh 2.7 stores a word's postings in blocks of up to 128 documents, each a zlib-compressed pickle of
(ids, weights, positions); its matchers then walk them one document at a time in Python. A word in most
passages of a 100k-passage index takes ~30 ms just to decode that way. Segments never change once
written, so a word's decoded (document numbers, frequencies) stay valid for as long as the segment
exists: they are kept here, keyed by the segment's id, in a least-recently-used cache bounded in bytes.

The decoding itself reads Whoosh 2.7.4's on-disk block format: it lives with every other use of Whoosh
internals in :mod:`index.whoosh_internals`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from index.whoosh_internals import decode, decode_positions, segment_key

CACHE_MB = 256
"""Default size of the decoded-postings cache, in megabytes, per process."""


class PostingsCache:
    """Decoded postings per (segment id, field, term), least recently used first out, bounded in bytes."""

    def __init__(self, megabytes: float = CACHE_MB):
        self.budget = int(megabytes * 1e6)
        self.used = 0
        self.hits = self.misses = 0
        self._items: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
        """The term's postings in ``leaf`` (see :func:`decode`), from the cache when decoded before."""
        return self._cached(decode, leaf, fieldname, btext)

    def positions(self, leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The term's postings with positions (see :func:`decode_positions`), cached like :meth:`get`."""
        return self._cached(decode_positions, leaf, fieldname, btext)

    def position_keys(self, leaf, fieldname: str, btext: bytes) -> np.ndarray:
        """The term's occurrences in ``leaf`` as ascending ``document << 32 | position`` keys (segment-local
        document numbers, deleted ones included), cached like :meth:`get`: what phrases intersect."""
        return self._cached(_position_keys, leaf, fieldname, btext)[0]

    def _cached(self, decoder, leaf, fieldname: str, btext: bytes) -> tuple:
        seg = segment_key(leaf)
        if seg is None:
            return decoder(leaf, fieldname, btext)
        key = (seg, fieldname, btext, decoder.__name__)
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return found
        # Decode outside the lock: two threads may decode the same term once each, which is harmless.
        found = decoder(leaf, fieldname, btext)
        size = _nbytes(found)
        with self._lock:
            self.misses += 1
            if key not in self._items and size <= self.budget:
                self._items[key] = found
                self.used += size
                while self.used > self.budget:
                    self.used -= _nbytes(self._items.popitem(last=False)[1])
        return found

    def stats(self) -> dict:
        """Entries, megabytes used and the hit/miss counts since the process started."""
        with self._lock:
            return {"entries": len(self._items), "mb": round(self.used / 1e6, 1),
                    "hits": self.hits, "misses": self.misses}


def _position_keys(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray]:
    ids, bounds, positions = decode_positions(leaf, fieldname, btext)
    docs = np.repeat(ids.astype(np.int64), np.diff(bounds))
    return (docs << 32 | positions,)


def _nbytes(arrays: tuple[np.ndarray, ...]) -> int:
    return sum(a.nbytes for a in arrays) + 100  # + the tuple and the key, roughly
