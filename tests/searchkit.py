"""Helpers for the index and search tests: a real corpus of the seed articles in a temp folder.

Tests never read the live ``corpus/`` folder (a user's ``interviews add`` changes it): they copy the
three seed articles from ``tests/fixtures/corpus`` (copies of ``corpus/``'s, with their
``publication.yml``) and The Setup's interviews from ``../shared/corpora/usesthis`` (the same 1,304 MIT
files as ``corpus/usesthis``) into a temporary folder.
"""

from __future__ import annotations

import random
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FIXTURE_CORPUS = ROOT / "tests" / "fixtures" / "corpus"
USESTHIS = ROOT.parent / "shared" / "corpora" / "usesthis"
SEED_FOLDERS = ("voyagela", "litang-zone", "canvasrebel")
INTERVIEWS = str(Path(sys.executable).parent / "interviews")

COVID = "voyagela/000_713f14fa217934a6"
STOP_MOTION = "litang-zone/003_a09c00f12582b7b2"
CANVAS = "canvasrebel/004_fa6f740934f22d15"

ACCENTS_ARTICLE = """\
Meet Thérèse Dubois

Today we’d like to introduce you to Thérèse Dubois.

Hi Thérèse, can you tell us about your work?
I run a ceramics studio in Montréal where we teach wheel throwing to beginners.

What is next for you?
A residency in Kyōto next spring, and a book about glazes.
"""


def copy_seeds(target: Path) -> Path:
    """Copy the three seed articles (with their publication.yml) into ``target``; return it."""
    target.mkdir(parents=True, exist_ok=True)
    for folder in SEED_FOLDERS:
        shutil.copytree(FIXTURE_CORPUS / folder, target / folder)
    return target


def copy_usesthis(target: Path, count: int | None = None) -> list[Path]:
    """Copy the first ``count`` (default all) of The Setup's interviews, in name order, into
    ``target/usesthis`` with its ``publication.yml``; return the copies."""
    dest = target / "usesthis"
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(FIXTURE_CORPUS / "usesthis.yml", dest / "publication.yml")
    copies = []
    for path in sorted(USESTHIS.glob("*.markdown"))[:count]:
        copies.append(Path(shutil.copy(path, dest)))
    return copies


def index_of_several_segments(root: Path, first: int, later: int) -> Path:
    """An index of the seeds and ``first`` of The Setup's interviews, then an update adding ``later``
    more and changing one seed: two or more segments, with deleted passages. Returns the index folder
    (``root/index``; the corpus is ``root/corpus``)."""
    from index import build as builder

    corpus = copy_seeds(root / "corpus")
    added = copy_usesthis(root / "corpus", first + later)[first:]
    parked = root / "parked"
    parked.mkdir()
    for path in added:
        shutil.move(path, parked / path.name)
    builder.build(corpus, root / "index")
    for path in added:
        shutil.move(parked / path.name, corpus / "usesthis" / path.name)
    changed = corpus / f"{COVID}.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nWhat else?\nA zorblax.\n", encoding="utf-8")
    builder.update(corpus, root / "index")
    return root / "index"


def all_passages(engine, query: str = "", **kwargs) -> list[tuple[str, int]]:
    """Every (article, passage) the engine returns for ``query``, across all pages."""
    seen, page = [], 1
    while True:
        result = engine.search(query, page=page, per_page=100, **kwargs)
        seen += [(hit.article, hit.passage) for hit in result.hits]
        if page * 100 >= result.total:
            return seen
        page += 1


def same_on_random_texts(fast, plain, pieces: list[str], seed: int, texts: int, longest: int,
                         found=lambda pattern, text: [m.span() for m in pattern.finditer(text)]) -> int:
    """Assert that the regex ``fast`` (an extractor's pattern, rewritten for speed) finds what ``plain``
    (its plain form) finds, ``found(pattern, text)``, in ``texts`` random texts of 1 to ``longest`` of
    ``pieces`` (the same texts for the same ``seed``); return how many matches it found in all."""
    rng = random.Random(seed)
    total = 0
    for _ in range(texts):
        text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, longest)))
        matched = found(fast, text)
        assert matched == found(plain, text), text
        total += len(matched)
    return total
