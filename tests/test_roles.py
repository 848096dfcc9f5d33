"""Roles read from a lower-cased text with case-sensitive patterns find what the IGNORECASE ones find."""

import re
import string
from pathlib import Path

from index import roles
from index.roles import _ANY_CASE, _CASE_FOLD_ONLY, _lowered, extract_roles

SEEDS = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds"


def any_case_roles(text: str) -> list[str]:
    """extract_roles as if no text could be lower-cased (the IGNORECASE patterns only)."""
    lowered = roles._lowered
    roles._lowered = lambda text: None
    try:
        return extract_roles(text)
    finally:
        roles._lowered = lowered


def test_lower_case_fold_matches_ignorecase_for_every_character():
    # The patterns' letters are ASCII: a character matches one of them case-insensitively exactly when
    # lower() turns it into that letter, except for the ones _lowered refuses.
    letter = re.compile("[a-z]", re.IGNORECASE)
    for code in range(0x110000):
        c = chr(code)
        low = c.lower()
        if len(low) != 1 or low in _CASE_FOLD_ONLY:
            continue
        assert (letter.fullmatch(c) is not None) == (low in string.ascii_lowercase), hex(code)
        if low in string.ascii_lowercase:
            assert re.fullmatch(low, c, re.IGNORECASE), hex(code)
    assert _lowered("I AM A DIRECTOR") == "i am a director"
    assert _lowered("İ am a director") is None  # lower() makes two characters of "İ"
    assert _lowered("ſo I am a director") is None


def test_roles_same_with_and_without_lower_casing():
    texts = [
        "I'M A FILM DIRECTOR AND EDITOR.",
        "I’m a Colorist, Animator and Writer based in LA.",
        "Working As A Sound Designer, I Was An Actor too. I am not a producer.",
        "I use emacs as an editor. Being a teacher, I became an Illustrator.",
        "SUCH AS a designer; I Sometimes Do Photography",
        "İ am a director. I am a writer.",
    ]
    texts += [path.read_text(encoding="utf-8") for path in sorted(SEEDS.glob("*.txt"))]
    found = 0
    for text in texts:
        expected = any_case_roles(text)
        assert extract_roles(text) == expected, text[:60]
        found += len(expected)
    assert found >= 10


def test_intro_patterns_keep_their_flags():
    assert all(p.flags & re.IGNORECASE for p in _ANY_CASE)
