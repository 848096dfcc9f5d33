"""The layering the architecture page promises: data flows one way and the web blueprints form no cycle.

Read from the source with ``ast``, so a stray import fails here, next to the rule, not far away.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    """Every module ``path`` imports, at the top or inside functions."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("package", ["index", "search"])
def test_the_library_never_imports_the_web_layer_or_the_command(package):
    for path in _modules(package):
        bad = {m for m in imported_modules(path) if m.split(".")[0] in ("webui", "interviews")}
        assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_blueprints_get_the_engine_from_webui_engine_not_from_the_app_factory():
    for name in ("pages", "api", "engine", "present", "urls", "sanitize"):
        imports = imported_modules(ROOT / "webui" / f"{name}.py")
        assert "webui.app" not in imports, f"webui/{name}.py imports webui.app (an import cycle)"
    assert "webui.pages" not in imported_modules(ROOT / "webui" / "api.py"), "api and pages share via modules"


def test_the_command_is_a_top_level_module_beside_the_packages():
    import interviews

    assert Path(interviews.__file__).resolve() == ROOT / "interviews.py"
    assert not (ROOT / "search" / "cli.py").exists()


def test_no_test_reads_the_live_corpus_folder():
    """A user's ``interviews add`` changes ``corpus/``; tests copy ``tests/fixtures/corpus`` instead."""
    for path in sorted((ROOT / "tests").glob("*.py")):
        if path.name == Path(__file__).name:
            continue
        text = path.read_text(encoding="utf-8")
        for needle in ('parent / "corpus"', 'parent.parent / "corpus"', 'ROOT / "corpus"', 'REPO / "corpus"'):
            assert needle not in text, f"{path.name} reads the live corpus ({needle})"
