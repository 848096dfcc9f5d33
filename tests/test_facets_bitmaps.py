"""Facet counts from per-value bitmaps (index/whoosh_columns.py writes them, search/facets.py counts them).

A facet's bitmaps and sparse entries must give exactly what gathering the passages' values gives, and
what Whoosh's postings say: checked on an index with several segments and deleted passages, for scopes
of every size (more than half the index included), with selected values and limits, and with a
threshold that leaves some values of a facet without a bitmap.
"""

from __future__ import annotations

import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from searchkit import index_of_several_segments

from index import whoosh_columns
from index.facets import FACET_NAMES
from index.schema import FACET_PREFIX
from index.whoosh_internals import install
from index.whoosh_store import current_generation
from search import facets
from search.facets import FacetTable


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    return index_of_several_segments(tmp_path_factory.mktemp("bitmaps"), 40, 20)


@pytest.fixture()
def reader(index_dir):
    from whoosh import index as whoosh_index

    install()
    with whoosh_index.open_dir(str(current_generation(index_dir))).searcher() as searcher:
        yield searcher.reader()


def _oracle(reader, name: str, ids: set[int]) -> dict[str, int]:
    counts = {}
    for term in reader.lexicon(FACET_PREFIX + name) if FACET_PREFIX + name in reader.schema else ():
        hit = len(ids & set(reader.postings(FACET_PREFIX + name, term).all_ids()))
        if hit:
            counts[term.decode("utf-8")] = hit
    return counts


def _facets(table: FacetTable, ids: np.ndarray, monkeypatch, way: str, choices) -> list:
    """Every facet over ``ids`` for each (selected, limit) of ``choices``, counted with bitmaps wherever a
    facet has them (``way="bits"``) or never (``way="gather"``)."""
    monkeypatch.setattr(whoosh_columns, "WORD_COST", 0.0 if way == "bits" else 1e9)
    monkeypatch.setattr(whoosh_columns, "ENTRY_COST", 0.0 if way == "bits" else 1e9)
    monkeypatch.setattr(facets, "FEW_PASSAGES", 0)
    try:
        return [table.facet(name, table.scope(ids), selected, limit)
                for name in FACET_NAMES for selected, limit in choices(name)]
    finally:
        monkeypatch.undo()


def test_bitmaps_written_at_commit_hold_each_values_passages(index_dir, reader):
    gen = current_generation(index_dir)
    with_bits = set()
    for leaf, _ in reader.leaf_readers():
        columns = whoosh_columns.segment_columns(gen, leaf)
        assert columns.mapped
        for name in FACET_NAMES:
            facet = columns.facets[name]
            entries = set(zip(facet.docs.tolist(), facet.values.tolist(), strict=True))
            assert facet.bits.shape == (len(facet.bit_values), (columns.size + 63) // 64)
            for row, value in enumerate(facet.bit_values.tolist()):
                bits = np.unpackbits(np.asarray(facet.bits[row]).view(np.uint8), bitorder="little")
                assert set(np.flatnonzero(bits).tolist()) == {d for d, v in entries if v == value}
            if len(facet.bit_values):
                with_bits.add(name)
                sparse = set(zip(facet.sparse_docs.tolist(), facet.sparse_values.tolist(), strict=True))
                assert sparse == {(d, v) for d, v in entries if v not in set(facet.bit_values.tolist())}
            else:
                assert not len(facet.sparse_docs)
    # Facets with a few values held by many passages get them (in an index this small, most facets do).
    assert {"topic", "category"} <= with_bits


@pytest.mark.parametrize("share", [whoosh_columns.BITMAP_SHARE, 8])
@pytest.mark.parametrize("fraction", [0.01, 0.3, 0.6, 1.0])
def test_counting_with_bitmaps_gives_what_gathering_gives(index_dir, reader, monkeypatch, share, fraction):
    # The default share: the columns written at commit. Share 8: only values held by an eighth of a
    # segment's passages get a bitmap, the others are counted from the sparse entries (columns computed
    # in memory: no folder given).
    if share == whoosh_columns.BITMAP_SHARE:
        table = FacetTable(reader, str(current_generation(index_dir)))
    else:
        monkeypatch.setattr(whoosh_columns, "BITMAP_SHARE", share)
        monkeypatch.setattr(whoosh_columns, "WORD_COST", 0.0)  # bitmaps wherever a value is dense
        table = FacetTable(reader, "")
        monkeypatch.undo()
    segments = [c.facets for c, _ in table._segments]
    assert len(segments) >= 2 and not table.live.all()
    if share == 8:  # some facet has values on both sides of the threshold in some segment
        assert any(len(f[name].bit_values) and len(f[name].sparse_docs) for f in segments for name in f)
    live = np.flatnonzero(table.live)
    rng = random.Random(int(fraction * 100) + share)
    ids = np.asarray(sorted(rng.sample(live.tolist(), max(1, int(len(live) * fraction)))), dtype=np.int64)

    def choices(name):
        picked = rng.sample(table.values[name], min(2, len(table.values[name]))) + ["no such value"]
        return [([], None), ([], 3), (picked, 2), (picked, 0)]

    state = rng.getstate()
    bits = _facets(table, ids, monkeypatch, "bits", choices)
    rng.setstate(state)
    gathered = _facets(table, ids, monkeypatch, "gather", choices)
    assert bits == gathered
    for facet in bits[::4]:  # ([], None): every value with its count
        assert {v.value: v.count for v in facet.values} == _oracle(reader, facet.name, set(ids.tolist()))


def test_the_facet_cost_benchmark_counts_both_ways_alike(index_dir):
    # bench.facet_cost exits non-zero when counting with and without bitmaps gives different facets.
    proc = subprocess.run([sys.executable, "-m", "bench.facet_cost", "--index", str(index_dir), "--both",
                           "--rounds", "2", "music", "the"], cwd=Path(__file__).resolve().parent.parent,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.splitlines()
    assert len(lines) == 4 and all("nine facets" in line for line in lines)
    assert "bitmaps:" in lines[0] and "no bitmaps:" in lines[1]
