"""Every use of Whoosh 2.7.4's internals, in one room: the on-disk block format, matcher and writer
internals, and the one patch we apply to Whoosh.

Interview Search reads and writes a Whoosh index faster than Whoosh's public API allows by relying on
details of version 2.7.4 that are not part of its API: how a posting block is pickled, the attributes of
its ``W3LeafMatcher`` and per-document reader, the order in which ``Writer.add_document`` calls a field,
``SegmentWriter``'s pool. Each of those details is used here and nowhere else; a newer Whoosh (or a fork:
they return stale or duplicated hits after ``Searcher.refresh()``) must fail loudly, not misread an index.

* :func:`install` — call before using Whoosh for reading or writing (the Whoosh engine and the Whoosh
  store do): checks the version (:class:`WhooshVersionError` otherwise) and applies the two patches,
  :func:`_skip_to` to ``W3LeafMatcher`` and :func:`_buffer_file_init` to ``BufferFile``. Idempotent;
  importing this module changes nothing.
* Reading: :func:`read_commit` / :func:`open_searcher` (searchers for one thread each, all over the
  same commit), :func:`decode` / :func:`decode_positions` (a term's posting blocks → numpy arrays),
  :func:`length_bytes` (a segment's field lengths, one byte each), :class:`StoredFields` (a document's
  stored fields straight from the segment's column), :func:`posting_ids`,
  :func:`read_column`, :func:`deleted_docs`, :func:`segment_key`, :func:`prefix_terms` (a prefix's terms
  with their counts in one walk), :func:`levenshtein_dfa` / :func:`words_within` (fuzzy words, one
  automaton for every field and segment).
* Writing: :class:`BuildWriter` (a ``SegmentWriter`` with a cheaper posting pool, text fields pooled a
  word code at a time and turned into postings with numpy, posting blocks pickled with protocol 4,
  blocks and stored fields deflated by ISA-L) and
  the field types :class:`AnalysedText` / :class:`SpelledText` (analyse each distinct word once per
  writer).

**Pickled names are part of the index format.** An index's table of contents pickles its schema, so
the field types and analysers it holds are stored by module and class name: ``index.whoosh_internals.
AnalysedText`` and ``SpelledText`` (and ``index.analysis.WordTokenizer`` and its filters,
``index.schema.FacetValues``). Renaming or
moving one means an alias at the old name or a ``SCHEMA_VERSION`` bump (``index.schema``).
"""

from __future__ import annotations

import bisect
import copy
import functools
import heapq
import itertools
import operator
import pickle
import struct
import threading
import types
import zlib
from array import array
from typing import NamedTuple

import numpy as np
import whoosh
from whoosh import fields, formats
from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata
from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    STORED_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3LeafMatcher,
    W3PerDocWriter,
    _lenfield,
)
from whoosh.columns import CompressedBytesColumn
from whoosh.filedb.structfile import BufferFile
from whoosh.index import FileIndex
from whoosh.matching import ReadTooFar
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

WHOOSH_VERSION = (2, 7, 4)
"""The one Whoosh release whose internals this module knows (pinned in pyproject.toml)."""


class WhooshVersionError(RuntimeError):
    """The installed Whoosh is not the version whose internals this module reads and writes."""


def check_version(version: tuple = whoosh.__version__) -> None:
    """Raise :class:`WhooshVersionError` unless ``version`` (default: the installed one) is 2.7.4."""
    if tuple(version[:3]) != WHOOSH_VERSION:
        found = ".".join(str(part) for part in version)
        raise WhooshVersionError(
            f"Interview Search needs Whoosh {'.'.join(map(str, WHOOSH_VERSION))} exactly, found {found}: "
            f"it reads that version's posting blocks and writer internals directly, and later releases "
            f"and forks return stale or duplicated hits after a refresh. "
            f"Install it with: pip install 'Whoosh==2.7.4'")


_installed = False
_install_lock = threading.Lock()


def install() -> None:
    """Check the Whoosh version and apply our patch to it (once per process; safe to call again).

    The patch: ``W3LeafMatcher.skip_to`` binary-searches inside a block (:func:`_skip_to`).
    """
    global _installed
    if _installed:
        return
    with _install_lock:
        if _installed:
            return
        check_version()
        W3LeafMatcher.skip_to = _skip_to
        BufferFile.__init__ = _buffer_file_init
        _installed = True


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed


def _skip_to(self, targetid):
    """``W3LeafMatcher.skip_to`` with a binary search inside the block (same final position).

    Whoosh steps through a block's ids one ``next()`` at a time to reach ``targetid``; intersecting
    and ranking a common word did that about 300,000 times per four searches at 100k passages.
    """
    if not self.is_active():
        raise ReadTooFar
    if targetid <= self.id():
        return
    block_max_id = self.block_max_id
    if targetid > block_max_id():
        self._skip_to_block(lambda: targetid > block_max_id())
    if self.is_active():
        if self._ids is None:
            self._read_ids()
        # Land on the first id >= targetid, or on the block's last id so the loop below moves on.
        self._i = min(bisect.bisect_left(self._ids, targetid, self._i), self._blocklength - 1)
    while self.is_active() and self.id() < targetid:
        self.next()


class _ViewFile:
    """A read-only file over a ``memoryview``: reading, seeking and ``readline`` (for pickle) without
    copying the view."""

    __slots__ = ("_view", "_pos")

    def __init__(self, view):
        self._view = view
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = max(start, end)
        return bytes(self._view[start:end])

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        view, start = self._view, self._pos
        end = len(view) if size is None or size < 0 else min(start + size, len(view))
        # Pickles read lines only for their short text opcodes: look a little ahead at a time.
        stop = start
        while stop < end:
            chunk = bytes(view[stop:min(stop + 256, end)])
            found = chunk.find(b"\n")
            if found >= 0:
                stop += found + 1
                break
            stop += len(chunk)
        self._pos = stop
        return bytes(view[start:stop])

    def seek(self, offset: int, whence: int = 0) -> int:
        base = 0 if whence == 0 else self._pos if whence == 1 else len(self._view)
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        pass


def _buffer_file_init(self, buf, name=None, onclose=None):
    """``BufferFile.__init__`` whose file reads ``buf`` in place.

    Whoosh opens each file of a memory-mapped compound segment as a ``BufferFile``, which wrapped the
    view in ``BytesIO(buf)``: a copy of the whole file in every process that opens the index, the
    postings (about half the index) included. That was most of a search process's memory (116 MB of
    copied postings at 100k passages, growing with the index); reading the mapping shares the page
    cache between processes instead.
    """
    self._buf = buf
    self._name = name
    self.file = _ViewFile(buf)
    self.onclose = onclose
    self.is_real = False
    self.is_closed = False


# --- segments and columns ---------------------------------------------------------------------------

def segment_key(leaf) -> str | None:
    """A leaf reader's segment id (random, unique, never reused), or None for another kind of reader."""
    segment = getattr(leaf, "segment", None)
    if segment is None:
        return None
    seg = segment()
    return seg.segment_id() if hasattr(seg, "segment_id") else None


def deleted_docs(leaf) -> list[int]:
    """A segment reader's deleted document numbers (segment-local), without walking its live ones."""
    if not leaf.has_deletions():
        return []
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is not None and hasattr(perdoc, "deleted_docs"):
        return list(perdoc.deleted_docs())
    return [d for d in range(leaf.doc_count_all()) if leaf.is_deleted(d)]


def posting_ids(matcher) -> list[int]:
    """All document numbers of a term's postings.

    Whoosh's generic ``all_ids()`` steps one posting at a time; its on-disk matcher decodes a whole
    block of ids at once, so take them a block at a time (anything else, such as a matcher filtering
    deleted documents, takes the generic path).
    """
    if type(matcher) is not W3LeafMatcher:
        return list(matcher.all_ids())
    ids: list[int] = []
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        ids.extend(matcher._ids[matcher._i:])
        matcher._next_block()
    return ids


def read_column(leaf, fieldname: str, default) -> list:
    """Every document's value of a sortable column in one segment (``default`` where it has none).

    Untranslated values (bytes, sortable ints) order as the real values do, which is all sorting needs,
    and skip a conversion per document.
    """
    count = leaf.doc_count_all()
    if count == 0 or not leaf.has_column(fieldname):
        return [default] * count
    return [value if value else default for value in leaf.column_reader(fieldname, translate=False)]


class StoredFields:
    """``reader.stored_fields(docnum)`` for the documents of one reader, read straight from each
    segment's stored-fields column when it lies in memory (a memory-mapped segment, as the engine opens
    them): the document's slice of the column inflated and unpickled, nothing else.

    Whoosh's own path goes through six calls per document (the multi-reader's segment search, the
    segment reader, its per-document reader, then three nested column readers, the last one seeking a
    shared file object): ten hits' stored fields were about a tenth of a rare word's search. The same
    dictionary comes out (fields the schema no longer has left out, as Whoosh leaves them out). Stateless
    once made, so threads may share it; segments that are not in memory take Whoosh's path.
    """

    def __init__(self, reader):
        self._names = frozenset(reader.schema.names())
        leaves = list(reader.leaf_readers()) if reader.doc_count_all() else []
        self._starts = [offset for _, offset in leaves]
        self._columns = [self._column(leaf) for leaf, _ in leaves]
        self._leaves = [leaf for leaf, _ in leaves]

    @staticmethod
    def _column(leaf):
        """(lengths, offsets, buffer, start) of a segment's stored column in memory, else None."""
        perdoc = getattr(leaf, "_perdoc", None)
        if perdoc is None or segment_key(leaf) is None or not hasattr(perdoc, "_cached_reader"):
            return None
        pickled = perdoc._cached_reader("_stored", STORED_COLUMN)
        column = getattr(pickled, "_child", None)
        buf = getattr(getattr(column, "_dbfile", None), "_buf", None)
        if type(column) is not CompressedBytesColumn.Reader or buf is None \
                or getattr(column, "_decompress", None) is not zlib.decompress:
            return None
        return column._lengths, column._offsets, buf, column._basepos

    def __call__(self, docnum: int) -> dict:
        """Document ``docnum``'s stored fields, as ``reader.stored_fields`` returns them."""
        segment = bisect.bisect_right(self._starts, docnum) - 1
        local = docnum - self._starts[segment]
        column = self._columns[segment]
        if column is None:
            return self._leaves[segment].stored_fields(local)
        lengths, offsets, buf, base = column
        length = lengths[local]
        if not length:
            return {}
        start = base + offsets[local]
        # ISA-L's inflate (``_deflate``, see DEFLATE_LEVEL) where installed: the same bytes as zlib's in
        # less time (as many instructions, wider ones); inflating was two thirds of a hit's stored fields.
        data = pickle.loads(_deflate.decompress(buf[start:start + length]))
        if not data:
            return {}
        names = self._names
        return data if data.keys() <= names else {k: v for k, v in data.items() if k in names}


# --- commits: searchers that all see one commit -----------------------------------------------------

def read_commit(ix):
    """The table of contents of ``ix``'s latest commit (its generation, segments and schema)."""
    return ix._read_toc()


def commit_generation(commit) -> int:
    """The generation number of a commit read by :func:`read_commit`."""
    return commit.generation


def open_searcher(ix, commit, weighting):
    """A new searcher over exactly ``commit`` (not whatever is latest when it opens), for one thread.

    Whoosh readers and searchers are not thread-safe, so each search in flight gets its own; they must
    all number documents alike, which only readers of the same commit do. Each gets its own copy of the
    schema: analysers may keep caches (Whoosh's stemming filter does) that two threads must not share.
    Raises OSError when the commit's files are gone (a later commit merged them away).
    """
    schema = copy.deepcopy(commit.schema)
    reader = FileIndex._reader(ix.storage, schema, commit.segments, commit.generation)
    return Searcher(reader, weighting=weighting, fromindex=ix)


# --- term dictionary walks --------------------------------------------------------------------------

def levenshtein_dfa(text: str, maxdist: int, prefix: int = 0):
    """Whoosh's automaton for the words within ``maxdist`` edits of ``text`` sharing its first ``prefix``
    letters; building it costs more than walking a field with it, so callers reuse it."""
    return levenshtein_automaton(text, maxdist, prefix).to_dfa()


def prefix_terms(reader, fieldname: str, prefix: str) -> dict[str, int]:
    """The terms of ``fieldname`` starting with ``prefix``, each with the number of documents holding
    it (deleted ones included, as ``reader.doc_frequency`` counts), read in one walk of each segment's
    term list instead of one look-up per term."""
    found: dict[str, int] = {}
    for leaf, _ in reader.leaf_readers():
        if fieldname not in leaf.schema:
            continue
        for btext, info in leaf.iter_prefix(fieldname, prefix):
            text = btext.decode("utf-8") if isinstance(btext, bytes) else btext
            found[text] = found.get(text, 0) + info.doc_frequency()
    return found


def frequent_terms(leaf, fieldname: str, min_docs: int) -> list[bytes]:
    """The terms of ``fieldname`` in one segment held by at least ``min_docs`` of its documents (deleted
    ones included), in term order, read in one walk of its term list."""
    if fieldname not in leaf.schema:
        return []
    return [btext for btext, info in leaf.iter_prefix(fieldname, b"") if info.doc_frequency() >= min_docs]


def words_within(reader, fieldname: str, dfa) -> set[str]:
    """The terms of ``fieldname`` itself (not its spelling twin) that ``dfa`` accepts, in every segment.

    What ``reader.terms_within`` finds, without building the automaton again for every field and segment.
    """
    found: set[str] = set()
    for leaf, _ in reader.leaf_readers():
        if fieldname not in leaf.schema or not leaf.indexed_field_names() or \
                fieldname not in leaf.indexed_field_names():
            continue
        found.update(Automata.find_matches(dfa, leaf.cursor(fieldname)))
    return found


# --- postings as numpy arrays -----------------------------------------------------------------------

_EMPTY = (np.zeros(0, np.int32), np.zeros(0, np.float32))


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
    blocks = _blocks(raw)
    if blocks is None:
        return _walk(raw)
    counts = [count for count, _, _ in blocks]
    heads = [_inflate_head(data) if compressed else bytes(data) for _, compressed, data in blocks]
    found = _protocol2_heads(heads, counts) if len(heads) >= WALK_BLOCKS else None
    if found is not None:
        return _undelta(found[0], counts), found[1].astype(np.float32)
    deltas: list[int] = []
    weights: list[float] = []
    for count, data in zip(counts, heads, strict=True):
        block_ids, block_weights = _ids_and_weights(data, count)
        deltas.extend(block_ids)
        if block_weights is None:  # every weight 1.0
            weights.extend(itertools.repeat(1.0, count))
        elif isinstance(block_weights, float):  # every weight the same
            weights.extend(itertools.repeat(block_weights, count))
        else:
            weights.extend(block_weights)
    if not deltas:
        return _EMPTY
    return _undelta(deltas, counts), np.asarray(weights, dtype=np.float32)


def _protocol2_heads(heads: list[bytes], counts: list[int]) -> tuple[np.ndarray, np.ndarray] | None:
    """Every block's id deltas and weights, one after the other (as :func:`decode` joins them), read by a
    walk over the blocks pickled with protocol 2 whose ids are a tuple of 4 or more (``\\x80\\x02 (``
    then K/M/J ints, ``t q\\x00``, then ``N``, ``G<float>`` or ``( G… t``); the other blocks with
    :func:`_ids_and_weights`. Unpickling the heads one by one was a third of decoding a frequent word."""
    walked = [i for i, head in enumerate(heads) if counts[i] >= 4 and head[:3] == b"\x80\x02("]
    if len(walked) < WALK_BLOCKS:
        return None
    padded = b"".join([*(heads[i] for i in walked), bytes(16)])
    size = len(padded) - 16
    at = np.frombuffer(padded, dtype=np.uint8)
    u16 = np.ndarray((size + 14,), dtype="<u2", buffer=padded, strides=(1,))
    i32 = np.ndarray((size + 12,), dtype="<i4", buffer=padded, strides=(1,))
    f64 = np.ndarray((size + 8,), dtype=">f8", buffer=padded, strides=(1,))
    lengths = np.fromiter((len(heads[i]) for i in walked), dtype=np.int64, count=len(walked))
    block_counts = np.asarray(counts, dtype=np.int64)[walked]
    order = np.argsort(-block_counts, kind="stable")
    walking = np.searchsorted(-block_counts[order], -np.arange(1, int(block_counts[order[0]]) + 1),
                              side="right")
    ids = np.zeros((len(walking), len(walked)), dtype=np.int64)
    ok = np.ones(len(walked), dtype=bool)
    p = (np.cumsum(lengths) - lengths)[order] + 3
    for k, n in enumerate(walking.tolist()):
        q = p[:n]
        op = at[q]
        ok[:n] &= (op == _SMALL_INT) | (op == _BININT2) | (op == _BININT)
        ids[k, :n] = np.where(op == _SMALL_INT, at[q + 1], np.where(op == _BININT2, u16[q + 1], i32[q + 1]))
        p[:n] = np.minimum(q + 2 + (op == _BININT2) + 3 * (op == _BININT), size)
    # After the ids: TUPLE, memo 0; then the weights. Back in block order from here.
    unsort = np.argsort(order, kind="stable")
    p = p[unsort]
    w = p + 3
    if not (ok.all() and (at[p] == _TUPLE).all() and (at[p + 1] == _BINPUT).all() and (at[p + 2] == 0).all()):
        return None
    kind = at[w]
    single = kind == _BINFLOAT
    each = kind == _MARK  # a tuple: G<float> per posting
    nth = _nth(block_counts[each])
    item = np.repeat(w[each] + 1, block_counts[each]) + 9 * nth
    if not (np.isin(kind, (_NONE, _BINFLOAT, _MARK)).all()
            and (at[np.minimum(w + 9, size)][single] == _MARK).all() and (at[item] == _BINFLOAT).all()
            and (at[np.minimum(w[each] + 1 + 9 * block_counts[each], size)] == _TUPLE).all()):
        return None
    weights = np.repeat(np.where(single, f64[np.minimum(w + 1, size)], 1.0), block_counts)
    first = np.cumsum(block_counts) - block_counts
    weights[np.repeat(first[each], block_counts[each]) + nth] = f64[item + 1]
    real = np.arange(len(walking))[None, :] < block_counts[:, None]
    walked_ids = ids.T[unsort][real]
    if len(walked) == len(heads):
        return walked_ids, weights
    # The blocks not walked (a few postings, or another layout), each read on its own, in their places.
    all_ids, all_weights = [], []
    walked_at = dict(zip(walked, first.tolist(), strict=True))
    for i, head in enumerate(heads):
        start = walked_at.get(i)
        if start is None:
            block_ids, block_weights = _ids_and_weights(head, counts[i])
            all_ids.append(np.asarray(block_ids, dtype=np.int64))
            all_weights.append(np.asarray(block_weights, dtype=np.float64) if isinstance(block_weights, tuple)
                               else np.full(counts[i], 1.0 if block_weights is None else block_weights))
        else:
            all_ids.append(walked_ids[start:start + counts[i]])
            all_weights.append(weights[start:start + counts[i]])
    return np.concatenate(all_ids), np.concatenate(all_weights)


def _nth(per: np.ndarray) -> np.ndarray:
    """0, 1, … ``per[i] - 1`` for each ``i``, one after the other."""
    return np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)


_HEAD_BYTES = 2048
"""Bytes of a compressed block inflated first when only its ids and weights are wanted."""


def _inflate_head(data) -> bytes:
    """A compressed block's data, inflated only up to its positions when the block is a protocol-2
    pickle (what Whoosh's own writer makes: the positions, :data:`_VALUES_START` on, are three quarters
    of a text block, and inflating them was half the cost of reading a common word's postings); the
    whole of it otherwise."""
    inflater = zlib.decompressobj()
    out = inflater.decompress(data, _HEAD_BYTES)
    if out[1:2] != b"\x02":
        return out + inflater.decompress(inflater.unconsumed_tail) + inflater.flush()
    while out.find(_VALUES_START, max(0, len(out) - _HEAD_BYTES * 2 - 64)) < 0 and not inflater.eof:
        more = inflater.decompress(inflater.unconsumed_tail, _HEAD_BYTES * 2)
        if not more:
            out += inflater.flush()
            break
        out += more
    return out


def _undelta(deltas: list[int], counts: list[int]) -> np.ndarray:
    """Blocks' document numbers from their deltas (each block's first number is whole) in one pass."""
    running = np.cumsum(np.asarray(deltas, dtype=np.int64))
    ends = np.cumsum(counts)
    before = np.zeros(len(counts), dtype=np.int64)
    before[1:] = running[ends[:-1] - 1]
    return (running - np.repeat(before, counts)).astype(np.int32)


_BLOCK_LENGTH = struct.Struct("!i")
_INFO_MAX = 64
"""Longest pickled block info: a tuple of six numbers, each at most nine bytes, in protocol 2."""


def _blocks(raw) -> list[tuple[int, int, memoryview]] | None:
    """A term's posting blocks as (postings in the block, its compression level, its data as stored),
    read straight from the segment's memory-mapped file; None when the matcher is not over one.

    ``W3LeafMatcher`` reads each block's length and info through a file object a few bytes at a time
    (about twenty Python calls a block: most of decoding a common word the first time). A block is its
    length (4 bytes, big-endian, negative for the last block), its info (a protocol-2 pickle of
    ``(count, max id, max weight, compression, min length byte, max length byte)``) and its data.
    """
    view = getattr(getattr(raw, "_postfile", None), "_buf", None)
    if not isinstance(view, memoryview) or not hasattr(raw, "_baseoffset") or raw._atend:
        return None
    found = []
    pos = raw._baseoffset
    while True:
        length = _BLOCK_LENGTH.unpack_from(view, pos)[0]
        end = pos + 4 + abs(length)
        head = view[pos + 4:min(pos + 4 + _INFO_MAX, end)]
        info = pickle.loads(head)  # stops at the info's end
        size = len(pickle.dumps(info, 2))
        if not isinstance(info, tuple) or len(info) != 6 or size > len(head) or head[size - 1] != _STOP:
            return None  # not the layout Whoosh 2.7.4 writes: let its matcher read it
        start = pos + 4 + size
        found.append((info[0], info[3], view[start:end]))
        if length < 0:
            return found
        pos = end


_VALUES_START = b"(c_codecs\nencode\n"
"""Where a block's pickled positions begin: protocol 2 rebuilds each ``bytes`` value with a call."""


def _ids_and_weights(data: bytes, count: int) -> tuple:
    """A block's (delta-encoded ids, weights) without unpickling its positions.

    The positions are a tuple of ``bytes``, which pickle protocol 2 rebuilds one ``_codecs.encode``
    call each: ~85% of unpickling a block of a text field. The pickle is cut where that tuple starts
    and closed with ``None`` in its place (:func:`_head`); anything unexpected is read whole.
    """
    head = _head(data, data.find(_VALUES_START), count)
    if head is not None:
        return head
    block = pickle.loads(data)
    return block[0], block[1]


def _head(data: bytes, cut: int, count: int) -> tuple | None:
    """(id deltas, weights) of a block whose values start at ``cut`` (:data:`_VALUES_START`), unpickled
    without them; None when the block is not laid out so."""
    if cut <= 0:
        return None
    try:
        block = pickle.loads(data[:cut] + b"N\x87.")  # None, TUPLE3, STOP
    except Exception:  # noqa: BLE001 - not the layout we expect
        return None
    if isinstance(block, tuple) and len(block) == 3 and block[2] is None \
            and isinstance(block[0], tuple) and len(block[0]) == count \
            and (block[1] is None or isinstance(block[1], float) or len(block[1]) == count):
        return block[0], block[1]
    return None


def decode_positions(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One segment's postings of a term with word positions: (document numbers, bounds, positions).

    Document ``ids[i]`` has the term at ``positions[bounds[i]:bounds[i + 1]]`` (ascending). Deleted
    documents are included, as in :func:`decode`.
    """
    return _decode_positions(leaf, fieldname, btext, None)


def decode_postings(leaf, fieldname: str, btext: bytes) -> tuple[np.ndarray, ...]:
    """:func:`decode_positions` and the weights :func:`decode` gives, in one pass over the blocks where
    they are unpickled anyway: (document numbers, weights, bounds, positions)."""
    weights: list[float] = []
    ids, bounds, positions = _decode_positions(leaf, fieldname, btext, weights)
    if len(weights) != len(ids):  # blocks read without unpickling them (protocol 2): their weights apart
        return ids, decode(leaf, fieldname, btext)[1], bounds, positions
    return ids, np.asarray(weights, dtype=np.float32), bounds, positions


def _decode_positions(leaf, fieldname: str, btext: bytes, weights: list[float] | None) -> tuple:
    """:func:`decode_positions`, also adding each posting's weight to ``weights`` where it unpickles the
    blocks or walks the postings (not where it reads protocol-2 blocks without unpickling them)."""
    empty = (np.zeros(0, np.int32), np.zeros(1, np.int64), np.zeros(0, np.int32))
    if (fieldname, btext) not in leaf:
        return empty
    matcher = leaf.postings(fieldname, btext)
    raw = getattr(matcher, "child", matcher)
    raw.reset()
    fmt = leaf.schema[fieldname].format
    values: list[bytes] = []
    blocks = _blocks(raw)
    if blocks is not None:
        counts = [count for count, _, _ in blocks]
        datas = [_deflate.decompress(data) if compressed else bytes(data) for _, compressed, data in blocks]
        found = _protocol2_positions(datas, counts, fmt) if len(datas) >= WALK_BLOCKS else None
        if found is not None:
            return found
        deltas: list[int] = []
        for data, count in zip(datas, counts, strict=True):
            block = pickle.loads(data)  # (id deltas, weights, values)
            deltas.extend(block[0])
            values.extend(block[2])
            if weights is not None:
                if block[1] is None:  # every weight 1.0
                    weights.extend(itertools.repeat(1.0, count))
                elif isinstance(block[1], float):  # every weight the same
                    weights.extend(itertools.repeat(block[1], count))
                else:
                    weights.extend(block[1])
        ids = _undelta(deltas, counts) if deltas else np.zeros(0, np.int32)
    else:  # inlined postings and other matchers
        found = []
        while raw.is_active():
            found.append(raw.id())
            values.append(raw.value())
            if weights is not None:
                weights.append(raw.weight())
            raw.next()
        ids = np.asarray(found, dtype=np.int32)
    if not len(ids):
        return empty
    bounds, positions = _positions_of(values, fmt)
    return ids, bounds, positions


# --- a long term's positions from Whoosh's own (protocol 2) blocks, without unpickling them ------------
#
# Whoosh pickles a block's values with protocol 2, where each ``bytes`` value becomes a call:
#
#     ( c_codecs\nencode\n q<g>                           MARK, GLOBAL _codecs.encode, memo g
#       X<len><value as UTF-8 of Latin-1> q<g+1>           first value: BINUNICODE, memo
#       X\x06\x00\x00\x00latin1 q<g+2> \x86 q<g+3> R q<g+4>   "latin1", TUPLE2, REDUCE, memos
#       h<g> X<len><value> q.. h<g+2> \x86 q.. R q..         a new value: BINGET encode, …, three memos
#       h<n> (or j<4 bytes>)                                a value met before in the block: its memo
#       …
#     t …                                                 TUPLE: the values end
#
# (a memo is ``q<index>`` below index 256, ``r<4 bytes>`` from there). Unpickling runs those calls one by
# one: about 40 µs for a block of 128 postings, most of a phrase's first run (a phrase of two frequent
# words reads ~9,700 blocks at 1M passages). The layout is fixed once the memo number of
# ``_codecs.encode`` is known, but for each value's length and whether it is new, so the values are
# found by one walk over every block at once (each step reads the k-th value of every block, numpy),
# checked against the opcodes they must sit between, turned back from UTF-8 into Latin-1 bytes in bulk
# and decoded as :func:`_positions_of` decodes values. Anything unexpected: the blocks are unpickled.

WALK_BLOCKS = 48
"""Terms with fewer blocks are unpickled: the walk's steps cost about as much as 48 blocks' unpickling."""
_LATIN1_ARG = b"X\x06\x00\x00\x00latin1"
_BINPUT, _LONG_BINPUT, _BINGET, _LONG_BINGET = ord("q"), ord("r"), ord("h"), ord("j")
_BINUNICODE, _TUPLE = ord("X"), ord("t")


def _memo_bytes(index):
    """Bytes of the opcode that memoises object number ``index`` (BINPUT, or LONG_BINPUT from 256)."""
    return 2 + 3 * (index >= 256)


@functools.lru_cache(maxsize=8)
def _value_gaps(values: int) -> np.ndarray:
    """``[g, f]``: bytes from the end of a block's ``f``-th new value's string to the next value, when
    the memo number of ``_codecs.encode`` is ``g`` (layout above)."""
    g = np.arange(256, dtype=np.int64)[:, None]
    f = np.arange(values, dtype=np.int64)[None, :]
    later = _memo_bytes(g + 2 + 3 * f) + 3 + _memo_bytes(g + 3 + 3 * f) + 1 + _memo_bytes(g + 4 + 3 * f)
    first = _memo_bytes(g + 1) + len(_LATIN1_ARG) + _memo_bytes(g + 2) + 1 + _memo_bytes(g + 3) + 1 \
        + _memo_bytes(g + 4)
    return np.where(f == 0, first, later)


def _protocol2_positions(datas: list[bytes], counts: list[int], fmt) -> tuple | None:
    """(ids, bounds, positions) of a term's inflated blocks as :func:`decode_positions` returns them,
    when every block is a protocol-2 pickle laid out as Whoosh writes them; None otherwise."""
    ids: list[int] = []
    firsts = []  # per block: where its values start (the memo after GLOBAL), in the joined data
    at = 0
    for data, count in zip(datas, counts, strict=True):
        cut = data.find(_VALUES_START)
        head = _head(data, cut, count)
        if head is None:
            return None
        ids.extend(head[0])
        firsts.append(at + cut + len(_VALUES_START))
        at += len(data)
    # Padded so that a read a few bytes past any position stays inside (checked afterwards).
    padded = b"".join([*datas, bytes(16)])
    size = len(padded) - 16
    bytes_at = np.frombuffer(padded, dtype=np.uint8)
    buf = bytes_at[:size]
    memo = np.asarray(firsts, dtype=np.int64)
    if size < 8 or (memo + 2 >= size).any() or not (
            (buf[memo] == _BINPUT).all() and (buf[memo + 2] == _BINUNICODE).all()):
        return None
    # Each position's next four bytes as a little-endian number (BINUNICODE's length, LONG_BINGET's
    # index), read unaligned.
    u32 = np.ndarray((size + 8,), dtype="<u4", buffer=padded, strides=(1,))
    g = buf[memo + 1].astype(np.int64)  # the memo number of _codecs.encode, per block
    block_counts = np.asarray(counts, dtype=np.int64)
    if (block_counts < 1).any():
        return None
    gaps = _value_gaps(int(block_counts.max()))
    # Walk every block at once, value k of each per step; blocks sorted by count, most first, so the
    # blocks still walking at step k are a prefix. Per step and block: where value k's string starts
    # (-1 when the value repeats an earlier one) and ends, and which new value of the block it is/repeats.
    order = np.argsort(-block_counts, kind="stable")
    sorted_counts = block_counts[order]
    walking = np.searchsorted(-sorted_counts, -np.arange(1, int(sorted_counts[0]) + 1), side="right")
    steps = (len(walking), len(datas))
    value_at = np.zeros(steps, dtype=np.int64)  # where value k of each block starts
    string_end = np.zeros(steps, dtype=np.int64)
    is_new = np.zeros(steps, dtype=bool)
    new_before = np.zeros(steps, dtype=np.int64)  # new values before it in its block
    gs = g[order]
    new = np.zeros(len(datas), dtype=np.int64)
    p = memo[order] + 2
    ended = np.empty(len(datas), dtype=np.int64)  # per block (sorted): where its values end
    for k, n in enumerate(walking.tolist()):
        if n < len(p):
            ended[n:len(p)] = p[n:]
            p, new, gs = p[:n], new[:n], gs[:n]
        if k == 0:  # the first value is always new, and starts at its X
            fresh = np.ones(n, dtype=bool)
            end = p + 5 + u32[p + 1]
            step = end + gaps[gs, 0]
        else:  # a new value starts h<g>X; one met before is a BINGET h<n> or j<n as 4 bytes>
            op = bytes_at[p]
            fresh = (op == _BINGET) & (bytes_at[p + 1] == gs) & (bytes_at[p + 2] == _BINUNICODE)
            end = p + 7 + u32[p + 3]
            step = np.where(fresh, end + gaps[gs, np.minimum(new, gaps.shape[1] - 1)],
                            p + 2 + 3 * (op == _LONG_BINGET))
        value_at[k, :n] = p
        string_end[k, :n] = end
        is_new[k, :n] = fresh
        new_before[k, :n] = new
        new = new + fresh
        p = np.minimum(step, size)  # read on within the padding; checked below
    ended[:len(p)] = p
    # Back to block order, value by value.
    unsort = np.argsort(order, kind="stable")
    real = np.arange(steps[0])[None, :] < block_counts[:, None]
    value_at = value_at.T[unsort][real]
    string_end = string_end.T[unsort][real]
    fresh = is_new.T[unsort][real]
    new_before = new_before.T[unsort][real]
    ended = ended[unsort]
    block_of = np.repeat(np.arange(len(datas)), block_counts)
    first_value = np.cumsum(block_counts) - block_counts
    xs = np.where(np.arange(len(value_at)) == first_value[block_of], value_at, value_at + 2)[fresh]
    ends = string_end[fresh]
    # The opcodes the new values' strings must sit between: X before, the STOP of the value's own
    # pickle at the end and a memo after; a TUPLE after each block's last value. A value met before
    # must name the memo of a new value's REDUCE before it in the block: g + 4 + 3f for the f-th.
    again = value_at[~fresh]
    ref = np.where(bytes_at[again] == _BINGET, bytes_at[again + 1], u32[again + 1]).astype(np.int64) \
        - g[block_of[~fresh]] - 4
    nth = new_before.copy()
    nth[~fresh] = ref // 3
    if (ended >= size).any() or (xs >= size).any() or (ends >= size).any() or not (
            (buf[xs] == _BINUNICODE).all() and (buf[ends - 1] == _STOP).all()
            and np.isin(buf[ends], (_BINPUT, _LONG_BINPUT)).all() and (buf[ended] == _TUPLE).all()
            and np.isin(bytes_at[again], (_BINGET, _LONG_BINGET)).all() and (ref % 3 == 0).all()
            and (ref >= 0).all() and (ref // 3 < new_before[~fresh]).all()):
        return None
    first_new = np.cumsum(np.bincount(block_of[fresh], minlength=len(datas)))
    which = np.concatenate(([0], first_new[:-1]))[block_of] + nth  # the new value each value is
    found = _utf8_positions(buf, xs + 5, ends, fmt)
    if found is None:
        return None
    bounds, positions = found
    if not fresh.all():
        per = np.diff(bounds)[which]
        starts = bounds[which]
        bounds = np.zeros(len(which) + 1, dtype=np.int64)
        np.cumsum(per, out=bounds[1:])
        positions = positions[np.repeat(starts, per) + _nth(per)]
    return _undelta(ids, counts), bounds, positions


def _utf8_positions(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, fmt) -> tuple | None:
    """:func:`_positions_in` for the values ``buf[starts[i]:ends[i]]`` stored as protocol 2 stores them
    (UTF-8 of their Latin-1 text); None when they are not such UTF-8.

    A value of fewer than 128 positions whose deltas are all below 128 keeps every byte but its
    protocol marker (``\\x80``, two bytes in UTF-8): ``count, C2 80 02 ] q\\x00 [(] K d1 … K dn (e|a) .``,
    read here from the UTF-8 as it is. The others (about one in six: a word first found past the
    128th word of a long answer) are turned back into their bytes first (:func:`_latin1`).
    """
    lengths = ends - starts
    # Big-endian four-byte words and little-endian two-byte ones at every position, read unaligned.
    words = np.ndarray((len(buf) - 3,), dtype=">u4", buffer=buf, strides=(1,))
    pairs = np.ndarray((len(buf) - 1,), dtype="<u2", buffer=buf, strides=(1,))
    count = words[starts].astype(np.int64)  # below 128: three zero bytes and one below 0x80
    many = (count > 1).astype(np.int64)
    fast = (count < 0x80) & (words[np.minimum(starts + 4, len(words) - 1)] == _UTF8_HEAD) \
        & (lengths == 12 + many + 2 * count) & (buf[ends - 1] == _STOP)

    def items():
        chosen = np.flatnonzero(fast)
        per = count[chosen]
        nth = _nth(per)
        return chosen, per, nth, pairs[np.repeat(starts[chosen] + 10 + many[chosen], per) + 2 * nth]

    chosen, per, nth, item = items()  # each item: K, then its one-byte delta below 0x80
    small = ((item & 0xFF) == _SMALL_INT) & (item < 0x8000)
    if not small.all():  # a value whose length happens to fit but holds other opcodes
        fast[chosen[np.unique(np.repeat(np.arange(len(chosen)), per)[~small])]] = False
        chosen, per, nth, item = items()
    counts = np.where(fast, count, 0)
    slow = np.flatnonzero(~fast)
    if len(slow):
        latin, slow_lengths = _latin1(buf, starts[slow], ends[slow])
        if latin is None:
            return None
        slow_bounds, slow_positions = _positions_in(latin, slow_lengths, fmt)
        counts[slow] = np.diff(slow_bounds)
    bounds = np.zeros(len(starts) + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    positions = np.empty(int(bounds[-1]), dtype=np.int32)
    fast_bounds = np.zeros(len(chosen) + 1, dtype=np.int64)
    np.cumsum(per, out=fast_bounds[1:])
    positions[np.repeat(bounds[chosen], per) + nth] = \
        _positions_from_deltas((item >> 8).astype(np.int64), fast_bounds)
    if len(slow):
        positions[np.repeat(bounds[slow], np.diff(slow_bounds)) + _nth(np.diff(slow_bounds))] = slow_positions
    return bounds, positions


def _latin1(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> tuple:
    """The strings ``buf[starts[i]:ends[i]]`` (UTF-8 of text whose characters are all below 256, as
    protocol 2 stores a Latin-1-decoded ``bytes``) back as their bytes, joined, with each one's length;
    (None, None) when they are not such UTF-8."""
    text = _gather(buf, starts, ends)
    high = np.flatnonzero(text >= 0x80)
    lengths = ends - starts
    if not len(high):
        return text, lengths
    lead = high[text[high] >= 0xC0]
    if len(lead) * 2 != len(high) or not np.array_equal(lead + 1, high[text[high] < 0xC0]) \
            or (text[lead] > 0xC3).any() or (text[lead] < 0xC2).any():
        return None, None
    text = text.copy()
    text[lead + 1] += (text[lead] - 0xC2) << 6  # U+0080-U+00BF: C2 80-BF; U+00C0-U+00FF: C3 80-BF
    keep = np.ones(len(text), dtype=bool)
    keep[lead] = False
    return text[keep], np.add.reduceat(keep, np.cumsum(lengths) - lengths, dtype=np.int64)


def _gather(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The bytes ``buf[starts[i]:ends[i]]``, joined (one index per byte taken: a mask as long as ``buf``
    costs more when the ranges hold a small part of it)."""
    lengths = ends - starts
    return buf[np.repeat(starts, lengths) + _nth(lengths)]


_PROTO2, _STOP, _SMALL_INT = 0x80, ord("."), ord("K")
_BININT2, _BININT, _BINFLOAT, _MARK, _NONE = ord("M"), ord("J"), ord("G"), ord("("), ord("N")
_UTF8_HEAD = 0xC280025D
"""A protocol-2 pickle's first bytes (80 02), then its list (5D), with the 80 as UTF-8 (C2 80)."""


def _positions_of(values: list[bytes], fmt) -> tuple[np.ndarray, np.ndarray]:
    """Decode Whoosh ``Positions`` values (a 4-byte count, then a pickled list of position deltas) in
    bulk: (bounds, positions), value ``i``'s positions being ``positions[bounds[i]:bounds[i + 1]]``."""
    lengths = np.fromiter(map(len, values), dtype=np.int64, count=len(values))
    return _positions_in(np.frombuffer(b"".join(values), dtype=np.uint8), lengths, fmt)


def _positions_in(buf: np.ndarray, lengths: np.ndarray, fmt) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_positions_of` for values laid end to end in ``buf``, ``lengths`` bytes each.

    Most values pickle every delta as a one-byte int (``K``), so a value of ``n`` deltas is
    ``count, \x80\x02 ] q\x00 [(] K d1 … K dn (e|a) .``, 11 + 2n bytes (one more for a mark when
    n > 1): those deltas are read straight out of the joined bytes with numpy. The others are unpickled
    (:func:`_delta_lists`).
    """
    ends = np.cumsum(lengths)
    starts = ends - lengths
    if not (lengths >= 13).all():
        return _from_lists(_delta_lists(buf, starts, ends, fmt))
    head = buf[starts[:, None] + np.arange(4)].astype(np.int64)
    counts = head[:, 0] << 24 | head[:, 1] << 16 | head[:, 2] << 8 | head[:, 3]  # big-endian
    many = (counts > 1).astype(np.int64)
    fast = (lengths == 11 + many + 2 * counts) & (buf[starts + 4] == _PROTO2) & (buf[starts + 5] == 2) \
        & (buf[ends - 1] == _STOP)
    bounds = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    deltas = np.zeros(int(bounds[-1]), dtype=np.int64)
    chosen = np.flatnonzero(fast)
    if len(chosen):
        per = counts[chosen]
        nth = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
        item = np.repeat(starts[chosen] + 9 + many[chosen], per) + 2 * nth
        small = buf[item] == _SMALL_INT
        if not small.all():  # a value whose lengths happen to fit but holds other opcodes
            fast[chosen[np.unique(np.repeat(np.arange(len(chosen)), per)[~small])]] = False
            chosen = np.flatnonzero(fast)
            per = counts[chosen]
            nth = np.arange(int(per.sum())) - np.repeat(np.cumsum(per) - per, per)
            item = np.repeat(starts[chosen] + 9 + many[chosen], per) + 2 * nth
        deltas[np.repeat(bounds[chosen], per) + nth] = buf[item + 1]
    slow = np.flatnonzero(~fast)
    if len(slow):
        lists = _delta_lists(buf, starts[slow], ends[slow], fmt)
        found = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
        if not np.array_equal(found, counts[slow]):
            return _from_lists(_delta_lists(buf, starts, ends, fmt))  # a count that lies: trust the pickles
        where = np.repeat(bounds[slow], found) + _nth(found)
        deltas[where] = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=len(where))
    return bounds, _positions_from_deltas(deltas, bounds)


def _delta_lists(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, fmt) -> list[list[int]]:
    """Each ``Positions`` value ``buf[starts[i]:ends[i]]``'s list of position deltas, unpickled.

    Unpickling 70,000 small lists one by one costs ~70 ms; the values are spliced into the pickle of
    one list of lists instead (each value without its count, protocol header and stop byte), which the
    C unpickler reads in one call.
    """
    if ((ends - starts) >= 7).all() and (buf[starts + 4] == _PROTO2).all() and (buf[starts + 5] == 2).all() \
            and (buf[ends - 1] == _STOP).all():
        return pickle.loads(b"\x80\x02](" + _gather(buf, starts + 6, ends - 1).tobytes() + b"e.")
    # not the layout Whoosh 2.7.4 writes: decode each value the slow way
    return [np.diff(fmt.decode_positions(buf[a:b].tobytes()), prepend=0).tolist()
            for a, b in zip(starts.tolist(), ends.tolist(), strict=True)]


def _from_lists(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(bounds, positions) from each value's list of position deltas."""
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    bounds = np.zeros(len(lists) + 1, dtype=np.int64)
    np.cumsum(counts, out=bounds[1:])
    deltas = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=int(bounds[-1]))
    return bounds, _positions_from_deltas(deltas, bounds)


def _positions_from_deltas(deltas: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """Positions from deltas that restart at each document (``bounds``): one running sum, less the
    running total before each document's first position."""
    running = np.cumsum(deltas)
    before = np.concatenate(([0], running))[bounds[:-1]]
    return (running - np.repeat(before, np.diff(bounds))).astype(np.int32)


def _walk(matcher) -> tuple[np.ndarray, np.ndarray]:
    """Whoosh's matcher interface, one posting at a time (inlined postings and unknown formats)."""
    ids, weights = [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        matcher.next()
    return np.asarray(ids, dtype=np.int32), np.asarray(weights, dtype=np.float32)


LENGTH_TABLE = np.array([0] + [byte_to_length(b) for b in range(1, 256)], dtype=np.float64)
"""Whoosh's one-byte field length → the length it stands for (``byte_to_length``; 0 for none)."""


def length_bytes(leaf, fieldname: str) -> np.ndarray | None:
    """One segment's field length per document as Whoosh stores it: one byte each (decode with
    :data:`LENGTH_TABLE`; 0 where a document lacks the field). None when the reader is not a Whoosh 2.7
    segment reader."""
    perdoc = getattr(leaf, "_perdoc", None)
    if perdoc is None or segment_key(leaf) is None or not hasattr(perdoc, "_cached_reader"):
        return None
    count = leaf.doc_count_all()
    column = perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
    if column is None:  # no document has the field
        return np.zeros(count, np.uint8)
    if not hasattr(column, "_dbfile") or getattr(column, "_fixedlen", 0) != 1:
        return None
    raw = bytes(column._dbfile.get(column._basepos, column._count)) if column._count else b""
    found = np.zeros(count, np.uint8)
    found[:len(raw)] = np.frombuffer(raw, dtype=np.uint8)[:count]
    return found


class LengthLookup:
    """``doc → field length`` over one segment's bytes, as ``reader.doc_field_length`` answers it."""

    __slots__ = ("raw",)

    def __init__(self, raw: np.ndarray):
        self.raw = raw

    def __call__(self, docnum: int) -> float:
        return float(LENGTH_TABLE[self.raw[docnum]])


# --- the build's segment writer ----------------------------------------------------------------------
#
# Whoosh's ``SegmentWriter`` pools one ``(field, term, docnum, weight, value)`` tuple per posting, sorts
# the pool (spilling sorted runs to disk past a memory limit), merges the runs a posting at a time and
# hands each posting to its postings writer through four calls (with a field-length look-up through
# five more) at commit. For a full build that is ~120 postings per passage, and those per-posting costs
# were most of the indexing time once analysis was cheap (:class:`AnalysedText`). Here:
#
# * a text field's words are pooled as one code per source word (:class:`_TextBuffer`: a regular
#   expression split and dict look-ups, in C) and turned into postings with numpy a million words at a
#   time, instead of analysing and pooling each token in Python;
# * postings are grouped by term in arrays as documents are added (:class:`_TermPool`; documents arrive
#   in order, so only the distinct terms are sorted), about 20 bytes a posting instead of ~200;
# * past the memory limit the pool is written to disk as one run of whole terms, and runs are merged a
#   term at a time (a term's parts are in document order, run after run), not a posting at a time;
# * at commit each term's postings are cut into Whoosh's blocks of 128 and written a block at a time
#   (:func:`_write_term`), with each field's lengths read once; a block's data is pickled with protocol 4
#   and compressed only from :data:`COMPRESS_MIN` bytes (:func:`_write_block`).
#
# The postings (ids, weights, encoded positions), term statistics, lengths, columns and stored fields are
# what Whoosh writes itself (``tests/test_fast_indexing.py`` compares the two writers on the same
# documents, with and without runs on disk, drains and merges); only the block pickles' bytes differ.

POSTING_BYTES = 20
"""Memory one pooled posting takes, in bytes (a document number, a weight, a value reference)."""
DRAIN_WORDS = 1_000_000
"""Words a text field buffers before they are turned into postings (:class:`_TextBuffer`); bounds the
numpy arrays of one drain to about 100 MB."""
RUN_TERMS = 4_096
"""Terms pickled together in a run file."""


class _TermPool(PostingPool):
    """``PostingPool`` that groups postings by (field, term) in arrays instead of pooling tuples.

    ``_fields[field][term]`` is ``(document numbers, weights, values)``. Past :attr:`max_items`
    postings the pool is written to disk as one run of whole terms in sorted order (batches of
    :data:`RUN_TERMS`); :meth:`terms` merges the runs and what is still in memory term by term.
    """

    def __init__(self, tempstore, segment, limitmb: int = 128):
        super().__init__(tempstore, segment, limitmb=limitmb)
        self.max_items = max(1, limitmb * 1024 * 1024 // POSTING_BYTES)
        # A dict per field keyed by the term's bytes: no tuple to build and hash per posting.
        self._fields: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        self._unordered: set[tuple[str, bytes]] = set()
        self._count = 0
        # Text fields' words, turned into postings in bulk (:class:`_TextBuffer`); None: Whoosh's path.
        self._texts: dict[str, _TextBuffer | None] = {}

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        postings = terms.get(tbytes)
        if postings is None:
            postings = terms[tbytes] = (array("I"), array("d"), [])
        elif docnum <= postings[0][-1]:
            self._unordered.add((fieldname, tbytes))  # e.g. segments merged out of order: sort it fully
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(vbytes)
        self._count += 1

    def add_field(self, fieldname: str, docnum: int, items, fieldboost: float, vbytes) -> tuple[int, bytes]:
        """Add one document's postings of one field (``field.index()``'s items), as
        ``SegmentWriter.add_document`` does with :meth:`add` but without a tuple and a call per posting.
        Returns the sum of their frequencies (the field's length) and the last posting's value
        (``vbytes`` when there is none: Whoosh reuses that variable for the spelling postings)."""
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        length = count = 0
        for tbytes, freq, weight, vbytes in items:
            postings = terms.get(tbytes)
            if postings is None:
                postings = terms[tbytes] = (array("I"), array("d"), [])
            elif docnum <= postings[0][-1]:
                self._unordered.add((fieldname, tbytes))
            postings[0].append(docnum)
            postings[1].append(weight * fieldboost)
            postings[2].append(vbytes)
            length += freq
            count += 1
        self._count += count
        return length, vbytes

    def text_buffer(self, fieldname: str, field) -> _TextBuffer | None:
        """The buffer pooling ``field``'s words, or None when the field takes Whoosh's path (not an
        :class:`AnalysedText` whose analysis works word by word)."""
        try:
            return self._texts[fieldname]
        except KeyError:
            fast = isinstance(field, AnalysedText) and field._fast_ok("")
            buffer = self._texts[fieldname] = _TextBuffer(field, fieldname) if fast else None
            return buffer

    def add_text(self, buffer: _TextBuffer, docnum: int, value: str, fieldboost: float):
        """Pool one document's text of a buffered field: :meth:`_TextBuffer.add`'s answer. Past
        :data:`DRAIN_WORDS` buffered words the buffer is turned into postings first (before, not after:
        the codes returned stay valid until the next call)."""
        if len(buffer.codes) >= DRAIN_WORDS:
            self._drain(buffer)
        added = buffer.add(docnum, value, fieldboost)
        self._count += len(added[2])
        return added

    def _drain(self, buffer: _TextBuffer) -> None:
        """Move a buffer's postings into the per-term arrays (runs of documents stay in order)."""
        fieldname = buffer.fieldname
        terms = self._fields.get(fieldname)
        if terms is None:
            terms = self._fields[fieldname] = {}
        for tbytes, docs, weights, values in buffer.drain():
            old = terms.get(tbytes)
            if old is None:
                terms[tbytes] = (docs, weights, values)
                continue
            if docs[0] <= old[0][-1]:
                self._unordered.add((fieldname, tbytes))
            old[0].extend(docs)
            old[1].extend(weights)
            old[2].extend(values)

    def checked_add(self, item) -> None:
        """Add one posting and spill at once when full (for callers that add many between checks)."""
        _TermPool.add(self, item)  # self.add may be this very method (see BuildWriter)
        if self._count >= self.max_items:
            self.save()

    def spill_if_full(self) -> None:
        """Write the pool to a run on disk once it holds :attr:`max_items` postings."""
        if self._count >= self.max_items:
            self.save()

    def _take(self):
        """The pooled terms in sorted order as (key, docs, weights, values), emptying the pool."""
        for buffer in self._texts.values():
            if buffer is not None:
                self._drain(buffer)
        fields, unordered = self._fields, self._unordered
        self._fields, self._unordered, self._count = {}, set(), 0
        for fieldname in sorted(fields):
            terms = fields.pop(fieldname)
            for tbytes in sorted(terms):
                docs, weights, values = terms.pop(tbytes)
                key = (fieldname, tbytes)
                if key in unordered:
                    docs, weights, values = _sorted_postings(docs, weights, values)
                yield key, docs, weights, values

    def save(self) -> None:
        if self._fields or any(b is not None and len(b.codes) for b in self._texts.values()):
            path, f = self._new_run()
            with f:
                terms = self._take()
                while batch := list(itertools.islice(terms, RUN_TERMS)):
                    pickle.dump([(key, docs.tobytes(), weights.tobytes(), values)
                                 for key, docs, weights, values in batch], f, pickle.HIGHEST_PROTOCOL)
            self.runs.append(path)
        self.currentsize = 0

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                for key, docs, weights, values in batch:
                    ids, ws = array("I"), array("d")
                    ids.frombytes(docs)
                    ws.frombytes(weights)
                    yield key, ids, ws, values
        finally:
            f.close()
            self._remove_run(path)

    def terms(self):
        """Every term's postings in sorted term order, each as (key, docs, weights, values): the runs on
        disk and the pool in memory merged a term at a time. Empties the pool."""
        if not self.runs:
            yield from self._take()
            return
        sources = [self._read_run(path) for path in self.runs] + [self._take()]
        self.runs = []
        # Stable: a term's parts come out in run order, the pool in memory last.
        merged = heapq.merge(*sources, key=lambda item: item[0])
        current = None
        parts: list = []
        for item in merged:
            if current is not None and item[0] != current:
                yield _joined(current, parts)
                parts = []
            current = item[0]
            parts.append(item)
        if current is not None:
            yield _joined(current, parts)

    def items(self, maxfiles: int = 128):
        """Whoosh's interface: every posting as a tuple, in sorted order (for code that wants tuples)."""
        for (fieldname, tbytes), docs, weights, values in self.terms():
            for docnum, weight, vbytes in zip(docs, weights, values, strict=True):
                yield fieldname, tbytes, docnum, weight, vbytes


class _TextBuffer:
    """One text field's words as documents are added, turned into postings in bulk.

    Adding a document costs a regular-expression split and a dict look-up per word, both in C: each
    distinct source word gets a code the first time it is met (its analysis comes from the field's
    cache, :meth:`AnalysedText.word_analysis`), and the document's word codes are appended to one array.
    :meth:`drain` then does with numpy what :meth:`AnalysedText.index` and :meth:`_TermPool.add_field`
    did per token in Python: positions (each word's ``advance``, stop words leaving gaps), terms, a
    stable sort by term that keeps each term's postings in document and position order, frequencies,
    weights (``frequency × field boost × the document's field boost``, in Whoosh's order of operations)
    and the encoded positions (``Positions.encode``; a posting at one position takes the field's shared
    bytes for that position). What it yields is what the per-token path pooled, posting for posting.

    The word and term tables outlive a drain (codes stay valid), until they hold
    :data:`WORD_CACHE_SIZE` words: then they are dropped at the next drain, which bounds their memory.
    """

    def __init__(self, field: AnalysedText, fieldname: str = ""):
        self.field = field
        self.fieldname = fieldname
        self.encode = field.format.encode
        self.field_boost = field.format.field_boost
        self.findall = field.__dict__["_fast"].findall
        self._reset_tables()
        self.codes = array("i")  # every buffered document's word codes, one after another
        self.docs = array("I")  # document number of each buffered document
        self.ends = array("q")  # where each buffered document's codes end
        self.boosts = array("d")  # each buffered document's field boost

    def _reset_tables(self) -> None:
        self.code: dict[str, int] = {}  # source word → code
        self.analyses: list[_WordAnalysis] = []  # code → the word's analysis
        self.term_counts: list[int] = []  # code → terms the word gives (stop words give none)
        self.advances: list[int] = []  # code → positions the word takes
        self.token_starts: list[int] = []  # code → its first entry in token_terms / token_rels
        self.token_terms: list[int] = []  # term id of each token of each distinct word
        self.token_rels: list[int] = []  # ... and its position relative to the word's first
        self.word_terms: list[tuple[int, ...]] = []  # code → the term ids of its tokens
        self.term_id: dict[bytes, int] = {}
        self.terms: list[bytes] = []  # term id → term bytes
        # Whole values met lately → (word codes, field length): an article's title and facet text repeat
        # on each of its passages, and interview questions across articles (:data:`VALUE_CACHE_SIZE`).
        self.values: dict[str, tuple[list[int], int]] = {}

    def add(self, docnum: int, value: str, boost: float) -> tuple[int, list[_WordAnalysis], list[int]]:
        """Buffer one document's text. Returns (its field length: the number of terms, stop words not
        counted; the analyses of words whose spelling forms were not given yet; the word codes)."""
        fresh: list[_WordAnalysis] = []
        hit = self.values.get(value)
        if hit is None:
            words = self.findall(value)
            codes = list(map(self.code.get, words))
            if None in codes:
                self._learn(words, codes, fresh)
            counted = sum(map(self.term_counts.__getitem__, codes))
            if len(self.values) >= VALUE_CACHE_SIZE:
                self.values.clear()
            self.values[value] = (codes, counted)
        else:  # a title, name or question met before: its words are known, none is fresh
            codes, counted = hit
        if codes:
            self.codes.extend(codes)
            self.docs.append(docnum)
            self.ends.append(len(self.codes))
            self.boosts.append(boost)
        return counted, fresh, codes

    def _learn(self, words: list[str], codes: list, fresh: list[_WordAnalysis]) -> None:
        """Fill in the codes of words met for the first time (in place)."""
        code = self.code
        for i, k in enumerate(codes):
            if k is None:
                word = words[i]
                k = code.get(word)
                if k is None:
                    found = self.field.word_analysis(word)
                    if not found.spelled:
                        fresh.append(found)
                    k = code[word] = len(self.analyses)
                    self.analyses.append(found)
                    self.term_counts.append(len(found.tokens))
                    self.advances.append(found.advance)
                    self.token_starts.append(len(self.token_terms))
                    ids = []
                    for term, rel in found.tokens:
                        t = self.term_id.get(term)
                        if t is None:
                            t = self.term_id[term] = len(self.terms)
                            self.terms.append(term)
                        ids.append(t)
                        self.token_rels.append(rel)
                    self.token_terms.extend(ids)
                    self.word_terms.append(tuple(ids))
                codes[i] = k

    def last_value(self, codes: list[int]) -> bytes | None:
        """The encoded positions of the last term, in order of first occurrence, of a document whose
        word codes are ``codes`` (what Whoosh's writer leaves in its ``vbytes``; None without terms)."""
        word_terms = self.word_terms
        # Distinct terms in order of first occurrence, in C: the last one is the term wanted.
        seen = dict.fromkeys(itertools.chain.from_iterable(map(word_terms.__getitem__, codes)))
        if not seen:
            return None
        term = next(reversed(seen))
        holders = {k for k in set(codes) if term in word_terms[k]}
        starts = list(itertools.accumulate(map(self.advances.__getitem__, codes), initial=0))
        token_terms, token_rels, token_starts = self.token_terms, self.token_rels, self.token_starts
        positions = []
        for i in [i for i, k in enumerate(codes) if k in holders]:
            k = codes[i]
            first = token_starts[k]
            for j in range(first, first + self.term_counts[k]):
                if token_terms[j] == term:
                    positions.append(starts[i] + token_rels[j])
        return self.encode(positions)

    def drain(self):
        """Every buffered posting, a term at a time: (term bytes, document numbers, weights, encoded
        positions), each term's postings in document order. Empties the buffer."""
        if not self.docs:
            return
        codes = np.frombuffer(self.codes, dtype=np.int32).astype(np.int64)
        ends = np.frombuffer(self.ends, dtype=np.int64)
        docnums = np.frombuffer(self.docs, dtype=np.uint32)
        boosts = np.frombuffer(self.boosts, dtype=np.float64)
        term_counts = np.array(self.term_counts, dtype=np.int64)
        advances = np.array(self.advances, dtype=np.int64)
        token_starts = np.array(self.token_starts, dtype=np.int64)
        token_terms = np.array(self.token_terms, dtype=np.int64)
        token_rels = np.array(self.token_rels, dtype=np.int64)
        # Each word's position: the advances of the words before it in its document.
        words_per_doc = np.diff(ends, prepend=0)
        taken = advances[codes]
        before = np.cumsum(taken) - taken
        word_pos = before - np.repeat(before[ends - words_per_doc], words_per_doc)
        word_doc = np.repeat(np.arange(len(ends)), words_per_doc)
        # Each word's tokens, in order: (term, position, document).
        per_word = term_counts[codes]
        total = int(per_word.sum())
        word = np.repeat(np.arange(len(codes)), per_word)
        nth = np.arange(total) - np.repeat(np.cumsum(per_word) - per_word, per_word)
        token = token_starts[codes][word] + nth
        term, pos, doc = token_terms[token], word_pos[word] + token_rels[token], word_doc[word]
        # Stable: a term's tokens stay in document and position order.
        order = np.argsort(term, kind="stable")
        term, pos, doc = term[order], pos[order], doc[order]
        starts = np.flatnonzero(np.concatenate(([True], (term[1:] != term[:-1]) | (doc[1:] != doc[:-1]))))
        freqs = np.diff(starts, append=total)
        posting_term, posting_doc = term[starts], doc[starts]
        # As AnalysedText.index then add_field: (frequency × field boost) × document's field boost.
        weights = array("d", ((freqs.astype(np.float64) * self.field_boost) * boosts[posting_doc]).tobytes())
        docs = array("I", docnums[posting_doc].astype(np.uint32).tobytes())
        if not total:  # only stop words
            self.codes, self.docs, self.ends, self.boosts = array("i"), array("I"), array("q"), array("d")
            return
        singles = self.field.single_positions(int(pos.max()) + 1)
        values = list(map(singles.__getitem__, pos[starts].tolist()))
        multi = np.flatnonzero(freqs > 1)
        if len(multi):
            positions = pos.tolist()
            encode = self.encode
            for i, start, count in zip(multi.tolist(), starts[multi].tolist(), freqs[multi].tolist(),
                                       strict=True):
                values[i] = encode(positions[start:start + count])
        bounds = np.flatnonzero(np.concatenate(([True], posting_term[1:] != posting_term[:-1]))).tolist()
        bounds.append(len(starts))
        terms = self.terms
        term_ids = posting_term[bounds[:-1]].tolist()
        self.codes, self.docs, self.ends, self.boosts = array("i"), array("I"), array("q"), array("d")
        if len(self.analyses) >= WORD_CACHE_SIZE:
            self._reset_tables()
        for t, start, end in zip(term_ids, bounds[:-1], bounds[1:], strict=True):
            yield terms[t], docs[start:end], weights[start:end], values[start:end]


def _sorted_postings(docs, weights, values):
    """A term's postings in Whoosh's pool order (document, then weight, then value)."""
    order = sorted(zip(docs, weights, values, strict=True))
    return (array("I", [p[0] for p in order]), array("d", [p[1] for p in order]), [p[2] for p in order])


def _joined(key, parts):
    """One term's postings from several runs (sources in run order, so in document order unless a merge
    of segments added them otherwise)."""
    if len(parts) == 1:
        return parts[0]
    docs, weights, values = array("I"), array("d"), []
    ordered = True
    for _, d, w, v in parts:
        if len(docs) and len(d) and d[0] <= docs[-1]:
            ordered = False
        docs.extend(d)
        weights.extend(w)
        values.extend(v)
    if not ordered:
        docs, weights, values = _sorted_postings(docs, weights, values)
    return key, docs, weights, values


def _write_term(postwriter, docs, weights, values, lengths) -> None:
    """Hand one term's postings to a ``W3PostingsWriter`` a block at a time.

    The same blocks and statistics as one ``add_posting`` call per posting: a block is written when
    :attr:`_blocklimit` postings are buffered and another arrives, and the last one is left for
    ``finish_postings``. ``lengths`` gives each document's field length (None or 0: no length); values
    that are None or empty are not stored, as ``add_posting`` skips them.
    """
    limit = postwriter._blocklimit
    count = len(docs)
    for start in range(0, count, limit):
        end = min(start + limit, count)
        if start:
            postwriter._write_block()
        ids = docs[start:end]
        postwriter._ids = ids
        chunk = weights[start:end]
        postwriter._weights = array("f", chunk)
        postwriter._maxweight = max(0, max(chunk))
        postwriter._values = [v for v in values[start:end] if v]
        if lengths is not None:
            found = [n for n in map(lengths.__getitem__, ids) if n]
            if found:
                postwriter._minlength = min(found)
                postwriter._maxlength = max(found)


try:  # ISA-L's deflate: the same zlib format, about 2.6x cheaper on our blocks and stored fields
    from isal import isal_zlib as _deflate
except ImportError:  # pragma: no cover - a platform without its wheel: the standard library's
    _deflate = zlib
DEFLATE_LEVEL = 1 if _deflate is not zlib else 3
"""Level of the build writer's compression (``_deflate.compress``): ISA-L's 1 compresses our stored
fields as small as zlib's 3 (13.21 against 13.16 MB for 15,078 passages) in 0.18 CPU-s where zlib takes
0.47; zlib keeps Whoosh's 3 where ISA-L is missing. Whoosh reads with ``zlib.decompress``, our
readers with ``_deflate.decompress``: a block or stored record decompresses to the same bytes."""

BLOCK_PROTOCOL = 4
"""Pickle protocol of the posting blocks the build writer writes. Whoosh writes protocol 2, where each
``bytes`` value (a posting's encoded positions) becomes a call to ``_codecs.encode`` on a Latin-1 string:
protocol 4 stores them as they are, which halves a text block, and any Whoosh on Python 3 reads both."""
COMPRESS_MIN = 100
"""Blocks whose pickle is shorter than this many bytes are stored uncompressed (Whoosh compresses every
block at level 3; each block records its own level, so readers handle both). Most blocks hold one or two
postings, where deflate saves a few bytes at the cost of setting up a compressor."""


def _write_block(self, last: bool = False) -> None:
    """``W3PostingsWriter._write_block`` (Whoosh 2.7.4's, step for step) with the data pickled with
    :data:`BLOCK_PROTOCOL` and compressed only from :data:`COMPRESS_MIN` bytes; installed on the build
    writer's postings writers. The block info and the statistics are Whoosh's."""
    postfile = self._postfile
    if not self._blockcount:
        postfile.write(WHOOSH3_HEADER_MAGIC)
    self._terminfo.add_block(self)
    ids = self._ids
    # Delta-encoded, as _mini_ids.
    mini_ids = (ids[0], *map(operator.sub, ids[1:], ids[:-1])) if len(ids) > 1 else tuple(ids)
    weights = self._weights
    count = len(weights)
    if weights.count(1.0) == count:  # as _mini_weights
        mini_weights = None
    elif weights.count(weights[0]) == count:
        mini_weights = weights[0]
    else:
        mini_weights = tuple(weights)
    databytes = pickle.dumps((mini_ids, mini_weights, self._mini_values()), BLOCK_PROTOCOL)
    comp = self._compression if len(databytes) >= COMPRESS_MIN else 0
    if comp:  # (the block records Whoosh's level; readers only test it for zero)
        databytes = _deflate.compress(databytes, DEFLATE_LEVEL)
    infobytes = pickle.dumps((len(ids), ids[-1], self._maxweight, comp, length_to_byte(self._minlength),
                              length_to_byte(self._maxlength)), 2)
    blocklength = len(infobytes) + len(databytes)
    postfile.write_int(-blocklength if last else blocklength)
    postfile.write(infobytes)
    postfile.write(databytes)
    self._blockcount += 1
    self._new_block()


class _Lengths:
    """Each field's per-document lengths over a closed segment's per-document reader, read once."""

    def __init__(self, reader):
        self._reader = reader
        self._tables: dict[str, list | None] = {}

    def table(self, fieldname: str) -> list | None:
        """Document number → its length of ``fieldname`` (None where it has none); None without lengths."""
        table = self._tables.get(fieldname, False)
        if table is False:
            table = self._tables[fieldname] = self._load(fieldname)
        return table

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        table = self.table(fieldname)
        return default if table is None else table[docnum]

    def _load(self, fieldname: str) -> list | None:
        name = _lenfield(fieldname)
        if self._reader is None or not self._reader.has_column(name):
            return None
        column = self._reader.column_reader(name, LENGTHS_COLUMN)
        # As W3PerDocReader.doc_field_length: a zero byte reads as None (no length), others decoded.
        decode = [None] + [byte_to_length(b) for b in range(1, 256)]
        return [decode[b] for b in _column_bytes(column, self._reader.doc_count_all())]


def _column_bytes(column, doccount: int) -> bytes:
    """Every document's byte of a one-byte ``NumericColumn`` reader with default 0, in one read: what its
    ``load()`` gives (documents past the last written one read the default), which went through four
    Python calls and a seek per document (0.42 CPU-s for the 12 length columns of 104k passages)."""
    if getattr(column, "_fixedlen", 0) != 1 or column._default != 0 or not hasattr(column, "_dbfile"):
        return bytes(column.load())
    count = min(column._count, doccount)
    raw = bytes(column._dbfile.get(column._basepos, count)) if count else b""
    return raw + bytes(doccount - count)


def _indexes_per_value(field) -> bool:
    """Whether ``field.index(value)`` depends on the value alone, so its items can be reused: Whoosh's
    ``ID``, ``NUMERIC`` and ``KEYWORD`` fields, and types that say so (``index_per_value``); never a
    unique field (its values do not repeat)."""
    if field.unique:
        return False
    return type(field) in (fields.ID, fields.NUMERIC, fields.KEYWORD) or \
        getattr(type(field), "index_per_value", False)


class _FieldPlan(NamedTuple):
    """What :meth:`BuildWriter.add_document` needs of one schema field, looked up once per writer."""

    field: fields.FieldType
    indexed: bool
    scorable: bool
    stored: bool
    buffer: _TextBuffer | None  # the pool's buffer for the field's text (None: Whoosh's path)
    spelling: bool  # separate_spelling()
    spellfield: str | None
    vector: object
    column: object  # column_type
    lenfield: str  # name of the field's length column


NAME_CACHE_SIZE = 1_000
"""Distinct orders of document keys whose sorted field names a build writer remembers."""


class BuildWriter(SegmentWriter):
    """``SegmentWriter`` with the cheaper pool and commit above; same arguments as ``ix.writer()``."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        if type(self.perdocwriter) is not W3PerDocWriter:
            raise TypeError(f"BuildWriter writes Whoosh 2.7.4's W3 codec, not {type(self.perdocwriter)}")
        self.pool = _TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)
        # Stored fields are compressed per document with :data:`DEFLATE_LEVEL` (Whoosh: zlib at 3).
        stored = getattr(self.perdocwriter._colwriters.get("_stored"), "_child", None)
        if isinstance(stored, CompressedBytesColumn.Writer):
            stored._compress, stored._level = _deflate.compress, DEFLATE_LEVEL
        self._value_cache: dict[str, dict] = {}
        # Per writer: Whoosh refuses schema changes once a document was added.
        self._plans: dict[str, _FieldPlan] = {}
        self._names: dict[tuple[str, ...], tuple[list[str], bool]] = {}

    def _plan(self, fieldname: str) -> _FieldPlan:
        field = self.schema[fieldname]
        buffer = self.pool.text_buffer(fieldname, field) if field.indexed else None
        spelling = field.separate_spelling()
        plan = self._plans[fieldname] = _FieldPlan(
            field, field.indexed, field.scorable, field.stored, buffer, spelling,
            field.spelling_fieldname(fieldname) if spelling else None, field.vector, field.column_type,
            _lenfield(fieldname))
        return plan

    def _fieldnames(self, fields: dict) -> tuple[list[str], bool]:
        """The document's field names, sorted, and whether it has special (``_``) keys; checked."""
        keys = tuple(fields)
        found = self._names.get(keys)
        if found is None:
            names = sorted([name for name in keys if not name.startswith("_")])
            self._check_fields(self.schema, names)
            if len(self._names) >= NAME_CACHE_SIZE:
                self._names.clear()
            found = self._names[keys] = (names, len(names) != len(keys))
        return found

    def add_document(self, **fields) -> None:
        """``SegmentWriter.add_document`` (Whoosh 2.7.4's, step for step) with each field's postings
        pooled by :meth:`_TermPool.add_field` or a text buffer, what Whoosh asks of each field looked up
        once per writer (:class:`_FieldPlan`), and ``W3PerDocWriter.add_field`` / ``add_column_value``
        done in place (the same stored values, length bytes, field lengths and column values)."""
        if self.is_closed:
            self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        pool = self.pool
        plans = self._plans
        vbytes = None
        fieldnames, special = self._fieldnames(fields)
        docboost = self._doc_boost(fields) if special else 1.0
        perdocwriter.start_doc(docnum)
        stored = perdocwriter._storedfields
        columns = perdocwriter._colwriters
        field_lengths = perdocwriter._fieldlengths
        for fieldname in fieldnames:
            value = fields[fieldname]
            if value is None:
                continue
            plan = plans.get(fieldname) or self._plan(fieldname)
            field = plan.field
            length = 0
            buffer = plan.buffer if isinstance(value, str) else None
            if buffer is not None:
                fieldboost = self._field_boost(fields, fieldname, docboost) if special else 1.0
                counted, fresh, codes = pool.add_text(buffer, docnum, value, fieldboost)
                if plan.scorable:
                    length = counted
                if fresh and plan.spelling:
                    words = field.new_spelling_words(fresh)
                    if words:
                        # Whoosh gives these the value of the field's last posting (see below). Only a
                        # field's own spelling words read that variable (a word it spells is a word it
                        # indexes), so the buffered path leaves it alone.
                        spelled = buffer.last_value(codes)
                        for word in words:
                            pool.add((plan.spellfield, word.encode("utf-8"), 0, 1, spelled))
            elif plan.indexed:
                fieldboost = self._field_boost(fields, fieldname, docboost) if special else 1.0
                counted, vbytes = pool.add_field(fieldname, docnum, self._index(field, fieldname, value),
                                                 fieldboost, vbytes)
                if plan.scorable:
                    length = counted
            if buffer is None and plan.spelling:
                for word in field.spellable_words(value):
                    # Whoosh pools each spelling word on document 0 with the value of the last posting
                    # it pooled (its loop variable): so do we, for the same bytes.
                    pool.add((plan.spellfield, word.encode("utf-8"), 0, 1, vbytes))
            if plan.vector:
                vitems = plan.vector.word_values(value, field.analyzer, mode="index")
                vitems = sorted((text, weight, vb) for text, _, weight, vb in vitems)
                perdocwriter.add_vector_items(fieldname, field, vitems)
            customval = fields.get(f"_stored_{fieldname}", value) if special else value
            # W3PerDocWriter.add_field(fieldname, field, customval if stored else None, length):
            if plan.stored and customval is not None:
                stored[fieldname] = customval
            if length:
                writer = columns.get(plan.lenfield)
                if writer is None:
                    perdocwriter._create_column(plan.lenfield, LENGTHS_COLUMN)
                    writer = columns[plan.lenfield]
                writer.add(docnum, length_to_byte(length))
                field_lengths[fieldname] += length
            if plan.column and customval is not None:
                perdocwriter.add_column_value(fieldname, plan.column, field.to_column_value(customval))
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        pool.spill_if_full()

    def _index(self, field, fieldname: str, value):
        """``field.index(value)``, remembered per value for fields whose terms depend on the value alone
        (:func:`_indexes_per_value`): an article's id, date and facet values repeat on every passage."""
        cache = self._value_cache.get(fieldname)
        if cache is None:
            if not _indexes_per_value(field):
                return field.index(value)
            cache = self._value_cache[fieldname] = {}
        try:
            return cache[value]
        except KeyError:
            pass
        except TypeError:  # an unhashable value
            return field.index(value)
        if len(cache) >= VALUE_CACHE_SIZE:
            cache.clear()
        items = cache[value] = tuple(field.index(value))
        return items

    def add_postings_to_pool(self, reader, startdoc, docmap) -> None:
        # Merging another segment adds all its postings in one call: check the limit on every one.
        pool = self.pool
        pool.add = pool.checked_add
        try:
            super().add_postings_to_pool(reader, startdoc, docmap)
        finally:
            del pool.add

    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        lengths = _Lengths(pdr)
        fieldwriter = self.fieldwriter
        schema = self.schema
        lastfield = None
        field_lengths = None
        for (fieldname, tbytes), docs, weights, values in self.pool.terms():
            if fieldname != lastfield:
                if lastfield is not None:
                    fieldwriter.finish_field()
                fieldwriter.start_field(fieldname, schema[fieldname])
                postwriter = fieldwriter._postwriter
                postwriter._write_block = types.MethodType(_write_block, postwriter)
                field_lengths = lengths.table(fieldname)
                lastfield = fieldname
            fieldwriter.start_term(tbytes)
            _write_term(postwriter, docs, weights, values, field_lengths)
            fieldwriter.finish_term()
        if lastfield is not None:
            fieldwriter.finish_field()
        fieldwriter.close()
        if pdr is not None:
            pdr.close()


# --- field types that index faster -----------------------------------------------------------------

WORD_CACHE_SIZE = 200_000
"""Distinct source words whose analysis a writer's field remembers (cleared when full)."""
VALUE_CACHE_SIZE = 1_000
"""Distinct whole values (titles, names, topics, questions) a writer's text field remembers."""


class _WordAnalysis:
    """What the field's analyser makes of one source word, independent of the words around it."""

    __slots__ = ("tokens", "advance", "spelling", "spelled")

    def __init__(self, tokens: tuple[tuple[bytes, int], ...], advance: int, spelling: tuple[str, ...]):
        self.tokens = tokens  # (term bytes, position relative to the word's first position), in order
        self.advance = advance  # positions the word takes, stop words included (they leave a gap)
        self.spelling = spelling  # unstemmed words for the "did you mean" list
        self.spelled = not spelling  # whether the spelling words were given to the writer already


class AnalysedText(fields.TEXT):
    """``TEXT`` whose indexing analyses each distinct source word once per writer, not per occurrence.

    A tokenizer with a ``word_pattern`` attribute (``index.analysis.WordTokenizer``) promises to treat every
    match of that pattern on its own (no state crosses from one word to the next except the position
    counter), and the filters after it (lower-case, accent folding, stemming) are per token. So the
    postings of a text are the concatenation of each word's analysis, shifted by the running position:
    the real analyser runs once per distinct word (then a dict lookup), and the per-token generator
    chain that cost most of the indexing time is skipped. The output of
    :meth:`index` is exactly that of ``fields.TEXT.index`` (same terms, frequencies, weights and encoded
    positions, in the same order; ``tests/test_fast_indexing.py`` checks it). Fields without a
    positions format, a tokenizer without ``word_pattern``, or list values take Whoosh's own path.

    The title and facet text repeat on every passage of an article (and interview questions across
    articles), so the whole result is also kept per value (:data:`VALUE_CACHE_SIZE`).
    """

    def index(self, value, **kwargs):
        if kwargs.keys() - {"mode"} or kwargs.get("mode", "index") != "index" or not self._fast_ok(value):
            return super().index(value, **kwargs)
        state = self.__dict__
        values = state.get("_values")
        if values is not None:
            hit = values.get(value)
            if hit is not None:
                state["_fresh"] = None
                return iter(hit)
        words = state.get("_words")
        if words is None:
            words = state["_words"] = {}
        analyse = self._analyse_word
        poses: dict[bytes, list[int]] = {}
        fresh: list[_WordAnalysis] = []  # words whose spelling forms were not given yet
        pos = 0
        for word in self.__dict__["_fast"].findall(value):
            found = words.get(word)
            if found is None:
                if len(words) >= WORD_CACHE_SIZE:
                    words.clear()
                found = words[word] = analyse(word)
            if not found.spelled:
                fresh.append(found)
            for term, rel in found.tokens:
                at = poses.get(term)
                if at is None:
                    poses[term] = [pos + rel]
                else:
                    at.append(pos + rel)
            pos += found.advance
        # A passage's spellable_words(value) follows its index(value) in Writer.add_document.
        state["_fresh"] = (value, fresh)
        fb = self.format.field_boost
        encode = self.format.encode
        # Most terms occur once in a passage: their encoding depends only on that position.
        singles = state.get("_singles")
        if singles is None:
            singles = state["_singles"] = []
        if len(singles) < pos:
            singles.extend(encode([p]) for p in range(len(singles), pos))
        once = 1.0 * fb
        items = [(term, 1, once, singles[at[0]]) if len(at) == 1 else
                 (term, len(at), float(len(at)) * fb, encode(at)) for term, at in poses.items()]
        if values is None:
            values = state["_values"] = {}
        elif len(values) >= VALUE_CACHE_SIZE:
            values.clear()
        values[value] = items
        return iter(items)

    def _fast_ok(self, value) -> bool:
        """Whether ``value`` can take the per-word path; keeps the tokenizer's word pattern in ``_fast``."""
        state = self.__dict__
        if "_fast" not in state:
            items = getattr(self.analyzer, "items", ())
            pattern = getattr(items[0], "word_pattern", None) if items else None
            state["_fast"] = pattern if type(self.format) is formats.Positions else None
        return state["_fast"] is not None and isinstance(value, str)

    def _analyse_word(self, word: str) -> _WordAnalysis:
        tokens, last = [], -1
        # Stop words are kept here (marked) only to count the positions they leave empty.
        for t in self.analyzer(word, positions=True, boosts=True, mode="index", removestops=False):
            last = max(last, t.pos)
            if not t.stopped:
                tokens.append((t.text.encode("utf-8"), t.pos))
        spelling = ()
        if self.separate_spelling():
            spelling = tuple(t.text for t in self.analyzer(word, no_morph=True) if not t.stopped)
        return _WordAnalysis(tuple(tokens), last + 1, spelling)

    def word_analysis(self, word: str) -> _WordAnalysis:
        """The analysis of one source word, from this field's cache (:data:`WORD_CACHE_SIZE`)."""
        words = self.__dict__.get("_words")
        if words is None:
            words = self.__dict__["_words"] = {}
        found = words.get(word)
        if found is None:
            if len(words) >= WORD_CACHE_SIZE:
                words.clear()
            found = words[word] = self._analyse_word(word)
        return found

    def single_positions(self, count: int) -> list[bytes]:
        """The encoded value of a posting at one position, for positions 0 .. ``count`` - 1 at least
        (shared: most terms occur once in a passage)."""
        singles = self.__dict__.get("_singles")
        if singles is None:
            singles = self.__dict__["_singles"] = []
        if len(singles) < count:
            encode = self.format.encode
            singles.extend(encode([p]) for p in range(len(singles), count))
        return singles

    def spelling_words_of(self, value: str) -> set[str]:
        """The unstemmed words of ``value`` (what ``analyzer(value, no_morph=True)`` yields), as a set."""
        if not self._fast_ok(value):
            return {token.text for token in self.analyzer(value, no_morph=True)}
        words = self.__dict__.setdefault("_words", {})
        out: set[str] = set()
        for word in self.__dict__["_fast"].findall(value):
            found = words.get(word)
            if found is None:
                if len(words) >= WORD_CACHE_SIZE:
                    words.clear()
                found = words[word] = self._analyse_word(word)
            out.update(found.spelling)
        return out

    def __getstate__(self):
        # The schema is pickled into the table of contents at commit; a writer's caches must not be.
        state = self.__dict__.copy()
        for name in ("_words", "_values", "_singles", "_fast", "_spelled", "_fresh"):
            state.pop(name, None)
        return state


class SpelledText(AnalysedText):
    """``TEXT(spelling=True)`` that gives each "did you mean" word to the writer once, not once per document.

    Whoosh 2.7 re-analyses every document's text without stemming and pools one spelling posting per
    unique word per document (all on document 0), then sorts them all at commit: about a third of the
    indexing time. A word needs to be in the segment only once, so each is given once per schema object.
    Every writer unpickles its own schema from the table of contents, so the memory of words given lasts
    one writer, and the words in each segment are exactly those Whoosh would have written.
    """

    def spellable_words(self, value):
        fresh = self.__dict__.pop("_fresh", None)
        if fresh is not None and fresh[0] is value:
            # Only words index() met for the first time (or first since its word cache was cleared).
            return iter(self.new_spelling_words(fresh[1]))
        given = self.__dict__.setdefault("_spelled", set())
        words = self.spelling_words_of(value) - given
        given |= words
        return iter(sorted(words))

    def new_spelling_words(self, fresh: list[_WordAnalysis]) -> list[str]:
        """The spelling words of ``fresh`` (analyses whose words were met for the first time) not given
        to this writer yet, sorted; they count as given from now on."""
        given = self.__dict__.setdefault("_spelled", set())
        words: set[str] = set()
        for found in fresh:
            words.update(found.spelling)
            found.spelled = True
        words -= given
        given |= words
        return sorted(words)
