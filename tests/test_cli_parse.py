"""``interviews parse``: readable output, --json, --explain, and the exit status of a batch."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from interviews import main

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "corpus"  # never the live corpus/
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "articles"
SEED_000 = CORPUS / "voyagela" / "000_713f14fa217934a6.txt"
SEED_004 = CORPUS / "canvasrebel" / "004_fa6f740934f22d15.txt"


def run(*args: str):
    return CliRunner().invoke(main, ["parse", *args, "--corpus", str(CORPUS)])


def test_readable_output_shows_metadata_passages_links_and_credits():
    result = run(str(SEED_004))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "interviewees: Zhe Song" in out
    assert "publication:  CanvasRebel" in out
    assert "passages:     4 questions" in out
    assert " 4. Is there mission driving your creative journey?" in out
    assert "→ I would like to make films that are big" in out
    assert "Linkedin: https://www.linkedin.com/in/zhesongfilm/" in out
    assert "image credits: Yifu Li, Zhe Song" in out
    assert "dropped" not in out


def test_explain_lists_every_dropped_piece_with_its_reason():
    result = run(str(SEED_000), "--explain")
    assert result.exit_code == 0
    for piece in ("'Connect'", "'To Top'", "'Leave a Reply'", "'More in local stories'", "'Contact Info:'"):
        assert piece in result.output
    assert "lead-in formula naming the interviewee" in result.output
    assert "empty contact block" in result.output


def test_json_for_one_file_is_one_object_with_the_documented_keys():
    result = run(str(SEED_000), "--json")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert isinstance(data, dict)
    for key in (
        "id",
        "title",
        "interviewees",
        "publication",
        "date",
        "url",
        "links",
        "image_credits",
        "passages",
        "warnings",
    ):
        assert key in data
    assert data["id"] == "voyagela/000_713f14fa217934a6"
    assert data["publication"] == "VoyageLA"
    assert [p["number"] for p in data["passages"]] == [1, 2, 3, 4]
    assert set(data["passages"][0]) >= {"number", "kind", "question", "answer", "answerers"}
    assert data["passages"][0]["question"] == "Hi Jinsui, we’d love for you to start by introducing yourself."
    assert "dropped" not in data


def test_json_for_several_files_is_an_array_and_explain_adds_dropped():
    result = run(str(SEED_000), str(SEED_004), "--json", "--explain")
    assert result.exit_code == 0
    data = json.loads(result.output)
    assert [a["id"] for a in data] == ["voyagela/000_713f14fa217934a6", "canvasrebel/004_fa6f740934f22d15"]
    assert {"text": "Leave a Reply", "reason": "comment form"} in data[0]["dropped"]
    assert [link["label"] for link in data[1]["links"]] == [
        "Website",
        "Instagram",
        "Facebook",
        "Linkedin",
        "Other",
    ]


def test_publication_option_and_a_file_outside_the_corpus():
    result = run(str(FIXTURES / "prompts.txt"), "--publication", "Print Monthly", "--json")
    data = json.loads(result.output)
    assert data["publication"] == "Print Monthly"
    assert data["id"] == "prompts"


def test_a_folder_argument_parses_every_article_in_it():
    result = run(str(CORPUS / "voyagela"), str(CORPUS / "litang-zone"), "--json")
    assert result.exit_code == 0
    assert [a["id"] for a in json.loads(result.output)] == [
        "voyagela/000_713f14fa217934a6",
        "litang-zone/003_a09c00f12582b7b2",
    ]


def test_bad_files_are_reported_and_the_exit_status_is_non_zero_after_the_whole_batch(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    script = Path(sys.executable).with_name("interviews")
    proc = subprocess.run(
        [str(script), "parse", str(empty), str(SEED_000), str(FIXTURES / "not_interview.txt"), "--json"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1
    assert f"{empty}: empty file" in proc.stderr
    assert "not_interview.txt: no questions found" in proc.stderr
    assert "2 of 3 file(s) could not be split" in proc.stderr
    data = json.loads(proc.stdout)
    assert data[1]["id"] == "voyagela/000_713f14fa217934a6"  # the good file in the middle still parsed
    assert data[0] == {"path": str(empty), "error": "empty file"}
    assert "Traceback" not in proc.stderr


def test_help_documents_the_options():
    result = CliRunner().invoke(main, ["parse", "--help"])
    for option in ("--json", "--explain", "--publication", "--corpus"):
        assert option in result.output


def test_a_package_missing_from_the_installation_stops_with_one_message(tmp_path):
    # A virtualenv made before a dependency was added: every article would fail alike, so the command
    # stops at once and says what to do instead of reporting each file.
    shadow = tmp_path / "shadow" / "english_words"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text('raise ModuleNotFoundError("No module named \'english_words\'")\n')
    env = {"PYTHONPATH": str(shadow.parent), "PATH": "/usr/bin:/bin"}
    for args in (["parse", str(CORPUS)], ["build", "--corpus", str(CORPUS), "--index", str(tmp_path / "ix")]):
        done = subprocess.run([sys.executable, "-m", "interviews", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 1, done.stderr
        assert "lacks a package (No module named 'english_words'); run `make install`" in done.stderr
        assert "could not be split" not in done.stderr + done.stdout
    assert not (tmp_path / "ix" / "CURRENT").exists()
