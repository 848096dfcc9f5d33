"""Speed benchmark: build, cold open, memory of a search process, add-one-article, query latency per class
and web throughput, with tantivy, SQLite FTS5 and plain Whoosh measured in the same run on the same parsed
passages (plain Whoosh only up to ``--plain-max-articles``, 10,000 by default: at that size it already
takes 136 s to index and 2–14 s per query).

    python -m bench.speed --articles 10000            # what `make bench` runs
    python -m bench.speed --articles 30 --quick       # the smoke test: tiny, no web, no files in docs/

Writes ``bench/results/latest.json`` and, unless ``--no-docs``, the generated part of ``docs/benchmarks.md``
(between the ``speed`` markers) and ``docs/benchmarks_latency.png``. Latencies are in milliseconds, build
and open times in seconds. The machine is shared and noisy, so query rounds interleave the systems
query by query (noise hits all three alike) and the report quotes medians and ratios.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import platform
import random
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from collections import Counter
from pathlib import Path

from bench.baselines import Fts5, QuerySpec, TantivyFaceted, WhooshPlain

REPO = Path(__file__).resolve().parent.parent
CLASSES = ("common_word", "rare_word", "two_word_and", "phrase", "field", "prefix")
"""Query classes, in report order."""
SPEED_START, SPEED_END = "<!-- speed:start -->", "<!-- speed:end -->"
# Short, frequent words that say nothing about a passage; never picked as benchmark queries.
_STOP_TEXT = """a about above after again against all am an and any are as at be because been before being
below between both but by can could did do does doing down during each few for from further had has have
having he her here hers herself him himself his how i if in into is it its itself just me more most my
myself no nor not now of off on once only or other our ours out over own same she should so some such than
that the their theirs them then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours also really like get got one use
used using much lot things thing well even way make made still"""
_STOP = frozenset(_STOP_TEXT.split())
_TOKEN = re.compile(r"[a-z]+")


# --- helpers -----------------------------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100) by linear interpolation; 0.0 for no values."""
    if not values:
        return 0.0
    s = sorted(values)
    k = (len(s) - 1) * q / 100
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary_ms(samples: list[float]) -> dict:
    """p50/p95/mean of samples given in seconds, as milliseconds rounded to 0.01."""
    ms = [s * 1000 for s in samples]
    return {"p50": round(percentile(ms, 50), 2), "p95": round(percentile(ms, 95), 2),
            "mean": round(statistics.fmean(ms), 2) if ms else 0.0, "n": len(ms)}


def folder_size(path: Path) -> int:
    """Total bytes of the files under ``path``."""
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file())


def _run_child(args: list[str]) -> tuple[dict, float, int, float]:
    """Run ``python -m bench.speed <args>``; return (its JSON output, wall s, peak RSS bytes, CPU s).

    CPU seconds (user + system) matter on a shared machine: wall time there includes waiting for a core.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-m", "bench.speed", *args], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    # communicate() already reaped the child; its usage is in the children's rusage (RSS in kilobytes).
    # The build child runs first, so the children's peak RSS is the build's.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise RuntimeError(f"bench child {' '.join(args)} failed ({proc.returncode}):\n{err[-3000:]}")
    return json.loads(out.strip().splitlines()[-1]), wall, after.ru_maxrss * 1024, cpu


# --- children: each runs in a fresh process so its memory and cold start are its own ----------------

def child_build(corpus: str, index_dir: str) -> dict:
    """Full build end to end (read, split, enrich, index) with the library users run."""
    from index.build import build

    report = build(corpus, index_dir)
    return {"articles": report.articles, "passages": report.passages, "seconds": report.seconds,
            "skipped": len(report.skipped)}


def child_open(index_dir: str, query: str) -> dict:
    """Cold start: import the library, open the index and get the first page of results."""
    started = time.perf_counter()
    from search.engine import open_index

    imported = time.perf_counter()
    engine = open_index(index_dir)
    result = engine.search(query)
    done = time.perf_counter()
    return {"import_s": imported - started, "open_s": done - imported, "total": result.total}


def child_queries(index_dir: str, queries_json: str, count: int) -> dict:
    """A search process as a web worker is one: open, answer ``count`` searches (cycling through the
    queries in the JSON list), then report its memory from /proc/self/status, in kB.

    RssAnon is the process's own heap; RssFile is the page cache of the index files it has mapped, which
    every process that maps the same files shares (one copy in memory for all web workers).
    """
    from search.engine import open_index

    queries = json.loads(Path(queries_json).read_text(encoding="utf-8"))
    engine = open_index(index_dir)
    for i in range(count):
        engine.search(queries[i % len(queries)])
    status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines()
                  if ":" in line)
    kb = {key: int(status[key].split()[0]) for key in ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem")
          if key in status}
    engine.close()
    return {"searches": count, **kb}


# --- corpus, parsing and query sets --------------------------------------------------------------------

def ensure_corpus(folder: Path, articles: int, seed: int) -> Path:
    """Generate the corpus once per (articles, seed); reuse it on later runs."""
    from bench.make_corpus import make_corpus

    stamp = folder / ".bench-corpus"
    want = f"{articles} {seed}\n"
    if stamp.exists() and stamp.read_text() == want:
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    make_corpus(articles, folder, seed)
    stamp.write_text(want)
    return folder


def parse_corpus(corpus: Path) -> tuple[list, float]:
    """Every article through our own read → split → enrich pipeline; returns (articles, seconds)."""
    from index.corpus import iter_article_files, parse_file
    from index.model import ArticleError

    started = time.perf_counter()
    articles = []
    for path in sorted(iter_article_files(corpus)):
        try:
            articles.append(parse_file(path, corpus_root=corpus))
        except ArticleError:
            continue  # the build reports these; the baselines just skip them too
    return articles, time.perf_counter() - started


def pick_queries(articles: list, per_class: int, seed: int) -> dict[str, list[QuerySpec]]:
    """Deterministic queries for every class, drawn from the passages' own vocabulary.

    common: the most frequent content words; rare: words in 3–20 passages; two-word AND: pairs of
    frequent words that co-occur; phrase: frequent adjacent word pairs; field: a word in ``question``;
    prefix: the first 4 letters of frequent words.
    """
    rng = random.Random(seed)
    df: Counter = Counter()
    qdf: Counter = Counter()
    bigrams: Counter = Counter()
    for article in articles:
        for p in article.passages:
            words = _TOKEN.findall((p.question + " " + p.answer).lower())
            df.update(set(w for w in words if w not in _STOP and len(w) > 2))
            qdf.update(set(w for w in _TOKEN.findall(p.question.lower()) if w not in _STOP and len(w) > 3))
            bigrams.update((a, b) for a, b in zip(words, words[1:], strict=False)
                           if a not in _STOP and b not in _STOP and len(a) > 2 and len(b) > 2)
    ranked = [w for w, _ in df.most_common()]
    common = ranked[:per_class]
    rare_pool = sorted(w for w, n in df.items() if 3 <= n <= 20 and len(w) > 4)
    rare = rng.sample(rare_pool, min(per_class, len(rare_pool)))
    mid = ranked[:200]
    pairs = []
    while len(pairs) < per_class and len(mid) > 1:
        a, b = rng.sample(mid, 2)
        if (a, b) not in pairs:
            pairs.append((a, b))
    phrases = [bg for bg, n in bigrams.most_common(per_class * 3) if n >= 3]
    phrases = rng.sample(phrases, min(per_class, len(phrases)))
    question_words = [w for w, _ in qdf.most_common(per_class * 2)]
    fields = rng.sample(question_words, min(per_class, len(question_words)))
    prefixes = list(dict.fromkeys(w[:4] for w in ranked[:300] if len(w) >= 6))
    prefixes = rng.sample(prefixes, min(per_class, len(prefixes)))
    return {
        "common_word": [QuerySpec("word", (w,)) for w in common],
        "rare_word": [QuerySpec("word", (w,)) for w in rare],
        "two_word_and": [QuerySpec("and", pair) for pair in pairs],
        "phrase": [QuerySpec("phrase", bg) for bg in phrases],
        "field": [QuerySpec("field", (w,), "question") for w in fields],
        "prefix": [QuerySpec("prefix", (p,)) for p in prefixes],
    }


# --- measurements ------------------------------------------------------------------------------------

class Ours:
    """Our library, as users call it: ``open_index(dir).search(query)`` with facets and highlights."""

    def __init__(self, index_dir: Path):
        from search.engine import open_index

        self.engine = open_index(str(index_dir))

    def search(self, spec: QuerySpec, limit: int = 10, facet_limit: int = 10):
        return self.engine.search(spec.user_syntax(), per_page=limit, facet_limit=facet_limit)


def measure_queries(systems: dict, queries: dict[str, list[QuerySpec]], rounds: int,
                    sampled: dict[str, tuple[int, int]] | None = None) -> dict:
    """Latency samples per system and class; each query runs on every system in turn, ``rounds`` times.

    A warm-up pass first (it fills caches every system would have warm in a server); its timings are
    kept apart as ``first``: each query's first run, with only the words of earlier queries decoded.
    ``sampled`` maps a slow system's name to (queries per class, rounds): it answers only the first
    queries of each class, that many times, with no warm-up (plain Whoosh takes tens of seconds per
    common-word query at 100k passages, so the full set would take hours).
    """
    sampled = sampled or {}
    samples = {name: {c: [] for c in queries} for name in systems}
    totals = {name: {c: [] for c in queries} for name in systems}
    first = {name: {c: [] for c in queries} for name in systems if name not in sampled}
    # Where a slow run's time went: CPU seconds of the process (every thread) and page faults per timed
    # search, and the host's steal of the machine over the whole measurement.
    cpu = {name: {c: [] for c in queries} for name in systems}
    faults = {name: {c: [0, 0] for c in queries} for name in systems}
    stolen = _cpu_ticks()

    def runs(name: str, index: int, round_: int) -> bool:
        if name not in sampled:
            return round_ < rounds
        count, limit = sampled[name]
        return index < count and round_ < limit

    for cls, specs in queries.items():
        for spec in specs:
            for name, system in systems.items():
                if name not in sampled:
                    started = time.perf_counter()
                    system.search(spec)
                    first[name][cls].append(time.perf_counter() - started)
    for round_ in range(max([rounds, *(r for _, r in sampled.values())])):
        for cls, specs in queries.items():
            for index, spec in enumerate(specs):
                for name, system in systems.items():
                    if not runs(name, index, round_):
                        continue
                    before = resource.getrusage(resource.RUSAGE_SELF)
                    started, cpu0 = time.perf_counter(), time.process_time()
                    result = system.search(spec)
                    samples[name][cls].append(time.perf_counter() - started)
                    cpu[name][cls].append(time.process_time() - cpu0)
                    after = resource.getrusage(resource.RUSAGE_SELF)
                    faults[name][cls][0] += after.ru_minflt - before.ru_minflt
                    faults[name][cls][1] += after.ru_majflt - before.ru_majflt
                    totals[name][cls].append(result.total)
    return {"samples": samples, "totals": totals, "first": first, "cpu": cpu,
            "faults": {name: {c: {"minor": round(n / max(len(samples[name][c]), 1), 1),
                                  "major": round(m / max(len(samples[name][c]), 1), 2)}
                              for c, (n, m) in per.items()} for name, per in faults.items()},
            "steal_share": _steal_share(stolen, _cpu_ticks())}


def _cpu_ticks() -> list[int]:
    """The machine's CPU time counters from ``/proc/stat`` (user, nice, system, idle, iowait, irq,
    softirq, steal), or [] where there is none."""
    try:
        with open("/proc/stat", encoding="ascii") as stat:
            return [int(x) for x in stat.readline().split()[1:9]]
    except (OSError, ValueError):
        return []


def _steal_share(before: list[int], after: list[int]) -> float | None:
    """The share of the machine's CPU time that its host took (steal) between two :func:`_cpu_ticks`."""
    if len(before) < 8 or len(after) < 8:
        return None
    spent = [b - a for a, b in zip(before, after, strict=True)]
    return round(spent[7] / sum(spent), 4) if sum(spent) else None


def measure_add(ours: Ours, corpus: Path, index_dir: Path, seed: int) -> dict:
    """Add one new article file to the big index; time until a search for its unique word finds it.

    The article's copy is then taken out of the corpus again (the index keeps it), so that the generated
    corpus stays what the generator wrote and the next full build indexes the same passages."""
    from bench.make_corpus import Generator, Vocabulary
    from index.build import add

    marker = f"zqxbench{seed}{int(time.time())}"
    _, suffix, text = Generator(Vocabulary.from_corpus(REPO / "corpus"), 1, seed + 99).article()
    lines = text.splitlines()
    # Put the unique word in the middle of an answer line, where every format keeps it.
    target = max(range(len(lines)), key=lambda i: len(lines[i]))
    lines[target] += f" The word {marker} appears only here."
    src = Path(tempfile.mkdtemp()) / f"added_{marker}{suffix}"
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.perf_counter()
    report = add([src], corpus, index_dir)
    indexed = time.perf_counter() - started
    deadline = started + 60
    found = 0
    while time.perf_counter() < deadline:
        found = ours.engine.search(marker).total
        if found:
            break
        time.sleep(0.01)
    searchable = time.perf_counter() - started
    shutil.rmtree(src.parent, ignore_errors=True)
    for rel in report.added_files:
        (corpus / rel).unlink(missing_ok=True)
    return {"add_s": round(searchable, 3), "add_commit_s": round(indexed, 3), "found": found}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def measure_web(corpus: Path, index_dir: Path, queries: dict[str, list[QuerySpec]], seconds: int,
                connections: int = 8, tool: str = "auto") -> dict:
    """Faceted searches per second through ``interviews serve`` on loopback.

    ``tool``: "wrk", "python" (a bounded threaded client) or "auto" (wrk when installed).
    Every request is ``/api/search?q=…`` (hits, highlights and every facet's counts), cycling through all
    the query classes. Runs for ``seconds``; errors are non-2xx answers plus socket errors.
    """
    port = _free_port()
    exe = Path(sys.executable).with_name("interviews")
    server = subprocess.Popen([str(exe), "serve", "--corpus", str(corpus), "--index", str(index_dir),
                               "--host", "127.0.0.1", "--port", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    paths = [f"/api/search?q={urllib.parse.quote(s.user_syntax())}" for specs in queries.values()
             for s in specs]
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"server did not start: {server.stderr.read()[-2000:]}") from None
                time.sleep(0.2)
        for path in paths:  # warm-up, as for the library
            urllib.request.urlopen(base + path, timeout=30).read()
        if tool == "wrk" or (tool == "auto" and shutil.which("wrk")):
            result = _wrk(base, paths, seconds, connections)
        else:
            result = _python_load(base, paths, seconds, connections)
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
    return result


_WRK_LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("BENCH %%d %%f %%f %%d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(95) / 1000, e.connect + e.read + e.write + e.timeout + e.status))
end
"""


def _wrk(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(_WRK_LUA % ", ".join(json.dumps(p) for p in paths))
        script = fh.name
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s",
                              "-s", script, base + "/"], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        os.unlink(script)
    match = re.search(r"^BENCH (\d+) ([\d.]+) ([\d.]+) (\d+)$", out.stdout, re.M)
    if not match:
        raise RuntimeError(f"could not read wrk output:\n{out.stdout}\n{out.stderr}")
    requests, duration, p95, errors = match.groups()
    return {"tool": "wrk", "connections": connections, "seconds": round(float(duration), 2),
            "requests": int(requests), "rps": round(int(requests) / float(duration), 1),
            "p95_ms": round(float(p95), 2), "errors": int(errors)}


def _python_load(base: str, paths: list[str], seconds: int, connections: int) -> dict:
    """A bounded threaded client for machines without wrk (slower than wrk: it competes for the CPU)."""
    import http.client
    import threading

    latencies: list[float] = []
    errors = [0]
    stop = time.perf_counter() + seconds
    lock = threading.Lock()
    host, port = base.removeprefix("http://").split(":")

    def worker(offset: int) -> None:
        conn = http.client.HTTPConnection(host, int(port), timeout=10)
        i = offset
        while time.perf_counter() < stop:
            path = paths[i % len(paths)]
            i += 1
            started = time.perf_counter()
            try:
                conn.request("GET", path)
                resp = conn.getresponse()
                resp.read()
                ok = resp.status < 400
            except OSError:
                ok = False
                conn.close()
                conn = http.client.HTTPConnection(host, int(port), timeout=10)
            with lock:
                latencies.append(time.perf_counter() - started)
                errors[0] += not ok
        conn.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    duration = time.perf_counter() - started
    return {"tool": "python", "connections": connections, "seconds": round(duration, 2),
            "requests": len(latencies), "rps": round(len(latencies) / duration, 1),
            "p95_ms": round(percentile([x * 1000 for x in latencies], 95), 2), "errors": errors[0]}


# --- report ------------------------------------------------------------------------------------------

TARGETS = {"query_p95_ms": 50, "first_p95_ms": 200, "build_passages_per_cpu_s": 1000, "open_s": 1.0,
           "add_s": 2.0, "web_rps": 100, "search_rss_mb": 1000}
"""Issue 16's targets at a million passages."""


def _build_baselines(baselines: dict, articles: list, passages: int, parse_s: float, parse_cpu: float,
                     log) -> dict:
    """Build every baseline from the parsed articles and open it; their build figures by name.

    Like for like with ours, end to end is our parse (read, split, enrich) plus their indexing.
    """
    out: dict = {}
    for name, system in baselines.items():
        log(f"building baseline {name}")
        target = _stored(system)
        if name == "whoosh_plain" and target.exists():
            shutil.rmtree(target)
        started, cpu0 = time.perf_counter(), time.process_time()
        system.build(articles)
        index_s, index_cpu = time.perf_counter() - started, time.process_time() - cpu0
        out[name] = {
            "index_s": round(index_s, 2),
            "build_passages_per_cpu_s": round(passages / (parse_cpu + index_cpu), 1),
            "build_passages_per_s": round(passages / (parse_s + index_s), 1),
            "index_only_passages_per_s": round(passages / index_s, 1),
            "index_mb": round((folder_size(target) if target.is_dir() else target.stat().st_size) / 1e6, 1),
        }
        system.open()
        log(f"{name}: {out[name]}")
    return out


def _stored(system) -> Path:
    """Where a baseline keeps its index: a folder, or FTS5's database file."""
    return system.path if isinstance(system, Fts5) else system.folder


def _reusable_build(record: Path, index_dir: Path, args: argparse.Namespace) -> dict | None:
    """Our build's figures from an earlier run on the same corpus whose index is still there, or None.

    For measuring searches again (on a quieter machine, say) without an hour of building at ≈1M
    passages; only valid while the indexing code is the one that built it, which the caller vouches for.
    """
    from index.whoosh_store import current_generation

    if not record.exists() or current_generation(index_dir) is None:
        return None
    kept = json.loads(record.read_text(encoding="utf-8"))
    return kept if (kept.get("articles"), kept.get("seed")) == (args.articles, args.seed) else None


def _reusable_baselines(cache: Path, args: argparse.Namespace) -> dict | None:
    """The baselines' build figures and query set of an earlier run on the same corpus, or None.

    The baselines index our parsed passages, which our code changes do not alter (the parse is checked
    byte-identical), so a rerun after a change to our engine can skip their hour-long builds at ≈1M
    passages. Reused only for the same article count, seed and queries per class (the caller checks
    that every baseline's index is still on disk).
    """
    if not cache.exists():
        return None
    cached = json.loads(cache.read_text(encoding="utf-8"))
    same = (cached.get("articles"), cached.get("seed"), cached.get("queries_per_class")) == \
        (args.articles, args.seed, args.queries)
    return cached if same else None


def _ratio(a: float, b: float) -> float | None:
    return round(a / b, 2) if a and b else None


BASELINES = (("tantivy", "tantivy"), ("fts5", "FTS5"), ("whoosh_plain", "plain Whoosh"))
"""Baseline keys in report order, with their column titles."""


def render_markdown(data: dict, plot_name: str) -> str:
    """The generated table section of docs/benchmarks.md (columns: the baselines the run measured)."""
    q = data["query_ms"]
    base = data["baselines"]
    names = [(key, title) for key, title in BASELINES if key in base]

    def row(label: str, ours: str, cell, target: str = "") -> str:
        """One table row; ``cell(key)`` gives each baseline's text."""
        return f"| {label} | {ours} | " + " | ".join(cell(key) for key, _ in names) + f" | {target} |"

    def ms(pair: dict | None) -> str:
        return f"{pair['p50']:.1f} / {pair['p95']:.1f}" if pair else ""

    mem = data.get("search_process") or {}
    lines = [
        SPEED_START,
        f"Run: {data['run']['date']} on {data['run']['machine']}, {data['articles']:,} articles, "
        f"{data['passages']:,} passages (`BENCH_ARTICLES={data['articles']}`, seed {data['run']['seed']}, "
        f"{data['run']['rounds']} rounds × {data['run']['queries_per_class']} queries per class).",
        "",
        "| measure | ours | " + " | ".join(title for _, title in names) + " | target |",
        "|---|---:|" + "---:|" * len(names) + "---:|",
        row("full build, passages per CPU-second (end to end)",
            f"{data.get('build_passages_per_cpu_s') or 0:,.0f}",
            lambda k: f"{base[k].get('build_passages_per_cpu_s', 0):,.0f}",
            f"≥ {TARGETS['build_passages_per_cpu_s']}"),
        row("full build, passages/s of wall time", f"{data['build_passages_per_s']:,.0f}",
            lambda k: f"{base[k]['build_passages_per_s']:,.0f}"),
        row("index size, MB", f"{data['index_mb']:,.1f}", lambda k: f"{base[k]['index_mb']:,.1f}"),
        row("peak RSS of the build, MB", f"{data['build_peak_rss_mb']:,.0f}", lambda k: ""),
        row("open to first result, s", f"{data['open_s']:.2f}", lambda k: "", f"≤ {TARGETS['open_s']}"),
    ]
    if mem:
        lines.append(row(f"search process after {mem['searches']} searches: RSS (own heap + shared "
                         "index pages), MB", f"{mem.get('vmrss_mb', 0):,.0f} ({mem.get('rssanon_mb', 0):,.0f}"
                         f" + {mem.get('rssfile_mb', 0):,.0f})", lambda k: "",
                         f"≤ {TARGETS['search_rss_mb']:,}"))
    lines.append(row("add one article until searchable, s", f"{data['add_s']:.2f}", lambda k: "",
                     f"≤ {TARGETS['add_s']}"))
    for cls in CLASSES:
        if cls in q:
            lines.append(row(f"{cls.replace('_', ' ')} p50 / p95, ms",
                             f"**{q[cls]['p50']:.1f}** / {q[cls]['p95']:.1f}",
                             lambda k, c=cls: ms(base[k]["query_ms"][c]),
                             f"p95 ≤ {TARGETS['query_p95_ms']}"))
    first = data.get("query_ms_first", {})
    for cls in CLASSES:
        if cls in first.get("ours", {}):
            lines.append(row(f"{cls.replace('_', ' ')}, first run of each query, p50 / p95, ms",
                             ms(first["ours"][cls]),
                             lambda k, c=cls: ms(first.get(k, {}).get(c)),
                             f"p95 ≤ {TARGETS['first_p95_ms']}"))
    if data.get("web"):
        w = data["web"]
        lines.append(row(f"web: faceted searches/s ({w['tool']}, {w['connections']} connections, "
                         f"{w['seconds']:.0f} s)", f"{w['rps']:,.0f} (p95 {w['p95_ms']:.0f} ms, "
                         f"{w['errors']} errors)", lambda k: "", f"≥ {TARGETS['web_rps']}, 0 errors"))
    lines += ["", "Ratios (baseline p50 ÷ ours p50: above 1 we are faster, below 1 slower):", "",
              "| class | " + " | ".join(f"vs {title}" for _, title in names) + " |",
              "|---|" + "---:|" * len(names)]
    for cls in CLASSES:
        if cls in data["ratios"]:
            r = data["ratios"][cls]
            lines.append(f"| {cls.replace('_', ' ')} | "
                         + " | ".join(f"{r.get(key)}×" for key, _ in names) + " |")
    totals = data.get("totals_median", {})
    if totals:
        lines += ["", "Matching passages (median per query of the class; analysers differ, see below):", "",
                  "| class | ours | " + " | ".join(title for _, title in names) + " |",
                  "|---|---:|" + "---:|" * len(names)]
        for cls in CLASSES:
            if cls in totals.get("ours", {}):
                lines.append(f"| {cls.replace('_', ' ')} | {totals['ours'][cls]:,.0f} | "
                             + " | ".join(f"{totals.get(key, {}).get(cls, 0):,.0f}" for key, _ in names)
                             + " |")
    if data["run"].get("baselines_built"):
        lines += ["", f"The baselines' indexes and build figures are those of the run of "
                  f"{data['run']['baselines_built']} on the same corpus and query set (`--reuse-baselines`); "
                  "every latency above was measured in this run, interleaved query by query."]
    if data["run"].get("index_built"):
        lines += ["", "Our index and its build figures are those of the run of "
                  f"{data['run']['index_built']} (`--reuse-build`); open, memory, latencies, add and web "
                  "were measured in this run, with this run's search code."]
    if data["run"].get("plain_whoosh_sampled"):
        ps = data["run"]["plain_whoosh_sampled"]
        lines += ["", f"Plain Whoosh answered the first {ps['queries_per_class']} queries of each class once "
                  "(no warm-up); its ratios compare our p50 on those same queries."]
    lines += ["", f"![query latency per class]({plot_name})", "", SPEED_END]
    return "\n".join(lines)


def write_plot(data: dict, path: Path) -> None:
    """Grouped bars of p50 with p95 whiskers, per class and system (log scale: the gaps are wide)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    systems = [("ours", data["query_ms"])] + [(title, data["baselines"][key]["query_ms"])
                                              for key, title in BASELINES if key in data["baselines"]]
    classes = [c for c in CLASSES if c in data["query_ms"]]
    fig, ax = plt.subplots(figsize=(9, 4.5), dpi=110)
    width = 0.8 / len(systems)
    for i, (label, q) in enumerate(systems):
        xs = [n + (i - (len(systems) - 1) / 2) * width for n in range(len(classes))]
        p50 = [q[c]["p50"] for c in classes]
        p95 = [q[c]["p95"] for c in classes]
        ax.bar(xs, p50, width, label=f"{label} p50")
        ax.errorbar(xs, p50, yerr=[[0] * len(p50), [b - a for a, b in zip(p50, p95, strict=True)]],
                    fmt="none", ecolor="black", capsize=3, linewidth=0.8)
    ax.axhline(TARGETS["query_p95_ms"], color="grey", linestyle="--", linewidth=0.8, label="p95 target")
    ax.set_yscale("log")
    ax.set_xticks(range(len(classes)), [c.replace("_", " ") for c in classes])
    ax.set_ylabel("ms per faceted query (whisker: p95)")
    ax.set_title(f"Query latency, {data['passages']:,} passages, top 10 highlighted + all facet counts")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def update_doc(doc: Path, section: str, start: str, end: str) -> None:
    """Replace the text between ``start`` and ``end`` in ``doc`` (append it if the markers are missing)."""
    text = doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    doc.write_text(text, encoding="utf-8")


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        model = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                     if line.startswith("model name"))
        cpu = model
    except (OSError, StopIteration):
        pass
    # Which build of Python ran matters as much as its version: an optimised build (profile-guided, LTO)
    # needs about 0.84x the CPU of a plain one on this project's Python work (docs/benchmarks.md).
    python = f"Python {platform.python_version()} ({sys.base_prefix})"
    return f"{os.cpu_count()} cores ({cpu}), {python}, {platform.system()}"


def run(args: argparse.Namespace) -> dict | None:
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    corpus = ensure_corpus(work / f"corpus-{args.articles}-{args.seed}", args.articles, args.seed)
    index_dir = work / "index"
    record = work / "build.json"
    kept = _reusable_build(record, index_dir, args) if args.reuse_build else None
    if kept is None and index_dir.exists():
        shutil.rmtree(index_dir)
    log = (lambda *a: None) if args.quiet else (lambda *a: print("bench:", *a, file=sys.stderr, flush=True))
    if kept is not None:
        log(f"our index and build figures reused from the run of {kept['date']}")

    cache = work / "baselines.json"
    reused = _reusable_baselines(cache, args) if args.reuse_baselines else None
    baselines: dict = {"tantivy": TantivyFaceted(work / "tantivy"), "fts5": Fts5(work / "fts5.db")}
    if args.articles <= args.plain_max_articles:
        baselines["whoosh_plain"] = WhooshPlain(work / "whoosh_plain")

    def build_ours() -> tuple[dict, float, int, float]:
        return tuple(kept["figures"]) if kept else _run_child(["--child-build", str(corpus), str(index_dir)])

    if reused is not None and not all(_stored(system).exists() for name, system in baselines.items()
                                      if name in reused["baselines"]):
        reused = None  # a baseline's index has gone since it was recorded
    if reused is not None:
        log(f"baselines reused from the run of {reused['date']}" if kept else
            f"full build of {args.articles} articles (baselines reused from the run of {reused['date']})")
        built, build_wall, peak, build_cpu = build_ours()
        parse_s, parse_cpu, passages = reused["parse_s"], reused["parse_cpu_s"], reused["passages"]
        base_out = reused["baselines"]
        queries = {c: [QuerySpec(s["kind"], tuple(s["terms"]), s["field"]) for s in specs]
                   for c, specs in reused["queries"].items()}
        baselines = {name: system for name, system in baselines.items() if name in base_out}
        for system in baselines.values():
            system.open()
    else:
        log(f"parse of {args.articles} articles for the baselines" if args.baselines_only else
            f"full build of {args.articles} articles (the baselines' parse runs beside it)")
        # The build is a child process (its CPU time and peak RSS are its own); meanwhile this process
        # parses the corpus once for the baselines, so the two long parts of a big run overlap on two cores.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(1) as pool:
            building = None if args.baselines_only else pool.submit(build_ours)
            cpu0 = time.process_time()
            articles, parse_s = parse_corpus(corpus)
            parse_cpu = time.process_time() - cpu0
            log(f"baselines' parse: {parse_cpu:.0f} CPU-s")
            if building is not None:
                built, build_wall, peak, build_cpu = building.result()
        passages = sum(len(a.passages) for a in articles)
        base_out = _build_baselines(baselines, articles, passages, parse_s, parse_cpu, log)
        queries = pick_queries(articles, args.queries, args.seed)
        del articles  # a million parsed passages: not needed from here on
        cache.write_text(json.dumps({
            "articles": args.articles, "seed": args.seed, "queries_per_class": args.queries,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "passages": passages,
            "parse_s": parse_s, "parse_cpu_s": parse_cpu, "baselines": base_out,
            "queries": {c: [dataclasses.asdict(s) for s in specs] for c, specs in queries.items()}},
            indent=1), encoding="utf-8")
        if args.baselines_only:
            for system in baselines.values():
                system.close()
            log(f"wrote {cache}")
            return None
    from index.whoosh_store import current_generation

    gen = current_generation(index_dir)
    if kept is None:
        record.write_text(json.dumps({"articles": args.articles, "seed": args.seed,
                                      "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                                      "figures": [built, build_wall, peak, build_cpu]}), encoding="utf-8")
    log(f"build: {built['passages']} passages, {build_cpu:.0f} CPU-s "
        f"({built['passages'] / max(build_cpu, 1e-9):.0f} passages/CPU-s), {build_wall:.0f} s wall, "
        f"peak RSS {peak / 1e6:.0f} MB, index {folder_size(gen) / 1e6 if gen else 0:.0f} MB")
    if kept is None:
        # Nothing is timed while the kernel still writes the new index back to disk (2.5 GB at 1M
        # passages): that is the build's cost, not the searches'.
        os.sync()

    log("cold open to first result")
    first = queries["common_word"][0].user_syntax()
    opened = [_run_child(["--child-open", str(index_dir), first])[0] for _ in range(args.open_runs)]
    open_s = statistics.median(o["open_s"] for o in opened)
    log(f"open: {open_s:.2f} s")

    log(f"memory of a search process after {args.memory_searches} searches")
    listed = work / "queries.json"
    listed.write_text(json.dumps([s.user_syntax() for specs in queries.values() for s in specs]),
                      encoding="utf-8")
    memory = _run_child(["--child-queries", str(index_dir), str(listed), str(args.memory_searches)])[0]
    log(f"search process: {memory}")

    log("query latency")
    ours = Ours(index_dir)
    systems = {"ours": ours, **baselines}
    sampled = ({"whoosh_plain": (args.plain_queries, 1)}
               if "whoosh_plain" in baselines and args.plain_queries < args.queries else {})
    measured = measure_queries(systems, queries, args.rounds, sampled)
    samples = measured["samples"]

    log("add one article")
    added = measure_add(ours, corpus, index_dir, args.seed)

    web = None
    if not args.no_web:
        log(f"web throughput for {args.web_seconds} s")
        web = measure_web(corpus, index_dir, queries, args.web_seconds)

    query_ms = {c: summary_ms(samples["ours"][c]) for c in queries}
    log(f"ours: { {c: (v['p50'], v['p95']) for c, v in query_ms.items()} }")
    first_ms = {name: {c: summary_ms(t) for c, t in per.items()} for name, per in measured["first"].items()}
    # Each query's own timings (every round), so a class's tail can be traced to the queries that make it.
    per_query_ms = {name: {c: {spec.user_syntax(): summary_ms(samples[name][c][i::len(specs)])
                               for i, spec in enumerate(specs)} for c, specs in queries.items()}
                    for name in systems if name not in sampled}
    for name in baselines:
        base_out[name]["query_ms"] = {c: summary_ms(samples[name][c]) for c in queries}
        baselines[name].close()
    def ours_on(name: str, cls: str) -> float:
        """Our p50 on the queries the baseline answered (all, or the first few of each round)."""
        if name not in sampled:
            return query_ms[cls]["p50"]
        per_round, count = len(queries[cls]), sampled[name][0]
        same = [x for i, x in enumerate(samples["ours"][cls]) if i % per_round < count]
        return summary_ms(same)["p50"]

    ratios = {c: {name: _ratio(base_out[name]["query_ms"][c]["p50"], ours_on(name, c))
                  for name in baselines} for c in queries}
    data = {
        "articles": args.articles,
        "passages": built["passages"],
        "build_passages_per_s": round(built["passages"] / build_wall, 1),
        "build_s": round(build_wall, 2),
        "build_cpu_s": round(build_cpu, 2),
        "build_passages_per_cpu_s": round(built["passages"] / build_cpu, 1) if build_cpu else None,
        "build_library_s": round(built["seconds"], 2),
        "build_skipped": built["skipped"],
        "build_peak_rss_mb": round(peak / 1e6, 1),
        "index_mb": round(folder_size(gen) / 1e6, 1) if gen else 0.0,
        "parse_s": round(parse_s, 2),
        "parse_cpu_s": round(parse_cpu, 2),
        "open_s": round(open_s, 3),
        "open_import_s": round(statistics.median(o["import_s"] for o in opened), 3),
        "search_process": {"searches": memory["searches"],
                           **{f"{k.lower()}_mb": round(v / 1024, 1) for k, v in memory.items()
                              if k != "searches"}},
        **added,
        "query_ms": query_ms,
        "query_ms_first": first_ms,
        "query_ms_per_query": per_query_ms,
        "query_cpu_ms": {name: {c: summary_ms(t) for c, t in per.items()}
                         for name, per in measured["cpu"].items()},
        "query_faults_per_search": measured["faults"],
        "query_steal_share": measured["steal_share"],
        "queries": {c: [s.user_syntax() for s in specs] for c, specs in queries.items()},
        "totals_median": {name: {c: statistics.median(t) if t else 0
                                 for c, t in measured["totals"][name].items()} for name in systems},
        "baselines": base_out,
        "ratios": ratios,
        "web": web,
        "run": {"date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()), "machine": machine(),
                "seed": args.seed, "rounds": args.rounds, "queries_per_class": args.queries,
                "plain_whoosh_sampled": {"queries_per_class": sampled["whoosh_plain"][0], "rounds": 1}
                if sampled else None,
                "baseline_passages": passages,
                "baselines_built": reused["date"] if reused else None,
                "index_built": kept["date"] if kept else None},
    }
    return data


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "--child-build":
        print(json.dumps(child_build(argv[1], argv[2])))
        return 0
    if argv and argv[0] == "--child-open":
        print(json.dumps(child_open(argv[1], argv[2])))
        return 0
    if argv and argv[0] == "--child-queries":
        print(json.dumps(child_queries(argv[1], argv[2], int(argv[3]))))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=10000, help="corpus size in articles (default 10000)")
    parser.add_argument("--seed", type=int, default=1, help="corpus and query seed (default 1)")
    parser.add_argument("--work", default="var/bench", help="scratch folder (default var/bench)")
    parser.add_argument("--queries", type=int, default=12, help="queries per class (default 12)")
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds over every query (default 3)")
    parser.add_argument("--plain-queries", type=int, default=3,
                        help="queries per class for plain Whoosh, one round, no warm-up (default 3: "
                             "it takes tens of seconds per common word at 100k passages)")
    parser.add_argument("--plain-max-articles", type=int, default=10000,
                        help="build and query plain Whoosh only up to this many articles (default 10000: "
                             "at that size it already takes 136 s to index and 2-14 s per query)")
    parser.add_argument("--memory-searches", type=int, default=200,
                        help="searches a fresh process answers before its memory is read (default 200)")
    parser.add_argument("--open-runs", type=int, default=3, help="cold-open runs, median taken (default 3)")
    parser.add_argument("--web-seconds", type=int, default=15, help="web load duration, s (default 15)")
    parser.add_argument("--no-web", action="store_true", help="skip the web throughput measurement")
    parser.add_argument("--out", default="bench/results/latest.json", help="JSON results file")
    parser.add_argument("--doc", default="docs/benchmarks.md", help="Markdown file to update")
    parser.add_argument("--no-docs", action="store_true", help="write only the JSON, not the doc and plot")
    parser.add_argument("--quick", action="store_true",
                        help="smoke run: 3 queries per class, 1 round, 1 cold open, no web, no docs")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--baselines-only", action="store_true",
                        help="parse the corpus, build and record the baselines and the query set "
                             "(work/baselines.json), and stop: a later --reuse-baselines run measures ours")
    parser.add_argument("--reuse-build", action="store_true",
                        help="keep our index and build figures from the last run on the same corpus "
                             "(work/build.json) and measure the rest again; valid while the indexing code "
                             "writes the same index (bench/index_equivalence.py checks that)")
    parser.add_argument("--reuse-baselines", action="store_true",
                        help="reuse the baselines' indexes, build figures and query set of the last run "
                             "on the same corpus (work/baselines.json) instead of rebuilding them; ours is "
                             "always rebuilt")
    parser.add_argument("--render", metavar="JSON",
                        help="only regenerate the doc section and plot from an earlier results file")
    parser.add_argument("--engine", choices=("whoosh", "solr"), default="whoosh",
                        help="solr: our engine on SolrCloud beside the embedded one, same corpus and "
                             "query classes (bench/solr_speed.py; needs `make solr`)")
    parser.add_argument("--solr", help="with --engine solr: a collection URL of the cluster "
                                       "(default: var/solr/url)")
    args = parser.parse_args(argv)
    if args.engine == "solr":
        from bench.solr_speed import run_and_report

        return run_and_report(args)
    if args.render:
        data = json.loads(Path(args.render).read_text(encoding="utf-8"))
        _write_docs(data, Path(args.doc))
        return 0
    if args.quick:
        args.queries, args.rounds, args.open_runs, args.no_web, args.no_docs = 3, 1, 1, True, True
        args.memory_searches = min(args.memory_searches, 20)
    try:
        data = run(args)
    except (OSError, RuntimeError, ValueError) as exc:
        print(f"bench.speed: {exc}", file=sys.stderr)
        return 1
    if data is None:
        return 0
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    if not args.no_docs:
        _write_docs(data, Path(args.doc))
    print(f"wrote {out}")
    return 0


def _write_docs(data: dict, doc: Path) -> None:
    plot = doc.with_name("benchmarks_latency.png")
    write_plot(data, plot)
    update_doc(doc, render_markdown(data, plot.name), SPEED_START, SPEED_END)


if __name__ == "__main__":
    sys.exit(main())
