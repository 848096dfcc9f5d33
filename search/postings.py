"""Posting lists and field lengths as numpy arrays, decoded once per segment and kept in memory.

Whoosh 2.7 stores a word's postings in blocks of up to 128 documents, each a zlib-compressed pickle of
(ids, weights, positions); its matchers then walk them one document at a time in Python. A word in most
passages of a 100k-passage index takes ~30 ms just to decode that way. Segments never change once
written, so a word's decoded (document numbers, frequencies) stay valid for as long as the segment
exists: they are kept here, keyed by the segment's id, in a least-recently-used cache bounded in bytes.

This reads Whoosh 2.7.4's on-disk block format through its ``W3LeafMatcher``; Whoosh is pinned at that
version (see pyproject.toml) and anything else falls back to Whoosh's own matcher interface.
"""

from __future__ import annotations

import itertools
import pickle
import threading
import zlib
from collections import OrderedDict

import numpy as np

CACHE_MB = 256
"""Default size of the decoded-postings cache, in megabytes, per process."""

_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


def segment_key(leaf) -> str | None:
    """A leaf reader's segment id (random, unique, never reused), or None for another kind of reader."""
    segment = getattr(leaf, "segment", None)
    if segment is None:
        return None
    seg = segment()
    return seg.segment_id() if hasattr(seg, "segment_id") else None


def decode(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray]:
    """One segment's postings of a term: (segment-local document numbers, weights), ascending by number.

    Deleted documents are *included*: the caller filters them, since deletions change while the
    decoded postings stay valid. Weights are term frequencies times the field boost, as Whoosh stores them.
    """
    if (fieldname, btext) not in leaf:
        return _EMPTY
    matcher = leaf.postings(fieldname, btext)
    raw = getattr(matcher, "child", matcher)  # a segment with deletions wraps its postings
    raw.reset()  # ... and the wrapper has already stepped past the deleted documents at the start
    if not all(hasattr(raw, a) for a in ("_goto", "_postfile", "_dataoffset", "_nextoffset")):
        return _walk(raw)
    postfile = raw._postfile
    ids, weights = [], []
    while not raw._atend:
        data = postfile.get(raw._dataoffset, raw._nextoffset - raw._dataoffset)
        if raw._compression:
            data = zlib.decompress(data)
        count = raw._blocklength
        block_ids, block_weights = _ids_and_weights(data, count)
        ids.append(np.cumsum(np.asarray(block_ids, dtype=np.int64)))  # stored as deltas
        if block_weights is None:  # every weight 1.0
            weights.append(np.ones(count, np.float32))
        elif isinstance(block_weights, float):  # every weight the same
            weights.append(np.full(count, block_weights, np.float32))
        else:
            weights.append(np.asarray(block_weights, dtype=np.float32))
        if raw._lastblock:
            break
        raw._goto(raw._nextoffset)
    if not ids:
        return _EMPTY
    return np.concatenate(ids).astype(np.int32), np.concatenate(weights)


_VALUES_START = b"(c_codecs\nencode\n"
"""Where a block's pickled positions begin: protocol 2 rebuilds each ``bytes`` value with a call."""


def _ids_and_weights(data: bytes, count: int) -> tuple:
    """A block's (delta-encoded ids, weights) without unpickling its positions.

    The positions are a tuple of ``bytes``, which pickle protocol 2 rebuilds one ``_codecs.encode``
    call each: ~85% of unpickling a block of a text field. The pickle is cut where that tuple starts
    and closed with ``None`` in its place; the result is checked, and anything unexpected is read whole.
    """
    cut = data.find(_VALUES_START)
    if cut > 0:
        try:
            block = pickle.loads(data[:cut] + b"N\x87.")  # None, TUPLE3, STOP
        except Exception:  # noqa: BLE001 - not the layout we expect: read it whole below
            block = None
        if isinstance(block, tuple) and len(block) == 3 and block[2] is None \
                and isinstance(block[0], tuple) and len(block[0]) == count \
                and (block[1] is None or isinstance(block[1], float) or len(block[1]) == count):
            return block[0], block[1]
    block = pickle.loads(data)
    return block[0], block[1]


def decode_positions(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One segment's postings of a term with word positions: (document numbers, bounds, positions).

    Document ``ids[i]`` has the term at ``positions[bounds[i]:bounds[i + 1]]`` (ascending). Deleted
    documents are included, as in :func:`decode`.
    """
    empty = (np.zeros(0, np.int32), np.zeros(1, np.int64), np.zeros(0, np.int32))
    if (fieldname, btext) not in leaf:
        return empty
    matcher = leaf.postings(fieldname, btext)
    raw = getattr(matcher, "child", matcher)
    raw.reset()
    ids, values = [], []
    if all(hasattr(raw, a) for a in ("_next_block", "_read_ids", "_read_values")):
        while raw.is_active():  # a block at a time
            if raw._ids is None:
                raw._read_ids()
            if raw._values is None:
                raw._read_values()
            ids.extend(raw._ids)
            values.extend(raw._values)
            raw._next_block()
    else:  # inlined postings and other matchers
        while raw.is_active():
            ids.append(raw.id())
            values.append(raw.value())
            raw.next()
    if not ids:
        return empty
    bounds, positions = _positions_of(values, leaf.schema[fieldname].format)
    return np.asarray(ids, dtype=np.int32), bounds, positions


_PROTO2, _STOP = 0x80, ord(".")


def _positions_of(values: list[bytes], fmt) -> tuple[np.ndarray, np.ndarray]:
    """Decode Whoosh ``Positions`` values (a 4-byte count, then a pickled list of position deltas) in bulk.

    Unpickling 70,000 small lists one by one costs ~70 ms; the values are spliced into the pickle of
    one list of lists instead (each value without its count, protocol header and stop byte), which the
    C unpickler reads in one call.
    """
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    ends = np.cumsum(lengths)
    starts = ends - lengths
    buf = np.frombuffer(b"".join(values), dtype=np.uint8)
    if (lengths >= 7).all() and (buf[starts + 4] == _PROTO2).all() and (buf[starts + 5] == 2).all() \
            and (buf[ends - 1] == _STOP).all():
        keep = np.ones(len(buf), dtype=bool)
        keep[(starts[:, None] + np.arange(6)).ravel()] = False
        keep[ends - 1] = False
        lists = pickle.loads(b"\x80\x02](" + buf[keep].tobytes() + b"e.")
    else:  # not the layout Whoosh 2.7.4 writes: decode each value the slow way
        lists = [np.diff(fmt.decode_positions(v), prepend=0).tolist() for v in values]
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    bounds = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    deltas = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(bounds[-1]))
    running = np.cumsum(deltas)
    # Each document's deltas restart from 0: subtract the running total before its first position.
    before = np.concatenate(([0], running))[bounds[:-1]]
    return bounds, (running - np.repeat(before, counts)).astype(np.int32)


def _walk(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh's matcher interface, one posting at a time (inlined postings and unknown formats)."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


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


def _nbytes(arrays: tuple[np.ndarray, ...]) -> int:
    return sum(a.nbytes for a in arrays) + 100  # + the tuple and the key, roughly


_lengths_lock = threading.Lock()
_lengths: dict[tuple[str, str], np.ndarray] = {}
"""(segment id, field) → every document's field length in that segment."""


def field_lengths(leaf, fieldname: str) -> np.ndarray | None:
    """One segment's field length per document, as Whoosh decodes it (0 without the field); cached.

    The same values ``reader.doc_field_length`` returns, read as one block of bytes; None when the reader
    is not a Whoosh 2.7 segment reader.
    """
    perdoc = getattr(leaf, "_perdoc", None)
    seg = segment_key(leaf)
    if perdoc is None or seg is None or not hasattr(perdoc, "_cached_reader"):
        return None
    key = (seg, fieldname)
    found = _lengths.get(key)
    if found is not None:
        return found
    from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
    from whoosh.util.numeric import byte_to_length

    with _lengths_lock:
        count = leaf.doc_count_all()
        column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if column is None:  # no document has the field
            found = np.zeros(count, np.float64)
        elif not hasattr(column, "_dbfile") or getattr(column, "_fixedlen", 0) != 1:
            return None
        else:
            raw = bytes(column._dbfile.get(column._basepos, column._count)) if column._count else b""
            table = np.array([0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)
            found = np.zeros(count, np.float64)
            found[:len(raw)] = table[np.frombuffer(raw, dtype=np.uint8)[:count]]
        if len(_lengths) > 256:  # segments of closed generations; rebuilt on demand
            _lengths.clear()
        _lengths[key] = found
    return found
