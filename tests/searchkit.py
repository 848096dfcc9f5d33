"""Helpers for the index and search tests: a real corpus of the seed articles in a temp folder."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
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
        shutil.copytree(CORPUS / folder, target / folder)
    return target


def all_passages(engine, query: str = "", **kwargs) -> list[tuple[str, int]]:
    """Every (article, passage) the engine returns for ``query``, across all pages."""
    seen, page = [], 1
    while True:
        result = engine.search(query, page=page, per_page=100, **kwargs)
        seen += [(hit.article, hit.passage) for hit in result.hits]
        if page * 100 >= result.total:
            return seen
        page += 1
