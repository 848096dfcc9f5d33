"""Reading files: encodings, mojibake, front matter and format recognition."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.read import detect_format, read_source, source_from_bytes, split_front_matter

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"
PROMPTS = (FIXTURES / "prompts.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["encoding_utf16.txt", "encoding_utf8_bom.txt", "encoding_mojibake.txt"])
def test_encodings_decode_to_the_same_text(name):
    source = read_source(FIXTURES / name)
    assert source.text == PROMPTS
    assert "\ufeff" not in source.text
    assert "we’d love for you to start" in source.text  # curly apostrophe kept, not straightened


def test_utf16_is_detected_by_its_byte_order_mark():
    assert (FIXTURES / "encoding_utf16.txt").read_bytes()[:2] in (b"\xff\xfe", b"\xfe\xff")
    assert read_source(FIXTURES / "encoding_utf16.txt").encoding == "utf-16"


def test_cp1252_file_is_decoded_with_a_warning():
    source = read_source(FIXTURES / "encoding_cp1252.txt")
    assert "Hi Léna, we’d love" in source.text
    assert source.encoding == "cp1252"
    assert any("cp1252" in w for w in source.warnings)


def test_mojibake_is_repaired_and_reported():
    raw = (FIXTURES / "encoding_mojibake.txt").read_text(encoding="utf-8")
    assert "weâ€™d" in raw
    source = read_source(FIXTURES / "encoding_mojibake.txt")
    assert "we’d" in source.text and "â€" not in source.text
    assert any("mojibake" in w for w in source.warnings)


def test_bytes_outside_cp1252_still_decode():
    # 0x81 is undefined in cp1252: latin-1 takes over rather than crashing.
    source = source_from_bytes(
        "Caf\xe9 talk\n\nWhat do you serve?\nCoffee.\n".encode("latin-1") + b"\x81", "x.txt"
    )
    assert source.text.startswith("Café talk")
    assert source.encoding == "latin-1"


def test_crlf_and_cr_line_endings_become_newlines():
    source = source_from_bytes(b"Title\r\n\r\nWhat?\rThat.\r\n", "x.txt")
    assert source.text == "Title\n\nWhat?\nThat.\n"


def test_front_matter_fields():
    front, body, warning = split_front_matter(
        "---\ntitle: A Talk\ninterviewees: [Ana, Ben]\ndate: 2021-02-03\ncategories:\n- art\n---\n\nBody\n"
    )
    assert front == {
        "title": "A Talk",
        "interviewees": ["Ana", "Ben"],
        "date": "2021-02-03",
        "categories": ["art"],
    }
    assert body == "\nBody\n"
    assert warning == ""


def test_front_matter_without_closing_line_is_read_up_to_the_first_blank_line():
    front, body, warning = split_front_matter("---\ntitle: Someone\ndate: 2020-01-01\n\n### Who are you?\n")
    assert front == {"title": "Someone", "date": "2020-01-01"}
    assert body.strip() == "### Who are you?"
    assert "closing" in warning


def test_invalid_front_matter_is_a_warning_not_an_error():
    source = source_from_bytes(b"---\ntitle: [unclosed\n---\n### What?\nThat.\n", "x.md")
    assert source.front_matter == {}
    assert any("not valid YAML" in w for w in source.warnings)
    assert "### What?" in source.text


def test_a_line_of_dashes_in_the_middle_is_not_front_matter():
    front, body, _ = split_front_matter("Title\n---\nText\n")
    assert front == {} and body == "Title\n---\nText\n"


@pytest.mark.parametrize(
    ("name", "text", "fmt"),
    [
        ("a.txt", "Title\n\nWhat do you do?\nI draw.\n", "text"),
        ("a.txt", "# Title\n\n## What do you do?\n\nI [draw](https://x.example).\n", "markdown"),
        ("a.txt", "<html><body><h2>What?</h2><p>That.</p></body></html>", "html"),
        ("a.txt", "<!DOCTYPE html>\n<title>x</title>", "html"),
        ("a.md", "Just text, no markup at all.", "markdown"),
        ("a.htm", "no tags here", "html"),
        ("a.txt", "Do you use <b>bold</b>? Sometimes.", "text"),
        (
            "a.txt",
            "0:00:13.8 **Ida Lind** Welcome.\n\n0:00:20.1 **Tom Ek** Hi.\n\n0:00:23.0 **Ida Lind** So?\n",
            "markdown",
        ),
        ("a.txt", "**Note** one bold line.\n\nAnd a **bold** word in the middle.\n", "text"),
        # line-start signals count only at a line's start: "#" and "[x]:" inside a line are no markup
        ("a.txt", "We used #hashtags and **bold**.\nSee [1]: the note.\n", "text"),
        ("a.txt", "Intro.\n#Heading\n", "markdown"),
        ("a.txt", "Intro.\n\n[1]: https://x.example\n", "markdown"),
        ("a.txt", "**Q.** one\n\nSee [the site](https://x.example).\n", "markdown"),
    ],
)
def test_format_by_content_and_name(name, text, fmt):
    assert detect_format(text, name) == fmt


def test_txt_with_front_matter_is_markdown():
    source = read_source(FIXTURES / "markdown_in.txt")
    assert source.format == "markdown"
    assert source.front_matter["interviewee"] == "Rosa Lind"


# --- the reader's fast paths give what the slow ones give ------------------------------------------


def _atom_chars(op, av) -> set[str] | None:
    """The characters one item of a parsed regular expression matches; None when not a plain set."""
    from re import _constants as sre  # the parser's own vocabulary (private, but stable in 3.11)

    if op is sre.LITERAL:
        return {chr(av)}
    if op is not sre.IN:
        return None
    chars: set[str] = set()
    for kind, value in av:
        if kind is sre.LITERAL:
            chars.add(chr(value))
        elif kind is sre.RANGE:
            chars.update(map(chr, range(value[0], value[1] + 1)))
        else:  # a negation or a category (\s, \w): matches far more than mojibake
            return None
    return chars


def test_every_mojibake_sequence_ftfy_looks_for_holds_a_trigger_character():
    """The reader skips ftfy on a line without any of its trigger characters: sound only while every
    branch of the installed ftfy's badness pattern needs one of them."""
    import re
    from re import _parser

    import ftfy.badness

    from index.read import _FTFY_TRIGGERS

    tree = _parser.parse(ftfy.badness.BADNESS_RE.pattern, re.VERBOSE)
    (op, (_, branches)), = tree.data
    assert op is re._constants.BRANCH and len(branches) > 20
    for branch in branches:
        anchored = False
        for item_op, item_av in branch.data:
            chars = _atom_chars(item_op, item_av)
            if chars and all(_FTFY_TRIGGERS.fullmatch(c) for c in chars):
                anchored = True
        assert anchored, f"a badness branch with no trigger character in every match: {branch}"


def test_lines_without_trigger_characters_are_ones_ftfy_leaves_alone():
    import random
    import unicodedata

    import ftfy

    from index.read import _FTFY_CONFIG, _FTFY_TRIGGERS

    common = "\xa0\xad·´–—―…’‘“”"
    pool = "aZ Ae.,\t" + common + "éÃÂâ€™œž¢ØÙ中ßñ\u0301\u2028\x1b\x85\x07\ufeff\u200bΓВ"
    rng = random.Random(7)
    skipped = 0
    for _ in range(20000):
        line = "".join(rng.choice(pool) for _ in range(rng.randint(1, 8)))
        if _FTFY_TRIGGERS.search(line) or not unicodedata.is_normalized("NFC", line):
            continue
        skipped += 1
        assert ftfy.fix_text(line, _FTFY_CONFIG) == line, repr(line)
        assert ftfy.fix_encoding(line) == line, repr(line)
    assert skipped > 1000
    assert _FTFY_TRIGGERS.search("weâ€™d")  # the fixture's mojibake is never skipped


def test_front_matter_libyaml_and_python_loaders_agree():
    import yaml

    from index.read import _FrontMatterLoader, _load_yaml

    texts = [
        "title: A Talk\ninterviewees: [Ana, Ben]\ndate: 2021-02-03\ncategories:\n- art\n",
        "date: 2022-15-17\ntitle: 'Quoted: yes'\n",
        "a: &x [1, 2]\nb: *x\n",  # an alias: the Python loader refuses it
        "title: [unclosed\n",
        "- just\n- a list\n",
    ]
    for text in texts:
        outcomes = []
        for load in (_load_yaml, lambda t: yaml.load(t, Loader=_FrontMatterLoader)):
            try:
                outcomes.append(("ok", load(text)))
            except yaml.YAMLError as exc:
                outcomes.append(("error", str(exc)))
        assert outcomes[0] == outcomes[1], text
    assert split_front_matter("---\na: &x [1]\nb: *x\n---\nBody\n")[2].startswith("front matter is not valid")
    assert split_front_matter("---\ndate: 2022-15-17\n---\nBody\n")[0] == {"date": "2022-15-17"}
