"""Bad input gets a clear error naming the file and the reason, and never stops a batch."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from index.corpus import parse_file, parse_files
from index.model import Article, ArticleError

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"


def refused(path: Path, **kwargs) -> ArticleError:
    with pytest.raises(ArticleError) as info:
        parse_file(path, enrich=False, **kwargs)
    error = info.value
    assert error.path == str(path)
    assert str(path) in str(error)
    return error


def test_empty_file(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    assert refused(path).reason == "empty file"


def test_whitespace_only_file(tmp_path):
    path = tmp_path / "blank.md"
    path.write_bytes(b"  \n\n\t\n")
    assert "empty" in refused(path).reason


def test_binary_file_renamed_txt(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 20)
    assert "binary" in refused(path).reason


def test_mostly_control_characters_without_nul_bytes(tmp_path):
    path = tmp_path / "noise.txt"
    path.write_bytes(bytes([1, 2, 3, 4, 5, 6, 7, 8, 14, 15, 16]) * 400)
    assert "binary" in refused(path).reason


def test_file_over_the_size_limit(tmp_path):
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:  # sparse: 50 MB on paper, nothing on disk
        fh.truncate(50 * 1024 * 1024)
    reason = refused(path).reason
    assert "50.0 MB" in reason and "10 MB limit" in reason


def test_size_limit_is_a_parameter(tmp_path):
    path = tmp_path / "small.txt"
    path.write_bytes((FIXTURES / "prompts.txt").read_bytes())
    assert "limit" in refused(path, max_bytes=100).reason


def test_undecodable_bytes_after_a_utf16_byte_order_mark(tmp_path):
    path = tmp_path / "broken16.txt"
    path.write_bytes(b"\xff\xfe" + "What?\n".encode("utf-16-le") + b"\x00\xd8\x41")  # lone surrogate
    assert "undecodable" in refused(path).reason


def test_not_an_interview():
    assert "no questions" in refused(FIXTURES / "not_interview.txt").reason


def test_missing_file(tmp_path):
    assert "cannot read" in refused(tmp_path / "nope.txt").reason


def test_only_site_furniture(tmp_path):
    path = tmp_path / "furniture.txt"
    path.write_text("Connect\nTo Top\n\nLeave a Reply\nMore in local stories\n", encoding="utf-8")
    assert "not an interview" in refused(path).reason


def test_a_batch_goes_on_past_bad_files(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    good = [FIXTURES / "prompts.txt", FIXTURES / "bold.md"]
    paths = [empty, good[0], binary, FIXTURES / "not_interview.txt", good[1], tmp_path / "missing.md"]
    results = list(parse_files(paths, enrich=False))
    assert [path for path, _ in results] == [str(p) for p in paths]
    kinds = [type(result).__name__ for _, result in results]
    assert kinds == ["ArticleError", "Article", "ArticleError", "ArticleError", "Article", "ArticleError"]
    assert all(isinstance(r, Article) and r.passages for p, r in results if p in map(str, good))


def test_a_megabyte_line_of_question_marks_is_refused_not_hung(tmp_path):
    path = tmp_path / "questions.txt"
    path.write_bytes(b"?" * 1_000_000)
    assert "not an interview" in refused(path).reason
    markdown = tmp_path / "links.md"
    markdown.write_bytes(b"[a](" * 200_000)
    refused(markdown)


def test_ten_thousand_speaker_labels(tmp_path):
    path = tmp_path / "labels.txt"
    path.write_text(
        "".join(f"Q: Question number {i}?\nA: Answer {i}.\n" for i in range(10_000)), encoding="utf-8"
    )
    article = parse_file(path, enrich=False)
    assert len(article.passages) == 10_000
    assert article.passages[-1].question == "Question number 9999?"
    assert article.passages[-1].answer == "Answer 9999."


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.text(max_size=3000).map(lambda s: s.encode("utf-8")),
        st.lists(
            st.sampled_from(
                [
                    "Q: ",
                    "A: ",
                    "### ",
                    "**",
                    "<p>",
                    "</p>",
                    "<h2>",
                    "?",
                    "\n",
                    "\n\n",
                    "Hi Ana, ",
                    "Tell us about it.",
                    "I did.",
                    "---\n",
                    "title: x\n",
                    "[a](b",
                    ")",
                    "©",
                    "Contact Info:",
                ]
            ),
            max_size=200,
        ).map(lambda parts: "".join(parts).encode("utf-8")),
    ),
    ext=st.sampled_from([".txt", ".md", ".html"]),
)
def test_any_input_gives_an_article_or_a_clear_error(tmp_path, data, ext):
    path = tmp_path / f"random{ext}"
    path.write_bytes(data)
    [(_, result)] = list(parse_files([path], enrich=False))
    if isinstance(result, ArticleError):
        assert result.reason and "Error:" not in result.reason  # a reason, not a crash report
    else:
        assert [p.number for p in result.passages if p.kind == "qa"] == list(
            range(1, 1 + sum(p.kind == "qa" for p in result.passages))
        )
