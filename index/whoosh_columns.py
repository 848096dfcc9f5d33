"""Per-segment column files of a Whoosh index: each passage's facet values, sort keys and field lengths,
written once when a segment is committed and memory-mapped by every process that searches it.

A search needs, per passage, its facet values (to count and filter), its article, date and number (to
sort) and its field lengths (to score). Decoding those from Whoosh's postings and columns in every
process cost memory in proportion to the index in every web worker (Python lists of ids, int64 pair
arrays, float64 lengths: most of a worker's 1.5 GB at 314k passages) and seconds of start-up. Segments
never change once written (deletions aside, which are applied at query time), so the arrays are written
once, beside the segment, as plain ``.npy`` files::

    <generation>/columns/<segment id>/
        meta.json                  format version, passage count, each facet's values (sorted as Whoosh
                                   sorts its terms), the sorted article ids and dates
        facet.<name>.offsets.npy   int32, passages + 1: passage d has values[offsets[d]:offsets[d + 1]]
        facet.<name>.values.npy    int32 value numbers (indexes into the facet's values in meta.json)
        facet.<name>.docs.npy      int32, the passage of each entry of values (one pass counts them all)
        facet.<name>.first.npy     uint16 (int32 past 65,535 values), per passage: its first value number,
                                   the number of values where it has none (counting gathers one number per
                                   matching passage)
        facet.<name>.later_docs.npy, facet.<name>.later_values.npy
                                   int32, the entries after each passage's first (their passage, value)
        facet.<name>.bit_values.npy
                                   int32, the value numbers that have a bitmap (those held by at least
                                   1/BITMAP_SHARE of the passages), ascending; empty when the facet has
                                   none (see :func:`bitmaps_pay`)
        facet.<name>.bits.npy      uint64, one row per bit_values entry of ceil(passages / 64) words:
                                   bit d % 64 of word d // 64 set when passage d has the value (bytes as
                                   ``np.packbits(..., bitorder="little")`` makes them)
        facet.<name>.sparse_docs.npy, facet.<name>.sparse_values.npy
                                   int32, with bitmaps: the entries (passage, value) of the values
                                   without one (empty otherwise)
        article.npy, date.npy      int32 per passage: index into meta's articles / dates
        number.npy                 int64 per passage: the passage number (Whoosh's sortable form)
        length.<field>.npy         uint8 per passage: Whoosh's one-byte field length (0: none)

:func:`write_columns` writes the folders a commit's new segments lack (the store calls it after each
commit, under the writer lock) and deletes those of segments merged away. :func:`segment_columns` loads
one segment's arrays with ``mmap_mode="r"``: the kernel keeps one copy in its page cache for every
worker, and opening costs a few file mappings. A segment without its folder (an index written before
this existed, or a folder deleted) gets one computed from Whoosh's own data, written for the next
process when the folder is writable and kept in memory otherwise; a folder of an older format is
replaced the same way.

The bitmaps let a search count a facet with few values over a huge set of matches (a common word
matches 70% of the index) as popcount(value bits & match bits), 64 passages a word, whatever share of
the index matched. At the 1M-passage benchmark index they take 20.3 MB (155 values of eight facets,
16,354 words each) plus 4.7 MB of sparse entries (the columns 137 → 161 MB), mapped and shared by
every worker like every other column.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from index.facets import FACET_NAMES
from index.schema import FACET_PREFIX
from index.whoosh_internals import decode, length_bytes, read_column, segment_key

COLUMNS_DIR = "columns"
FORMAT_VERSION = 3
"""Bumped when the files change; folders of another version are rewritten."""
BITMAP_SHARE = 256
"""A facet value held by at least one passage in this many of a segment's gets a bitmap (when the facet's
bitmaps pay, :func:`bitmaps_pay`): its 64 passages a word cost less to count than its entries would
one by one (at 1M passages a word of a bitmap costs ~1 ns, an entry tested against a mask ~3.5)."""
WORD_COST = 1.0
"""Counting one 64-bit word of a bitmap (AND, popcount, sum: 0.9-1.2 ns at 1M passages), the unit of the
costs below."""
ENTRY_COST = 4.0
"""Counting one (passage, value) entry by testing its passage in a boolean mask of the matches and
keeping its value (~3.5 ns)."""
PASSAGE_COST = 2.5
"""Counting one passage's first value (``first[ids]`` gathered, then bincounted: ~2.4 ns)."""


def bitmaps_cost(bitmaps: int, words: int, sparse: int) -> float:
    """What counting a facet over any set of passages costs with ``bitmaps`` bitmaps of ``words`` words
    and ``sparse`` entries of values without one (in :data:`WORD_COST` units)."""
    return bitmaps * words * WORD_COST + sparse * ENTRY_COST


def gather_cost(passages: int, later: int) -> float:
    """What counting a facet costs from ``passages`` passages' first values (the matches or, past half of
    the index, the rest) and ``later`` entries after a passage's first, each tested against a mask."""
    return passages * PASSAGE_COST + later * ENTRY_COST


def bitmaps_pay(bitmaps: int, words: int, sparse: int, size: int, later: int) -> bool:
    """Whether a facet gets bitmaps: they must beat the other way at its dearest, counting half of the
    segment's ``size`` passages (the most the complement ever counts): at 1M passages true of every
    facet but interviewee (32k values, none held by 1/256 of the passages but one)."""
    return bitmaps > 0 and bitmaps_cost(bitmaps, words, sparse) < gather_cost(size // 2, later)


@dataclass
class FacetColumn:
    """One facet's values in one segment (arrays as described in the module docstring)."""

    names: list[str]  # value number → value
    offsets: np.ndarray
    values: np.ndarray
    docs: np.ndarray
    first: np.ndarray
    later_docs: np.ndarray
    later_values: np.ndarray
    bit_values: np.ndarray
    bits: np.ndarray
    sparse_docs: np.ndarray
    sparse_values: np.ndarray

    @classmethod
    def of(cls, names: list[str], offsets: np.ndarray, values: np.ndarray, docs: np.ndarray,
           size: int) -> FacetColumn:
        """The column of entries ``values``/``docs`` (by passage, then value) in a segment of ``size``
        passages, with each passage's first value and the later entries split out, and the bitmaps of
        the values many passages hold when they pay (:func:`bitmaps_pay`)."""
        none = len(names)
        first = np.full(size, none, dtype=np.uint16 if none < 2 ** 16 else np.int32)
        # Entries are in passage order: a passage's first is the one whose passage differs from the last.
        later = np.zeros(len(docs), dtype=bool)
        np.equal(docs[1:], docs[:-1], out=later[1:])
        first[docs[~later]] = values[~later]
        words = (size + 63) // 64
        held = np.bincount(values, minlength=none)
        dense = np.flatnonzero(held * BITMAP_SHARE >= max(size, 1)).astype(np.int32)
        sparse = ~np.isin(values, dense)
        if not bitmaps_pay(len(dense), words, int(sparse.sum()), size, int(later.sum())):
            dense, sparse = dense[:0], np.zeros(0, dtype=bool)
        bits = np.zeros((len(dense), words * 8), dtype=np.uint8)
        for row, value in enumerate(dense.tolist()):
            holds = np.zeros(words * 64, dtype=bool)
            holds[docs[values == value]] = True
            bits[row] = np.packbits(holds, bitorder="little")
        return cls(names, offsets, values, docs, first, docs[later], values[later], dense,
                   bits.view(np.uint64).reshape(len(dense), words), docs[sparse], values[sparse])


@dataclass
class SegmentColumns:
    """One segment's per-passage arrays; memory-mapped when read from its folder."""

    size: int
    facets: dict[str, FacetColumn]
    articles: list[str]  # sorted
    article: np.ndarray  # per passage, index into articles
    dates: list[str]  # sorted
    date: np.ndarray  # per passage, index into dates
    number: np.ndarray
    lengths: dict[str, np.ndarray]  # field → uint8 per passage
    mapped: bool = False


# --- computing from a Whoosh segment ---------------------------------------------------------------

def _vocabulary(values: list[bytes]) -> tuple[list[str], np.ndarray]:
    """(sorted distinct values as text, each value's index into them) for one value per passage."""
    distinct = sorted(set(values))
    where = {value: i for i, value in enumerate(distinct)}
    index = np.fromiter((where[v] for v in values), dtype=np.int32, count=len(values))
    return [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in distinct], index


def compute_columns(leaf) -> SegmentColumns:
    """A segment's arrays, read from its postings and columns (deleted passages included)."""
    size = leaf.doc_count_all()
    articles, article = _vocabulary(read_column(leaf, "article", b""))
    dates, date = _vocabulary(read_column(leaf, "date", b""))
    number = np.asarray(read_column(leaf, "number", 0), dtype=np.int64)
    facets = {}
    for name in FACET_NAMES:
        field = FACET_PREFIX + name
        names: list[str] = []
        docs_parts, value_parts = [], []
        if field in leaf.schema:
            for value_id, term in enumerate(leaf.lexicon(field)):
                ids, _ = decode(leaf, field, term)
                names.append(term.decode("utf-8"))
                docs_parts.append(ids.astype(np.int32))
                value_parts.append(np.full(len(ids), value_id, np.int32))
        docs = np.concatenate(docs_parts) if docs_parts else np.zeros(0, np.int32)
        values = np.concatenate(value_parts) if value_parts else np.zeros(0, np.int32)
        order = np.lexsort((values, docs))  # by passage, then value
        docs, values = docs[order], values[order]
        offsets = np.zeros(size + 1, np.int32)
        np.cumsum(np.bincount(docs, minlength=size), out=offsets[1:])
        facets[name] = FacetColumn.of(names, offsets, values, docs, size)
    lengths = {}
    for field, spec in leaf.schema.items():
        if spec.scorable:
            raw = length_bytes(leaf, field)
            if raw is not None:
                lengths[field] = raw
    return SegmentColumns(size, facets, articles, article, dates, date, number, lengths)


# --- files -----------------------------------------------------------------------------------------

def columns_folder(gen: str | os.PathLike, segment_id: str) -> Path:
    return Path(gen) / COLUMNS_DIR / segment_id


FACET_PARTS = ("offsets", "values", "docs", "first", "later_docs", "later_values", "bit_values", "bits",
               "sparse_docs", "sparse_values")


def _save(columns: SegmentColumns, folder: Path) -> None:
    """Write ``columns`` to ``folder`` atomically: a temporary folder renamed into place."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = folder.parent / f".{folder.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp"
    tmp.mkdir()
    try:
        arrays = {"article": columns.article, "date": columns.date, "number": columns.number}
        for name, facet in columns.facets.items():
            for part in FACET_PARTS:
                arrays[f"facet.{name}.{part}"] = getattr(facet, part)
        for field, raw in columns.lengths.items():
            arrays[f"length.{field}"] = raw
        for key, array in arrays.items():
            np.save(tmp / f"{key}.npy", np.ascontiguousarray(array))
        meta = {"version": FORMAT_VERSION, "size": columns.size, "articles": columns.articles,
                "dates": columns.dates, "lengths": sorted(columns.lengths),
                "facets": {name: facet.names for name, facet in columns.facets.items()}}
        (tmp / "meta.json").write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
        try:
            os.rename(tmp, folder)
        except OSError:
            if not (folder / "meta.json").exists():
                raise
            if _load(folder) is None:
                # A folder of an older format (or a partial one): moved aside, then replaced. Processes
                # that mapped its files keep them until they close; one opening meanwhile computes its
                # own and finds ours in place.
                old = folder.parent / f".{folder.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.old"
                os.rename(folder, old)
                shutil.rmtree(old, ignore_errors=True)
                os.rename(tmp, folder)
            # Otherwise another process wrote the same segment's folder first: theirs is identical.
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


_LOADING = threading.Lock()
"""Held while an array file is mapped: ``np.load`` parses each file's header with ``ast.literal_eval``,
and CPython 3.11 before its fix of gh-106905 (Debian's 3.11.2, which ``make`` prefers, among them) can
raise a spurious ``SystemError`` ("AST constructor recursion depth mismatch") when two threads parse at
once, as threads opening a new commit together did in ``tests/test_reliability.py``."""


def _load(folder: Path) -> SegmentColumns | None:
    """The arrays in ``folder``, memory-mapped; None when it is missing, partial or of another version."""
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        if meta.get("version") != FORMAT_VERSION or set(meta["facets"]) != set(FACET_NAMES):
            return None

        def load(key: str) -> np.ndarray:
            with _LOADING:
                return np.load(folder / f"{key}.npy", mmap_mode="r")

        facets = {name: FacetColumn(meta["facets"][name], *(load(f"facet.{name}.{part}")
                                                            for part in FACET_PARTS))
                  for name in FACET_NAMES}
        return SegmentColumns(meta["size"], facets, meta["articles"], load("article"), meta["dates"],
                              load("date"), load("number"),
                              {field: load(f"length.{field}") for field in meta["lengths"]}, mapped=True)
    except (OSError, ValueError, KeyError):
        return None


def segment_columns(gen: str | os.PathLike | None, leaf) -> SegmentColumns:
    """One segment's arrays: memory-mapped from its folder in ``gen``, or computed (and written there
    for the next process when possible)."""
    seg = segment_key(leaf)
    folder = columns_folder(gen, seg) if gen and seg else None
    if folder is not None:
        found = _load(folder)
        if found is not None and found.size == leaf.doc_count_all():
            return found
    columns = compute_columns(leaf)
    if folder is not None:
        try:
            _save(columns, folder)
        except OSError:
            return columns  # a read-only index: this process keeps its own copy
        found = _load(folder)
        if found is not None:
            return found
    return columns


def write_columns(gen: str | os.PathLike, reader) -> None:
    """Write the column folders that the segments of ``reader`` (an index's latest commit) lack, and
    delete the folders of segments no longer in it. Call with the writer lock held."""
    write_segment_folders(Path(gen) / COLUMNS_DIR, reader, lambda leaf, folder: _load(folder) is not None,
                          lambda leaf, folder: _save(compute_columns(leaf), folder))


def write_segment_folders(root: Path, reader, valid: Callable[[object, Path], bool],
                          save: Callable[[object, Path], None]) -> None:
    """Keep one folder per segment of ``reader`` in ``root``: ``save(leaf, folder)`` writes the folder of
    each segment whose folder is missing or not ``valid(leaf, folder)``; folders of segments no longer in
    the commit (merged away) are deleted, other writers' temporary folders left alone."""
    keep = set()
    for leaf, _ in reader.leaf_readers():
        seg = segment_key(leaf)
        if seg is None:
            continue
        keep.add(seg)
        folder = root / seg
        if not valid(leaf, folder):
            shutil.rmtree(folder, ignore_errors=True)
            save(leaf, folder)
    if root.is_dir():
        for folder in root.iterdir():
            if folder.name not in keep and not folder.name.endswith(".tmp"):
                shutil.rmtree(folder, ignore_errors=True)
