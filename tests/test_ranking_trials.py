"""bench.ranking_trials: the proximity frequency and the trials' clean-up (the figures are in docs)."""

from __future__ import annotations

import numpy as np
import pytest

from bench.ir import Collection, Document
from bench.ranking_trials import (
    REQUEST_WORDS,
    normalisation_effect,
    pair_counts,
    pair_frequency,
    stem_family,
    trial,
    verbosity_slope,
)
from bench.relevance import write_jsonl
from index.build import build
from search.engine import open_index
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


def test_pair_counts_ordered_and_unordered_windows():
    first = _keys((0, 10), (1, 3), (2, 50), (3, 7))
    second = _keys((0, 11), (0, 14), (1, 1), (2, 5), (3, 7))
    # doc 0: 1 and 4 after; doc 1: 2 before; doc 2: 45 before; doc 3: same position (not a pair).
    docs, count = pair_counts(first, second, window=2, ordered=True)
    assert (docs.tolist(), count.tolist()) == ([0], [1])
    docs, count = pair_counts(first, second, window=8, ordered=False)
    assert (docs.tolist(), count.tolist()) == ([0, 1], [2, 1])
    assert not len(pair_counts(_keys((0, 99)), _keys((1, 100)), window=8, ordered=False)[0])


@pytest.mark.parametrize("name", ["proximity-5-0.3", "sdm-100-0.1-0.05", "lmd-1000", "bm25plus-0.5",
                                  "bm25l-0.5", "most-coord", "bo1-3-10-1.0", "bm25f-lucene",
                                  "bm25f-1.2-0.5", "most-ratio-0.85", "most-common-0.05",
                                  "familyr-0.5-1.2-0.4", "field-1.2-1.0-2.0-0.3", "dph", "pl2-4",
                                  "family-0.5+field-1.2-1.0-2.0-0.3", "verbosity-4-answer", "ne-0.2",
                                  "fb-uniform", "fb-answer", "fb-answer-only", "request",
                                  "request+verbosity-4-answer", "ib-df-0.5", "ib-ttf-1",
                                  "avgdl-137-answer", "most-idf-0.8", "most-fb",
                                  "most-ratio-0.5+most-fb", "few-5", "most-anyfew", "most-anyfew-1",
                                  "most-anyfew-2", "most-anyfew-3"])
def test_a_trial_restores_the_shipped_ranking(name):
    from index import schema
    from search import feedback, query, scoring

    def ranking():
        return (Evaluator.rank, Evaluator.most, Evaluator.feedback, Evaluator.evaluate, Evaluator._term,
                Evaluator.feedback_model, feedback.relevance_model, feedback.FEEDBACK_FIELDS,
                query.stop_list, query.ANY_STOP_WORDS, schema.BM25_K1, schema.BM25_B, scoring.MOST_FEW)

    shipped = ranking()
    with trial(name):
        assert ranking() != shipped
    assert ranking() == shipped


def test_an_rm3_trial_sets_the_feedback_for_its_run_only():
    from search import feedback

    shipped = feedback.FEEDBACK_DOCS, feedback.FEEDBACK_TERMS, feedback.ORIGINAL_WEIGHT
    with trial("rm3-2-75-0.3"):
        assert (feedback.FEEDBACK_DOCS, feedback.FEEDBACK_TERMS, feedback.ORIGINAL_WEIGHT) == (2, 75, 0.3)
    with trial("rm3-none"):
        assert feedback.FEEDBACK_DOCS == 0
    assert shipped == (feedback.FEEDBACK_DOCS, feedback.FEEDBACK_TERMS, feedback.ORIGINAL_WEIGHT)


def test_unknown_trials_are_refused():
    with pytest.raises(ValueError, match="unknown trial"), trial("pagerank-1"):
        pass


def test_stem_family_is_the_other_terms_with_the_same_porter2_stem():
    stem = pytest.importorskip("Stemmer").Stemmer("english").stemWord
    terms = ["measure", "measurement", "measured", "meat", "measurable", "meadow"]
    assert stem_family("measure", terms, stem) == ["measurable", "measured", "measurement"]
    assert stem_family("meadow", terms, stem) == []


FILLER = "the weather was mild and the days were long that year"
DOCUMENTS = [
    Document("exact", "One", f"measure of the field {FILLER}"),
    Document("both", "Two", f"measure measurement of the field {FILLER}"),
    Document("derived", "Three", f"measurement of the field {FILLER}"),
    *[Document(f"x{i}", "Filler", f"{FILLER} garden {i}") for i in range(10)],
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    pytest.importorskip("Stemmer")
    root = tmp_path_factory.mktemp("families")
    write_jsonl(Collection("fam", DOCUMENTS, {}), root / "fam.jsonl")
    assert not build(root / "no-corpus", root / "index", jsonl=root / "fam.jsonl").skipped
    with open_index(root / "index") as engine:
        yield engine


def _found(engine, text: str) -> list[str]:
    return [hit.article.removeprefix("fam/") for hit in engine.search(text, match="any", per_page=50).hits]


def test_families_add_the_derived_words_at_their_weight_and_familyr_keeps_the_passages(engine):
    assert _found(engine, "measure") == ["exact", "both"]  # the shorter passage first
    with trial("familyr-0.5"):
        # Only the order changes: "both" also has the family word and comes first.
        assert _found(engine, "measure") == ["both", "exact"]
    with trial("family-0.5"):
        # The family word finds a passage of its own, below the typed word's.
        assert _found(engine, "measure") == ["both", "exact", "derived"]
    assert _found(engine, "measure") == ["exact", "both"]


def test_verbosity_slope_is_the_share_of_length_growth_that_repeats_words():
    lengths = np.array([10.0, 20.0, 40.0, 80.0])
    # Every word different at any length: longer passages have more scope, not more repeats.
    assert verbosity_slope(lengths, lengths) == pytest.approx(0.0)
    # The same ten words however long: all of the length is repetition.
    assert verbosity_slope(lengths, np.full(4, 10.0)) == pytest.approx(1.0)
    # Distinct words growing as the square root of the length (Heaps): half of it.
    assert verbosity_slope(lengths, np.sqrt(lengths)) == pytest.approx(0.5)
    # Passages without the field are left out; fewer than two left: no slope.
    assert verbosity_slope(np.array([0.0, 0.0, 12.0]), np.array([1.0, 1.0, 6.0])) == 0.0


def test_normalisation_effect_grows_with_b_to_one():
    effect = normalisation_effect(np.array([0.0, 5.0, 10.0, 20.0, 40.0, 200.0]))
    assert effect[-1] == pytest.approx(1.0) and effect[0] < 0.01
    assert (np.diff(effect) > 0).all()


def test_the_request_trial_leaves_request_phrasing_out_of_any_word_queries(engine):
    from search import query

    assert {"what", "papers", "describe"} <= REQUEST_WORDS
    with trial("request"):
        stops = query.stop_list(query.ANY_STOP_WORDS)
        assert {"what", "papers", "the"} <= stops and "measure" not in stops
        assert _found(engine, "what papers describe measure") == ["exact", "both"]
    assert "what" not in query.stop_list(query.ANY_STOP_WORDS)


def test_the_ib_trial_scores_lucene_log_logistic_with_h2(engine):
    import math

    with engine.session() as state:
        searcher = state.searcher
        with trial("ib-df-1"):
            found = state.evaluator._term("answer", "measure", 1.0)
        n = searcher.doc_count_all()
        lam = (searcher.doc_frequency("answer", "measure") + 1) / (n + 1)
        avgdl = searcher.avg_field_length("answer")
        for docnum, score in zip(found.ids, found.scores, strict=True):
            dl = searcher.doc_field_length(int(docnum), "answer")
            tfn = 1 * math.log2(1 + avgdl / dl)  # "measure" once in each passage
            assert score == pytest.approx(math.log((tfn + lam) / lam), rel=0.03)  # lengths are quantised


def test_the_avgdl_trial_sets_b_from_the_fields_mean_length(engine):
    with engine.session() as state:
        avgdl = state.searcher.avg_field_length("answer")
        with trial(f"avgdl-{2 * avgdl}-answer"):
            half = state.evaluator._term("answer", "measure", 1.0)
        state.evaluator.b = 0.5
        assert half.scores.tolist() == pytest.approx(state.evaluator._term("answer", "measure", 1.0).scores)


def test_the_idf_mass_rule_puts_passages_with_the_rare_words_in_the_first_tier(engine):
    # No passage has both words. "measure" (2 of 13 passages) carries 0.86 of the query's idf,
    # "garden" (10 passages) the rest: at 0.8 a passage with "measure" alone is a full match.
    def partial(text: str) -> dict[str, bool]:
        hits = engine.search(text, per_page=50).hits
        return {hit.article.removeprefix("fam/"): hit.partial for hit in hits}

    assert partial("measure garden") == {"exact": True, "both": True, **{f"x{i}": True for i in range(10)}}
    with trial("most-idf-0.8"):
        assert partial("measure garden") == {"exact": False, "both": False,
                                             **{f"x{i}": True for i in range(10)}}
    with trial("most-idf-0.9"):
        assert all(partial("measure garden").values())


def test_the_anyfew_rule_ranks_few_full_matches_as_the_any_word_search_does(engine):
    # "measure measurement garden": no passage has all three words (fewer than MOST_FEW), so the
    # shipped rule returns the one with two of them ("both") and leaves out those with one;
    # anyfew-1 returns the any-word search as it is.
    def order(match: str = "most") -> list[str]:
        return [hit.article.removeprefix("fam/") for hit in engine.search(
            "measure measurement garden", per_page=50, match=match).hits]

    assert order() == ["both"] and len(order("any")) == len(DOCUMENTS)
    with trial("most-anyfew-1"):
        assert order() == order("any")
    with trial("most-anyfew"):
        assert order() == ["both"]  # the passages the shipped rule finds, in the any-word order
    with trial("most-anyfew-2"):  # no passage has every word: the any-word search's order throughout
        assert order() == order("any")
