"""The engine boundary: nothing above it imports Whoosh, and Whoosh's internals are used in one module only.

Above the boundary are the ``interviews`` command, the web app and the boundary's own modules (the
protocol, the request rules, the result dataclasses, the writer-side store interface). Below it, the
Whoosh engine's modules use Whoosh's public API; only ``index/whoosh_internals.py`` reaches into its
internals (codec, writer, private names) or patches it, and only when :func:`install` is called.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest
from searchkit import copy_seeds

from index import whoosh_internals
from index.build import build
from index.solr_store import SolrStore
from index.store import open_store
from search.engine import IndexNotFound, SearchEngine, open_index
from search.solrclient import SolrError

ROOT = Path(__file__).resolve().parent.parent
CLI = "interviews"
ABOVE = [CLI, "webui.app", "webui.pages", "webui.api", "webui.urls", "webui.present", "search.engine",
         "search.request", "search.results", "index.store", "index.model"]
INTERNALS = ROOT / "index" / "whoosh_internals.py"
# Whoosh modules whose contents are the index format and the writer's machinery, not its public API.
INTERNAL_MODULES = ("whoosh.codec", "whoosh.writing", "whoosh.filedb", "whoosh.util", "whoosh.matching.mcore")


def _run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_command_the_web_app_and_the_boundary_import_no_whoosh():
    imports = "; ".join(f"import {name}" for name in ABOVE)
    loaded = _run(f"import sys; {imports}; "
                  f"print(sorted(m for m in sys.modules if m.split('.')[0] == 'whoosh'))")
    assert loaded == "[]", f"importing {ABOVE} loaded {loaded}"


def _python_files() -> list[Path]:
    folders = ("index", "search", "webui", "bench")
    return sorted(p for folder in folders for p in (ROOT / folder).rglob("*.py")) + sorted(ROOT.glob("*.py"))


def _whoosh_imports(tree: ast.AST) -> list[tuple[str, str]]:
    """(module, name) for every ``from whoosh… import name`` and ``import whoosh…`` in the tree."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "whoosh":
            found += [(node.module, alias.asname or alias.name) for alias in node.names]
        elif isinstance(node, ast.Import):
            found += [(alias.name, alias.asname or alias.name) for alias in node.names
                      if alias.name.split(".")[0] == "whoosh"]
    return found


def test_only_the_internals_module_reaches_into_whoosh():
    offenders = []
    for path in _python_files():
        if path == INTERNALS:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imports = _whoosh_imports(tree)
        names = {name for _, name in imports}
        for module, name in imports:
            if module.startswith(INTERNAL_MODULES) or name.startswith("_"):
                offenders.append(f"{path.relative_to(ROOT)} imports {name} from {module}")
        for node in ast.walk(tree):
            # Patching a Whoosh class or module (``SomeMatcher.method = ...``).
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, (ast.AugAssign, ast.AnnAssign)) else []
            for target in targets:
                if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name) \
                        and target.value.id in names:
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} patches {target.value.id}")
    assert not offenders, "\n".join(offenders)


def test_whoosh_is_patched_only_by_install_and_only_at_version_2_7_4():
    code = ("from whoosh.codec.whoosh3 import W3LeafMatcher as M; original = M.skip_to; "
            "import search.whoosh_engine, search.scoring, search.facets, index.whoosh_store, index.build; "
            "print(M.skip_to is original); "
            "from index import whoosh_internals as w; w.install(); w.install(); "
            "print(M.skip_to is w._skip_to, w.installed())")
    assert _run(code).splitlines() == ["True", "True True"]
    whoosh_internals.check_version((2, 7, 4))
    for other in ((2, 7, 5), (2, 7, 3), (3, 0, 0)):
        with pytest.raises(whoosh_internals.WhooshVersionError, match="needs Whoosh 2.7.4 exactly"):
            whoosh_internals.check_version(other)


def test_a_folder_opens_the_whoosh_engine_behind_the_protocol(tmp_path):
    with pytest.raises(IndexNotFound, match="no index here"):
        open_index(tmp_path / "nothing")
    build(copy_seeds(tmp_path / "corpus"), tmp_path / "index")
    with open_index(tmp_path / "index") as engine:
        assert isinstance(engine, SearchEngine)
        result = engine.search("quarantine", per_page="x", sort="oldest", filters={"colour": ["red"]})
        assert result.total == 1 and result.per_page == 10 and result.sort == "relevance"
        said = [w for w in result.warnings if not w.startswith("also searched")]  # synonyms of quarantine
        assert len(said) == 3, result.warnings  # per_page, sort and the unknown facet, each said


@pytest.mark.parametrize("url", ["http://127.0.0.1:9/solr/passages", "HTTPS://127.0.0.1:9/solr/x"])
def test_a_url_goes_to_the_solr_engine_and_is_never_taken_for_a_folder(tmp_path, url, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert isinstance(open_store(url), SolrStore)
    with pytest.raises(IndexNotFound, match="no Solr node answered"):
        open_index(url)  # nothing listens on port 9 (discard)
    with pytest.raises(SolrError, match="no Solr node answered"):
        build(tmp_path, url)
    assert list(tmp_path.iterdir()) == [], "nothing was written for a URL"
