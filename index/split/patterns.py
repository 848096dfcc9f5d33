"""The splitter's word lists: furniture, captions, contact and credit headers, lead-ins and prompts.

They live in ``index/data/boilerplate.yml``; :func:`load_patterns` compiles them once per process.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass

import yaml

DATA_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")


@dataclass
class Patterns:
    """Compiled patterns from ``index/data/boilerplate.yml``."""

    navigation: set[str]
    lines: list[tuple[re.Pattern, str, bool]]  # (pattern, reason, is a credit line)
    captions: list[re.Pattern]
    contact_headers: list[re.Pattern]
    related_headers: list[re.Pattern]
    contact_labels: dict[str, str]
    credit_headers: list[re.Pattern]
    lead_ins: list[re.Pattern]
    prompts: list[re.Pattern]


@functools.lru_cache(maxsize=4)
def load_patterns(path: str = os.path.join(DATA_DIR, "boilerplate.yml")) -> Patterns:
    """Load and compile the boilerplate / prompt patterns (cached; default ``index/data/boilerplate.yml``)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)

    def compile_all(items: list[str]) -> list[re.Pattern]:
        return [re.compile(p, re.IGNORECASE) for p in items]

    return Patterns(
        navigation={nav_key(n) for n in data.get("navigation", [])},
        lines=[
            (re.compile(item["pattern"], re.IGNORECASE), item["reason"], bool(item.get("credit")))
            for item in data.get("lines", [])
        ],
        captions=compile_all(data.get("captions", [])),
        contact_headers=compile_all(data.get("contact_headers", [])),
        related_headers=compile_all(data.get("related_headers", [])),
        contact_labels={str(k).lower(): v or "" for k, v in data.get("contact_labels", {}).items()},
        credit_headers=compile_all(data.get("credit_headers", [])),
        lead_ins=[re.compile(p, re.IGNORECASE) for p in data.get("lead_ins", [])],
        prompts=compile_all(data.get("prompts", [])),
    )


def match_key(text: str) -> str:
    """Text as patterns see it: curly quotes straightened, whitespace collapsed."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').strip()


_NAV_NOISE = re.compile(r"[^\w& ]+")


def nav_key(text: str) -> str:
    return _NAV_NOISE.sub("", match_key(text).lower()).strip()
