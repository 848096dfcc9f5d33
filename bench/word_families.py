"""Word forms side by side: which analysers join the words people expect and keep different words apart.

    .venv/bin/pip install pystemmer==3.1.0 krovetzstemmer==0.8 simplemma==2.0.0 lemminflect==0.2.3
    .venv/bin/python -m bench.word_families            # table for docs/analysis.md
    .venv/bin/python -m bench.word_families --misses   # and every pair each option gets wrong

Scores every option on ``bench/data/word_families.tsv`` (pairs that must meet, pairs that must stay
apart). Two words *meet* when a search for one finds the other: they share an index term. For each
option: recall (must-meet pairs joined), kept apart (must-apart pairs not joined), precision (joined pairs
that should be), and its cost per word (the word-form step alone over the distinct words of the seeds and
400 articles of The Setup, one at a time, CPU time; the whole shipping chain, tokenizer to word forms, is
timed on its own line). Options whose package is not installed are skipped.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from index.analysis import WORD_PATTERN, minimal_stem, text_analyzer, word_form

FAMILIES = Path(__file__).resolve().parent / "data" / "word_families.tsv"
REPO = Path(__file__).resolve().parent.parent


def read_pairs(path: Path = FAMILIES) -> list[tuple[str, str, bool]]:
    """(word, word, must meet) for every line of the family set."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            a, b, kind = line.split("\t")
            if kind not in ("meet", "apart"):
                raise ValueError(f"{path.name}: {line!r}: the third column is meet or apart")
            pairs.append((a, b, kind == "meet"))
    return pairs


def score(analyse: Callable[[str], set[str]], pairs: list[tuple[str, str, bool]]) -> dict:
    """Recall, kept-apart rate and precision of ``analyse`` (word → its set of terms) on ``pairs``."""
    joined_right = joined_wrong = meet_total = apart_total = 0
    misses: list[str] = []
    for a, b, meet in pairs:
        joined = bool(analyse(a) & analyse(b))
        if meet:
            meet_total += 1
            joined_right += joined
        else:
            apart_total += 1
            joined_wrong += joined
        if joined != meet:
            misses.append(f"{a}/{b} ({'not joined' if meet else 'joined'})")
    return {
        "recall": joined_right / meet_total,
        "apart": 1 - joined_wrong / apart_total,
        "precision": joined_right / max(1, joined_right + joined_wrong),
        "pairs": len(pairs),
        "misses": misses,
    }


def _ours(word: str) -> set[str]:
    return {token.text for token in _ANALYZER(word, mode="index")}


_ANALYZER = text_analyzer()

def _single(fn: Callable[[str], str]) -> Callable[[str], set[str]]:
    return lambda word: {fn(word.lower().removesuffix("'s"))}


def options() -> dict[str, Callable[[str], set[str]]]:
    """Every option that can run here: name → word → set of terms."""
    found: dict[str, Callable[[str], set[str]]] = {}
    from whoosh.lang.porter import stem as whoosh_porter

    found["Whoosh 2.7.4 Porter (before)"] = _single(whoosh_porter)
    try:
        import Stemmer

        porter = Stemmer.Stemmer("porter")
        found["Porter, original (PyStemmer; Lucene PorterStemFilter)"] = _single(porter.stemWord)
        snowball = Stemmer.Stemmer("english")
        found["Snowball English (PyStemmer; Lucene SnowballPorterFilter)"] = _single(snowball.stemWord)

        def exact_and_snowball(word: str) -> set[str]:
            word = word.lower().removesuffix("'s")
            return {"=" + word, snowball.stemWord(word)}

        found["exact field + Snowball field (exact ranked higher)"] = exact_and_snowball
    except ImportError:
        pass
    try:
        import krovetzstemmer

        found["Krovetz (krovetzstemmer; Lucene KStemFilter)"] = _single(krovetzstemmer.Stemmer().stem)
    except ImportError:
        pass
    found["English minimal plural stemmer (Lucene EnglishMinimalStemFilter)"] = _single(minimal_stem)
    try:
        import simplemma

        found["simplemma 2 lemmatiser"] = _single(lambda w: simplemma.lemmatize(w, lang="en"))
    except ImportError:
        pass
    try:
        import lemminflect

        def lemma(word: str) -> str:
            found_lemmas = lemminflect.getAllLemmas(word)
            for pos in ("NOUN", "VERB", "ADJ", "ADV"):
                if pos in found_lemmas:
                    return found_lemmas[pos][0]
            return word

        found["lemminflect lemmatiser (noun, else verb, else adjective)"] = _single(lemma)
    except ImportError:
        pass
    found["ours: word_forms.txt + minimal plural stemmer (shipping)"] = _single(word_form)
    return found


def corpus_words(limit: int = 400) -> list[str]:
    """Distinct source words of the seeds and the first ``limit`` articles of The Setup (for timing)."""
    words: dict[str, None] = {}
    folders = [REPO / "corpus" / name for name in sorted(p.name for p in (REPO / "corpus").iterdir())]
    files = [p for folder in folders if folder.is_dir() for p in sorted(folder.iterdir())
             if p.suffix in (".txt", ".md", ".markdown", ".html")][:limit]
    for path in files:
        for word in WORD_PATTERN.findall(path.read_text(encoding="utf-8", errors="replace")):
            words[word] = None
    return list(words)


def cost_per_word(analyse: Callable[[str], set[str]], words: list[str]) -> float:
    """CPU microseconds per distinct word (the build analyses each distinct word once)."""
    started = time.process_time()
    for word in words:
        analyse(word)
    return (time.process_time() - started) / max(1, len(words)) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="list the pairs each option gets wrong")
    args = parser.parse_args(argv)
    pairs = read_pairs()
    words = corpus_words()
    meet = sum(1 for p in pairs if p[2])
    print(f"{len(pairs)} pairs ({meet} must meet, {len(pairs) - meet} must stay apart); "
          f"cost over {len(words)} distinct words\n")
    print("| option | recall | kept apart | precision | µs/word |")
    print("|---|---:|---:|---:|---:|")
    for name, analyse in options().items():
        result = score(analyse, pairs)
        micros = cost_per_word(analyse, words)
        print(f"| {name} | {result['recall']:.3f} | {result['apart']:.3f} | {result['precision']:.3f} "
              f"| {micros:.1f} |")
        if args.misses:
            print(f"|   misses: {', '.join(result['misses']) or 'none'} | | | | |")
    print(f"\nThe whole shipping chain (tokenizer, acronyms, lower-case, stop words, word forms): "
          f"{cost_per_word(_ours, words):.1f} µs per distinct word.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
