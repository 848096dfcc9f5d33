"""The `interviews` build, update, add and search commands, through click's CliRunner."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from searchkit import ACCENTS_ARTICLE, COVID, STOP_MOTION, copy_seeds

from interviews import main

HIT_KEYS = {"article", "passage", "question", "snippet", "interviewee", "publication", "score", "url"}
TOP_KEYS = {"query", "total", "page", "per_page", "hits", "facets", "suggestion", "warnings"}


@pytest.fixture(scope="module")
def dirs(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    corpus = copy_seeds(root / "corpus")
    index_dir = root / "index"
    result = CliRunner().invoke(main, ["build", "--corpus", str(corpus), "--index", str(index_dir)])
    assert result.exit_code == 0, result.output
    return corpus, index_dir, root


def invoke(*args, env=None):
    return CliRunner().invoke(main, [str(a) for a in args], env=env)


def search_json(index_dir, *args):
    result = invoke("search", *args, "--json", "--index", index_dir)
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_build_prints_one_summary_line(dirs, tmp_path):
    corpus, _, _ = dirs
    result = invoke("build", "--corpus", corpus, "--index", tmp_path / "ix")
    assert result.exit_code == 0
    line, = result.stdout.strip().splitlines()  # progress lines go to stderr
    assert line.startswith("build gen-000001: 3 articles, ") and "0 files skipped" in line and " s" in line


def test_build_if_missing_keeps_the_existing_index(dirs):
    corpus, index_dir, _ = dirs
    result = invoke("build", "--if-missing", "--corpus", corpus, "--index", index_dir)
    assert result.exit_code == 0 and "nothing to do" in result.output
    assert (index_dir / "CURRENT").read_text().strip() == "gen-000001"


def test_search_json_has_the_documented_shape(dirs):
    _, index_dir, _ = dirs
    data = search_json(index_dir, "covid", "--limit", "3")
    assert set(data) >= TOP_KEYS
    assert data["query"] == "covid" and data["page"] == 1 and data["per_page"] == 3
    assert set(data["hits"][0]) >= HIT_KEYS
    assert (data["hits"][0]["article"], data["hits"][0]["passage"]) == (COVID, 4)
    assert "<mark>" in data["hits"][0]["snippet"]
    for name, values in data["facets"].items():
        assert isinstance(name, str)
        for value in values:
            assert set(value) == {"value", "count", "selected"}
    assert data["suggestion"] is None
    assert data["warnings"] == ["also searched: covid → covid-19, coronavirus, pandemic"]


def test_search_filters_paging_and_suggestion(dirs):
    _, index_dir, _ = dirs
    data = search_json(index_dir, "", "--filter", "publication=VoyageLA", "--limit", "2", "--page", "2")
    assert data["page"] == 2 and len(data["hits"]) == 2 and {h["article"] for h in data["hits"]} == {COVID}
    assert {v["value"]: v["selected"] for v in data["facets"]["publication"]}["VoyageLA"] is True
    assert search_json(index_dir, "animaton")["suggestion"] == "animation"
    assert search_json(index_dir, '"stop motion')["warnings"]


def test_search_readable_output(dirs):
    _, index_dir, _ = dirs
    result = invoke("search", "stop motion", "--index", index_dir)
    assert result.exit_code == 0
    assert result.output.splitlines()[0].startswith("4 passages for 'stop motion', 1 with most of the words")
    assert "--- passages with most of the words ---" in result.output
    assert STOP_MOTION in result.output and "<mark>" not in result.output
    strict = invoke("search", "stop motion", "--match", "all", "--index", index_dir)
    assert strict.output.splitlines()[0].startswith("3 passages for 'stop motion' (")
    assert "publication: litang.zone" in result.output.lower()


def test_search_errors_are_one_line(dirs, tmp_path):
    _, index_dir, _ = dirs
    missing = invoke("search", "covid", "--index", tmp_path / "nothing")
    assert missing.exit_code == 1 and "run `interviews build`" in missing.output
    assert "Traceback" not in missing.output
    bad = invoke("search", "covid", "--filter", "publication", "--index", index_dir)
    assert bad.exit_code == 2 and "FIELD=VALUE" in bad.output


def test_index_folder_from_the_environment(dirs):
    _, index_dir, _ = dirs
    result = CliRunner().invoke(main, ["search", "covid", "--json"], env={"INTERVIEWS_INDEX": str(index_dir)})
    assert json.loads(result.output)["total"] == 1


def test_add_and_update(tmp_path):
    corpus = copy_seeds(tmp_path / "corpus")
    index_dir = tmp_path / "index"
    assert invoke("build", "--corpus", corpus, "--index", index_dir).exit_code == 0
    new = tmp_path / "therese.txt"
    new.write_text(ACCENTS_ARTICLE, encoding="utf-8")
    added = invoke("add", new, "--publication", "Ceramics Weekly",
                   "--corpus", corpus, "--index", index_dir)
    assert added.exit_code == 0, added.output
    assert "added ceramics-weekly/therese.txt" in added.output
    assert "add gen-000001: 1 articles" in added.output
    assert search_json(index_dir, "ceramics")["hits"][0]["publication"] == "Ceramics Weekly"

    (corpus / "ceramics-weekly" / "therese.txt").unlink()
    updated = invoke("update", "--corpus", corpus, "--index", index_dir)
    assert updated.exit_code == 0 and "1 deleted" in updated.output
    assert search_json(index_dir, "ceramics")["total"] == 0

    nothing = invoke("add", tmp_path / "missing.txt", "--corpus", corpus, "--index", index_dir)
    assert nothing.exit_code != 0  # click refuses a missing path before the library sees it


def test_search_past_the_last_page_says_so_and_exits_1(dirs):
    _, index_dir, _ = dirs
    total = search_json(index_dir, "covid", "--limit", "100")["total"]
    result = invoke("search", "covid", "--limit", "100", "--page", "2", "--index", index_dir)
    assert result.exit_code == 1
    assert f"page 2 is past the last page (1) of the {total} passage" in result.output
    assert "Traceback" not in result.output


def test_one_passage_is_singular_and_snippets_stay_on_one_line(dirs):
    _, index_dir, _ = dirs
    one = invoke("search", '"stop motion" animators', "--limit", "1", "--index", index_dir)
    assert one.exit_code == 0, one.output
    counted = search_json(index_dir, '"stop motion" animators')["total"]
    first = one.output.splitlines()[0]
    assert first.startswith(f"{counted} passage{'s' if counted != 1 else ''} for ")
    many = invoke("search", "", "--limit", "10", "--index", index_dir)
    lines = many.output.splitlines()
    numbered = [i for i, line in enumerate(lines) if line[:5].strip().rstrip(".").isdigit()]
    assert len(numbered) == 10
    for i in numbered:  # each hit: its heading, an optional question and one snippet line, then a blank
        block = lines[i + 1:]
        block = block[:block.index("")] if "" in block else block
        assert 1 <= len(block) <= 2 and all(line.startswith("     ") for line in block), block


def test_a_build_off_a_terminal_says_what_it_is_doing(tmp_path):
    """`make serve` in a log or CI used to print nothing for minutes while the index was built."""
    import subprocess

    from searchkit import INTERVIEWS

    corpus = copy_seeds(tmp_path / "corpus")
    proc = subprocess.run([INTERVIEWS, "build", "--corpus", corpus, "--index", tmp_path / "ix"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "indexing: 3 files" in proc.stderr
    assert "indexing: 3 of 3 files" in proc.stderr
