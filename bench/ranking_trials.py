"""Ranking changes measured and not shipped: BM25F, term proximity, other ``match="most"`` rules, Bo1
feedback, derivational families, per-field k1/b, DFR models, RM3 settings, sequential-dependence
proximity, BM25+/BM25L, Dirichlet language models, b set per index from its length statistics, RM3
variants, request phrasing left out of any-word queries, Lucene's information-based (log-logistic)
model, b from each field's mean length, a first tier by share of the query's idf.

    python -m bench.ranking_trials                           # every trial (about 5 minutes of CPU)
    python -m bench.ranking_trials --trials base,proximity-5-0.3 --no-judged
    python -m bench.ranking_trials --trials familyr-0.5+field-1.2-1.0-2.0-0.3   # "+" combines trials
    python -m bench.ranking_trials --length-stats            # each index's field lengths, nothing ranked

Each trial changes the ranking for the length of its run (as :mod:`bench.relevance`'s trials do) and is
scored on Cranfield and CISI, which choose (the mean of their MAPs, as ``bench.relevance --tune``), and
on NPL and the judged interview set (``bench/judged``), held out: reported, never used to choose. A trial
would ship (in both engines) only if it raised the Cranfield/CISI mean by more than
``bench.relevance.MIN_GAIN``; the figures and the verdicts are in docs/benchmarks.md.

Trials (names as ``--trials`` takes them):

* ``base``: what ships.
* ``bm25f``, ``bm25f-K1-B``, ``bm25f-lucene``: BM25F with one saturation per word (Robertson and
  Zaragoza 2009, the "simple BM25F"), where we add one BM25 score per field: each word's frequencies in
  the text fields, times the fields' boosts, each divided by its field's length normalisation (or, for
  ``bm25f-lucene``, all by one normalisation of the boost-weighted sum of the lengths, as Lucene's
  ``CombinedFieldQuery``), are added, then saturated once, with the idf of the passages that have the word
  in any field; ``K1``/``B`` replace the shipped k1 and b for the run.
* ``proximity-WINDOW-WEIGHT``: a term-proximity score added to every ranking, in the spirit of BM25TP
  (Rasolofo and Savoy 2003) and Lucene's ``pf2``/``ps2``: for each pair of neighbouring query words (in
  the order typed) and each of ``question`` and ``answer``, every occurrence of the second word within
  ``WINDOW`` positions of the first adds 1 / distance to the pair's frequency, which is saturated and
  length-normalised as BM25 does a word's (with the index's k1 and b), weighted by the sum of the two
  words' idf and the field's boost, times ``WEIGHT``. With relevance feedback it is added to the first
  ranking and, at the original query's share, to the second.
* ``sdm-DEPTH-ORDERED-UNORDERED[-OW-UW]``: sequential-dependence-style proximity (Metzler and Croft
  2005, in BM25's terms as BM25TP) re-ranking only the first ``DEPTH`` passages of every ranking: for
  each pair of neighbouring query words and each of ``question`` and ``answer``, the number of times the
  second follows the first within ``OW`` positions (default 2: a stop word between them leaves a gap)
  and the number of times they are within ``UW`` positions in either order (default 8), each saturated
  and length-normalised as BM25 does a word's frequency, times the field's boost and the two words' mean
  idf, at ``ORDERED`` and ``UNORDERED``; added to the first ``DEPTH`` scores only, so those passages are
  re-ordered and stay above the rest. With feedback, as ``proximity``.
* ``rm3-DOCS-TERMS-WEIGHT``, ``rm3-none``: the shipped RM3 feedback (``search.feedback``) from the first
  ``DOCS`` passages, keeping ``TERMS`` words, the typed query at ``WEIGHT``; ``none``: no feedback.
* ``bm25plus-D``, ``bm25l-D``, ``lmd-MU``: in place of BM25 per field (times the field's boost), Lv and
  Zhai's BM25+ (``D`` × idf added for every field a word is in, so a match in a long passage never
  scores near nothing) and BM25L (the length-normalised frequency shifted by ``D`` before saturation),
  and Lucene's ``LMDirichletSimilarity`` with μ = ``MU``.
* ``most-mm``, ``most-coord``, ``most-levels``, ``most-ratio-R``, ``most-common-C``: other rules for
  ``match="most"`` (the default). Shipped: every word first, then, when those are fewer than
  ``search.scoring.MOST_FEW``, the passages with most words. ``mm``: Lucene's minimum-should-match
  alone, ranked by score (no tiers); ``coord``: the same, each score times the share of the words
  matched (Lucene's classic coordination factor); ``levels``: coordination levels (more words first,
  then score); ``ratio``: the shipped tiers, but an all-words passage scoring below ``R`` times the best
  partial match's score joins the second tier; ``common``: the shipped tiers with the first tier asking
  only for the words in at most a share ``C`` of the passages (every word if all are commoner), as
  Lucene's ``CommonTermsQuery`` makes frequent words optional; ``idf-X`` (``most-idf-X``): the shipped
  tiers with the first tier asking only for words carrying at least a share ``X`` of the query's idf
  (the sum of its words' idf: a passage missing only a common word stays a full match); ``fb``
  (``most-fb``, or after another rule: ``most-ratio-0.5+most-fb``): the tiers kept, the passages of each
  re-ranked by RM3 feedback as any-word queries of 3+ words are; ``anyfew``: when fewer than
  ``MOST_FEW`` passages have every word, the same passages in the order an any-word search gives them
  (score and feedback, no tiers: an all-words passage is no longer shown first); ``anyfew-1``: then the
  any-word search itself (passages with fewer than half the words too); ``anyfew-2``: the all-words
  passages first, then the rest of the any-word search in its order; ``anyfew-3``: the shipped tiers
  and passages, the second tier in the any-word search's order. Cranfield and
  CISI topics are long, so they are sent as ``match="most"`` for these trials (and for ``base`` beside
  them); with ``--halves`` the judged set is also scored on each half of its queries (A: the 1st, 3rd,
  … of ``queries.yml``), so that a rule's parameter can be chosen on A and checked on B.
* ``few-N``: the shipped ``match="most"`` rule with ``search.scoring.MOST_FEW`` = ``N`` (sent as "most").
* ``family-W``, ``familyr-W`` (optionally ``-K1-B``): derivational families at query time, for any-word
  queries: each typed word also matches, at ``W`` times its weight, the field's indexed words with the
  same Snowball (Porter2) stem (measure → measurement, measured; also animal → animator), found by a
  walk of the term list from the longest prefix the word shares with its stem, so the index and the
  default search are untouched; ``familyr`` keeps the passages the typed words find (only the order
  changes), ``family`` lets the family words find more. RM3 feedback runs on the expanded query.
* ``field-QK1-QB-AK1-AB``: BM25 with its own k1 and b for ``question`` and for ``answer``.
* ``dph``, ``pl2-C``: Terrier's divergence-from-randomness models in place of BM25 (per field, times
  the field's boost): DPH (parameter-free) and PL2 with length normalisation 2's ``C``.
* ``verbosity-ALPHA[-FIELDS]``, ``ne-EFFECT[-FIELDS]``: BM25's b set for each field (``FIELDS``, joined by
  ``.``; default every boosted text field) from the statistics of the index searched, without relevance
  judgments, so that one constant fitted on Cranfield and CISI gives every collection its own b:
  ``verbosity``: ``b = min(1, ALPHA × s)`` with ``s`` the field's verbosity slope (how much of the
  variation in length is words repeated rather than more different words: :func:`verbosity_slope`);
  ``ne``: He and Ounis's (ECIR 2005) rule, the b whose normalisation effect (:func:`normalisation_effect`)
  is ``EFFECT``. ``--length-stats`` prints both statistics for every index.
* ``avgdl-LENGTH[-FIELDS]``: as ``verbosity``, with ``b = min(1, mean length / LENGTH)`` (short texts'
  extra words are more scope than repetition).
* ``ib-LAMBDA-C``: Lucene's ``IBSimilarity`` (Clinchant and Gaussier 2010) in place of BM25 per field,
  times the field's boost: log-logistic distribution, normalisation H2 with ``C``, ``λ`` from the
  word's document frequency (``df``) or total frequency (``ttf``); Solr has ``IBSimilarityFactory``.
* ``fb-uniform``: RM3 with every feedback passage weighing alike (shipped: by its share of the scores);
  ``fb-answer``: the feedback model from the passages' answers only (shipped: question and answer);
  ``fb-answer-only``: that model's words also searched in ``answer`` only.
* ``request``: any-word queries also leave out the words that phrase a request (:data:`REQUEST_WORDS`:
  "what", "papers", "describe", "has anyone", …).
* ``bo1-DOCS-TERMS-BETA``: Terrier's Bo1 (divergence from randomness) feedback in place of RM3: the
  ``TERMS`` words of the first ``DOCS`` passages weighted ``tf log2((1 + Pn) / Pn) + log2(1 + Pn)``
  (``Pn`` = the word's frequency in question and answer over the passage count), divided by the
  largest, added at ``BETA`` to the query as typed; like RM3 it only re-ranks.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from whoosh import query as wq

from bench.ir import DEFAULT_ROOT, LOADERS, evaluate
from bench.relevance import MIN_GAIN, build_index, topic_words

TUNING = ("cranfield", "cisi")
TRIALS = ("base", "bm25f", "bm25f-lucene", "proximity-3-0.1", "proximity-5-0.1", "proximity-5-0.3",
          "proximity-10-0.3", "most-base", "most-mm", "most-coord", "most-levels", "bo1-3-10-0.4",
          "bo1-3-10-1.0", "bo1-5-20-1.0")
"""What a run without ``--trials`` measures (``most-base``: the shipped rule, topics sent as "most")."""
PROXIMITY_FIELDS = ("question", "answer")
_LOW = np.int64(0xFFFFFFFF)


# --- term proximity ---------------------------------------------------------------------------------

def query_words(q) -> list[str]:
    """The query's plain words in the ``answer`` field, in the order typed, each once."""
    words: list[str] = []
    for leaf in q.leaves():
        if isinstance(leaf, wq.Term) and leaf.fieldname == "answer" and leaf.text not in words:
            words.append(leaf.text)
    return words


def _position_keys(evaluator, field: str, btext: bytes) -> np.ndarray:
    """``document << 32 | position`` of every occurrence of a term, ascending."""
    keys = []
    for leaf, offset in evaluator.leaves:
        ids, bounds, positions = evaluator.cache.positions(leaf, field, btext)
        if len(ids):
            docs = np.repeat(ids.astype(np.int64) + offset, np.diff(bounds))
            keys.append(docs << 32 | positions.astype(np.int64))
    return np.sort(np.concatenate(keys)) if keys else np.zeros(0, np.int64)


def pair_frequency(first: np.ndarray, second: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """(documents, sloppy frequency): each occurrence of ``second`` whose nearest ``first`` in the same
    document is 1..``window`` positions away adds 1 / distance (0 apart: two terms at one position,
    e.g. a synonym, count nothing)."""
    if not len(first) or not len(second):
        return np.zeros(0, np.int64), np.zeros(0)
    at = np.searchsorted(first, second)
    nearest = np.full(len(second), np.inf)
    for j in (at - 1, at):
        inside = (j >= 0) & (j < len(first))
        other = first[np.clip(j, 0, len(first) - 1)]
        distance = np.abs((other & _LOW) - (second & _LOW)).astype(np.float64)
        usable = inside & (other >> 32 == second >> 32) & (distance > 0)
        nearest = np.where(usable, np.minimum(nearest, distance), nearest)
    near = nearest <= window
    docs, where = np.unique(second[near] >> 32, return_inverse=True)
    return docs, np.bincount(where, weights=1.0 / nearest[near], minlength=len(docs))


def proximity_scores(evaluator, q, window: int) -> np.ndarray:
    """Every document's proximity score for ``q`` (dense over the index; see the module docstring)."""
    from index.schema import FIELD_BOOSTS
    from index.whoosh_internals import LENGTH_TABLE
    from search.scoring import robertson_idf

    extra = np.zeros(evaluator.size)
    words = query_words(q)
    if len(words) < 2:
        return extra
    searcher, k1, b = evaluator.searcher, evaluator.k1, evaluator.b
    total = searcher.doc_count_all()
    for field in PROXIMITY_FIELDS:
        if field not in evaluator.schema.names():
            continue
        btexts = [evaluator.schema[field].to_bytes(w) for w in words]
        keys = [_position_keys(evaluator, field, bt) for bt in btexts]
        lengths = evaluator._field_lengths(field)
        avgdl = searcher.avg_field_length(field) or 1
        for i in range(len(words) - 1):
            docs, freq = pair_frequency(keys[i], keys[i + 1], window)
            if not len(docs):
                continue
            idf = sum(robertson_idf(total, searcher.doc_frequency(field, bt)) for bt in btexts[i:i + 2])
            dl = LENGTH_TABLE[lengths[docs]] if lengths is not None else np.full(len(docs), avgdl)
            saturated = freq * (k1 + 1) / (freq + k1 * (1 - b + b * dl / avgdl))
            extra[docs] += FIELD_BOOSTS[field] * idf * saturated
    return extra


def _with_proximity(window: int, weight: float):
    from search import feedback
    from search.scoring import Evaluator, Matches

    rank = Evaluator.rank

    def ranked(self, q, match="most", allowed=None):
        extra = proximity_scores(self, q, window) * weight

        def plus(found, share=1.0):
            return Matches(found.ids, found.scores + share * extra[found.ids], found.tiers)

        if match != "any":
            return plus(rank(self, q, match, allowed))
        found = plus(self.evaluate(q))
        again = self.feedback(q, found, allowed)
        if again is found:
            return found
        return plus(again, feedback.ORIGINAL_WEIGHT / max(1.0, feedback.query_words(q)[1]))

    return Evaluator, "rank", ranked


# --- sequential-dependence proximity on the first passages ---------------------------------------------

def pair_counts(first: np.ndarray, second: np.ndarray, window: int, ordered: bool) -> tuple[np.ndarray,
                                                                                             np.ndarray]:
    """(documents, count): occurrences of ``second`` with an occurrence of ``first`` in the same document
    1..``window`` positions before it (``ordered``) or 1..``window`` positions away on either side."""
    if not len(first) or not len(second):
        return np.zeros(0, np.int64), np.zeros(0)
    at = np.searchsorted(first, second)  # first[at - 1] < second <= first[at]
    near = np.zeros(len(second), dtype=bool)
    for j in ((at - 1,) if ordered else (at - 1, at)):
        inside = (j >= 0) & (j < len(first))
        other = first[np.clip(j, 0, len(first) - 1)]
        gap = np.abs((second & _LOW) - (other & _LOW))
        near |= inside & (other >> 32 == second >> 32) & (gap > 0) & (gap <= window)
    docs, where = np.unique(second[near] >> 32, return_inverse=True)
    return docs, np.bincount(where, minlength=len(docs)).astype(np.float64)


def sdm_scores(evaluator, q, ids: np.ndarray, ordered_window: int, unordered_window: int,
               weights: tuple[float, float]) -> np.ndarray:
    """The proximity score of documents ``ids`` for ``q``: for each pair of neighbouring query words
    (in the order typed) and each of ``question`` and ``answer``, the count of ordered occurrences
    (the second word 1..``ordered_window`` positions after the first: stop words leave gaps) and of
    unordered ones (1..``unordered_window`` apart, either order), each saturated and length-normalised
    as BM25 does a word's frequency, times the field's boost, the mean idf of the two words and
    ``weights`` (ordered, unordered)."""
    from index.schema import FIELD_BOOSTS
    from index.whoosh_internals import LENGTH_TABLE
    from search.scoring import robertson_idf

    extra = np.zeros(len(ids))
    words = query_words(q)
    if len(words) < 2 or not len(ids):
        return extra
    searcher, k1, b = evaluator.searcher, evaluator.k1, evaluator.b
    total = searcher.doc_count_all()
    wanted = np.zeros(evaluator.size, dtype=bool)
    wanted[ids] = True
    slot = np.full(evaluator.size, -1)
    slot[ids] = np.arange(len(ids))
    for field in PROXIMITY_FIELDS:
        if field not in evaluator.schema.names():
            continue
        btexts = [evaluator.schema[field].to_bytes(w) for w in words]
        keys = []
        for bt in btexts:
            found = _position_keys(evaluator, field, bt)
            keys.append(found[wanted[found >> 32]])
        lengths = evaluator._field_lengths(field)
        avgdl = searcher.avg_field_length(field) or 1
        for i in range(len(words) - 1):
            idf = sum(robertson_idf(total, searcher.doc_frequency(field, bt)) for bt in btexts[i:i + 2]) / 2
            for window, ordered, weight in ((ordered_window, True, weights[0]),
                                            (unordered_window, False, weights[1])):
                if not weight:
                    continue
                docs, freq = pair_counts(keys[i], keys[i + 1], window, ordered)
                if not len(docs):
                    continue
                dl = LENGTH_TABLE[lengths[docs]] if lengths is not None else np.full(len(docs), avgdl)
                saturated = freq * (k1 + 1) / (freq + k1 * (1 - b + b * dl / avgdl))
                extra[slot[docs]] += weight * FIELD_BOOSTS[field] * idf * saturated
    return extra


def _with_sdm(depth: int, ordered: float, unordered: float, ordered_window: int = 2,
              unordered_window: int = 8):
    """Every ranking's first ``depth`` passages get the :func:`sdm_scores` bonus (the rest keep their
    scores, so they stay below: only the first ``depth`` are re-ordered); with feedback, the first
    ranking gets it before the feedback model is built and the second at the query's share, as
    :func:`_with_proximity` does."""
    from search import feedback
    from search.scoring import Evaluator, Matches, top

    rank = Evaluator.rank

    def plus(self, q, found, share=1.0):
        best = np.array([d for d, _ in top(found, None, depth)], dtype=np.int64)
        if len(best) < 2:
            return found
        bonus = sdm_scores(self, q, best, ordered_window, unordered_window, (ordered, unordered))
        extra = np.zeros(self.size)
        extra[best] = share * bonus  # never negative: the first passages stay above the rest
        scores = found.scores + extra[found.ids]
        return Matches(found.ids, scores, found.tiers)

    def ranked(self, q, match="most", allowed=None):
        if match != "any":
            return plus(self, q, rank(self, q, match, allowed))
        found = plus(self, q, self.evaluate(q))
        again = self.feedback(q, found, allowed)
        if again is found:
            return found
        return plus(self, q, again, feedback.ORIGINAL_WEIGHT / max(1.0, feedback.query_words(q)[1]))

    return Evaluator, "rank", ranked


# --- match="most" rules -----------------------------------------------------------------------------

def _tiered_feedback(evaluator, words, found, allowed):
    """``found`` with its scores replaced by RM3's (:mod:`search.feedback`, the model from its first
    passages in tier order; ``words``: the query's words as an any-word query), its tiers and passages
    kept; as shipped only for queries of ``FEEDBACK_MIN_WORDS`` words or more."""
    from index.schema import FIELD_BOOSTS
    from search import feedback
    from search.scoring import Matches

    if not len(found) or feedback.query_words(words)[0] < feedback.FEEDBACK_MIN_WORDS:
        return found
    model = evaluator.feedback_model(found, allowed)
    if not model:
        return found
    again = evaluator.evaluate(feedback.feedback_query(words, model, FIELD_BOOSTS))
    scores = np.zeros(evaluator.size)
    scores[again.ids] = again.scores
    return Matches(found.ids, scores[found.ids], found.tiers)


def _most_rule(rule: str, param: float = 0.0):
    from search.scoring import Evaluator, Matches, clauses, minimum_should_match

    most = Evaluator.most

    def ranked(self, q, few, allowed=None):
        parts, excluded = clauses(q)
        if rule == "fb":  # the ranking so far, re-ranked within its tiers by RM3 feedback
            return _tiered_feedback(self, wq.Or(parts), most(self, q, few, allowed), allowed)
        if rule == "anyfew":  # few full matches: the same passages in the any-word search's order
            found = most(self, q, few, allowed)
            if found.tiers is None:
                return found
            words = wq.Or(parts)
            again = self.feedback(words, self.evaluate(words), allowed)
            if param == 3:  # most-anyfew-3: the shipped tiers, the second in the any-word search's order
                scores = np.zeros(self.size)
                scores[again.ids] = again.scores
                second = found.tiers == 1
                return Matches(found.ids, np.where(second, scores[found.ids], found.scores), found.tiers)
            if param == 2:  # most-anyfew-2: the all-words passages first, then the any-word search's
                full = found.ids[found.tiers == 0]
                rest = self._keep(again, Matches(full, found.scores[found.tiers == 0]), keep=False)
                ids = np.concatenate([full, rest.ids])
                order = np.argsort(ids, kind="stable")
                tiers = np.concatenate([np.zeros(len(full), np.int8), np.ones(len(rest), np.int8)])
                scores = np.concatenate([found.scores[found.tiers == 0], rest.scores])
                return Matches(ids[order], scores[order], tiers[order])
            if param:  # most-anyfew-1: every passage the any-word search finds
                return again
            scores = np.zeros(self.size)
            scores[again.ids] = again.scores
            return Matches(found.ids, scores[found.ids])
        if rule == "base" or len(parts) < 2:
            return most(self, q, few, allowed)
        count = np.zeros(self.size, dtype=np.int16)
        total = np.zeros(self.size)
        docs = []
        for clause in parts:
            part = self.evaluate(clause)
            count[part.ids] += 1
            total[part.ids] += part.scores
            docs.append(part.ids)
        for clause in excluded:
            count[self.evaluate(clause).ids] = 0
        ids = np.flatnonzero(count >= minimum_should_match(len(parts)))
        if rule == "mm":
            return Matches(ids, total[ids])
        if rule == "coord":
            return Matches(ids, total[ids] * count[ids] / len(parts))
        if rule == "levels":
            return Matches(ids, total[ids], (len(parts) - count[ids]).astype(np.int8))
        # "ratio" and "common": the shipped tiers with another first tier.
        if rule == "idf":  # the words carrying at least ``param`` of the query's idf
            from search.scoring import robertson_idf

            n = np.count_nonzero(self.live)
            idf = np.array([robertson_idf(n, len(d)) for d in docs])
            mass = np.zeros(self.size)
            for d, w in zip(docs, idf, strict=True):
                mass[d] += w
            first = mass >= param * idf.sum() - 1e-9
        elif rule == "common":  # every word but those in more than ``param`` of the passages
            rare = [d for d in docs if len(d) <= param * np.count_nonzero(self.live)] or docs
            need = np.zeros(self.size, dtype=np.int16)
            for d in rare:
                need[d] += 1
            first = (need == len(rare)) & (count > 0)
        else:
            first = count == len(parts)
        full = np.flatnonzero(first)
        shown = full if allowed is None or not len(full) else full[allowed[full]]
        if len(shown) >= few:
            return Matches(full, total[full])
        ids = np.flatnonzero(first | (count >= minimum_should_match(len(parts))))
        tiers = ~first[ids]
        if rule == "ratio":  # an all-words passage far below the best partial one joins the second tier
            partial = total[ids][tiers]
            tiers |= total[ids] < param * (partial.max() if len(partial) else 0.0)
        return Matches(ids, total[ids], tiers.astype(np.int8))

    return Evaluator, "most", ranked


# --- BM25F with one saturation per word ------------------------------------------------------------

def _bm25f(summed_length: bool = False):
    """Every "word in every field" group (an OR of one word's terms in the text fields) scored as one
    BM25F term: ``idf × tf~ (k1 + 1) / (tf~ + k1)`` with ``tf~ = Σ boost_f × tf_f / B_f`` and the idf of
    the passages with the word in any field. ``B_f`` is each field's own length normalisation
    (``1 − b + b × dl_f / avgdl_f``), or with ``summed_length`` one normalisation by the boost-weighted
    sum of the fields' lengths, as Lucene's ``CombinedFieldQuery`` does."""
    from index.schema import FIELD_BOOSTS
    from index.whoosh_internals import LENGTH_TABLE
    from search.scoring import Evaluator, Matches, robertson_idf

    evaluate = Evaluator.evaluate

    def lengths(self, field):
        found = self._field_lengths(field)
        avgdl = self.searcher.avg_field_length(field)  # 0 for a field no passage has
        return (LENGTH_TABLE[found] if found is not None else np.full(self.size, avgdl)), avgdl

    def combined(self, q, within=None):
        terms = q.subqueries if type(q) is wq.Or else ()
        if not terms or not all(isinstance(t, wq.Term) and FIELD_BOOSTS.get(t.fieldname) for t in terms):
            return evaluate(self, q, within)
        words: dict[str, list] = {}
        for term in terms:
            words.setdefault(term.text, []).append(term)
        total = np.zeros(self.size)
        seen = np.zeros(self.size, dtype=bool)
        for text, fields in words.items():
            tf = np.zeros(self.size)
            found = np.zeros(self.size, dtype=bool)
            dl_sum, avgdl_sum = np.zeros(self.size), 0.0
            repeats = max(t.boost / FIELD_BOOSTS[t.fieldname] for t in fields)
            for term in fields:
                weight = FIELD_BOOSTS[term.fieldname]
                dl, avgdl = lengths(self, term.fieldname)
                dl_sum += weight * dl
                avgdl_sum += weight * avgdl
                part = self._term(term.fieldname, text, 1.0, scored=False)
                if len(part):
                    norm = 1.0 if summed_length else 1 - self.b + self.b * dl[part.ids] / (avgdl or 1)
                    tf[part.ids] += weight * part.scores / norm
                    found[part.ids] = True
            ids = np.flatnonzero(found)
            if summed_length:
                tf[ids] /= 1 - self.b + self.b * dl_sum[ids] / (avgdl_sum or 1)
            idf = robertson_idf(self.searcher.doc_count_all(), len(ids))
            total[ids] += repeats * idf * tf[ids] * (self.k1 + 1) / (tf[ids] + self.k1)
            seen |= found
        ids = np.flatnonzero(seen)
        return self._within(Matches(ids, total[ids] * q.boost), within)  # each passage scored on its own

    return Evaluator, "evaluate", combined


# --- Bo1 feedback -----------------------------------------------------------------------------------

def _bo1(docs: int, terms: int, beta: float):
    from index.analysis import stop_list
    from index.schema import FIELD_BOOSTS
    from search import feedback
    from search.scoring import Evaluator, top

    excluded = stop_list("long")

    def again(self, q, found, allowed=None):
        if not len(found) or feedback.query_words(q)[0] < feedback.FEEDBACK_MIN_WORDS:
            return found
        analyzer = self.schema["answer"].analyzer
        counts: Counter[str] = Counter()
        for docnum, _score in top(found, allowed, docs):
            stored = self.searcher.stored_fields(docnum)
            text = f"{stored.get('question') or ''}\n{stored.get('answer') or ''}"
            counts.update(t.text for t in analyzer(text, mode="query")
                          if len(t.text) > 1 and not t.text.isdigit() and t.text not in excluded)
        n = self.searcher.doc_count_all()
        weights = {}
        for term, tf in counts.items():
            pn = max(1, sum(self.reader.frequency(f, term) for f in feedback.FEEDBACK_FIELDS)) / n
            weights[term] = tf * math.log2((1 + pn) / pn) + math.log2(1 + pn)
        best = sorted(weights.items(), key=lambda item: (-item[1], item[0]))[:terms]
        if not best:
            return found
        parts = [q] + [wq.Or([wq.Term(f, t, boost=FIELD_BOOSTS[f]) for f in feedback.FEEDBACK_FIELDS],
                             boost=beta * w / best[0][1]) for t, w in best]
        return self._keep(self.evaluate(wq.Or(parts)), found, keep=True)

    return Evaluator, "feedback", again


# --- derivational families at query time -------------------------------------------------------------

MIN_FAMILY_PREFIX = 3
"""A word's family is looked for only when it shares this many letters with its stem (``us`` has none)."""


def stem_family(word: str, terms, stem) -> list[str]:
    """The ``terms`` other than ``word`` whose ``stem`` is ``word``'s, sorted: its derivational family
    among them (Porter2: measure, measurement, measured → ``measur``; also animal, animator → ``anim``)."""
    root = stem(word)
    return sorted(t for t in terms if t != word and stem(t) == root)


def _families(weight: float, rerank: bool):
    """Any-word queries: each typed word (a term in a text field) also matches, at ``weight`` times its
    boost, the field's indexed words with the same Snowball (Porter2) stem; with ``rerank`` only the
    passages the typed words find are kept (the order changes, not the set)."""
    import Stemmer

    from index.schema import FIELD_BOOSTS
    from index.whoosh_internals import prefix_terms
    from search import feedback
    from search.scoring import Evaluator

    stem = Stemmer.Stemmer("english").stemWord
    rank = Evaluator.rank
    memo: dict[int, tuple] = {}  # id(reader) → (reader, {(field, word): family}); the reader is held so
    # that its id is not reused by the next collection's

    def family(reader, field: str, text: str) -> list[str]:
        _reader, found = memo.setdefault(id(reader), (reader, {}))
        if (field, text) not in found:
            prefix = os.path.commonprefix([stem(text), text])
            terms = prefix_terms(reader, field, prefix) if len(prefix) >= MIN_FAMILY_PREFIX else ()
            found[(field, text)] = stem_family(text, terms, stem)
        return found[(field, text)]

    def expanded(self, q):
        parts = list(q.subqueries) if type(q) is wq.Or else [q]
        extra = []
        for part in parts:
            if isinstance(part, wq.Term) and FIELD_BOOSTS.get(part.fieldname):
                extra += [wq.Term(part.fieldname, t, boost=part.boost * weight)
                          for t in family(self.reader, part.fieldname, part.text)]
        return wq.Or(parts + extra, boost=q.boost) if extra else q

    def ranked(self, q, match="most", allowed=None):
        if match != "any":
            return rank(self, q, match, allowed)
        qx = expanded(self, q)
        found = self.evaluate(qx)
        if rerank and qx is not q:
            found = self._keep(found, self.evaluate(q), keep=True)
        if not len(found) or feedback.query_words(q)[0] < feedback.FEEDBACK_MIN_WORDS:
            return found
        model = self.feedback_model(found, allowed)
        if not model:
            return found
        fq = feedback.feedback_query(q, model, FIELD_BOOSTS)
        typed = max(1.0, feedback.query_words(q)[1])
        fq = wq.Or([qx.with_boost(qx.boost * feedback.ORIGINAL_WEIGHT / typed)] + list(fq.subqueries[1:]))
        return self._keep(self.evaluate(fq), found, keep=True)

    return Evaluator, "rank", ranked


# --- divergence from randomness (Terrier's DPH and PL2) in place of BM25 -----------------------------

def _dfr(model: str, c: float = 1.0):
    """Every scored word weighted (:func:`_field_weight`) by Terrier's ``DPH`` (parameter-free
    hypergeometric model with Popper's normalisation) or ``PL2`` (Poisson, Laplace after-effect, length
    normalisation 2 with parameter ``c``) in place of BM25 (and the repeats of the word); the collection
    statistics are the field's, over the whole index."""
    log2e = math.log2(math.e)

    def weight(self, fieldname, btext, tf, dl, avgdl):
        n = self.searcher.doc_count_all()
        cf = max(1.0, float(self.searcher.frequency(fieldname, btext)))
        dl = np.maximum(dl, tf)  # the stored length is quantised
        if model == "dph":
            f = np.minimum(tf / dl, 0.999999)
            norm = (1 - f) ** 2 / (tf + 1)
            return norm * (tf * np.log2((tf * avgdl / dl) * (n / cf))
                           + 0.5 * np.log2(2 * math.pi * tf * (1 - f)))
        tfn = tf * np.log2(1 + c * avgdl / dl)  # pl2
        lam = cf / n
        return (tfn * np.log2(tfn / lam) + (lam - tfn) * log2e + 0.5 * np.log2(2 * math.pi * tfn)) / (tfn + 1)

    return _field_weight(weight)


def _field_weight(weight):
    """Every scored word in every field weighted by ``weight(evaluator, fieldname, btext, tf, dl, avgdl)``
    in place of BM25, per field as BM25 is, times the field's boost (``tf``, ``dl``: arrays over the
    word's matches in the field; ``avgdl`` the field's mean length). Returns the patch the trials apply."""
    from index.whoosh_internals import LENGTH_TABLE
    from search.scoring import Evaluator, Matches

    term = Evaluator._term

    def scored_term(self, fieldname, text, boost, scored=True, within=None):
        found = term(self, fieldname, text, 1.0, scored=False, within=within)
        if not (scored and len(found) and self.schema[fieldname].scorable):
            return Matches(found.ids, found.scores * boost) if boost != 1 else found
        btext = self.schema[fieldname].to_bytes(text) if not isinstance(text, bytes) else text
        avgdl = self.searcher.avg_field_length(fieldname) or 1
        lengths = self._field_lengths(fieldname)
        tf = found.scores
        dl = LENGTH_TABLE[lengths[found.ids]] if lengths is not None else np.full(len(tf), avgdl)
        return Matches(found.ids, weight(self, fieldname, btext, tf, dl, avgdl) * boost)

    return Evaluator, "_term", scored_term


def _ib(lam: str, c: float):
    """Lucene's ``IBSimilarity`` (Clinchant and Gaussier 2010's information-based model) with the
    log-logistic distribution, in place of BM25 (:func:`_field_weight`): ``log((tfn + λ) / λ)`` with
    ``tfn = tf × log2(1 + c × avgdl / dl)`` (normalisation H2) and ``λ = (df + 1) / (N + 1)``
    (``lam="df"``) or ``(cf + 1) / (N + 1)`` (``"ttf"``); Solr's ``IBSimilarityFactory distribution="LL"
    lambda="DF|TTF" normalization="H2"``."""

    def weight(self, fieldname, btext, tf, dl, avgdl):
        n = self.searcher.doc_count_all()
        count = self.searcher.doc_frequency(fieldname, btext) if lam == "df" else \
            self.searcher.frequency(fieldname, btext)
        lam_value = (float(count) + 1) / (n + 1)
        tfn = tf * np.log2(1 + c * avgdl / np.maximum(dl, 1))
        return np.log((tfn + lam_value) / lam_value)

    return _field_weight(weight)


# --- BM25 variants for short documents and Dirichlet language models ----------------------------------

def _tf_variant(model: str, param: float):
    """Every scored word weighted (:func:`_field_weight`) by ``bm25plus`` (Lv and Zhai 2011: BM25 plus
    ``param`` × idf for every field the word is in, so a long passage's match never scores near nothing),
    ``bm25l`` (Lv and Zhai 2011: the length-normalised frequency ``c = tf / (1 − b + b × dl / avgdl)``
    shifted by ``param`` before saturation) or ``lmd`` (Lucene's ``LMDirichletSimilarity``:
    ``log(1 + tf / (μ × p(w|field))) + log(μ / (dl + μ))``, at least 0, with μ = ``param``)."""
    from search.scoring import robertson_idf

    def weight(self, fieldname, btext, tf, dl, avgdl):
        k1, b = self.k1, self.b
        if model == "lmd":
            field_total = max(1.0, float(self.searcher.field_length(fieldname)))
            pc = max(1.0, float(self.searcher.frequency(fieldname, btext))) / field_total
            return np.maximum(0.0, np.log(1 + tf / (param * pc)) + np.log(param / (dl + param)))
        idf = robertson_idf(self.searcher.doc_count_all(), self.searcher.doc_frequency(fieldname, btext))
        norm = 1 - b + b * dl / avgdl
        if model == "bm25plus":
            return idf * (tf * (k1 + 1) / (tf + k1 * norm) + param)
        c = tf / norm + param  # bm25l
        return idf * c * (k1 + 1) / (c + k1)

    return _field_weight(weight)


# --- per-field k1 and b -------------------------------------------------------------------------------

def _per_field(question: tuple[float, float], answer: tuple[float, float]):
    """BM25 with its own (k1, b) for ``question`` and for ``answer`` (the other fields keep the index's)."""
    from search.scoring import Evaluator

    term = Evaluator._term
    own = {"question": question, "answer": answer}

    def scored_term(self, fieldname, text, boost, scored=True, within=None):
        if fieldname not in own or not scored:
            return term(self, fieldname, text, boost, scored, within)
        saved = self.k1, self.b
        self.k1, self.b = own[fieldname]
        try:
            return term(self, fieldname, text, boost, scored, within)
        finally:
            self.k1, self.b = saved

    return Evaluator, "_term", scored_term


# --- length normalisation set per index from its verbosity (Round 8) --------------------------------

def verbosity_slope(lengths: np.ndarray, distinct: np.ndarray) -> float:
    """How much of a field's length variation is verbosity: the least-squares slope of
    ``log(length / distinct words)`` on ``log(length)`` over the passages with the field (0: a longer
    passage only has more different words, its scope; 1: only repeats them). BM25's ``b`` corrects a
    word's frequency for length; a repeated word's frequency grows with verbosity, not with scope."""
    keep = lengths > 0
    if keep.sum() < 2:
        return 0.0
    log_length = np.log(lengths[keep])
    log_verbosity = np.log(lengths[keep] / distinct[keep])
    spread = log_length.var()
    return float(((log_length - log_length.mean()) * log_verbosity).mean() / spread) if spread else 0.0


def field_lengths(searcher, field: str) -> tuple[np.ndarray, np.ndarray]:
    """(length, distinct words) of ``field`` in every passage, its stored text analysed as indexed."""
    analyzer = searcher.schema[field].analyzer
    lengths, distinct = [], []
    for docnum in range(searcher.doc_count_all()):
        words = [t.text for t in analyzer(searcher.stored_fields(docnum).get(field) or "")]
        lengths.append(len(words))
        distinct.append(len(set(words)) or 1)
    return np.array(lengths, np.float64), np.array(distinct, np.float64)


def field_verbosity(searcher, field: str) -> float:
    """:func:`verbosity_slope` of ``field`` over every passage."""
    return verbosity_slope(*field_lengths(searcher, field))


NE_GRID = np.round(np.arange(0.01, 1.0001, 0.01), 2)


def normalisation_effect(lengths: np.ndarray) -> np.ndarray:
    """He and Ounis's normalisation effect of BM25's ``b`` at every :data:`NE_GRID` value, over the
    passages with the field: the variance of the length factor ``1 / (1 − b + b × dl / avgdl)`` divided
    by its largest (at b = 1). Their rule gives every collection the b whose effect equals a constant
    fitted on training collections; they take the variance over the documents that contain sampled query
    words, this query-free version over every passage with the field."""
    x = lengths[lengths > 0] / lengths[lengths > 0].mean()
    effect = np.array([np.var(1 / (1 - b + b * x)) for b in NE_GRID])
    return effect / effect.max()


def length_report(indexes: dict[str, Path], fields=("question", "answer")) -> list[str]:
    """Markdown rows, per index and field: passages, mean length, its coefficient of variation, the
    verbosity slope (:func:`verbosity_slope`), the normalisation effect at b 0.3 / 0.5 / 0.75 / 0.9, and
    the b that gives the field the effect ``answer`` has at b = 0.75 in each of the first two indexes
    (the tuning collections: He and Ounis's rule with its constant fitted on each)."""
    from search.engine import open_index

    stats = {}
    for name, path in indexes.items():
        with open_index(str(path)) as engine, engine.session() as state:
            for field in fields:
                lengths, distinct = field_lengths(state.searcher, field)
                if (lengths > 0).sum() >= 2:
                    stats[name, field] = lengths, distinct, normalisation_effect(lengths)
    at = {b: int(np.argmin(np.abs(NE_GRID - b))) for b in (0.3, 0.5, 0.75, 0.9)}
    targets = [(n, stats[n, "answer"][2][at[0.75]]) for n in list(indexes)[:2] if (n, "answer") in stats]
    rows = ["| index | field | passages | mean length | CV | verbosity slope "
            "| NE at b 0.3 / 0.5 / 0.75 / 0.9 | " + " | ".join(f"b with {n}'s NE" for n, _ in targets) + " |",
            "|" + "---|" * (7 + len(targets))]
    for (name, field), (lengths, distinct, effect) in stats.items():
        has = lengths[lengths > 0]
        matched = [f"{NE_GRID[np.argmin(np.abs(effect - target))]:.2f}" for _, target in targets]
        rows.append(f"| {name} | {field} | {len(has)} | {has.mean():.1f} | {has.std() / has.mean():.3f} | "
                    f"{verbosity_slope(lengths, distinct):.3f} | "
                    + " / ".join(f"{effect[i]:.2f}" for i in at.values()) + " | "
                    + " | ".join(matched) + " |")
    return rows


def _collection_b(rule: str, value: float, fields: tuple[str, ...]):
    """BM25 with each field of ``fields`` given its own b by ``rule`` from the index being searched
    (measured once per index; the other fields keep the index's b), with no relevance judgments:
    ``verbosity``, ``b = min(1, value × verbosity slope)`` (:func:`verbosity_slope`); ``ne``, He and
    Ounis's rule, the b whose :func:`normalisation_effect` is nearest ``value``. The one constant,
    ``value``, is fitted on Cranfield and CISI."""
    from search.scoring import Evaluator

    term = Evaluator._term
    memo: dict[tuple, float] = {}

    def b_of(self, fieldname: str) -> float:
        key = (tuple(leaf.segment().segment_id() for leaf, _ in self.leaves), fieldname)
        if key not in memo:
            if rule == "verbosity":
                memo[key] = min(1.0, value * field_verbosity(self.searcher, fieldname))
            elif rule == "avgdl":
                memo[key] = min(1.0, (self.searcher.avg_field_length(fieldname) or 0) / value)
            else:
                effect = normalisation_effect(field_lengths(self.searcher, fieldname)[0])
                memo[key] = float(NE_GRID[np.argmin(np.abs(effect - value))])
            print(f"{rule} {fieldname}: b {memo[key]:.3f}", file=sys.stderr)
        return memo[key]

    def scored_term(self, fieldname, text, boost, scored=True, within=None):
        if fieldname not in fields or not scored or not self.schema[fieldname].stored:
            return term(self, fieldname, text, boost, scored, within)
        saved = self.b
        self.b = b_of(self, fieldname)
        try:
            return term(self, fieldname, text, boost, scored, within)
        finally:
            self.b = saved

    return Evaluator, "_term", scored_term


# --- relevance-feedback variants (Round 8) ------------------------------------------------------------

def _feedback_uniform():
    """RM3 with every feedback passage weighing alike (the shipped model weighs each by its score)."""
    from search import feedback

    model = feedback.relevance_model

    def uniform(passages, size=None):
        return model([(terms, 0.0) for terms, _score in passages], size)

    return feedback, "relevance_model", uniform


def _feedback_answer():
    """RM3 whose model comes from the feedback passages' answers alone (not question + answer)."""
    from search import feedback
    from search.scoring import Evaluator, top

    def model(self, found, allowed=None):
        analyzer = self.schema["answer"].analyzer
        sample = []
        for docnum, score in top(found, allowed, feedback.FEEDBACK_DOCS):
            text = self.searcher.stored_fields(docnum).get("answer") or ""
            sample.append(([t.text for t in analyzer(text, mode="query")], score))
        return feedback.relevance_model(sample)

    return Evaluator, "feedback_model", model


# --- request phrasing left out of any-word queries (Round 8) -----------------------------------------

REQUEST_WORDS = frozenset({
    "what", "which", "how", "why", "who", "where", "when", "does", "do", "did", "has", "have", "had",
    "been", "anyone", "available", "there", "any", "papers", "paper", "articles", "article", "describe",
    "described", "describes", "describing", "discuss", "discussed", "discusses", "discussing", "find",
    "looking", "interested", "published", "literature", "want", "wanted", "please", "give"})
"""Words that phrase a request ("what papers describe …", "has anyone investigated …") rather than name
its subject, general English chosen from Cranfield's and CISI's topics (never NPL's)."""


def _request_words():
    """Any-word queries leave out :data:`REQUEST_WORDS` as well as the index's stop words."""
    from search import query

    stop_list = query.stop_list

    def with_requests(name):
        return stop_list("short") | REQUEST_WORDS if name == "request" else stop_list(name)

    return query, "stop_list", with_requests


@contextlib.contextmanager
def trial(name: str):
    """The ranking changed as trial ``name`` says (see the module docstring) while the block runs;
    ``a+b`` applies trials ``a`` and ``b`` together."""
    if "+" in name:
        with contextlib.ExitStack() as stack:
            for part in name.split("+"):
                stack.enter_context(trial(part))
            yield
        return
    kind, *args = name.split("-")
    if name == "bm25f-lucene":
        kind, args = name, []
    if kind == "base":
        yield
        return
    if kind == "proximity":
        owner, attr, replacement = _with_proximity(int(args[0]), float(args[1]))
    elif kind == "sdm":  # sdm-DEPTH-ORDERED-UNORDERED[-ORDERED_WINDOW-UNORDERED_WINDOW]
        owner, attr, replacement = _with_sdm(int(args[0]), float(args[1]), float(args[2]),
                                             *(int(a) for a in args[3:5]))
    elif kind == "rm3":  # rm3-DOCS-TERMS-WEIGHT, or rm3-none
        from bench.relevance import _ranking_variant

        with _ranking_variant(feedback="none" if args == ["none"] else name):
            yield
        return
    elif kind == "few":  # few-N: the shipped "most" rule with MOST_FEW = N
        from search import scoring

        saved_few, scoring.MOST_FEW = scoring.MOST_FEW, int(args[0])
        try:
            yield
        finally:
            scoring.MOST_FEW = saved_few
        return
    elif kind == "most":
        owner, attr, replacement = _most_rule(args[0], float(args[1]) if len(args) > 1 else 0.0)
    elif kind == "bm25f-lucene":
        owner, attr, replacement = _bm25f(summed_length=True)
    elif kind == "bm25f":
        owner, attr, replacement = _bm25f()
        if args:
            from bench.relevance import set_ranking
            from index import schema

            shipped = schema.BM25_K1, schema.BM25_B, schema.QUESTION_BOOST
            set_ranking(float(args[0]), float(args[1]), shipped[2])
    elif kind in ("family", "familyr"):
        owner, attr, replacement = _families(float(args[0]), rerank=kind == "familyr")
        if len(args) > 1:
            from bench.relevance import set_ranking
            from index import schema

            shipped = schema.BM25_K1, schema.BM25_B, schema.QUESTION_BOOST
            set_ranking(float(args[1]), float(args[2]), shipped[2])
    elif kind == "field":  # field-QK1-QB-AK1-AB
        values = [float(a) for a in args]
        owner, attr, replacement = _per_field((values[0], values[1]), (values[2], values[3]))
    elif kind in ("bm25plus", "bm25l", "lmd"):
        owner, attr, replacement = _tf_variant(kind, float(args[0]))
    elif kind == "ib":  # ib-df|ttf-C
        owner, attr, replacement = _ib(args[0], float(args[1]))
    elif kind in ("dph", "pl2"):
        owner, attr, replacement = _dfr(kind, float(args[0]) if args else 1.0)
    elif kind in ("verbosity", "ne", "avgdl"):  # verbosity-ALPHA[-FIELD.FIELD], ne-…, avgdl-LENGTH[-…]
        from index.schema import FIELD_BOOSTS

        fields = tuple(args[1].split(".")) if len(args) > 1 else \
            tuple(f for f, w in FIELD_BOOSTS.items() if w)
        owner, attr, replacement = _collection_b(kind, float(args[0]), fields)
    elif name == "fb-uniform":
        owner, attr, replacement = _feedback_uniform()
    elif name in ("fb-answer", "fb-answer-only"):
        owner, attr, replacement = _feedback_answer()
        if name == "fb-answer-only":
            from search import feedback

            saved_fields, feedback.FEEDBACK_FIELDS = feedback.FEEDBACK_FIELDS, ("answer",)
    elif kind == "request":
        from search import query

        owner, attr, replacement = _request_words()
        saved_stops, query.ANY_STOP_WORDS = query.ANY_STOP_WORDS, "request"
    elif kind == "bo1":
        owner, attr, replacement = _bo1(int(args[0]), int(args[1]), float(args[2]))
    else:
        raise ValueError(f"unknown trial {name!r}")
    saved = getattr(owner, attr)
    setattr(owner, attr, replacement)
    try:
        yield
    finally:
        setattr(owner, attr, saved)
        if (kind == "bm25f" and args) or (kind in ("family", "familyr") and len(args) > 1):
            set_ranking(*shipped)
        if kind == "request":
            query.ANY_STOP_WORDS = saved_stops
        if name == "fb-answer-only":
            feedback.FEEDBACK_FIELDS = saved_fields


# --- running ----------------------------------------------------------------------------------------

def run_collection(index_dir: Path, collection, match: str) -> dict[str, dict[str, float]]:
    """Every judged topic ranked as ``bench.relevance.run_ours(..., ranking_only=True)`` does, sent with
    ``match``."""
    from search.engine import open_index
    from search.query import expand_words, parse
    from search.scoring import top

    engine = open_index(str(index_dir))
    run = {}
    prefix = collection.name + "/"
    try:
        for qid, text in collection.queries.items():
            if qid not in collection.qrels:
                continue
            with engine.session() as state:
                searcher = state.searcher
                q, _ = expand_words(parse(topic_words(text), searcher.schema, match).query, searcher.reader())
                ranked = top(state.evaluator.rank(q, match), None, 1000)
                articles = [searcher.stored_fields(docnum)["article"] for docnum, _ in ranked]
            ranking: dict[str, float] = {}
            for article in articles:
                ranking.setdefault(article.removeprefix(prefix), float(1000 - len(ranking)))
            run[qid] = ranking
    finally:
        engine.close()
    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", default=",".join(TRIALS), help="comma-separated trial names")
    parser.add_argument("--collections", default="cranfield,cisi,npl")
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--work", type=Path, default=Path("var/relevance"),
                        help="scratch folder (the collections' indexes are built here once)")
    parser.add_argument("--no-judged", action="store_true", help="skip the judged interview set")
    parser.add_argument("--halves", action="store_true",
                        help="also the judged nDCG@10 of each half of the queries (A chooses, B checks)")
    parser.add_argument("--judged-index", type=Path, default=Path("var/index"),
                        help="our index of corpus/ as shipped (default var/index: `make index`)")
    parser.add_argument("--length-stats", action="store_true",
                        help="print each index's field-length statistics (for length normalisation rules)")
    args = parser.parse_args(argv)

    from bench.relevance import set_ranking
    from index import schema

    set_ranking(schema.BM25_K1, schema.BM25_B, schema.QUESTION_BOOST)
    names = [n for n in args.collections.split(",") if n]
    collections = {n: LOADERS[n](args.root) for n in names}
    args.work.mkdir(parents=True, exist_ok=True)
    indexes = {}
    for n, c in collections.items():
        existing = args.work / f"index-{n}-short"
        indexes[n] = existing if existing.exists() else build_index(c, args.work)
    if args.length_stats:
        with_judged = indexes if args.no_judged else {**indexes, "interviews": args.judged_index}
        print("\n".join(length_report(with_judged)))
        return 0
    judged_queries = qrels = None
    if not args.no_judged:
        from bench import judged

        qrels = judged.load_qrels()
        judged_queries = [q for q in judged.load_queries() if q.id in qrels]
        order = [q.id for q in judged_queries]
        halves = (order[0::2], order[1::2])  # A: 1st, 3rd, … query of queries.yml; B: the others
    rows = []
    exact: dict[str, float | None] = {}
    for name in args.trials.split(","):
        started = time.process_time()
        match = "most" if name.startswith(("most-", "few-")) else "any"
        row: dict = {"trial": name, "sent as": match}
        with trial(name):
            unrounded = {}
            for n, c in collections.items():
                scores = evaluate(c.qrels, run_collection(indexes[n], c, match))
                row[n], unrounded[n] = scores["map"], scores["map_exact"]
            if judged_queries is not None:
                for mode in ("most", "any"):
                    rank, close = judged.ours(args.judged_index, mode)
                    try:
                        ranked = {q.id: rank(q.text, judged.EVAL_DEPTH) for q in judged_queries}
                    finally:
                        close()
                    scores = judged.evaluate(qrels, ranked)
                    row[f"judged {mode}"] = f"{scores['ndcg_10']:.4f} / {scores['mrr']:.4f}"
                    # Passages nobody graded count as 0: many of them make the figure a lower bound.
                    unjudged = [sum(p not in qrels[q] for q, ids in ranked.items() for p in ids[:depth])
                                for depth in (10, 20)]
                    row[f"{mode} unjudged"] = f"{unjudged[0]} / {unjudged[1]}"
                    if args.halves:
                        row[f"{mode} A / B"] = " / ".join(
                            f"{judged.evaluate({q: qrels[q] for q in half}, ranked)['ndcg_10']:.4f}"
                            for half in halves)
        tuning = [unrounded[n] for n in TUNING if n in unrounded]
        exact[name] = sum(tuning) / len(tuning) if tuning else None  # the verdict's, unrounded
        row["mean"] = round(exact[name], 4) if tuning else None
        row["cpu s"] = round(time.process_time() - started)
        rows.append(row)
        print(" ".join(f"{k}={v}" for k, v in row.items()), file=sys.stderr, flush=True)
    judged_columns = ["judged most", "judged any", "most unjudged", "any unjudged"]
    judged_columns += ["most A / B", "any A / B"] if args.halves else []
    columns = ["trial", "sent as", "mean", *names, *(judged_columns if qrels else [])]
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    base = {r["sent as"]: exact[r["trial"]] for r in rows if r["trial"] in ("base", "most-base")}
    for row in rows:
        print("| " + " | ".join(str(row.get(c, "")) for c in columns) + " |")
    for row in rows:
        reference = base.get(row["sent as"])
        mean = exact[row["trial"]]
        if row["trial"] not in ("base", "most-base") and reference is not None and mean is not None:
            verdict = "would ship" if mean > reference + MIN_GAIN else "not chosen"
            print(f"{row['trial']}: Cranfield/CISI mean {mean:.5f} against {reference:.5f} "
                  f"({mean - reference:+.6f}): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
