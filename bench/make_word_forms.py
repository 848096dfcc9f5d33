"""Generate ``index/data/word_forms.txt``, the word → word-form dictionary of the analysis chain.

    .venv/bin/pip install lemminflect==0.2.3 && .venv/bin/python -m bench.make_word_forms

The dictionary maps a lower-case word to the term it is indexed and searched as; words it does not list
go through :func:`index.analysis.minimal_stem` (Lucene's ``EnglishMinimalStemmer``, plurals only). It is
what Solr's ``StemmerOverrideFilterFactory`` reads, so both engines give every word the same term.

Where the entries come from:

1. **Inflections** from the lemma table of lemminflect 0.2.3 (MIT; built from the U.S. National Library
   of Medicine's SPECIALIST Lexicon): every lower-case noun, verb and adjective form → its lemma
   (``women`` → ``woman``, ``knitting`` → ``knit``, ``mice`` → ``mouse``, ``bigger`` → ``big``). A word
   with lemmas in several parts of speech takes its noun lemma, except ``-ing``/``-ed`` words, which
   take their verb lemma (``painting`` → ``paint``); a word listed as its own lemma in the chosen part of
   speech stays itself (``media`` stays apart from ``medium``, ``goods`` from ``good``, ``news`` from
   ``new``). ``-en`` and ``-wn`` words take their verb lemma too (``given`` → ``give``, ``known`` →
   ``know``), and a lemma's own form is followed (``drawings`` → ``drawing`` → ``draw``).
2. **Derivations that keep the meaning**, by two suffix rules checked against the lexicon: a noun in
   ``-ation`` whose ``-ate`` verb exists (``nomination`` → ``nominate``, ``animation`` → ``animate``), and
   ``-ization`` → ``-ize`` (``organization`` → ``organize``, never ``organ``); :data:`NOT_DERIVED` lists
   the nouns whose meaning left the verb's (``generation``, ``situation``, ``vacation``).
3. **British spellings** meet American ones where the lexicon has both as the same part of speech:
   ``-our``/``-or``, ``-ise``/``-ize``, ``-isation``/``-ization``, ``-yse``/``-yze``, ``-tre``/``-ter``,
   ``-ogue``/``-og``, ``-ence``/``-ense``, ``-mme``/``-m`` (``colour`` = ``color``, ``centre`` = ``center``).
4. ``index/data/word_forms_manual.txt``: hand-made entries, which win over everything above.

Only entries the minimal stemmer would get wrong are written (``films`` → ``film`` needs none), plus a
word that is its own term when the stemmer would change it (``news``, ``lens``). The file is sorted.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

from index.analysis import DATA_DIR, WORD_FORMS_FILE, minimal_stem

MANUAL_FILE = DATA_DIR / "word_forms_manual.txt"
_ASCII_WORD = re.compile(r"[a-z]+")
POS = ("noun", "verb", "adj")
"""Parts of speech taken from the lemma table (adverbs and auxiliaries keep their own forms)."""
NOT_DERIVED = frozenset({
    "aspiration", "civilization", "deflation", "determination", "generation", "implication", "inflation",
    "probation", "recreation", "situation", "vacation", "vegetation", "station", "ration", "nation",
    "constellation", "relation", "population", "operation", "designation", "conservation",
})
"""Nouns the derivation rules would join to a verb they no longer mean ("my generation" is not
"generate"; "recreation" is not "recreate")."""
SPELLINGS = [("our", "or"), ("mme", "m"), ("isation", "ization"), ("ise", "ize"), ("ised", "ized"),
             ("ising", "izing"), ("yse", "yze"), ("tre", "ter"), ("ogue", "og"), ("ence", "ense")]
"""British → American endings; both spellings must be in the lexicon (and the word ≥ 5 letters)."""


def read_lemma_table(path: Path) -> dict[str, dict[str, list[str]]]:
    """lemminflect's ``lemma_lu.csv.gz``: word → {part of speech → lemmas, most likely first}."""
    table: dict[str, dict[str, list[str]]] = defaultdict(dict)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            word, pos, lemmas = line.rstrip("\n").split(",", 2)
            if pos in POS and _ASCII_WORD.fullmatch(word):
                table[word][pos] = [lemma for lemma in lemmas.split("/") if _ASCII_WORD.fullmatch(lemma)]
    return table


def lemma_of(word: str, entry: dict[str, list[str]]) -> str:
    order = ("verb", "noun", "adj") if word.endswith(("ing", "ed", "en", "wn")) else ("noun", "verb", "adj")
    for pos in order:
        lemmas = entry.get(pos)
        if lemmas:
            return word if word in lemmas else lemmas[0]
    return word


def derived(lemma: str, verbs: set[str]) -> str:
    """The verb a meaning-keeping derived noun belongs to, else the lemma itself."""
    if lemma in NOT_DERIVED:
        return lemma
    if lemma.endswith("ization") and lemma[:-7] + "ize" in verbs:
        return lemma[:-7] + "ize"
    if lemma.endswith("ation") and len(lemma) >= 8 and lemma[:-5] + "ate" in verbs:
        return lemma[:-5] + "ate"
    return lemma


def american(word: str, lexicon: set[str]) -> str:
    if len(word) >= 5:
        for uk, us in SPELLINGS:
            if word.endswith(uk):
                candidate = word[: -len(uk)] + us
                if candidate in lexicon:
                    return candidate
    return word


def read_manual(path: Path) -> dict[str, str]:
    entries = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            word, term = line.split("\t")
            entries[word.strip()] = term.strip()
    return entries


def generate(lemma_table: Path, manual: Path = MANUAL_FILE) -> dict[str, str]:
    """word → term for every word the minimal stemmer alone would index wrongly."""
    table = read_lemma_table(lemma_table)
    lexicon = set(table)
    verbs = {lemma for entry in table.values() for lemma in entry.get("verb", [])}
    lexicon |= {lemma for entry in table.values() for lemmas in entry.values() for lemma in lemmas}

    def term(word: str, depth: int = 0) -> str:
        entry = table.get(word)
        lemma = lemma_of(word, entry) if entry else word
        if lemma != word and depth < 2:
            return term(lemma, depth + 1)  # drawings → drawing → draw
        return derived(american(lemma, lexicon), verbs)

    terms = {word: term(word) for word in sorted(lexicon)}
    for word, target in read_manual(manual).items():
        terms[word] = target
    # A target is indexed as itself: list it when the stemmer would change it (lens → len).
    for target in set(terms.values()):
        terms.setdefault(target, target)
    return {word: target for word, target in sorted(terms.items()) if minimal_stem(word) != target}


HEADER = """\
# Word → indexed word form, one "word<TAB>form" a line (Solr's StemmerOverrideFilterFactory format).
# The analysis chain (docs/analysis.md) looks every lower-cased word up here; a word not listed goes
# through Lucene's EnglishMinimalStemmer (plurals only). Generated by bench/make_word_forms.py from
# lemminflect 0.2.3's lemma table (MIT licence; built from the U.S. National Library of Medicine's
# SPECIALIST Lexicon), two derivation rules and index/data/word_forms_manual.txt; edit that file and
# re-run the script rather than editing this one. Changing it needs `interviews build`.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lemma-table", type=Path, help="lemminflect's resources/lemma_lu.csv.gz "
                        "(default: from the installed lemminflect)")
    parser.add_argument("--out", type=Path, default=WORD_FORMS_FILE)
    args = parser.parse_args(argv)
    path = args.lemma_table
    if path is None:
        try:
            import lemminflect
        except ImportError:
            print("make_word_forms: pip install lemminflect==0.2.3 first", file=sys.stderr)
            return 1
        path = Path(os.path.dirname(lemminflect.__file__)) / "resources" / "lemma_lu.csv.gz"
    entries = generate(path)
    bad = [w for w in entries if not re.fullmatch(r"[a-z']+", w)]
    if bad:
        print(f"make_word_forms: unexpected words {bad[:5]}", file=sys.stderr)
        return 1
    with open(args.out, "w", encoding="utf-8") as fh:
        fh.write(HEADER)
        for word, target in entries.items():
            fh.write(f"{word}\t{target}\n")
    print(f"wrote {args.out}: {len(entries)} entries")
    return 0


if __name__ == "__main__":
    sys.exit(main())
