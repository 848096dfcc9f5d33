"""The README's Python API example runs as written, and the index commands are documented there."""

from __future__ import annotations

import re
import subprocess
import sys

from searchkit import ROOT, copy_seeds

from index.build import build

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_example_runs(tmp_path):
    section = README.split("## Python API", 1)[1]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    build(copy_seeds(tmp_path / "corpus"), tmp_path / "var" / "index")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True,
                            timeout=120, env={"PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stderr
    assert "voyagela/000_713f14fa217934a6 4 Jinsui Song" in result.stdout
    assert "did you mean: animation" in result.stdout


def test_index_and_search_commands_are_documented():
    for command in ("build", "build --if-missing", "build --jsonl", "update", "add", "search"):
        assert f"interviews {command}" in README, command
