"""Posting lists as numpy arrays, decoded once per segment and kept in memory.

Whoosh 2.7 stores a word's postings in blocks of up to 128 documents, each a zlib-compressed pickle of
(ids, weights, positions); its matchers then walk them one document at a time in Python. A word in most
passages of a 100k-passage index takes ~30 ms just to decode that way. Segments never change once
written, so a word's decoded (document numbers, frequencies) stay valid for as long as the segment
exists: they are kept here, keyed by the segment's id, in a least-recently-used cache bounded in bytes.

The decoding itself reads Whoosh 2.7.4's on-disk block format: it lives with every other use of Whoosh
internals in :mod:`index.whoosh_internals`. A segment's frequent words need no decoding at all: their
arrays were written beside the segment at commit (:mod:`index.segment_postings`) and are read from
there, memory-mapped, once the engine has :meth:`PostingsCache.attach`-ed the commit's segments.
"""

from __future__ import annotations

import threading
import weakref
from collections import OrderedDict

import numpy as np

from index.segment_postings import SegmentPostings, segment_postings
from index.whoosh_internals import decode, decode_positions, segment_key

CACHE_MB = 256
"""Default size of the decoded-postings cache, in megabytes, per process."""

_UNKNOWN = object()  # PostingsCache.get's segment key when the caller did not pass it


class PostingsCache:
    """Decoded postings per (segment id, field, term), least recently used first out, bounded in bytes."""

    def __init__(self, megabytes: float = CACHE_MB):
        self.budget = int(megabytes * 1e6)
        self.used = 0
        self.hits = self.misses = 0
        self.kept = 0  # reads served by a segment's kept arrays
        self._items: OrderedDict[tuple, tuple[np.ndarray, ...]] = OrderedDict()
        # Segment id → its frequent words' memory-mapped arrays, for as long as a commit holds them.
        self._kept: weakref.WeakValueDictionary[str, SegmentPostings] = weakref.WeakValueDictionary()
        self._lock = threading.Lock()

    def attach(self, gen: str, reader) -> list[SegmentPostings]:
        """Make the frequent words' arrays of the segments of ``reader`` (a commit of the generation
        folder ``gen``) the source of their postings. The caller keeps the returned list for as long as
        it searches that commit: segments no commit holds any more are forgotten (and unmapped)."""
        held = []
        for leaf, _ in reader.leaf_readers():
            seg = segment_key(leaf)
            found = self._kept.get(seg) if seg is not None else None
            if found is None and seg is not None:
                found = segment_postings(gen, leaf)
                if found is not None:
                    self._kept[seg] = found
            if found is not None:
                held.append(found)
        return held

    def get(self, leaf, fieldname: str, btext: bytes, seg: str | None | object = _UNKNOWN
            ) -> tuple[np.ndarray, np.ndarray]:
        """The term's postings in ``leaf`` (see :func:`decode`): from the segment's arrays when it is a
        frequent word there, else from the cache when decoded before. ``seg``: ``segment_key(leaf)``
        when the caller knows it (a search asks for each of its words in every segment)."""
        if seg is _UNKNOWN:
            seg = segment_key(leaf)
        found = self._read_kept(seg, fieldname, btext, positions=False)
        return found if found is not None else self._cached(decode, leaf, seg, fieldname, btext)

    def positions(self, leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The term's postings with positions (see :func:`decode_positions`), found like :meth:`get`."""
        seg = segment_key(leaf)
        found = self._read_kept(seg, fieldname, btext, positions=True)
        return found if found is not None else self._cached(decode_positions, leaf, seg, fieldname, btext)

    def position_keys(self, leaf, fieldname: str, btext: bytes) -> np.ndarray:
        """The term's occurrences in ``leaf`` as ascending ``document << 32 | position`` keys (segment-local
        document numbers, deleted ones included), cached like :meth:`get`: what phrases intersect."""
        return self._cached(self._position_keys, leaf, segment_key(leaf), fieldname, btext)[0]

    def _position_keys(self, leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray]:
        found = self._read_kept(segment_key(leaf), fieldname, btext, positions=True)
        ids, bounds, positions = found if found is not None else decode_positions(leaf, fieldname, btext)
        docs = np.repeat(ids.astype(np.int64), np.diff(bounds))
        return (docs << 32 | positions,)

    def _read_kept(self, seg: str | None, fieldname: str, btext: bytes, positions: bool) -> tuple | None:
        """The word's arrays from segment ``seg``'s kept ones (see :meth:`attach`), or None."""
        kept = self._kept.get(seg) if seg is not None else None
        if kept is None:
            return None
        found = kept.with_positions(fieldname, btext) if positions else kept.postings(fieldname, btext)
        if found is not None:
            self.kept += 1  # racing threads may lose a count: it is a statistic
        return found

    def _cached(self, decoder, leaf, seg: str | None, fieldname: str, btext: bytes) -> tuple:
        """``decoder(leaf, fieldname, btext)``, from the cache when ``leaf`` (segment ``seg``) has one."""
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
        """Entries, megabytes used, the hit/miss counts since the process started, and how many reads
        went to segments' kept arrays (``kept``)."""
        with self._lock:
            return {"entries": len(self._items), "mb": round(self.used / 1e6, 1),
                    "hits": self.hits, "misses": self.misses, "kept": self.kept}


def _nbytes(arrays: tuple[np.ndarray, ...]) -> int:
    return sum(a.nbytes for a in arrays) + 100  # + the tuple and the key, roughly
