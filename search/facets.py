"""Per-passage arrays for facet counts, filters, sorting and scoring, one table per searcher.

Each segment's arrays are files written when it was committed and memory-mapped here
(:mod:`index.whoosh_columns`): opening an index maps them instead of decoding postings, and every
worker of a server shares one copy through the page cache. What depends on more than one segment or
on deletions (the live passages, values numbered across segments, sort ranks) is derived here when a
searcher opens; with one segment, as after a build, the mapped arrays are used as they are.

Counting a facet over the matches costs what the matches cost, not what the index holds: for a
handful of matches each one's values are gathered (``offsets`` → ``values``); past about a quarter of
a facet's (passage, value) pairs (or when the facet has fewer later values than there are matches)
each match's first value is read from a per-passage array written with the segment's columns, and the
few later values are tested against one mask of the matches shared by every facet; and past half of
the index the passages that did *not* match are counted and subtracted from the segment's counts.
Where a segment's facet has per-value bitmaps (values held by many passages, written at commit) and
counting them costs less than that (:func:`index.whoosh_columns.bitmaps_cost` against
``gather_cost``: a huge set of matches, a facet with few values), a value's count is
popcount(value bits & match bits), the matches packed into 64-bit words once per segment and shared
by every facet, and the values without a bitmap are counted from their entries against the mask: at
1M passages and 714k matches, topic, role, category and work cost 0.35-0.55 ms each instead of 1.5-2.3.
Up to :data:`FEW_PASSAGES` matches, the values are counted and ordered in plain Python instead.
Whoosh would instead load stored fields or rebuild a value list per document for every match.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Iterable

import numpy as np

from index import whoosh_columns
from index.facets import FACET_NAMES
from index.whoosh_columns import SegmentColumns, segment_columns
from index.whoosh_internals import deleted_docs, segment_key
from search.arrays import kept
from search.results import Facet, FacetValue

FEW_PASSAGES = 128
"""Up to this many matching passages, a facet's values are counted and ordered in plain Python from
their entries: nine facets' array passes (each as long as the facet's list of values, tens of
thousands for organisations) cost more than counting their entries one by one (at 1M passages, nine
facets over 19 / 128 / 256 passages: 0.38 / 0.71 / 0.98 ms CPU against 1.25 / 1.62 / 1.99)."""
GATHER_COST = 4
"""How many times dearer gathering one matched passage's values is than reading one (passage, value)
pair in a full pass; decides which way a facet is counted (measured with numpy at 100k passages)."""

_cache: dict[tuple[str, str], SegmentColumns] = {}
"""(index folder, segment id) → the segment's arrays; segments never change once written."""
_cache_lock = threading.Lock()


def _columns(ix_path: str, leaf) -> SegmentColumns:
    seg = segment_key(leaf)
    key = (ix_path, seg) if seg is not None else None
    found = _cache.get(key) if key else None
    if found is None or found.size != leaf.doc_count_all():
        found = segment_columns(ix_path or None, leaf)
        if key:
            with _cache_lock:
                _cache[key] = found
    return found


class Scope:
    """Live passages to count facet values over: ``ids`` ascending; the rest of the live passages are
    worked out (once) when counting those is cheaper."""

    def __init__(self, table: FacetTable, ids: np.ndarray):
        self.table = table
        self.ids = ids
        self._rest: np.ndarray | None = None
        self._inside: dict[bool, np.ndarray] = {}
        self._parts: dict[bool, list[tuple[int, SegmentColumns, int, np.ndarray]]] = {}
        self._newest: list[tuple[int, int, int]] | None = None
        self._bits: dict[int, np.ndarray] = {}

    def newest_first(self) -> list[tuple[int, int, int]]:
        """(date rank, segment number, own number) of each of :attr:`ids`, newest first; made once and
        shared by every facet counted over the scope."""
        if self._newest is None:
            # In plain Python: a few passages (FEW_PASSAGES), where each numpy call would cost more than
            # reading them one by one.
            table = self.table
            starts, ranks = table._starts, table._date_ranks
            found = []
            for doc in self.ids.tolist():
                segment = bisect.bisect_right(starts, doc) - 1
                found.append((ranks[doc], segment, doc - starts[segment]))
            found.sort(reverse=True)
            self._newest = found
        return self._newest

    def by_segment(self, rest: bool = False) -> list[tuple[int, SegmentColumns, int, np.ndarray]]:
        """:meth:`FacetTable._by_segment` of :attr:`ids` (or, with ``rest``, :meth:`rest`), made once and
        shared by every facet counted over the scope (each facet cut them apart again: 8% of a common
        word's facet counting)."""
        found = self._parts.get(rest)
        if found is None:
            found = self._parts[rest] = self.table._by_segment(self.rest() if rest else self.ids)
        return found

    def inside(self, rest: bool = False) -> np.ndarray:
        """:attr:`ids` (or, with ``rest``, :meth:`rest`) as a boolean array over every passage, made once
        and shared by every facet counted over the scope."""
        found = self._inside.get(rest)
        if found is None:
            if rest:  # the live passages not inside: one pass, where scattering the rest's numbers is two
                found = np.greater(self.table.live, self.inside())
            else:
                found = np.zeros(self.table.size, dtype=bool)
                found[self.ids] = True
            self._inside[rest] = found
        return found

    def rest(self) -> np.ndarray:
        """The live passages not in the scope, ascending."""
        if self._rest is None:
            self._rest = np.flatnonzero(self.inside(rest=True))
        return self._rest

    def bits(self, segment: int) -> np.ndarray:
        """The scope's passages in segment number ``segment`` as uint64 words, bit d % 64 of word d // 64
        for its passage d (as :mod:`index.whoosh_columns` writes a value's bitmap), made once and shared
        by every facet counted with bitmaps."""
        found = self._bits.get(segment)
        if found is None:
            columns, offset = self.table._segments[segment]
            packed = np.packbits(self.inside()[offset:offset + columns.size], bitorder="little")
            padded = np.zeros((columns.size + 63) // 64 * 8, dtype=np.uint8)
            padded[:len(packed)] = packed
            found = self._bits[segment] = padded.view(np.uint64)
        return found


class FacetTable:
    """Facet values, sort keys, field lengths and the live passages of one searcher's reader."""

    def __init__(self, reader, ix_path: str = ""):
        size = reader.doc_count_all()
        self.size = size
        self.live = np.ones(size, dtype=bool)
        self._segments: list[tuple[SegmentColumns, int]] = []
        leaves = list(reader.leaf_readers()) if size else []
        used = set()
        for leaf, offset in leaves:
            columns = _columns(ix_path, leaf)
            used.add(segment_key(leaf))
            gone = deleted_docs(leaf)
            if gone:
                self.live[np.asarray(gone, dtype=np.int64) + offset] = False
            self._segments.append((columns, offset))
        with _cache_lock:  # segments merged away since the last searcher of this folder
            for key in [k for k in _cache if k[0] == ix_path and k[1] not in used]:
                del _cache[key]
        self.live_count = int(self.live.sum())
        self._bounds = np.asarray([offset for _, offset in self._segments] + [size], dtype=np.int64)
        single = len(self._segments) == 1

        # Values numbered across segments (a segment's own numbering when there is one segment).
        self.values: dict[str, list[str]] = {}
        self._remap: dict[str, list[np.ndarray]] = {}
        for name in FACET_NAMES:
            if single:
                self.values[name] = self._segments[0][0].facets[name].names
                continue
            vocab: dict[str, int] = {}
            self._remap[name] = [np.asarray([vocab.setdefault(v, len(vocab)) for v in c.facets[name].names],
                                            dtype=np.int64) for c, _ in self._segments]
            self.values[name] = list(vocab)
        # What the few-passage count reads, per facet and segment: (offsets, values, value numbers → the
        # table's or None) as memory views of the mapped files (None for a facet no passage has):
        # reading a few passages' entries one by one from a view (a plain int each) costs less than the
        # half-dozen numpy calls per facet that gathered them (and indexing a numpy memmap wraps every
        # result in a new memmap object).
        self._few: dict[str, list[tuple] | None] = {
            name: [(_view(c.facets[name].offsets), _view(c.facets[name].values),
                    _view(self._remap[name][i]) if name in self._remap else None)
                   for i, (c, _) in enumerate(self._segments)]
            if any(len(c.facets[name].values) for c, _ in self._segments) else None
            for name in FACET_NAMES}
        self._index: dict[str, dict[str, int]] = {}
        self._live_counts: dict[tuple[str, int], np.ndarray] = {}
        self._interviewee_rank: np.ndarray | None = None

        # Sort keys and lengths: the mapped arrays themselves for one segment.
        if single:
            columns = self._segments[0][0]
            self.numbers = columns.number
            self.article_rank = columns.article
            self.date_rank = columns.date
            self.lengths: dict[str, np.ndarray | None] = dict(columns.lengths)
        else:
            self.numbers = self._concat([c.number for c, _ in self._segments], np.int64)
            self.article_rank = self._ranks([(c.articles, c.article) for c, _ in self._segments])
            self.date_rank = self._ranks([(c.dates, c.date) for c, _ in self._segments])
            fields = set.intersection(*(set(c.lengths) for c, _ in self._segments))
            self.lengths = {f: self._concat([c.lengths[f] for c, _ in self._segments], np.uint8)
                            for f in fields}
        self._date_rank = np.asarray(self.date_rank)
        self._date_ranks = _view(self._date_rank)  # read a passage at a time by the few-passage count
        self._starts = [offset for _, offset in self._segments]  # each segment's first global number

    @staticmethod
    def _concat(parts: list[np.ndarray], dtype) -> np.ndarray:
        return np.concatenate([np.asarray(p, dtype=dtype) for p in parts]) if parts else np.zeros(0, dtype)

    @staticmethod
    def _rank_maps(vocabs: list[list[str]]) -> list[np.ndarray]:
        """Per segment, its sorted values' ranks among every segment's values (sorted alike)."""
        every = np.unique(np.concatenate([np.asarray(v, dtype=str) for v in vocabs])) if vocabs else None
        return [np.searchsorted(every, np.asarray(v, dtype=str)).astype(np.int64) if len(v) else
                np.zeros(0, np.int64) for v in vocabs]

    def _ranks(self, parts: list[tuple[list[str], np.ndarray]]) -> np.ndarray:
        maps = self._rank_maps([vocab for vocab, _ in parts])
        return self._concat([m[index] for m, (_, index) in zip(maps, parts, strict=True)], np.int64)

    # --- sort keys ---------------------------------------------------------------------------------

    @property
    def interviewee_rank(self) -> np.ndarray:
        """Per passage, the alphabetical rank of its first interviewee (none last); built on first use."""
        if self._interviewee_rank is None:
            names = self.values["interviewee"]
            order = sorted(range(len(names)), key=lambda i: names[i].casefold())
            rank_of = np.empty(len(order), dtype=np.int64)
            rank_of[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
            ranks = np.full(self.size, len(order), dtype=np.int64)
            for i, (columns, offset) in enumerate(self._segments):
                facet = columns.facets["interviewee"]
                if not len(facet.values):
                    continue
                local = rank_of[self._global("interviewee", i, np.asarray(facet.values))]
                offsets = np.asarray(facet.offsets)
                has = np.flatnonzero(np.diff(offsets) > 0)
                ranks[has + offset] = np.minimum.reduceat(local, offsets[has])
            self._interviewee_rank = ranks
        return self._interviewee_rank

    def _global(self, name: str, segment: int, local: np.ndarray) -> np.ndarray:
        """Segment ``segment``'s value numbers of facet ``name`` → the table's."""
        return self._remap[name][segment][local] if name in self._remap else local

    # --- filtering and counting --------------------------------------------------------------------

    def _value_index(self, name: str) -> dict[str, int]:
        index = self._index.get(name)
        if index is None:
            index = self._index[name] = {v: i for i, v in enumerate(self.values[name])}
        return index

    def mask_for(self, name: str, selected: Iterable[str]) -> np.ndarray:
        """Passages having any of ``selected`` values of facet ``name`` (OR within a facet)."""
        index = self._value_index(name)
        wanted = np.asarray([index[v] for v in selected if v in index], dtype=np.int64)
        mask = np.zeros(self.size, dtype=bool)
        if not len(wanted):
            return mask
        for i, (columns, offset) in enumerate(self._segments):
            facet = columns.facets[name]
            local = np.flatnonzero(np.isin(self._remap[name][i], wanted)) if name in self._remap else wanted
            if len(local) and len(facet.values):
                mask[np.asarray(facet.docs)[np.isin(facet.values, local)] + offset] = True
        return mask

    def scope(self, ids: np.ndarray) -> Scope:
        """The live passages ``ids`` (ascending) as a :class:`Scope` to count over."""
        return Scope(self, ids)

    def counts(self, name: str, scope: Scope | np.ndarray) -> np.ndarray:
        """Per value number of facet ``name``, how many passages of ``scope`` (a :class:`Scope`, or a
        boolean mask of live passages) have it.

        Per segment holding some of the scope, the cheaper of: the facet's bitmaps and sparse entries
        (:func:`_count_bits`), or the passages' first values and later entries (:func:`_count_segment`),
        over the scope's passages or, past half of the index, over the rest (subtracted from the
        segment's live counts)."""
        if not isinstance(scope, Scope):
            scope = self.scope(np.flatnonzero(scope))
        counts = np.zeros(len(self.values[name]), dtype=np.int64)
        rest = len(scope.ids) * 2 > self.live_count
        # Bitmaps need the scope as a mask over every passage, which the other way makes only for a scope
        # of more than 1/64 of the index (below that, the mask costs more than the counting it saves).
        masked = len(scope.ids) * 64 >= self.size
        gathered = set()
        for i, columns, _, local in scope.by_segment():
            facet = columns.facets[name]
            counted = min(len(local), columns.size - len(local)) if rest else len(local)
            if masked and len(facet.bit_values) and whoosh_columns.bitmaps_cost(
                    len(facet.bit_values), facet.bits.shape[1], len(facet.sparse_docs)) \
                    < whoosh_columns.gather_cost(counted, len(facet.later_docs)):
                self._add(name, i, counts, _count_bits(facet, scope, i))
            else:
                gathered.add(i)
        if gathered:
            if rest:
                for i in gathered:
                    self._add(name, i, counts, self._segment_live(name, i))
                counts -= self._count(name, scope, gathered, rest=True)
            else:
                counts += self._count(name, scope, gathered)
        return counts

    def _add(self, name: str, segment: int, counts: np.ndarray, counted: np.ndarray) -> None:
        """Add a segment's counts (by its own value numbers) to ``counts`` (by the table's)."""
        if name in self._remap:
            counts[self._remap[name][segment]] += counted
        else:
            counts += counted

    def _segment_live(self, name: str, segment: int) -> np.ndarray:
        """Per value number of segment ``segment``'s facet ``name`` (its own numbers), how many of its
        live passages have it (kept once computed)."""
        found = self._live_counts.get((name, segment))
        if found is None:
            columns, offset = self._segments[segment]
            facet = columns.facets[name]
            live = self.live[offset:offset + columns.size]
            picked = facet.values if live.all() else np.asarray(facet.values)[live[facet.docs]]
            found = self._live_counts[name, segment] = np.bincount(picked, minlength=len(facet.names))
        return found

    def _by_segment(self, ids: np.ndarray) -> list[tuple[int, SegmentColumns, int, np.ndarray]]:
        """(segment number, its columns, its first global number, its own numbers of ``ids``) for each
        segment that holds some of the sorted global document numbers ``ids`` (the first segment's are
        a view of ``ids``, not a copy)."""
        cuts = np.searchsorted(ids, self._bounds)
        found = []
        for i, (columns, offset) in enumerate(self._segments):
            local = ids[cuts[i]:cuts[i + 1]]
            if len(local):
                found.append((i, columns, offset, local - offset if offset else local))
        return found

    def _count(self, name: str, scope: Scope, segments: set[int], rest: bool = False) -> np.ndarray:
        """Per value number of facet ``name``, how many passages of ``scope`` (of the live passages
        outside it, with ``rest``) in the segments numbered ``segments`` have it."""
        counts = np.zeros(len(self.values[name]), dtype=np.int64)
        for i, columns, offset, local in scope.by_segment(rest):
            if i in segments:
                counted = _count_segment(columns.facets[name], local, columns.size,
                                         lambda o=offset, n=columns.size: scope.inside(rest)[o:o + n])
                self._add(name, i, counts, counted)
        return counts

    def newest(self, name: str, scope: Scope, wanted: np.ndarray) -> np.ndarray:
        """Per value number of facet ``name``, the date rank of the newest passage of ``scope`` having it,
        for the value numbers ``wanted`` only (-1 elsewhere and for values no passage of ``scope`` has).

        Date ranks order as the ISO date strings do (an undated passage's "" first), so the highest rank
        is the newest date: what the Solr engine's ``max(date)`` per bucket gives.
        """
        newest = np.full(len(self.values[name]), -1, dtype=np.int64)
        want = np.zeros(len(newest), dtype=bool)
        want[wanted] = True
        for i, columns, offset, local in scope.by_segment():
            facet = columns.facets[name]
            chosen = _entries(facet, local, columns.size,
                              lambda o=offset, n=columns.size: scope.inside()[o:o + n])
            values = self._global(name, i, np.asarray(facet.values[chosen], dtype=np.int64))
            keep = want[values]
            docs = kept(np.asarray(facet.docs[chosen], dtype=np.int64), keep) + offset
            np.maximum.at(newest, kept(values, keep), np.asarray(self.date_rank[docs], dtype=np.int64))
        return newest

    def facet(self, name: str, scope: Scope | np.ndarray, selected: list[str], limit: int | None) -> Facet:
        """The top ``limit`` values (all when None) plus every selected value, even at 0.

        Order (:func:`index.facets.order_values`, as the Solr engine orders): most passages of ``scope``
        first; among equal counts the value whose newest passage in ``scope`` is newest (by article
        date); then A–Z, case folded. ``scope`` as for :meth:`counts`.
        """
        if not isinstance(scope, Scope):
            scope = self.scope(np.flatnonzero(scope))
        if len(scope.ids) <= FEW_PASSAGES:
            return self._few_facet(name, scope, selected, limit)
        counts = self.counts(name, scope)
        nonzero = np.flatnonzero(counts)
        if limit is not None and len(nonzero) > limit:
            # Only values counting at least the limit-th best can be shown: sort just those (a facet
            # such as organization can have tens of thousands of values).
            threshold = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit] \
                if limit > 0 else counts.max() + 1
            candidates = nonzero[counts[nonzero] >= threshold]
        else:
            candidates = nonzero
        names = self.values[name]
        tallies = counts[candidates]
        # Dates matter only among equal counts: look them up for tied values alone.
        values_of_tied, how_many = np.unique(tallies, return_counts=True)
        tied = candidates[np.isin(tallies, values_of_tied[how_many > 1])]
        newest = self.newest(name, scope, tied) if len(tied) else np.full(len(counts), -1, np.int64)
        order = sorted(candidates.tolist(),
                       key=lambda i: (-counts[i], -newest[i], names[i].casefold(), names[i]))
        return self._listed(name, order, lambda i: int(counts[i]), len(nonzero), selected, limit)

    def _listed(self, name: str, order: list[int], count, nonzero: int, selected: list[str],
                limit: int | None) -> Facet:
        """The facet of the value numbers ``order`` (best first, every value with a passage) cut to
        ``limit``, plus every selected value; ``count(i)``: value number ``i``'s passages."""
        names = self.values[name]
        shown = order if limit is None else order[:limit]
        if not selected:  # nearly every search
            return Facet(name, [FacetValue(names[i], count(i)) for i in shown], nonzero - len(shown))
        chosen = set(selected)
        values = [FacetValue(names[i], count(i), names[i] in chosen) for i in shown]
        listed = {v.value for v in values}
        hidden_selected = 0  # selected values with a count that the limit cut: listed below, not "more"
        for value in selected:
            if value not in listed:
                vid = self._value_index(name).get(value)
                found = count(vid) if vid is not None else 0
                values.append(FacetValue(value, found, True))
                listed.add(value)
                hidden_selected += found > 0
        return Facet(name, values, nonzero - len(shown) - hidden_selected)

    def _few_facet(self, name: str, scope: Scope, selected: list[str], limit: int | None) -> Facet:
        """:meth:`facet` for a few passages: their values counted in a dict, passages newest first so that
        a value's newest passage is where it first comes (the same order: dates only part counts that
        tie)."""
        counts: dict[int, int] = {}
        newest: dict[int, int] = {}  # value number → the date rank of its newest passage
        segments = self._few[name]
        if segments is not None:
            for rank, segment, doc in scope.newest_first():
                offsets, values, remap = segments[segment]
                start, end = offsets[doc], offsets[doc + 1]
                while start < end:  # most passages have one value of a facet, or none
                    value = values[start] if remap is None else remap[values[start]]
                    if value in counts:
                        counts[value] += 1
                    else:
                        counts[value] = 1
                        newest[value] = rank
                    start += 1
        names = self.values[name]
        order = [key[-1] for key in sorted([(-n, -newest[v], names[v].casefold(), names[v], v)
                                            for v, n in counts.items()])]
        return self._listed(name, order, lambda v: counts.get(v, 0), len(counts), selected, limit)


def _view(array: np.ndarray) -> memoryview:
    """A flat memory view of a one-dimensional integer array (a memory-mapped column, read in place):
    indexing it gives plain ints."""
    return memoryview(np.ascontiguousarray(array)).cast("B").cast(np.asarray(array).dtype.char) \
        if len(array) else memoryview(np.zeros(0, np.int64))


def _mask(local: np.ndarray, size: int, inside=None) -> np.ndarray:
    """``local`` as a boolean array over a segment of ``size`` passages: ``inside()`` when given (one
    shared by every facet counted over the scope), else made here."""
    if inside is not None:
        return inside()
    mask = np.zeros(size, dtype=bool)
    mask[local] = True
    return mask


def _entries(facet, local: np.ndarray, size: int, inside=None) -> np.ndarray:
    """Which (passage, value) entries of one segment's facet belong to the passages ``local``
    (ascending, segment-local): their positions gathered one layer at a time (each passage's first
    value, then the second of those with two, …), or from one pass over every entry when that is
    cheaper (positions, not a boolean mask: indexing two columns with a mask this irregular costs more
    than finding its positions once). Index ``facet.values`` / ``facet.docs`` with it. ``inside``: as for
    :func:`_count_segment`."""
    if len(local) * GATHER_COST >= len(facet.values):
        return np.flatnonzero(_mask(local, size, inside)[facet.docs])
    starts = np.asarray(facet.offsets[local], dtype=np.int64)
    ends = np.asarray(facet.offsets[local + 1], dtype=np.int64)
    keep = ends > starts
    starts, ends = kept(starts, keep), kept(ends, keep)
    picked = []
    while len(starts):
        picked.append(starts)
        starts = starts + 1
        keep = starts < ends
        if not keep.all():
            starts, ends = kept(starts, keep), kept(ends, keep)
    return np.concatenate(picked) if picked else np.zeros(0, dtype=np.int64)


def _count_bits(facet, scope: Scope, segment: int) -> np.ndarray:
    """Per value number of segment number ``segment``'s ``facet``, how many passages of ``scope`` have
    it: popcount(value bits & scope bits) for the values with a bitmap, the other values' entries tested
    against the scope's mask. Costs the same for any share of the segment."""
    counts = np.zeros(len(facet.names), dtype=np.int64)
    held = np.bitwise_and(np.asarray(facet.bits), scope.bits(segment))
    counts[facet.bit_values] = np.bitwise_count(held).sum(axis=1, dtype=np.int64)
    if len(facet.sparse_docs):
        _, offset = scope.table._segments[segment]
        inside = scope.inside()[offset:offset + len(facet.first)]
        counts += np.bincount(kept(facet.sparse_values, inside[facet.sparse_docs]), minlength=len(counts))
    return counts


def _count_segment(facet, local: np.ndarray, size: int, inside=None) -> np.ndarray:
    """Per value number of one segment's facet, how many of the passages ``local`` (ascending,
    segment-local) have it. ``inside``: a callable giving ``local`` as a boolean array over the segment
    (shared between facets), made here when not given.

    A few passages with more later entries than passages: their entries are gathered
    (:func:`_entries`). Otherwise each one's first value from the column's ``first`` array (written at
    commit, so no search derives it), and the later entries tested against the mask."""
    names = len(facet.names)
    if not len(facet.values):
        return np.zeros(names, dtype=np.int64)
    first, later_docs, later_values = facet.first, facet.later_docs, facet.later_values
    if len(local) * GATHER_COST < len(facet.values) and len(later_docs) > len(local):
        return np.bincount(facet.values[_entries(facet, local, size)], minlength=names)
    counts = np.bincount(first[local], minlength=names + 1)[:names]
    if len(later_docs):
        if len(local) * 64 < size:  # a few matches: look the later entries' passages up among them
            at = np.minimum(np.searchsorted(local, later_docs), len(local) - 1)
            keep = local[at] == later_docs
        else:
            keep = _mask(local, size, inside)[later_docs]
        counts += np.bincount(kept(later_values, keep), minlength=names)
    return counts
