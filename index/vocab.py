"""The user-extensible word lists under ``index/data/``, loaded once per process.

Each loader is cached, so the extractors can call it on every passage for free. Edit the YAML files to
extend a facet; ``docs/facets.md`` describes each file.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

DATA_DIR = Path(__file__).with_name("data")


@cache
def load(name: str) -> dict:
    """The parsed contents of ``index/data/<name>.yml`` (a mapping; empty when the file is empty)."""
    path = DATA_DIR / f"{name}.yml"
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping at the top level, got {type(data).__name__}")
    return data


@cache
def word_set(name: str, key: str) -> frozenset[str]:
    """The list ``key`` of ``index/data/<name>.yml`` as a set of strings (exact case)."""
    return frozenset(str(item) for item in load(name).get(key) or [])
