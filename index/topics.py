"""Topics of a question, from the taxonomy in ``index/data/topics.yml``.

Interview sites reuse question templates with small changes ("Would you say it’s been a smooth road…" /
"Has it been a smooth road?"), so matching is on meaning-bearing words, not spelling: the question and
each example phrasing are reduced to stemmed content words (stop words dropped, Porter stems). A topic
matches when

- one of its cue phrases occurs in the question (stemmed words, in order), or
- the question contains at least ``MIN_SHARE`` of an example's content words (and at least two of
  them, or the example's only one).

A question may get several topics; "other" is given only when no topic matched.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from whoosh.lang.porter import stem

from index import vocab

MIN_SHARE = 0.6
"""Share (0–1) of an example's content words the question must contain to match it."""
OTHER = "other"
INTRO_TOPIC = "background and introduction"
"""The topic of an article's intro passage (it introduces the interviewee)."""

_WORD = re.compile(r"[a-z0-9]+(?:[’'][a-z]+)?")
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "by",
        "for",
        "with",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "have",
        "has",
        "had",
        "having",
        "i",
        "you",
        "your",
        "yours",
        "yourself",
        "we",
        "our",
        "us",
        "me",
        "my",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "how",
        "why",
        "when",
        "where",
        "would",
        "could",
        "should",
        "can",
        "will",
        "shall",
        "may",
        "might",
        "must",
        "so",
        "any",
        "some",
        "more",
        "most",
        "very",
        "just",
        "also",
        "too",
        "not",
        "no",
        "than",
        "then",
        "them",
        "they",
        "their",
        "he",
        "she",
        "his",
        "her",
        "say",
        "tell",
        "us",
        "about",
        "like",
        "let",
        "any",
        "ever",
        "well",
        "into",
        "up",
        "out",
        "over",
        "all",
        "into",
        "go",
        "get",
        "got",
    ]
)


def content_stems(text: str) -> tuple[str, ...]:
    """Stemmed content words of ``text`` in order (lowercased, apostrophes normalised, stop words out)."""
    words = _WORD.findall(text.lower().replace("’", "'"))
    return tuple(stem(w) for w in words if w not in _STOP)


def _all_stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(text.lower().replace("’", "'")))


@cache
def _taxonomy() -> list[tuple[str, list[tuple[str, ...]], list[frozenset[str]]]]:
    out = []
    for topic, spec in vocab.load("topics").items():
        spec = spec or {}
        cues = [_all_stems(str(c)) for c in spec.get("cues") or []]
        examples = [frozenset(content_stems(str(e))) for e in spec.get("examples") or []]
        out.append((str(topic), [c for c in cues if c], [e for e in examples if e]))
    return out


def _contains(sequence: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    n = len(phrase)
    return any(sequence[i : i + n] == phrase for i in range(len(sequence) - n + 1))


def classify_question(question: str) -> list[str]:
    """Topics of ``question`` in taxonomy order; ``["other"]`` when none matched, ``[]`` when empty."""
    return list(_classify(question))


@lru_cache(maxsize=4096)
def _classify(question: str) -> tuple[str, ...]:
    # Interview series ask the same questions again and again (VoyageLA's dozen, usesthis's four):
    # a build classifies each distinct question once per worker.
    if not question.strip():
        return ()
    words = _all_stems(question)
    content = frozenset(content_stems(question))
    topics = []
    for topic, cues, examples in _taxonomy():
        if topic == OTHER:
            continue
        if any(_contains(words, cue) for cue in cues):
            topics.append(topic)
            continue
        for example in examples:
            shared = len(example & content)
            if shared >= min(2, len(example)) and shared / len(example) >= MIN_SHARE:
                topics.append(topic)
                break
    return tuple(topics) or (OTHER,)
