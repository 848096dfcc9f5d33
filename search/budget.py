"""How much work one search may do: a deadline, after which it returns what it has, with a warning.

The Whoosh engine gives each search a :class:`Budget`. The expensive steps ask it before each piece of
work they could skip — expanding the next prefix or fuzzy word, reading the next word's postings,
correcting the next misspelt word — and once the deadline has passed they skip it, so the result holds
only what was found in time: fewer matches, never a passage that does not match. Expansion stops at
half the time, so that matching has the rest to use the words expanded by then. The result then says
so in its warnings. The other limits of one search (how many words a query, a prefix or a fuzzy word may
bring in; how many words "did you mean" tries) are where that work is done: ``search.query`` and
``search.whoosh_engine``.
"""

from __future__ import annotations

import time

DEADLINE_S = 2.0
"""Seconds a search may work before it stops and returns what it has found (with a warning)."""


class Budget:
    """The deadline of one search (``seconds`` from now; None: no deadline), and whether it cut anything.

    Not shared between threads: each search has its own.
    """

    def __init__(self, seconds: float | None = DEADLINE_S, clock=time.monotonic):
        self.seconds = seconds
        self._clock = clock
        self.started = clock()
        self.cut = False  # some work was skipped because the deadline had passed
        self.skipped = 0  # how many pieces of work were skipped

    def expired(self, share: float = 1.0) -> bool:
        """Whether ``share`` of the time has passed (without counting anything as cut)."""
        return self.seconds is not None and self._clock() - self.started >= self.seconds * share

    def stop(self, share: float = 1.0) -> bool:
        """True when the caller should skip its next piece of work, ``share`` of the time having passed
        (a first step stopping at half leaves the rest to use what it found); remembers the cut."""
        if self.expired(share):
            self.cut = True
            self.skipped += 1
            return True
        return False

    def warning(self) -> str | None:
        """What the user is told when something was cut."""
        if not self.cut:
            return None
        return (f"the search stopped after {self.seconds:g} seconds and shows what it found by then; "
                f"there may be more matches (try fewer prefix* or fuzzy~ words)")
