"""The splitter's quality report (bench/split_quality.py) runs, and the splitter stays at or above the
figures reached on real interviews: a regression floor, not a timing.

The dev set's texts belong to their publishers and stay in ../shared (the test skips without it); the
held-out set (tests/fixtures/realworld, see its SOURCES.md) ships with the repository."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("split_quality", ROOT / "bench" / "split_quality.py")
split_quality = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = split_quality  # its dataclasses look their module up
spec.loader.exec_module(split_quality)

DEV = split_quality.DEV_SET
HELD_OUT = split_quality.HELD_OUT

# Floors at or a little under the figures reached. Held-out: the fifteen original articles ("original":
# F1 0.989, precision 0.986, 15/15 interviewees, publication 7/15 documented) and the seven added in round
# 5 ("round 5", annotated before the splitter ever ran on them; first measured F1 0.583, precision 0.609,
# 3/7 interviewees, publication 1/6 documented; after this round's general fixes F1 0.970, precision
# 0.961, 7/7, 4/6 — no longer blind, their failures led to those fixes). Dev: publication 11/30 strict,
# 20/30 documented — of the 22 dev files whose text names their publication at all. No rule is keyed to a
# file of either set; a drop is a regression of a general mechanism. New real articles are the unseen
# test now.
HELD_OUT_F1 = 0.98
HELD_OUT_PRECISION = 0.98
HELD_OUT_PEOPLE = 15
HELD_OUT_PUBLICATION_DOCUMENTED = 7
ROUND5_F1 = 0.96
ROUND5_PRECISION = 0.95
ROUND5_PEOPLE = 7
ROUND5_PUBLICATION_DOCUMENTED = 4
DEV_F1 = 0.98  # reached 0.993 (precision 0.993, recall 0.993); the issue asks 0.95 with precision 0.95
DEV_PRECISION = 0.98
DEV_PEOPLE = 30  # reached 30/30 (first-name labels spelled out by profile links); the issue asks 27
DEV_PUBLICATION_STRICT = 11
DEV_PUBLICATION_DOCUMENTED = 20


def test_the_report_prints_a_table_for_any_annotated_set(capsys):
    assert split_quality.main([str(HELD_OUT), "--worst", "2"]) == 0
    out = capsys.readouterr().out
    assert "questions     F1" in out and "interviewees  exact" in out and "publication   strict" in out
    assert "worst files:" in out


def test_the_cpu_figure_counts_every_article():
    line = split_quality.split_cpu(ROOT / "tests" / "fixtures" / "corpus", passes=1)
    assert line.startswith("3 files, ") and "s CPU to read and split" in line


def test_documented_publication_comparison():
    same = split_quality.same_publication
    assert same("Linux Gazette (republished from OLinux, Brazil)", "OLinux", strict=False)
    assert same("Linux Gazette (republished from OLinux, Brazil)", "Linux Gazette", strict=False)
    assert same("The Crypt (Amiga disk/online magazine, issue 25)", "Crypt", strict=False)
    assert not same("That's My JAMstack (podcast)", "podcast", strict=False)
    assert not same("Linux Gazette (republished from OLinux, Brazil)", "Linux Gazette", strict=True)


@pytest.mark.parametrize(
    ("batch", "files", "f1", "precision", "people", "publication"),
    [
        ("original", 15, HELD_OUT_F1, HELD_OUT_PRECISION, HELD_OUT_PEOPLE, HELD_OUT_PUBLICATION_DOCUMENTED),
        ("round 5", 7, ROUND5_F1, ROUND5_PRECISION, ROUND5_PEOPLE, ROUND5_PUBLICATION_DOCUMENTED),
    ],
)
def test_held_out_set_floor(batch, files, f1, precision, people, publication):
    result = split_quality.measure(HELD_OUT, added=batch)
    assert result["files"] == files
    assert result["questions"]["f1"] >= f1
    assert result["questions"]["precision"] >= precision
    assert result["interviewees_exact"] >= people
    assert result["publication_documented"] >= publication


def test_the_whole_held_out_set_is_scored_by_default():
    assert split_quality.measure(HELD_OUT)["files"] == 22


@pytest.mark.skipif(not (DEV / "expected.json").exists(), reason="../shared/corpora/interviews-dev is absent")
def test_dev_set_floor():
    result = split_quality.measure(DEV)
    assert result["questions"]["f1"] >= DEV_F1
    assert result["questions"]["precision"] >= DEV_PRECISION
    assert result["interviewees_exact"] >= DEV_PEOPLE
    assert result["publication_strict"] >= DEV_PUBLICATION_STRICT
    assert result["publication_documented"] >= DEV_PUBLICATION_DOCUMENTED

