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
    ],
)
def test_format_by_content_and_name(name, text, fmt):
    assert detect_format(text, name) == fmt


def test_txt_with_front_matter_is_markdown():
    source = read_source(FIXTURES / "markdown_in.txt")
    assert source.format == "markdown"
    assert source.front_matter["interviewee"] == "Rosa Lind"
