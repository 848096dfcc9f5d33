"""Pseudo-relevance feedback for long any-word queries: RM3 over the first passages found.

A long request in plain words (``match="any"``: pasted prose, a research question) names its subject
in the writer's words, not always in the words of the passages that answer it. Relevance feedback
takes the first :data:`FEEDBACK_DOCS` passages the query finds as a sample of what it is about, builds
a model of their words (RM1: each passage's word frequencies, weighted by its share of their scores),
keeps its :data:`FEEDBACK_TERMS` strongest words, and ranks again by
``ORIGINAL_WEIGHT × original + (1 − ORIGINAL_WEIGHT) × feedback`` (RM3, Lavrenko and Croft 2001;
Abdul-Jaleel et al. 2004), each part normalised as the model prescribes (see :func:`feedback_query`).
Feedback only re-ranks: a passage with feedback words alone is not added, so the total, the facet
counts and the highlighted words are those of the query as typed.

The words come from the passages' stored question and answer analysed by the index's own chain, so
they are index terms (the same for Solr, whose schema mirrors the chain). Words of the long stop list,
numbers and single characters are left out of the model. Short queries (fewer than
:data:`FEEDBACK_MIN_WORDS` words) and the other match modes are ranked as they are: a name or a few
keywords say exactly what is wanted, and feedback would pull in what the first hits also talk about.

The constants were chosen on Cranfield and CISI only, never on NPL or the judged interview set, by the
harness's grid (``python -m bench.ranking_trials --trials rm3-…``; docs/benchmarks.md, "Round 7"): 3
passages and 40 words at weight 0.5 (mean MAP 0.2767 against 0.2726 for the earlier 5 passages and 30
words, which came from a scratch grid). The harness changes them between runs, so they are read at each
call.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from whoosh import query as wq

from index.analysis import stop_list
from index.schema import FIELD_BOOSTS

FEEDBACK_MIN_WORDS = 3
"""Any-word queries with at least this many distinct words (after stop words) get feedback: fewer are
a name or a couple of keywords, which say exactly what is wanted (not tuned: every Cranfield and CISI
query is longer)."""
FEEDBACK_DOCS = 3
"""Passages the model is built from: the first this many the query finds."""
FEEDBACK_TERMS = 40
"""Words kept from the model (the strongest)."""
ORIGINAL_WEIGHT = 0.5
"""Share of the original query in the final ranking (RM3's λ); the feedback words get the rest."""
FEEDBACK_FIELDS = ("question", "answer")
"""Fields the feedback words are searched in, with the query's field boosts."""


def _excluded() -> frozenset[str]:
    return stop_list("long")


def relevance_model(passages: Iterable[tuple[list[str], float]],
                    size: int | None = None) -> dict[str, float]:
    """RM1 over ``passages`` (each its index terms in order and its score): term → weight, the ``size``
    strongest (default :data:`FEEDBACK_TERMS`, read at the call), weights summing to 1. A passage
    weighs its share of the scores (all alike if none is positive); within it, a term weighs its
    frequency over the passage's length. Stop-list words, numbers and one-letter terms are left out."""
    excluded = _excluded()
    kept = []
    for terms, score in passages:
        words = [t for t in terms if len(t) > 1 and not t.isdigit() and t not in excluded]
        if words:
            kept.append((words, max(float(score), 0.0)))
    if not kept:
        return {}
    total = sum(score for _, score in kept)
    model: Counter[str] = Counter()
    for words, score in kept:
        share = score / total if total > 0 else 1 / len(kept)
        for term, count in Counter(words).items():
            model[term] += share * count / len(words)
    size = FEEDBACK_TERMS if size is None else size
    best = sorted(model.items(), key=lambda item: (-item[1], item[0]))[:size]
    mass = sum(weight for _, weight in best)
    return {term: weight / mass for term, weight in best}


def query_words(q: wq.Query) -> tuple[int, float]:
    """(distinct words, words as typed) of a parsed any-word query.

    Every plain word is searched in ``answer`` among other fields: a word is a top-level part of the
    query in that field (a term or phrase, a group of synonyms, a hyphenated word's alternatives), and
    its boost there is how often it was typed (``search.query._weight_repeats``).
    """
    parts = q.subqueries if isinstance(q, wq.Or) and not isinstance(q, wq.DisjunctionMax) else [q]
    answer_boost = FIELD_BOOSTS["answer"] or 1.0
    typed: dict[str, float] = {}
    for part in parts:
        leaves = [part] if part.is_leaf() else list(part.leaves())
        mine = [leaf for leaf in leaves if getattr(leaf, "fieldname", None) == "answer"]
        if mine:
            key = repr([leaf.with_boost(1.0) for leaf in mine])
            typed[key] = typed.get(key, 0.0) + (part.boost / answer_boost if part.is_leaf() else part.boost)
    return len(typed), sum(typed.values())


def feedback_query(q: wq.Query, model: dict[str, float], field_boosts: dict[str, float],
                   weight: float | None = None) -> wq.Query:
    """RM3's query: ``q`` with each typed word at ``weight`` (default :data:`ORIGINAL_WEIGHT`, read at
    the call) / (words typed), plus every model term at (1 − ``weight``) × its model weight, searched in
    :data:`FEEDBACK_FIELDS` with ``field_boosts``."""
    weight = ORIGINAL_WEIGHT if weight is None else weight
    typed = max(1.0, query_words(q)[1])
    parts = [q.with_boost(q.boost * weight / typed)]
    for term, share in model.items():
        fields = [wq.Term(f, term, boost=field_boosts[f]) for f in FEEDBACK_FIELDS]
        parts.append(wq.Or(fields, boost=(1 - weight) * share))
    return wq.Or(parts)
