"""A Whoosh 2.7.4 segment writer with less Python work per posting; what it writes is unchanged.

Whoosh's ``SegmentWriter`` pools one ``(field, term, docnum, weight, value)`` tuple per posting, sorts
the pool (spilling sorted runs to disk past a memory limit) and streams it into the posting files at
commit. For a full build that is ~120 postings per passage, and three per-posting costs dominated once
analysis was cheap (``index.schema.AnalysedText``):

* the pool held a 5-tuple per posting (~200 bytes), so a 100k-passage build spilled ten sorted runs
  to disk, pickled and unpickled one tuple per call, and merged them a posting at a time in Python:
  here postings are grouped by term in arrays (:class:`_TermPool`; documents arrive in order, so only
  the distinct terms are sorted) and a build of that size stays in memory;
* at commit, each posting's field length was looked up through five calls and, for fields without
  lengths (facet values, spelling words), a ``stat`` of a file that does not exist: here each field's
  lengths are read into a list once.

The sorted order of the postings, and so every byte of the segment's postings, lengths and columns, is
what Whoosh writes itself (``tests/test_fast_indexing.py`` compares the two writers on the same documents).
"""

from __future__ import annotations

import itertools
import pickle
from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.util.numeric import byte_to_length
from whoosh.writing import PostingPool, SegmentWriter

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
