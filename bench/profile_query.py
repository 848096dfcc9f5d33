"""Before/after CPU time of faceted searches, both versions of the engine in the same process.

    .venv/bin/python -m bench.profile_query --index var/bench/index --before HEAD~1 --rounds 5

Loads ``search/engine.py`` and ``search/highlight.py`` as they were at git revision ``--before`` next to
the working tree's (switching back any Whoosh method the newer engine patches while the older one runs),
opens the same index with each, and runs the benchmark's queries (from ``bench/results/latest.json``)
on the two in turn, so machine noise falls on both alike. Reports each class's median CPU milliseconds
per query (``time.process_time``: other processes' load does not count) and checks that both return
the same hits, scores, snippets and facet counts.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import subprocess
import sys
import tempfile
import time
import types
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_before(rev: str) -> types.ModuleType:
    """The engine module of git revision ``rev`` (with that revision's highlighter), as ``_before.engine``."""
    folder = Path(tempfile.mkdtemp(prefix="engine-before-"))
    package = types.ModuleType("_before")
    package.__path__ = [str(folder)]
    sys.modules["_before"] = package
    for name in ("highlight", "engine"):
        source = subprocess.run(["git", "show", f"{rev}:search/{name}.py"], cwd=ROOT, check=True,
                                capture_output=True, text=True).stdout
        source = source.replace("from search import highlight", "from _before import highlight")
        path = folder / f"{name}.py"
        path.write_text(source)
        spec = importlib.util.spec_from_file_location(f"_before.{name}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[f"_before.{name}"] = module
        spec.loader.exec_module(module)
        setattr(package, name, module)
    return package.engine


def fingerprint(result) -> tuple:
    """What a user sees of a result: hits (ids, scores, snippets) and every facet's counts."""
    hits = tuple((h.article, h.passage, h.score, h.snippet, h.question_html) for h in result.hits)
    facets = tuple((name, tuple((v.value, v.count) for v in f.values), f.more)
                   for name, f in sorted(result.facets.items()))
    return result.total, hits, facets


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", default="var/bench/index")
    parser.add_argument("--before", default="HEAD", help="git revision to compare with (default HEAD)")
    parser.add_argument("--rounds", type=int, default=5, help="timed rounds per query (default 5)")
    parser.add_argument("--queries", default=str(ROOT / "bench/results/latest.json"))
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from whoosh.codec.whoosh3 import W3LeafMatcher

    # The engine may patch Whoosh's classes when imported; each side runs with its own methods.
    original = dict(vars(W3LeafMatcher))
    from search import engine as after_engine

    patched = {k: v for k, v in vars(W3LeafMatcher).items() if original.get(k) is not v}
    before_engine = load_before(args.before)

    def use(name: str) -> None:
        for key in patched:
            setattr(W3LeafMatcher, key, original[key] if name == "before" else patched[key])

    queries = json.loads(Path(args.queries).read_text())["queries"]
    engines = {"before": before_engine.open_index(args.index), "after": after_engine.open_index(args.index)}
    ms: dict[tuple[str, str], list[float]] = {}
    different = []
    for cls, texts in queries.items():
        for text in texts:
            seen = {}
            for name, e in engines.items():  # warm-up, and the results to compare
                use(name)
                seen[name] = fingerprint(e.search(text))
            if seen["before"] != seen["after"]:
                different.append(text)
            for _ in range(args.rounds):
                for name, e in engines.items():
                    use(name)
                    started = time.process_time()
                    e.search(text)
                    ms.setdefault((cls, name), []).append((time.process_time() - started) * 1000)
    print(f"{'class':<14} {'before ms':>10} {'after ms':>10}  (median CPU per query, {args.rounds} rounds)")
    for cls in queries:
        b, a = statistics.median(ms[(cls, "before")]), statistics.median(ms[(cls, "after")])
        print(f"{cls:<14} {b:>10.1f} {a:>10.1f}")
    print("identical results on every query" if not different else f"DIFFERENT results: {different}")


if __name__ == "__main__":
    main()
