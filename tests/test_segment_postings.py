"""Frequent words' postings kept beside each segment (index/segment_postings.py) and read by searches
(search/postings.py).

The oracle is Whoosh's own blocks, decoded by :mod:`index.whoosh_internals`: a kept word's arrays must
be exactly what decoding its blocks gives, and an engine reading the kept arrays must answer every kind
of query exactly as one decoding every word. Checked on an index with several segments and deleted
passages, with the threshold lowered so that most words of the small test corpus are kept.
"""

from __future__ import annotations

import shutil

import numpy as np
import pytest
from searchkit import index_of_several_segments

from index import segment_postings
from index.whoosh_internals import decode, decode_positions, install
from index.whoosh_store import current_generation
from search.whoosh_engine import WhooshEngine

QUERIES = [
    "music", "film", "work", '"i started"', '"in the"', "music film", '"work with" design', "design -music",
    "question:why", "answer:studio", "photo*", "los angeles", '"the best"', "career art -film",
]


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory):
    """Seeds plus 30 of The Setup's interviews, then an update adding 15 more and changing one: two or
    more segments, with deletions."""
    return index_of_several_segments(tmp_path_factory.mktemp("segment_postings"), 30, 15)


def _reader(index_dir):
    from whoosh import index as whoosh_index

    install()
    return whoosh_index.open_dir(str(current_generation(index_dir))).reader()


def _rewrite(index_dir, min_postings: int) -> None:
    """Replace every segment's folder with one keeping the words of ``min_postings`` passages or more."""
    gen = current_generation(index_dir)
    shutil.rmtree(gen / segment_postings.POSTINGS_DIR, ignore_errors=True)
    with _reader(index_dir) as reader:
        segment_postings.write_postings(gen, reader, min_postings=min_postings)


def _answers(engine: WhooshEngine) -> list:
    found = []
    for query in QUERIES:
        result = engine.search(query, per_page=20)
        found.append((query, result.total, [(h.article, h.passage, round(h.score, 5), h.snippet)
                                            for h in result.hits],
                      {name: [(v.value, v.count) for v in f.values] for name, f in result.facets.items()}))
    return found


def test_every_segment_gets_its_folder_at_commit(index_dir):
    gen = current_generation(index_dir)
    with _reader(index_dir) as reader:
        leaves = list(reader.leaf_readers())
        assert len(leaves) >= 2 and reader.has_deletions()
        for leaf, _ in leaves:
            kept = segment_postings.segment_postings(gen, leaf)
            assert kept is not None and kept.size == leaf.doc_count_all()
            # The test corpus is far below the threshold: nothing is frequent enough to keep.
            assert not kept.terms


def test_kept_words_are_exactly_their_decoded_blocks(index_dir):
    _rewrite(index_dir, min_postings=3)
    gen = current_generation(index_dir)
    checked = 0
    with _reader(index_dir) as reader:
        for leaf, _ in reader.leaf_readers():
            kept = segment_postings.segment_postings(gen, leaf)
            assert len(kept.terms) > 100
            for (fieldname, btext) in kept.terms:
                ids, weights = kept.postings(fieldname, btext)
                want_ids, want_weights = decode(leaf, fieldname, btext)
                assert np.array_equal(ids, want_ids) and np.array_equal(weights, want_weights)
                found = kept.with_positions(fieldname, btext)
                want = decode_positions(leaf, fieldname, btext)
                for got, expected in zip(found, want, strict=True):
                    assert np.array_equal(got, expected) and got.dtype == expected.dtype
                checked += 1
            # Words below the threshold are not kept, and say so.
            rare = [t for t in leaf.lexicon("answer") if leaf.doc_frequency("answer", t) < 3]
            assert rare and all(kept.postings("answer", t) is None for t in rare[:50])
    assert checked > 300


def test_an_engine_reading_kept_words_answers_as_one_decoding_them(index_dir):
    _rewrite(index_dir, min_postings=3)
    # No decoded-postings cache (0 MB) in either engine: every word is read from the kept arrays, or
    # decoded from Whoosh's blocks, on every search.
    kept_engine = WhooshEngine(index_dir, cache_mb=0.0001)
    kept = _answers(kept_engine)
    kept_reads = kept_engine.postings.stats()["kept"]
    kept_engine.close()
    shutil.rmtree(current_generation(index_dir) / segment_postings.POSTINGS_DIR)
    decoding_engine = WhooshEngine(index_dir, cache_mb=0.0002)
    assert _answers(decoding_engine) == kept
    # The kept arrays were what the first engine read; the second had none to read.
    assert kept_reads > 50 and decoding_engine.postings.stats()["kept"] == 0
    decoding_engine.close()


def test_a_missing_or_foreign_folder_is_decoded_and_rewritten_at_the_next_update(index_dir, tmp_path):
    gen = current_generation(index_dir)
    shutil.rmtree(gen / segment_postings.POSTINGS_DIR, ignore_errors=True)
    with _reader(index_dir) as reader:
        leaf = next(leaf for leaf, _ in reader.leaf_readers())
        assert segment_postings.segment_postings(gen, leaf) is None
        segment_postings.write_postings(gen, reader)
        folder = segment_postings.postings_folder(gen, leaf.segment().segment_id())
        assert segment_postings.segment_postings(gen, leaf) is not None
        # A folder of another format is not read; the next write replaces it.
        meta = folder / "meta.json"
        meta.write_text(meta.read_text(encoding="utf-8").replace('"version": 1', '"version": 0'),
                        encoding="utf-8")
        assert segment_postings.segment_postings(gen, leaf) is None
        segment_postings.write_postings(gen, reader)
        assert segment_postings.segment_postings(gen, leaf) is not None
        # A folder of a segment merged away is deleted.
        stale = gen / segment_postings.POSTINGS_DIR / "gone"
        stale.mkdir()
        segment_postings.write_postings(gen, reader)
        assert not stale.exists()
