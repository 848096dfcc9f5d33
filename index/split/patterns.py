"""The splitter's word lists: furniture, captions, contact and credit headers, lead-ins and prompts.

They live in ``index/data/boilerplate.yml``; :func:`load_patterns` compiles them once per process.
"""

from __future__ import annotations

import functools
import os
import re
from dataclasses import dataclass, field

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
    # ``prompts`` and ``lines``' patterns joined (:func:`any_of`): a line is tested with one or two
    # searches, and ``lines`` are tried in order only for the rare line that is furniture.
    prompts_any: list[re.Pattern] = field(default_factory=list)
    lines_any: list[re.Pattern] = field(default_factory=list)


@functools.lru_cache(maxsize=4)
def load_patterns(path: str = os.path.join(DATA_DIR, "boilerplate.yml")) -> Patterns:
    """Load and compile the boilerplate / prompt patterns (cached; default ``index/data/boilerplate.yml``)."""
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)

    def compile_all(items: list[str]) -> list[re.Pattern]:
        return [re.compile(p, re.IGNORECASE) for p in items]

    lines = [
        (re.compile(item["pattern"], re.IGNORECASE), item["reason"], bool(item.get("credit")))
        for item in data.get("lines", [])
    ]
    prompts = compile_all(data.get("prompts", []))
    return Patterns(
        navigation={nav_key(n) for n in data.get("navigation", [])},
        lines=lines,
        captions=compile_all(data.get("captions", [])),
        contact_headers=compile_all(data.get("contact_headers", [])),
        related_headers=compile_all(data.get("related_headers", [])),
        contact_labels={str(k).lower(): v or "" for k, v in data.get("contact_labels", {}).items()},
        credit_headers=compile_all(data.get("credit_headers", [])),
        lead_ins=[re.compile(p, re.IGNORECASE) for p in data.get("lead_ins", [])],
        prompts=prompts,
        prompts_any=any_of(prompts),
        lines_any=any_of([pattern for pattern, _, _ in lines]),
    )


def any_of(patterns: list[re.Pattern]) -> list[re.Pattern]:
    """``patterns`` joined into at most two alternations that find a match in a text exactly when one
    of ``patterns`` does: ``any(p.search(text) for p in any_of(ps))`` equals ``any(p.search(text) for p
    in ps)``. Patterns anchored at the start (``^``) form one alternation, the rest another (an anchored
    branch among unanchored ones would be tried at every position).

    The splitter tests every line against its ten prompts and 23 furniture patterns, most lines against
    all of them: joined, the prompt test costs 0.21 CPU-s where ten searches cost 0.50, and the
    furniture test 0.11 where 0.25 (the 18,419 and 56,815 lines of ``corpus/`` and a 1,429-file bench
    sample). Lists whose patterns differ in flags or hold groups (a back-reference's number would
    shift) are returned as they are.
    """
    if len(patterns) < 2 or len({p.flags for p in patterns}) != 1 or any(p.groups for p in patterns):
        return list(patterns)
    flags = patterns[0].flags
    anchored = [p.pattern for p in patterns if p.pattern.startswith("^")]
    others = [p.pattern for p in patterns if not p.pattern.startswith("^")]
    try:
        return [re.compile("|".join(f"(?:{p})" for p in group), flags) for group in (anchored, others)
                if group]
    except re.error:  # e.g. a global inline flag, allowed only at a whole pattern's start
        return list(patterns)


def match_key(text: str) -> str:
    """Text as patterns see it: curly quotes straightened, whitespace collapsed."""
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"').strip()


_NAV_NOISE = re.compile(r"[^\w& ]+")


def nav_key(text: str) -> str:
    return _NAV_NOISE.sub("", match_key(text).lower()).strip()
