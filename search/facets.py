"""Per-document arrays for facet counting, filtering and sorting, built once per searcher.

Whoosh would recount a multi-valued facet from postings and load stored fields for every match; here
each facet is a pair of parallel arrays (``docs[i]`` has value ``vals[i]``), so counting the values of
N matches is one ``numpy.bincount``. Arrays are built per index segment and cached by segment id, so
refreshing after an update only reads the new segments.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from index.facets import FACET_NAMES
from index.schema import FACET_PREFIX
from index.whoosh_internals import posting_ids, read_column, segment_key
from search.results import Facet, FacetValue


@dataclass
class _LeafData:
    """One segment's facet postings and sort columns, docnums local to the segment."""

    facets: dict[str, tuple[list[str], np.ndarray, np.ndarray]]  # name → (values, docs, value ids)
    articles: list[bytes]
    numbers: np.ndarray
    dates: list[bytes]


def _read_leaf(leaf) -> _LeafData:
    facets = {}
    for name in FACET_NAMES:
        values, docs, vals = [], [], []
        field = FACET_PREFIX + name
        for value_id, term in enumerate(leaf.lexicon(field)):
            ids = posting_ids(leaf.postings(field, term))
            values.append(term.decode("utf-8"))
            docs.extend(ids)
            vals.extend([value_id] * len(ids))
        facets[name] = (values, np.asarray(docs, dtype=np.int64), np.asarray(vals, dtype=np.int64))
    articles = read_column(leaf, "article", b"")
    dates = read_column(leaf, "date", b"")
    numbers = np.asarray(read_column(leaf, "number", 0), dtype=np.int64)
    return _LeafData(facets, articles, numbers, dates)


_cache: dict[tuple[str, str], _LeafData] = {}
"""(index folder, segment id) → arrays; segments never change once written (deletions aside)."""
_cache_lock = threading.Lock()


def _leaf_key(ix_path: str, leaf) -> tuple[str, str] | None:
    seg = segment_key(leaf)
    return (ix_path, seg) if seg is not None else None


class FacetTable:
    """Facet values, sort keys and the live documents of one searcher's reader."""

    def __init__(self, reader, ix_path: str = ""):
        size = reader.doc_count_all()
        self.size = size
        live = np.fromiter(reader.all_doc_ids(), dtype=np.int64) if size else np.zeros(0, np.int64)
        self.live = np.zeros(size, dtype=bool)
        self.live[live] = True
        leaves = list(reader.leaf_readers()) if size else []
        used = set()
        datas = []
        for leaf, offset in leaves:
            key = _leaf_key(ix_path, leaf)
            data = _cache.get(key) if key else None
            if data is None:
                data = _read_leaf(leaf)
                if key:
                    with _cache_lock:
                        _cache[key] = data
            if key:
                used.add(key)
            datas.append((data, offset))
        with _cache_lock:  # engines of other folders may be adding theirs
            for key in [k for k in _cache if k[0] == ix_path and k not in used]:
                del _cache[key]

        self.values: dict[str, list[str]] = {}
        self.index: dict[str, dict[str, int]] = {}
        self.docs: dict[str, np.ndarray] = {}
        self.vals: dict[str, np.ndarray] = {}
        for name in FACET_NAMES:
            vocab: dict[str, int] = {}
            docs_parts, vals_parts = [], []
            for data, offset in datas:
                values, docs, vals = data.facets[name]
                remap = np.asarray([vocab.setdefault(v, len(vocab)) for v in values], dtype=np.int64)
                docs_parts.append(docs + offset)
                vals_parts.append(remap[vals] if len(vals) else vals)
            self.values[name] = list(vocab)
            self.index[name] = vocab
            self.docs[name] = np.concatenate(docs_parts) if docs_parts else np.zeros(0, np.int64)
            self.vals[name] = np.concatenate(vals_parts) if vals_parts else np.zeros(0, np.int64)

        articles = [a for data, _ in datas for a in data.articles]
        dates = [d for data, _ in datas for d in data.dates]
        self.numbers = np.concatenate([d.numbers for d, _ in datas]) if datas else np.zeros(0, np.int64)
        # Ranks sort as the strings do; ties are broken by article and passage number when sorting.
        _, self.article_rank = np.unique(np.asarray(articles, dtype=object), return_inverse=True) \
            if articles else (None, np.zeros(0, np.int64))
        _, self.date_rank = np.unique(np.asarray(dates, dtype=object), return_inverse=True) \
            if dates else (None, np.zeros(0, np.int64))
        self.alpha_rank = {name: self._alphabetical(name) for name in FACET_NAMES}
        self.interviewee_rank = self._first_value_rank("interviewee")

    def _alphabetical(self, name: str) -> np.ndarray:
        """Value id → its rank in case-insensitive alphabetical order."""
        order = sorted(range(len(self.values[name])), key=lambda i: self.values[name][i].casefold())
        rank = np.empty(len(order), dtype=np.int64)
        rank[np.asarray(order, dtype=np.int64)] = np.arange(len(order))
        return rank

    def _first_value_rank(self, name: str) -> np.ndarray:
        """Per document, the alphabetical rank of its first value (no value sorts last)."""
        rank_of = self.alpha_rank[name]
        ranks = np.full(self.size, len(rank_of), dtype=np.int64)
        if len(self.docs[name]):
            np.minimum.at(ranks, self.docs[name], rank_of[self.vals[name]])
        return ranks

    # --- filtering and counting --------------------------------------------------------------------

    def mask_for(self, name: str, selected: Iterable[str]) -> np.ndarray:
        """Documents having any of ``selected`` values of facet ``name`` (OR within a facet)."""
        ids = [self.index[name][v] for v in selected if v in self.index[name]]
        mask = np.zeros(self.size, dtype=bool)
        if ids:
            hit = np.isin(self.vals[name], np.asarray(ids, dtype=np.int64))
            mask[self.docs[name][hit]] = True
        return mask

    def counts(self, name: str, mask: np.ndarray) -> np.ndarray:
        """Per value id of facet ``name``, how many documents in ``mask`` have it."""
        docs, vals = self.docs[name], self.vals[name]
        return np.bincount(vals[mask[docs]], minlength=len(self.values[name])) if len(docs) else \
            np.zeros(len(self.values[name]), dtype=np.int64)

    def newest(self, name: str, mask: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Per value id of facet ``name``, the date rank of the newest document in ``mask`` having it,
        computed for the value ids ``ids`` only (-1 elsewhere and for values no document in ``mask`` has).

        Date ranks order as the ISO date strings do (an undated passage's "" first), so the highest rank
        is the newest date: what the Solr engine's ``max(date)`` per bucket gives.
        """
        docs, vals = self.docs[name], self.vals[name]
        newest = np.full(len(self.values[name]), -1, dtype=np.int64)
        wanted = np.zeros(len(self.values[name]), dtype=bool)
        wanted[ids] = True
        pick = mask[docs] & wanted[vals]
        np.maximum.at(newest, vals[pick], self.date_rank[docs[pick]])
        return newest

    def facet(self, name: str, mask: np.ndarray, selected: list[str], limit: int | None) -> Facet:
        """The top ``limit`` values (all when None) plus every selected value, even at 0.

        Order (:func:`index.facets.order_values`, as the Solr engine orders): most documents in
        ``mask`` first; among equal counts the value whose newest passage in ``mask`` is newest (by
        article date); then A–Z, case folded.
        """
        counts = self.counts(name, mask)
        nonzero = np.flatnonzero(counts)
        if limit is not None and len(nonzero) > limit:
            # Only values counting at least the limit-th best can be shown: sort just those (a facet
            # such as organization can have tens of thousands of values).
            threshold = np.partition(counts[nonzero], len(nonzero) - limit)[len(nonzero) - limit] \
                if limit > 0 else counts.max() + 1
            candidates = nonzero[counts[nonzero] >= threshold]
        else:
            candidates = nonzero
        tallies = counts[candidates]
        # Dates matter only among equal counts: look them up for tied values alone.
        values_of_tied, how_many = np.unique(tallies, return_counts=True)
        tied = candidates[np.isin(tallies, values_of_tied[how_many > 1])]
        newest = self.newest(name, mask, tied) if len(tied) else np.full(len(counts), -1, np.int64)
        order = candidates[np.lexsort((self.alpha_rank[name][candidates], -newest[candidates],
                                       -tallies))].tolist()
        shown = order if limit is None else order[:limit]
        chosen = set(selected)
        values = [FacetValue(self.values[name][i], int(counts[i]), self.values[name][i] in chosen)
                  for i in shown]
        listed = {v.value for v in values}
        hidden_selected = 0  # selected values with a count that the limit cut: listed below, not "more"
        for value in selected:
            if value not in listed:
                vid = self.index[name].get(value)
                count = int(counts[vid]) if vid is not None else 0
                values.append(FacetValue(value, count, True))
                listed.add(value)
                hidden_selected += count > 0
        return Facet(name, values, len(nonzero) - len(shown) - hidden_selected)
