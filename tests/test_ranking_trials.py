"""bench.ranking_trials: the proximity frequency and the trials' clean-up (the figures are in docs)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.ranking_trials import pair_frequency, trial
from search.scoring import Evaluator


def _keys(*occurrences: tuple[int, int]) -> np.ndarray:
    return np.array(sorted(doc << 32 | pos for doc, pos in occurrences), dtype=np.int64)


def test_pair_frequency_counts_near_occurrences_by_inverse_distance():
    first = _keys((0, 10), (1, 3), (2, 50), (3, 7))
    second = _keys((0, 11), (0, 14), (1, 30), (2, 5), (3, 7), (4, 1))
    docs, freq = pair_frequency(first, second, window=5)
    # doc 0: 1 apart and 4 apart; doc 1: 27 apart (too far); doc 2: too far; doc 3: same position
    # (a synonym at one position is not a pair); doc 4: no first word.
    assert docs.tolist() == [0]
    assert freq.tolist() == pytest.approx([1 + 1 / 4])


def test_pair_frequency_never_pairs_across_documents():
    docs, _ = pair_frequency(_keys((0, 99)), _keys((1, 0)), window=1000)
    assert not len(docs)


@pytest.mark.parametrize("name", ["proximity-5-0.3", "most-coord", "bo1-3-10-1.0", "bm25f-lucene",
                                  "bm25f-1.2-0.5"])
def test_a_trial_restores_the_shipped_ranking(name):
    from index import schema

    def ranking():
        return (Evaluator.rank, Evaluator.most, Evaluator.feedback, Evaluator.evaluate, schema.BM25_K1,
                schema.BM25_B)

    shipped = ranking()
    with trial(name):
        assert ranking() != shipped
    assert ranking() == shipped


def test_unknown_trials_are_refused():
    with pytest.raises(ValueError, match="unknown trial"), trial("pagerank-1"):
        pass
