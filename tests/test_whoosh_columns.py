"""Per-segment column files (index/whoosh_columns.py) and facet counting over them (search/facets.py).

The oracle is Whoosh's own postings of the exact-value fields: a facet value's count over a set of
passages is how many of them its posting list holds. Checked on an index with several segments and
deleted passages, for scopes small enough to gather, large enough for one pass over every pair, and
more than half the index (counted as the whole index minus the rest).
"""

from __future__ import annotations

import pickle
import random
import shutil

import numpy as np
import pytest
from searchkit import index_of_several_segments

from index import whoosh_columns
from index.facets import FACET_NAMES
from index.schema import FACET_PREFIX
from index.whoosh_internals import BufferFile, _ViewFile, install
from index.whoosh_store import current_generation
from search.engine import open_index
from search.facets import FacetTable


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """Seeds plus 40 of The Setup's interviews, then an update adding 20 more and changing one: two or
    more segments, with deletions."""
    return index_of_several_segments(tmp_path_factory.mktemp("columns"), 40, 20)


def _searcher(index_dir):
    from whoosh import index as whoosh_index

    install()
    return whoosh_index.open_dir(str(current_generation(index_dir))).searcher()


def _oracle(reader, name: str, ids: set[int]) -> dict[str, int]:
    field = FACET_PREFIX + name
    counts = {}
    if field not in reader.schema:
        return counts
    for term in reader.lexicon(field):
        hit = len(ids & set(reader.postings(field, term).all_ids()))
        if hit:
            counts[term.decode("utf-8")] = hit
    return counts


def test_the_index_has_several_segments_and_deletions(index_dir):
    with _searcher(index_dir) as searcher:
        reader = searcher.reader()
        assert len(list(reader.leaf_readers())) >= 2
        assert reader.has_deletions()


def test_every_segment_has_its_columns_written_at_commit(index_dir):
    gen = current_generation(index_dir)
    with _searcher(index_dir) as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            folder = whoosh_columns.columns_folder(gen, leaf.segment().segment_id())
            assert (folder / "meta.json").exists()
            mapped = whoosh_columns.segment_columns(gen, leaf)
            assert mapped.mapped
            computed = whoosh_columns.compute_columns(leaf)
            assert mapped.articles == computed.articles and mapped.dates == computed.dates
            assert np.array_equal(mapped.article, computed.article)
            assert np.array_equal(mapped.number, computed.number)
            assert sorted(mapped.lengths) == sorted(computed.lengths) and "answer" in mapped.lengths
            for field, raw in computed.lengths.items():
                assert np.array_equal(mapped.lengths[field], raw)
            for name in FACET_NAMES:
                a, b = mapped.facets[name], computed.facets[name]
                assert a.names == b.names
                for part in whoosh_columns.FACET_PARTS:
                    assert np.array_equal(getattr(a, part), getattr(b, part)), (name, part)


def test_each_passages_first_facet_value_and_the_later_ones_split_the_entries(index_dir):
    gen = current_generation(index_dir)
    with _searcher(index_dir) as searcher:
        for leaf, _ in searcher.reader().leaf_readers():
            columns = whoosh_columns.segment_columns(gen, leaf)
            for name in FACET_NAMES:
                facet = columns.facets[name]
                later = []
                for d in range(columns.size):
                    own = facet.values[facet.offsets[d]:facet.offsets[d + 1]].tolist()
                    assert facet.first[d] == (own[0] if own else len(facet.names)), (name, d)
                    later += [(d, v) for v in own[1:]]
                assert list(zip(facet.later_docs.tolist(), facet.later_values.tolist(), strict=True)) == later


def test_columns_of_an_older_format_are_rewritten_by_the_first_searcher(index_dir, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    gen = current_generation(copy)
    metas = list((gen / whoosh_columns.COLUMNS_DIR).glob("*/meta.json"))
    for meta in metas:
        meta.write_text(meta.read_text().replace(f'"version": {whoosh_columns.FORMAT_VERSION}',
                                                 '"version": 1'))
        for first in meta.parent.glob("facet.*.first.npy"):
            first.unlink()
    with open_index(copy) as engine, open_index(index_dir) as reference:
        assert engine.search("music").facets == reference.search("music").facets
    assert all(f'"version": {whoosh_columns.FORMAT_VERSION}' in meta.read_text() for meta in metas)


@pytest.mark.parametrize("fraction", [0.002, 0.05, 0.4, 0.8, 1.0])
def test_facet_counts_equal_whooshs_postings(index_dir, fraction):
    with _searcher(index_dir) as searcher:
        reader = searcher.reader()
        table = FacetTable(reader, str(current_generation(index_dir)))
        live = np.flatnonzero(table.live)
        assert len(live) == reader.doc_count() < table.size
        rng = random.Random(int(fraction * 1000))
        ids = np.asarray(sorted(rng.sample(list(live), max(1, int(len(live) * fraction)))), dtype=np.int64)
        scope = table.scope(ids)
        for name in FACET_NAMES:
            counts = table.counts(name, scope)
            found = {table.values[name][i]: int(n) for i, n in enumerate(counts) if n}
            assert found == _oracle(reader, name, set(ids.tolist())), name


@pytest.mark.parametrize("size", [1, 3, 20, 128])
def test_a_few_passages_facets_are_the_ones_counted_over_arrays(index_dir, size, monkeypatch):
    # Up to FEW_PASSAGES matches are counted and ordered in Python: same values, counts, order (ties
    # broken by the newest passage, then A-Z), selected values and "more" as the array passes give.
    from search import facets

    with _searcher(index_dir) as searcher:
        reader = searcher.reader()
        table = FacetTable(reader, str(current_generation(index_dir)))
        live = np.flatnonzero(table.live)
        rng = random.Random(size)
        for _ in range(5):
            ids = np.asarray(sorted(rng.sample(list(live), size)), dtype=np.int64)
            for name in FACET_NAMES:
                selected = rng.sample(table.values[name], min(2, len(table.values[name]))) + ["no such value"]
                for limit, chosen in ((None, []), (3, []), (2, selected)):
                    few = table.facet(name, table.scope(ids), chosen, limit)
                    monkeypatch.setattr(facets, "FEW_PASSAGES", 0)
                    arrays = table.facet(name, table.scope(ids), chosen, limit)
                    monkeypatch.undo()
                    assert few == arrays, (name, limit)
                    if limit is None:
                        expected = _oracle(reader, name, set(ids.tolist()))
                        assert {v.value: v.count for v in few.values} == expected


def test_filters_and_sort_keys_match_whoosh(index_dir):
    with _searcher(index_dir) as searcher:
        reader = searcher.reader()
        table = FacetTable(reader, str(current_generation(index_dir)))
        value = table.values["publication"][0]
        expected = set(reader.postings(FACET_PREFIX + "publication", value).all_ids())
        assert set(np.flatnonzero(table.mask_for("publication", [value])).tolist()) == expected
        live = [d for d in range(table.size) if table.live[d]]
        articles = [searcher.stored_fields(d)["article"] for d in live]
        ranks = table.article_rank[live]
        # Ranks order passages as their article ids sort.
        assert [a for _, a in sorted(zip(ranks.tolist(), articles, strict=True))] == sorted(articles)
        dates = [searcher.stored_fields(d)["date"] for d in live]
        assert [a for _, a in sorted(zip(np.asarray(table.date_rank)[live].tolist(), dates, strict=True))] \
            == sorted(dates)
        numbers = [searcher.stored_fields(d)["number"] for d in live]
        order = np.argsort(np.asarray(table.numbers)[live], kind="stable")
        assert [numbers[i] for i in order] == sorted(numbers)


def test_a_missing_columns_folder_is_rebuilt_by_the_first_searcher(index_dir, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    gen = current_generation(copy)
    shutil.rmtree(gen / whoosh_columns.COLUMNS_DIR)
    with open_index(copy) as engine:
        result = engine.search("music")
    with open_index(index_dir) as engine:
        expected = engine.search("music")
    assert result.total == expected.total and result.facets == expected.facets
    assert any((gen / whoosh_columns.COLUMNS_DIR).iterdir())


def test_columns_that_cannot_be_written_are_kept_in_memory(index_dir, tmp_path):
    copy = tmp_path / "index"
    shutil.copytree(index_dir, copy)
    gen = current_generation(copy)
    shutil.rmtree(gen / whoosh_columns.COLUMNS_DIR)
    (gen / whoosh_columns.COLUMNS_DIR).write_text("not a folder")  # as unwritable as it gets for root
    with _searcher(copy) as searcher:
        leaf = next(iter(searcher.reader().leaf_readers()))[0]
        columns = whoosh_columns.segment_columns(gen, leaf)
        assert not columns.mapped and columns.size == leaf.doc_count_all()
    with open_index(copy) as engine, open_index(index_dir) as reference:
        assert engine.search("music").facets == reference.search("music").facets


def test_files_in_a_mapped_segment_are_read_in_place():
    install()
    data = pickle.dumps({"a": [1, 2, 3]}, 2) + b"line one\nline two\n"
    f = BufferFile(memoryview(data))
    assert isinstance(f.file, _ViewFile)
    assert f.read_pickle() == {"a": [1, 2, 3]}
    assert f.readline() == b"line one\n"
    assert f.tell() == len(data) - len(b"line two\n")
    f.seek(-3, 2)
    assert f.read() == b"wo\n"
    f.seek(0)
    assert f.read(2) == data[:2] and f.get(2, 3) == data[2:5]


def test_stored_fields_read_from_the_column_are_whooshs(index_dir):
    # index.whoosh_internals.StoredFields reads a document's slice of the segment's stored column itself.
    from index.whoosh_internals import StoredFields

    with _searcher(index_dir) as searcher:
        reader = searcher.reader()
        stored = StoredFields(reader)
        assert all(column is not None for column in stored._columns)  # the fast path, not the fallback
        for docnum in range(reader.doc_count_all()):
            assert stored(docnum) == reader.stored_fields(docnum), docnum


def test_a_search_knows_the_words_the_reader_holds(index_dir):
    # search.whoosh_engine.Session.has_term answers from decoded postings what the term tables answer.
    with open_index(index_dir) as engine, engine.session() as session:
        reader = session.searcher.reader()
        for field in ("question", "answer", "title", "interviewee"):
            words = [t.decode("utf-8") for t in reader.lexicon(field)]
            for word in words[::7] + ["zorblax", "zzzznotaword", "the", ""]:
                assert session.has_term(field, word) == ((field, word) in reader), (field, word)
        assert not session.has_term("no_such_field", "art")
