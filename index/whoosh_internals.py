"""Every use of Whoosh 2.7.4's internals, in one room: the on-disk block format, matcher and writer
internals, and the one patch we apply to Whoosh.

Interview Search reads and writes a Whoosh index faster than Whoosh's public API allows by relying on
details of version 2.7.4 that are not part of its API: how a posting block is pickled, the attributes of
its ``W3LeafMatcher`` and per-document reader, the order in which ``Writer.add_document`` calls a field,
``SegmentWriter``'s pool. Each of those details is used here and nowhere else; a newer Whoosh (or a fork:
they return stale or duplicated hits after ``Searcher.refresh()``) must fail loudly, not misread an index.

* :func:`install` — call before using Whoosh for reading or writing (the Whoosh engine and the Whoosh
  store do): checks the version (:class:`WhooshVersionError` otherwise) and applies :func:`_skip_to` to
  ``W3LeafMatcher``. Idempotent; importing this module changes nothing.
* Reading: :func:`read_commit` / :func:`open_searcher` (searchers for one thread each, all over the
  same commit), :func:`decode` / :func:`decode_positions` (a term's posting blocks → numpy arrays),
  :func:`field_lengths` (a segment's field lengths as one array), :func:`posting_ids`, :func:`read_column`,
  :func:`segment_key`, :func:`prefix_terms` (a prefix's terms with their counts in one walk),
  :func:`levenshtein_dfa` / :func:`words_within` (fuzzy words, one automaton for every field and segment).
* Writing: :class:`BuildWriter` (a ``SegmentWriter`` with a cheaper posting pool) and the field types
  :class:`AnalysedText` / :class:`SpelledText` (analyse each distinct word once per writer).

**Pickled names are part of the index format.** An index's table of contents pickles its schema, so
the field types and analysers it holds are stored by module and class name: ``index.whoosh_internals.
AnalysedText`` and ``SpelledText`` (and ``index.analysis.WordTokenizer`` and its filters,
``index.schema.FacetValues``). Renaming or
moving one means an alias at the old name or a ``SCHEMA_VERSION`` bump (``index.schema``).
"""

from __future__ import annotations

import bisect
import copy
import itertools
import pickle
import threading
import zlib
from array import array

import numpy as np
import whoosh
from whoosh import fields, formats
from whoosh.automata.lev import levenshtein_automaton
from whoosh.codec.base import Automata
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.index import FileIndex
from whoosh.matching import ReadTooFar
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length
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


# --- segments and columns ---------------------------------------------------------------------------

def segment_key(leaf) -> str | None:
    """A leaf reader's segment id (random, unique, never reused), or None for another kind of reader."""
    segment = getattr(leaf, "segment", None)
    if segment is None:
        return None
    seg = segment()
    return seg.segment_id() if hasattr(seg, "segment_id") else None


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


# --- the build's segment writer ----------------------------------------------------------------------
#
# Whoosh's ``SegmentWriter`` pools one ``(field, term, docnum, weight, value)`` tuple per posting, sorts
# the pool (spilling sorted runs to disk past a memory limit) and streams it into the posting files at
# commit. For a full build that is ~120 postings per passage, and three per-posting costs dominated once
# analysis was cheap (:class:`AnalysedText`):
#
# * the pool held a 5-tuple per posting (~200 bytes), so a 100k-passage build spilled ten sorted runs
#   to disk, pickled and unpickled one tuple per call, and merged them a posting at a time in Python:
#   here postings are grouped by term in arrays (:class:`_TermPool`; documents arrive in order, so only
#   the distinct terms are sorted) and a build of that size stays in memory;
# * at commit, each posting's field length was looked up through five calls and, for fields without
#   lengths (facet values, spelling words), a ``stat`` of a file that does not exist: here each field's
#   lengths are read into a list once.
#
# The sorted order of the postings, and so every byte of the segment's postings, lengths and columns, is
# what Whoosh writes itself (``tests/test_fast_indexing.py`` compares the two writers on the same documents).

POSTING_BYTES = 32
"""Memory one pooled posting takes, in bytes (array slots, a shared position string, its term's share)."""
RUN_BATCH = 20_000
"""Postings pickled together in a run file."""


class _TermPool(PostingPool):
    """``PostingPool`` that groups postings by (field, term) in memory instead of pooling tuples.

    Documents arrive in increasing document number, so each term's postings are already in order: only
    the distinct terms need sorting at commit, not every posting, and a posting costs an array slot
    instead of a tuple (about 30 bytes instead of 200, so a 100k-passage build need not spill). Past
    :attr:`max_items` postings the pool is written to disk as one sorted run (batches of
    :data:`RUN_BATCH` tuples); runs merge at commit exactly as Whoosh's own pool merges them.
    """

    def __init__(self, tempstore, segment, limitmb: int = 128):
        super().__init__(tempstore, segment, limitmb=limitmb)
        self.max_items = max(1, limitmb * 1024 * 1024 // POSTING_BYTES)
        self._terms: dict[tuple[str, bytes], tuple[array, array, list]] = {}
        self._unordered: set[tuple[str, bytes]] = set()
        self._count = 0

    def add(self, item) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        postings = self._terms.get(key)
        if postings is None:
            postings = self._terms[key] = (array("I"), array("d"), [])
        elif docnum <= postings[0][-1]:
            self._unordered.add(key)  # e.g. segments merged out of order: sort this term fully
        postings[0].append(docnum)
        postings[1].append(weight)
        postings[2].append(vbytes)
        self._count += 1

    def checked_add(self, item) -> None:
        """Add one posting and spill at once when full (for callers that add many between checks)."""
        _TermPool.add(self, item)  # self.add may be this very method (see BuildWriter)
        if self._count >= self.max_items:
            self.save()

    def spill_if_full(self) -> None:
        """Write the pool to a sorted run on disk once it holds :attr:`max_items` postings."""
        if self._count >= self.max_items:
            self.save()

    def _sorted(self):
        terms, unordered = self._terms, self._unordered
        self._terms, self._unordered, self._count = {}, set(), 0
        for key in sorted(terms):
            fieldname, tbytes = key
            docs, weights, values = terms.pop(key)
            postings = zip(docs, weights, values, strict=True)
            if key in unordered:
                postings = sorted(postings)
            for docnum, weight, vbytes in postings:
                yield fieldname, tbytes, docnum, weight, vbytes

    def save(self) -> None:
        if self._terms:
            path, f = self._new_run()
            self._write_run(f, self._sorted())
            self.runs.append(path)
        self.currentsize = 0

    def items(self, maxfiles: int = 128):
        if not self.runs:
            return self._sorted()
        return super().items(maxfiles=maxfiles)

    def _write_run(self, f, items) -> None:
        items = iter(items)
        with f:
            while batch := list(itertools.islice(items, RUN_BATCH)):
                pickle.dump(batch, f, pickle.HIGHEST_PROTOCOL)

    def _read_run(self, path):
        f = self._open_run(path)
        try:
            while True:
                try:
                    batch = pickle.load(f)
                except EOFError:
                    return
                yield from batch
        finally:
            f.close()
            self._remove_run(path)


class _Lengths:
    """``doc_field_length`` over a closed segment's per-document reader, one list per field."""

    def __init__(self, reader):
        self._reader = reader
        self._tables: dict[str, list | None] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0):
        table = self._tables.get(fieldname, False)
        if table is False:
            table = self._tables[fieldname] = self._load(fieldname)
        if table is None:
            return default
        return table[docnum]

    def _load(self, fieldname: str) -> list | None:
        name = _lenfield(fieldname)
        if not self._reader.has_column(name):
            return None
        column = self._reader.column_reader(name, LENGTHS_COLUMN)
        # As W3PerDocReader.doc_field_length: a zero byte reads as None (no length), others decoded.
        decode = [None] + [byte_to_length(b) for b in range(1, 256)]
        return [decode[b] for b in column.load()]


class BuildWriter(SegmentWriter):
    """``SegmentWriter`` with the cheaper pool and commit above; same arguments as ``ix.writer()``."""

    def __init__(self, ix, limitmb: int = 128, **kwargs):
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self.pool = _TermPool(self._tempstorage, self.newsegment, limitmb=limitmb)

    def add_document(self, **fields) -> None:
        super().add_document(**fields)
        self.pool.spill_if_full()

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
        lengths = _Lengths(pdr) if pdr is not None else None
        self.fieldwriter.add_postings(self.schema, lengths, self.pool.iter_postings())
        self.fieldwriter.close()
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
        given = self.__dict__.setdefault("_spelled", set())
        fresh = self.__dict__.pop("_fresh", None)
        if fresh is not None and fresh[0] is value:
            # Only words index() met for the first time (or first since its word cache was cleared).
            words: set[str] = set()
            for found in fresh[1]:
                words.update(found.spelling)
                found.spelled = True
            words -= given
        else:
            words = self.spelling_words_of(value) - given
        given |= words
        return iter(sorted(words))
