"""Names of universities and colleges, from a maintained list, for naming organisations one way.

The list is the crowd-maintained academic domain list of JetBrains' *swot* (MIT licence), as the
``AcademicEmailVerifier`` package ships it: one file per academic domain (``edu/nyu.txt``,
``uk/ac/ox.txt``) holding the institution's names. From it:

- :func:`official_name` turns "Oxford University" into "University of Oxford" and "Tokyo University" into
  "University of Tokyo" when only the other word order is listed, and "Carnegie Mellon" into "Carnegie
  Mellon University" when the name without its head word is not itself listed;
- :func:`acronym_name` reads "NYU", "CMU", "RISD" as the institution whose domain label the acronym is,
  when the acronym is exactly the initials of that institution's name ("New York University"). Many
  acronyms are labels in several countries (cmu: Carnegie Mellon, Chiang Mai, Central Mindanao...): the
  generic ``edu`` domain's institution wins, and an acronym two institutions of one other domain share
  names neither.

The ~17,000 files are read once per process, on first use (~0.4 s of CPU).
"""

from __future__ import annotations

import os
import re
from functools import cache

_SMALL = frozenset({"of", "the", "and", "for", "at", "in", "de", "la", "&"})
_SEPARATORS = re.compile(r"[\s,]+")


def initials(name: str) -> str:
    """ "University of California, Los Angeles" -> "UCLA" (small words skipped)."""
    words = [w for w in _SEPARATORS.split(name) if w and w.lower() not in _SMALL]
    return "".join(w[0] for w in words if w[0].isalpha()).upper()


def _key(name: str) -> str:
    return _SEPARATORS.sub(" ", name.replace("’", "'")).strip().casefold()


class _Institutions:
    def __init__(self) -> None:
        self.names: dict[str, str] = {}  # key -> name as listed
        self.acronyms: dict[str, str] = {}  # "NYU" -> "New York University"
        self.from_generic: set[str] = set()  # acronyms taken from the edu domain
        self.shared: set[str] = set()  # acronyms of two or more institutions anywhere
        try:
            import AcademicEmailVerifier
        except ImportError:  # the list is optional data: without it names are left as written
            return
        root = os.path.join(os.path.dirname(AcademicEmailVerifier.__file__), "domains")
        ambiguous: set[str] = set()
        generic = os.path.join(root, "edu")
        for folder, _, files in sorted(os.walk(root), key=lambda walk: walk[0] != generic):
            for file in files:
                if not file.endswith(".txt"):
                    continue
                with open(os.path.join(folder, file), encoding="utf-8", errors="replace") as handle:
                    listed = [line.strip() for line in handle if line.strip()]
                for name in listed:
                    self.names.setdefault(_key(name), name)
                label = file[:-4].upper()
                matching = [n for n in listed if initials(n) == label]
                if len(label) >= 3 and matching:
                    best = min(matching, key=len)  # "New York University", not "..., Abu Dhabi"
                    if self.acronyms.get(label, best) != best:
                        self.shared.add(label)
                    if label in self.from_generic:
                        continue
                    if folder == generic:
                        self.from_generic.add(label)
                    elif self.acronyms.get(label, best) != best:
                        ambiguous.add(label)
                    self.acronyms[label] = best
        for label in ambiguous - self.from_generic:  # shared by two institutions: names neither for sure
            del self.acronyms[label]


@cache
def _data() -> _Institutions:
    return _Institutions()


def is_listed(name: str) -> bool:
    """True when ``name`` is an academic institution's name in the list (any case and spacing)."""
    return _key(name) in _data().names


def official_name(name: str) -> str | None:
    """The listed name ``name`` means when written another common way, else None.

    "Oxford University" -> "University of Oxford"; "Carnegie Mellon" -> "Carnegie Mellon University";
    a name listed as written gives itself.
    """
    names = _data().names
    key = _key(name)
    if key in names:
        return names[key]
    words = name.split()
    if len(words) >= 2 and words[-1] in ("University", "College") and words[0] != "University":
        swapped = _key(f"{words[-1]} of {' '.join(words[:-1])}")
        if swapped in names:
            return names[swapped]
    if len(words) >= 2 and words[0] == "University" and words[1] == "of":
        swapped = _key(f"{' '.join(words[2:])} University")
        if swapped in names:
            return names[swapped]
    longer = _key(f"{name} University")
    if longer in names:
        return names[longer]
    return None


def acronym_name(acronym: str, unique: bool = False) -> str | None:
    """The institution an all-capitals acronym ("NYU") is the domain label and the initials of.

    ``unique``: None when institutions of several domains share the acronym (SCU: Santa Clara,
    Southern Cross), even when the ``edu`` one would be chosen otherwise.
    """
    data = _data()
    if unique and acronym in data.shared:
        return None
    return data.acronyms.get(acronym)
