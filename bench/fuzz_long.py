"""The long fuzz run: a million or more inputs through reading + splitting, query parsing, search, and
the web's search URL parsing, with libFuzzer's coverage guidance (atheris) and a 1 s limit per input.

    python -m bench.fuzz_long                      # 1,000,000 inputs: what `make reliability` runs
    python -m bench.fuzz_long --runs 20000         # a quick look
    python -m bench.fuzz_long --target split --runs 5000 --workdir /tmp/fuzz

First the named worst cases are timed one by one (a 1 MB line of "?", 20,000-deep nested markup, 10,000
speaker labels, huge Markdown headings, ...): each must read and split in under ``--max-seconds``
(default 1 s), which is how catastrophic regex backtracking shows. Then each target fuzzes in its own
process under libFuzzer with ``-timeout`` equal to the same limit: an exception other than the documented
:class:`ArticleError`, or an input slower than the limit, stops that target and writes the input to
``<workdir>/<target>/crash-*`` (rerun one with ``--target T --reproduce FILE``). Inputs are shared out
between the targets by ``SHARES``. Exits 1 if anything failed. Needs ``pip install -e '.[bench]'`` (atheris).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARES = {"split": 0.45, "parse": 0.3, "query": 0.1, "web": 0.15}
"""Share of the inputs each target gets."""
EXTENSIONS = (".txt", ".md", ".html", ".markdown", ".htm", ".text")


def worst_cases(scale: float = 1.0) -> dict[str, tuple[str, bytes]]:
    """Named inputs that break backtracking regexes or recursive parsers: ``{name: (extension, bytes)}``.

    ``scale`` multiplies every size (the names give the sizes at 1.0)."""

    def n(count: int) -> int:
        return max(1, int(count * scale))

    labels = b"".join(b"Q: Question number %d, what now?\nA: Answer %d.\n" % (i, i) for i in range(n(10_000)))
    speakers = b"".join(b"SPEAKER%d: Is this a question?\n" % i for i in range(n(10_000)))
    mb = n(1_000_000)
    return {
        "1 MB line of '?' (.txt)": (".txt", b"?" * mb),
        "1 MB line of '?' (.md)": (".md", b"?" * mb),
        "1 MB line of '?' (.html)": (".html", b"?" * mb),
        "20,000 nested <div> (.html)": (".html", b"<div>" * n(20_000) + b"Why?" + b"</div>" * n(20_000)),
        "100,000 nested <b><i> unclosed (.html)": (".html", b"<b><i>" * n(100_000) + b"Why?"),
        "250,000 unclosed comments (.html)": (".html", b"<!--" * n(250_000)),
        "1 MB of '<' (.html)": (".html", b"<" * mb),
        "5,000-deep blockquote (.md)": (".md", b"> " * n(5_000) + b"Why?\n" + b"*" * n(100_000)),
        "5,000-deep YAML front matter (.md)":
            (".md", b"---\na: " + b"[" * n(5_000) + b"]" * n(5_000) + b"\n---\nWhy?"),
        "250,000 '[a](' (.md)": (".md", b"[a](" * n(250_000)),
        "10,000 Q:/A: speaker labels (.txt)": (".txt", labels),
        "10,000 different speaker labels (.txt)": (".txt", speakers),
        "Markdown heading of 200,000 words (.md)": (".md", b"# " + b"word " * n(200_000) + b"?\n\nAnswer."),
        "heading of 100,000 '#' (.md)": (".md", b"#" * n(100_000) + b" Why?\n\nAnswer."),
        "10,000 headings (.md)": (".md", b"## What now?\n\nThis.\n\n" * n(10_000)),
        "1 MB of newlines (.txt)": (".txt", b"\n" * mb + b"Why?"),
        "1 MB of one word and spaces (.txt)": (".txt", b"Q" + b" " * mb + b"?"),
        "1 MB sentence without breaks (.txt)": (".txt", b"Why is it so? I do not know. " * n(34_000)),
        "500,000 'a:' (.txt)": (".txt", b"a:" * n(500_000)),
        "1 MB of '**' (.md)": (".md", b"**" * n(500_000) + b"Why?"),
    }


MAX_GROWTH = 8.0
"""Largest allowed ratio of read + split time at full size to time at a quarter size: linear work
gives about 4, quadratic work (catastrophic backtracking) about 16."""


def _split_seconds(ext: str, data: bytes):
    from index.model import ArticleError
    from index.read import source_from_bytes
    from index.split import split_source

    started = time.perf_counter()
    article, outcome = None, ""
    try:
        article = split_source(source_from_bytes(data, "worst" + ext), "worst")
        outcome = f"{len(article.passages)} passages"
    except ArticleError as exc:
        outcome = f"refused: {exc.reason[:60]}"
    except Exception as exc:  # noqa: BLE001 - reported as a failure
        outcome = f"CRASH {type(exc).__name__}: {exc}"[:120]
    return time.perf_counter() - started, article, outcome


def time_worst_cases(limit: float) -> list[dict]:
    """Read + split each worst case at full and quarter size; enrichment is timed apart (it is per
    passage, not per regex). A case fails if it crashes, or is over ``limit`` seconds *and* grows
    faster than linearly (more than :data:`MAX_GROWTH` times the quarter-size time)."""
    from index.enrich import enrich_article

    _split_seconds(".txt", b"Hi Ann, what do you do?\nI paint.\n\nWhy?\nI like it.\n")
    quarter = worst_cases(0.25)
    rows = []
    for name, (ext, data) in worst_cases().items():
        small, _, _ = _split_seconds(*quarter[name])
        seconds, article, outcome = _split_seconds(ext, data)
        growth = seconds / max(small, 0.005)
        enrich_seconds = 0.0
        if article is not None:
            started = time.perf_counter()
            enrich_article(article)
            enrich_seconds = time.perf_counter() - started
        ok = not outcome.startswith("CRASH") and (seconds <= limit or growth <= MAX_GROWTH)
        rows.append({"case": name, "bytes": len(data), "split_s": round(seconds, 3),
                     "quarter_s": round(small, 3), "growth": round(growth, 1),
                     "enrich_s": round(enrich_seconds, 3), "outcome": outcome, "ok": ok})
        print(f"{'ok  ' if ok else 'FAIL'} {seconds:6.2f} s (x{growth:4.1f} vs 1/4 size; "
              f"+{enrich_seconds:.2f} s enrich)  {name}: {outcome}", flush=True)
    return rows


# --- fuzz targets (run inside a child process) ------------------------------------------------------------

def _split_target():
    from index.model import ArticleError
    from index.read import source_from_bytes
    from index.split import split_source

    def one(data: bytes) -> None:
        ext = EXTENSIONS[data[0] % len(EXTENSIONS)] if data else ".txt"
        try:
            article = split_source(source_from_bytes(data[1:], "fuzz" + ext), "fuzz")
        except ArticleError:
            return
        assert article.passages

    return one


def _engine(index_dir: Path):
    from index.build import build, index_exists
    from search.engine import open_index

    if not index_exists(index_dir):
        corpus = index_dir.parent / "corpus"
        if not corpus.exists():
            corpus.mkdir(parents=True)
            for folder in ("voyagela", "litang-zone", "canvasrebel"):
                (corpus / folder).mkdir()
                for path in (ROOT / "corpus" / folder).iterdir():
                    (corpus / folder / path.name).write_bytes(path.read_bytes())
        build(corpus, index_dir)
    return open_index(index_dir)


def _query_target(index_dir: Path):
    import atheris

    from index.facets import FACET_NAMES

    engine = _engine(index_dir)
    facets = list(FACET_NAMES) + ["colour"]

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        page = fdp.ConsumeIntInRange(-5, 2000)
        per_page = fdp.ConsumeIntInRange(-5, 200)
        filters = {}
        for _ in range(fdp.ConsumeIntInRange(0, 2)):
            filters.setdefault(facets[fdp.ConsumeIntInRange(0, len(facets) - 1)], []).append(
                fdp.ConsumeUnicodeNoSurrogates(20))
        sort = ("relevance", "newest", "interviewee", "x")[fdp.ConsumeIntInRange(0, 3)]
        query = fdp.ConsumeUnicodeNoSurrogates(2000)
        result = engine.search(query, filters=filters, page=page, per_page=per_page, sort=sort)
        assert 1 <= result.per_page <= 100 and len(result.hits) <= result.per_page

    return one


def _parse_target(index_dir: Path):
    """Query text alone through parsing and prefix/fuzzy expansion: cheap, so it gets many inputs."""
    from search.query import expand_words, parse

    engine = _engine(index_dir)
    session = engine.session()
    searcher = session.__enter__().searcher  # held for the whole fuzzing run, by its one thread
    reader, schema = searcher.reader(), searcher.schema

    def one(data: bytes) -> None:
        parsed = parse(data.decode("utf-8", "replace"), schema)
        if not parsed.match_all:
            expand_words(parsed.query, reader)

    return one


def _web_target(index_dir: Path):
    import atheris

    from webui.app import create_app

    _engine(index_dir).close()
    client = create_app({"TESTING": True, "INDEX_DIR": str(index_dir), "CORPUS_DIR": ""}).test_client()
    paths = ("/api/search?", "/?", "/search.csv?", "/api/articles/")

    def one(data: bytes) -> None:
        fdp = atheris.FuzzedDataProvider(data)
        path = paths[fdp.ConsumeIntInRange(0, len(paths) - 1)]
        rest = fdp.ConsumeBytes(fdp.remaining_bytes()).decode("latin-1")
        # Keep it a URL: the test client refuses spaces and control characters before our code sees them.
        rest = re.sub(r"[\x00-\x20\x7f-\xff#]", lambda m: f"%{ord(m.group()):02X}", rest)
        response = client.get(path + rest)
        if response.status_code == 308 and "//" in path + rest:
            return  # Werkzeug's redirect from a doubled slash to the canonical URL
        if response.status_code not in (200, 400, 404):
            raise AssertionError(f"{path}{rest[:200]} answered {response.status_code}")
        if path.startswith("/api/"):
            assert response.is_json, f"{path}{rest[:200]} did not answer JSON"

    return one


def run_target(target: str, runs: int, workdir: Path, limit: float, reproduce: str | None) -> int:
    """Fuzz one target in this process under libFuzzer; libFuzzer exits the process when done."""
    import atheris

    index_dir = workdir / "index" / "index"
    # Coverage feedback from our own modules only: instrumenting Whoosh, YAML and Flask too would slow
    # every input for branches we do not own.
    with atheris.instrument_imports(include=["index", "search", "webui"]):
        one = {"split": _split_target, "parse": lambda: _parse_target(index_dir),
               "query": lambda: _query_target(index_dir),
               "web": lambda: _web_target(index_dir)}[target]()
    if reproduce:
        one(Path(reproduce).read_bytes())
        print("no failure")
        return 0
    seeds = workdir / target / "corpus"
    seeds.mkdir(parents=True, exist_ok=True)
    if target == "split":
        for path in list((ROOT / "tests" / "fixtures" / "articles").iterdir()) + \
                list((ROOT / "corpus" / "voyagela").glob("*.txt")):
            if path.suffix in EXTENSIONS:
                (seeds / path.name).write_bytes(bytes([EXTENSIONS.index(path.suffix)]) + path.read_bytes())
    argv = [sys.argv[0], f"-runs={runs}", f"-timeout={max(1, round(limit))}", "-max_len=8192",
            "-rss_limit_mb=3072", f"-artifact_prefix={workdir / target}/", "-print_final_stats=1",
            str(seeds)]

    def guarded(data: bytes) -> None:
        one(data)

    atheris.Setup(argv, guarded)
    atheris.Fuzz()
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1_000_000, help="Total inputs over all targets.")
    parser.add_argument("--target", choices=sorted(SHARES), help="Run only this target (in this process).")
    parser.add_argument("--max-seconds", type=float, default=1.0, help="Slowest input allowed, seconds.")
    parser.add_argument("--workdir", default=None, help="Corpus, crash files, index (default: a temp dir).")
    parser.add_argument("--reproduce", default=None, help="With --target: run one saved input and exit.")
    parser.add_argument("--json", default=None, help="Write the figures to this JSON file.")
    args = parser.parse_args(argv)
    workdir = Path(args.workdir or tempfile.mkdtemp(prefix="fuzz-"))
    workdir.mkdir(parents=True, exist_ok=True)
    if args.target:
        return run_target(args.target, args.runs, workdir, args.max_seconds, args.reproduce)

    print(f"worst cases (limit {args.max_seconds} s for read + split):", flush=True)
    rows = time_worst_cases(args.max_seconds)
    summary: dict = {"worst_cases": rows, "targets": {}, "workdir": str(workdir)}
    failed = not all(row["ok"] for row in rows)
    for target, share in SHARES.items():
        runs = max(1, int(args.runs * share))
        print(f"\nfuzzing {target}: {runs:,} inputs", flush=True)
        started = time.monotonic()
        command = [sys.executable, "-m", "bench.fuzz_long", "--target", target, "--runs", str(runs),
                   "--workdir", str(workdir), "--max-seconds", str(args.max_seconds)]
        proc = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
        log = proc.stdout + proc.stderr
        (workdir / f"{target}.log").write_text(log)
        done = re.findall(r"stat::number_of_executed_units:\s*(\d+)", log)
        peak = re.findall(r"stat::peak_rss_mb:\s*(\d+)", log)
        crashes = sorted(str(p) for p in (workdir / target).glob("crash-*")) + \
            sorted(str(p) for p in (workdir / target).glob("timeout-*"))
        entry = {"inputs": int(done[-1]) if done else 0, "exit": proc.returncode, "failures": crashes,
                 "seconds": round(time.monotonic() - started, 1),
                 "peak_rss_mb": int(peak[-1]) if peak else None}
        summary["targets"][target] = entry
        ok = proc.returncode == 0 and not crashes
        failed |= not ok
        print(f"{'ok' if ok else 'FAIL'}: {entry}", flush=True)
        if not ok:
            print("\n".join(log.splitlines()[-40:]))
    summary["inputs"] = sum(t["inputs"] for t in summary["targets"].values())
    print(f"\n{summary['inputs']:,} inputs in total; {'FAILED' if failed else 'no failure'}")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
