"""Text analysis: how running text becomes index terms — one definition, mirrored by the Solr schema.

The chain (docs/analysis.md gives it step by step with its Solr counterpart):

1. **Fold** characters with ``data/folding.txt`` (accents: ``Thérèse`` → ``Therese``; curly apostrophes →
   ``'``), one character for one, so offsets stay true.
2. **Tokenize** (:class:`WordTokenizer`): a word is a dotted acronym (``U.S.``) or a run of
   letters/digits that may hold apostrophes and hyphens (``we'd``, ``Covid-19``); a trailing possessive
   ``'s`` goes; a hyphenated word gives its parts,
   one position each, and — when indexing — also the parts joined, at the first part's position
   (``covid``, ``covid19``, ``19``).
3. **Acronyms** (case-sensitive): a token written exactly as in ``data/acronyms.txt`` (``LA``, ``US``,
   ``IT``) is indexed as its dotted form (``l.a.``), so it never meets the ordinary word (``la`` in "de la
   Vega", ``us``).
4. **Lower-case.**
5. **Stop words** of the index's stop list (``data/stop_words_<name>.txt``) are removed, leaving their
   position empty (as Lucene's ``StopFilter`` does): the phrase ``"rock and roll"`` matches "rock and roll"
   and not "rock roll".
6. **Word forms**: ``data/word_forms.txt`` maps a word to its indexed form (``women`` → ``woman``,
   ``knitting`` → ``knit``, ``nominated`` and ``nomination`` → ``nominate``); any other word loses a plural
   ending by :func:`minimal_stem` (Lucene's ``EnglishMinimalStemmer``: ``films`` → ``film``).

Synonyms (``data/synonyms.txt``, Solr's format) are applied to queries only (:func:`synonyms`), so a user
can extend the file without rebuilding. Everything that decides index terms is fingerprinted
(:func:`fingerprint`); an index built with another fingerprint must be rebuilt.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from whoosh.analysis import Filter, LowercaseFilter, StopFilter, Token, Tokenizer

DATA_DIR = Path(__file__).with_name("data")
WORD_FORMS_FILE = DATA_DIR / "word_forms.txt"
FOLDING_FILE = DATA_DIR / "folding.txt"
ACRONYMS_FILE = DATA_DIR / "acronyms.txt"
SYNONYMS_FILE = DATA_DIR / "synonyms.txt"
STOP_LISTS = ("short", "long")
"""``short``: 34 English stop words (Whoosh's list; the default: interview searchers look for words such as
"first", "show" or "top"). ``long``: the Glasgow IR group's 318-word list (``data/stop_words_long.txt``,
with its provenance)."""
DEFAULT_STOP_WORDS = "short"
CHAIN_VERSION = 2
"""Bumped when the code of the chain changes what terms it gives; the data files are hashed."""

WORD_PATTERN = re.compile(r"(?:[A-Za-z]\.){2,}|\w+(?:['\u2019\u02bc-]\w+)*")
"""What the tokenizer treats as one source word (before apostrophe and hyphen handling): a dotted
acronym (``U.S.``, ``L.A.``), or a run of letters/digits with inner apostrophes and hyphens."""
_POSSESSIVE = re.compile(r"'s$", re.IGNORECASE)


# --- data files ----------------------------------------------------------------------------------------

def _lines(path: Path) -> list[str]:
    """Non-empty lines without ``#`` comments (the convention of Solr's word-list files)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(line)
    return out


@functools.cache
def folding() -> dict[int, str]:
    """``str.translate`` table from ``data/folding.txt`` (Solr ``MappingCharFilterFactory`` format)."""
    table = {}
    for line in _lines(FOLDING_FILE):
        match = re.fullmatch(r'"(.)"\s*=>\s*"(.)"', line)
        if not match:
            raise ValueError(f"{FOLDING_FILE}: bad line {line!r}")
        table[ord(match.group(1))] = match.group(2)
    return table


@functools.cache
def stop_list(name: str = DEFAULT_STOP_WORDS) -> frozenset[str]:
    """The lower-case words of stop list ``name`` (one of :data:`STOP_LISTS`); ValueError if unknown."""
    if name not in STOP_LISTS:
        raise ValueError(f"unknown stop list {name!r} (known: {', '.join(STOP_LISTS)})")
    return frozenset(w.lower() for w in _lines(DATA_DIR / f"stop_words_{name}.txt"))


@functools.cache
def acronyms() -> dict[str, str]:
    """Acronym as written (``LA``) → its index term (``l.a.``), from ``data/acronyms.txt``."""
    out = {}
    for line in _lines(ACRONYMS_FILE):
        if not re.fullmatch(r"[A-Z][A-Z0-9]+", line):
            raise ValueError(f"{ACRONYMS_FILE}: {line!r} is not an upper-case acronym")
        out[line] = acronym_term(line)
    return out


def acronym_term(acronym: str) -> str:
    """The index term of a listed acronym: its letters, lower-case, each followed by a dot."""
    return "".join(ch + "." for ch in acronym.lower())


@functools.cache
def word_forms() -> dict[str, str]:
    """Word → indexed form, from ``data/word_forms.txt`` (Solr ``StemmerOverrideFilterFactory`` format)."""
    out = {}
    for line in _lines(WORD_FORMS_FILE):
        word, _, form = line.partition("\t")
        out[word] = form
    return out


def minimal_stem(word: str) -> str:
    """Lucene's ``EnglishMinimalStemmer`` (Harman's "S-stemmer"): plural endings only.

    ``-ies`` → ``-y`` (not after ``a``/``e``), ``-es`` kept after ``a``/``e``/``i``/``o``, a final ``-s``
    dropped unless after ``s`` or ``u``; words shorter than three letters unchanged.
    """
    n = len(word)
    if n < 3 or word[-1] != "s":
        return word
    before = word[-2]
    if before in "us":
        return word
    if before == "e":
        if n > 3 and word[-3] == "i" and word[-4] not in "ae":
            return word[:-3] + "y"
        if word[-3] in "iaoe":
            return word
    return word[:-1]


def word_form(word: str) -> str:
    """The indexed form of one lower-case word: its dictionary form, else :func:`minimal_stem`."""
    form = word_forms().get(word)
    return form if form is not None else minimal_stem(word)


@functools.cache
def fingerprint(stop_words: str = DEFAULT_STOP_WORDS) -> str:
    """What decides an index's terms: the chain's version and the data files it reads (SHA-256, short)."""
    digest = hashlib.sha256(f"chain {CHAIN_VERSION}\n".encode())
    for path in (FOLDING_FILE, ACRONYMS_FILE, WORD_FORMS_FILE, DATA_DIR / f"stop_words_{stop_words}.txt"):
        digest.update(path.name.encode() + b"\n" + path.read_bytes())
    return f"{CHAIN_VERSION}-{digest.hexdigest()[:16]}"


# --- the Whoosh chain ----------------------------------------------------------------------------------

class WordTokenizer(Tokenizer):
    """Folded words with inner apostrophes and hyphens; see the module docstring (steps 1–2).

    Every part of a word takes one position; in ``mode="index"`` a hyphenated word's joined form follows
    its first part at the same position.
    """

    word_pattern = WORD_PATTERN
    """Each match is analysed on its own, which lets ``AnalysedText`` analyse a distinct word once."""

    def __eq__(self, other):
        return self.__class__ is other.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        fold = folding()
        if not tokenize:
            # Prefix, wildcard and fuzzy terms arrive whole; only fold them.
            t.original = value
            t.text = value.translate(fold)
            t.boost = 1.0
            t.stopped = False
            if positions:
                t.pos = start_pos
            if chars:
                t.startchar, t.endchar = start_char, start_char + len(value)
            yield t
            return
        pos = start_pos
        for match in WORD_PATTERN.finditer(value):
            word = _POSSESSIVE.sub("", match.group(0).translate(fold))
            base = match.start()
            pieces = [(word, base)]
            if "-" in word:
                pieces, offset = [], 0
                for part in word.split("-"):
                    if part:
                        idx = word.index(part, offset)
                        pieces.append((part, base + idx))
                        offset = idx + len(part)
            for i, (part, at) in enumerate(pieces):
                t.text = part
                t.boost = 1.0
                t.stopped = False
                if keeporiginal:
                    t.original = part
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar, t.endchar = start_char + at, start_char + at + len(part)
                yield t
                if i == 0 and len(pieces) > 1 and mode == "index":
                    t.text = "".join(p for p, _ in pieces)
                    if chars:  # the whole hyphenated word, so a match on the joined form marks all of it
                        t.endchar = start_char + pieces[-1][1] + len(pieces[-1][0])
                    yield t
                pos += 1


class _StatelessMorphFilter(Filter):
    """A word-form step with no settings (its data comes from the shared files): any two are equal, and
    ``is_morph`` leaves it out of the unstemmed "did you mean" analysis."""

    is_morph = True

    def __eq__(self, other):
        return self.__class__ is other.__class__


class AcronymFilter(_StatelessMorphFilter):
    """Step 3: a token spelled exactly as a listed acronym becomes its dotted term (``LA`` → ``l.a.``).

    Morphological (``is_morph``): the "did you mean" words, analysed without morphology, keep ``la``.
    """

    def __call__(self, tokens):
        table = acronyms()
        for t in tokens:
            term = table.get(t.text)
            if term is not None:
                t.text = term
            yield t


class WordFormFilter(_StatelessMorphFilter):
    """Step 6: :func:`word_form` of every token (the dictionary, else the minimal plural stemmer).

    Acronym terms (ending in ``.``) pass unchanged, as they would through Lucene's stemmers.
    """

    def __call__(self, tokens):
        forms = word_forms()
        for t in tokens:
            if not t.stopped:
                text = t.text
                form = forms.get(text)
                t.text = form if form is not None else minimal_stem(text)
            yield t


def text_analyzer(stem: bool = True, stoplist: str = DEFAULT_STOP_WORDS):
    """The analyser for running text (steps 1–6); ``stem=False`` leaves out word forms (names, facets).

    Both remove the stop words of ``stoplist`` (:data:`STOP_LISTS`) with a position gap.
    """
    # Names drop stop words too: every word of a query must match in some field, and a stop word that
    # only the name fields indexed would make "the film" match nothing.
    chain = (WordTokenizer() | AcronymFilter() | LowercaseFilter()
             | StopFilter(stoplist=stop_list(stoplist), minsize=1, renumber=False))
    if stem:
        chain = chain | WordFormFilter()
    return chain


def analyzer_stop_words(analyzer) -> frozenset[str]:
    """The stop words an analyser built by :func:`text_analyzer` removes (none if it has no stop filter)."""
    for item in getattr(analyzer, "items", ()):
        if isinstance(item, StopFilter):
            return frozenset(item.stops)
    return frozenset()


def terms(text: str, stoplist: str = DEFAULT_STOP_WORDS, mode: str = "query") -> list[str]:
    """The index terms of ``text`` in order (stop words removed), e.g. for tests and the docs."""
    return [t.text for t in text_analyzer(True, stoplist)(text, mode=mode)]


# --- synonyms (query side) -----------------------------------------------------------------------------

@dataclass(frozen=True)
class Synonyms:
    """Query-time synonyms from ``data/synonyms.txt`` (Solr's ``SynonymGraphFilterFactory`` format).

    ``groups`` maps each entry, as a tuple of words, to the entries a query for it also searches.
    Entries that are listed acronyms match only as written (``LA``); all others ignore case.
    """

    groups: dict[tuple[str, ...], tuple[tuple[str, ...], ...]]
    longest: int

    def key(self, words: list[str]) -> tuple[str, ...]:
        """How a sequence of query words is looked up: acronyms as written, other words lower-cased."""
        table = acronyms()
        return tuple(w if w in table else w.lower() for w in words)


def _entry(text: str) -> tuple[str, ...]:
    return tuple(w if w in acronyms() else w.lower() for w in WORD_PATTERN.findall(text))


@functools.cache
def synonyms(path: Path = SYNONYMS_FILE) -> Synonyms:
    """Parse a Solr synonyms file: ``a, b, c`` (each finds the others) and ``a, b => c, d`` (a or b finds
    c and d instead). Raises ValueError naming the line for anything else."""
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}

    def add(source: tuple[str, ...], targets: list[tuple[str, ...]]) -> None:
        found = groups.setdefault(source, [])
        for target in targets:
            if target not in found:
                found.append(target)

    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        if line.count("=>") > 1:
            raise ValueError(f"{path.name}:{number}: more than one '=>'")
        left, arrow, right = line.partition("=>")
        sources = [_entry(x) for x in left.split(",")]
        targets = [_entry(x) for x in right.split(",")] if arrow else sources
        if not all(sources) or not all(targets):
            raise ValueError(f"{path.name}:{number}: an empty entry in {line!r}")
        for source in sources:
            add(source, [t for t in targets if t != source] if not arrow else targets)
    longest = max((len(k) for k in groups), default=0)
    return Synonyms({k: tuple(v) for k, v in groups.items()}, longest)
