"""Speaker labels in every shape (index/split/labels.py), and which labels name the same speaker."""

from __future__ import annotations

import pytest

from index.blocks import Block
from index.split.labels import display_name, find_label, same_speaker, seconds, speaker_key


@pytest.mark.parametrize(
    ("text", "lead", "name", "rest", "stamp"),
    [
        ("Mara Lind: We started in a garage.", "", "Mara Lind", "We started in a garage.", None),
        ("MARA LIND: We started.", "", "MARA LIND", "We started.", None),
        ("ML: Then we moved.", "", "ML", "Then we moved.", None),
        ("ML:Then we moved.", "", "ML", "Then we moved.", None),  # glued to the text
        ("V.M. - Where next?", "", "V.M.", "Where next?", None),
        ("KT> How did it go?", "", "KT", "How did it go?", None),
        ("Paul>> Welcome back?", "", "Paul", "Welcome back?", None),
        ("nick42: yes, that works", "", "nick42", "yes, that works", None),
        ("Radio Nord (Ola Berg): Hello!", "", "Radio Nord", "Hello!", None),
        ("Ola Berg (00:12:31): So tell me", "", "Ola Berg", "So tell me", 751.0),
        ("Ola Berg: 00:00:05", "", "Ola Berg", "", 5.0),  # label line; words follow
        ("Ola Berg [01:05] So tell me", "", None, None, None),  # no delimiter after the name
        ("0:00:13.8 Ola Berg Welcome to the show.", "Ola Berg", "Ola Berg", "Welcome to the show.", 13.8),
        ("Ola: [02:10] Right, and then?", "Ola:", "Ola", "Right, and then?", 130.0),
        ("Q. What do you build?", "", "Q", "What do you build?", None),
        ("Qs. Why Go?", "Qs", "Qs", "Why Go?", None),
        ("Note: the shop is closed on Sundays.", "", None, None, None),
        ("Website: example.org", "", None, None, None),
        ("It was 1998: the year we met.", "", None, None, None),
    ],
)
def test_label_shapes(text, lead, name, rest, stamp):
    label = find_label(Block(text, lead=lead))
    if name is None:
        assert label is None
        return
    assert label is not None, text
    assert (label.name, label.rest, label.stamp) == (name, rest, stamp)


def test_a_heading_with_a_name_and_a_time_is_a_label_line():
    label = find_label(Block("Mara Lind  4:59", heading=3))
    assert label is not None and (label.name, label.rest, label.stamp) == ("Mara Lind", "", 299.0)
    assert find_label(Block("What do you use?", heading=3)) is None


def test_the_parenthesis_is_kept_apart():
    label = find_label(Block("Radio Nord (Ola Berg): Hello!"))
    assert label.paren == "Ola Berg"


@pytest.mark.parametrize(
    ("short", "full", "same"),
    [
        ("OG", "Olga Gray", True),
        ("V.M.", "Vera Moll", True),
        ("JOT", "Jan Olsen-Tveit", True),  # hyphenated surnames give two initials
        ("BvT", "Bram van Tol", True),
        ("BT", "Bram van Tol", True),  # particles may be left out of initials
        ("Gray", "Olga Gray", True),
        ("Olga", "Olga Gray", True),
        ("OLGA GRAY", "Olga Gray", True),
        ("olga7", "Olga Gray", True),  # a nick built from the name
        ("OG", "Ola Berg", False),
        ("Berg", "Olga Gray", False),
        ("Note", "Olga Gray", False),
    ],
)
def test_same_speaker(short, full, same):
    assert same_speaker(short, full) is same


def test_keys_and_display_names():
    assert speaker_key("V.M.") == speaker_key("v m") == "vm"
    assert display_name("REED OLSEN") == "Reed Olsen"
    assert display_name("ML") == "ML"
    assert seconds("1:05") == 65.0 and seconds("1:02:05") == 3725.0
