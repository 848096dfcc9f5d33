"""Load: mixed queries through the real ``interviews serve`` on 127.0.0.1 for a fixed time.

    python -m bench.load_test                          # 10 minutes, 8 clients (what `make reliability` runs)
    python -m bench.load_test --seconds 30 --clients 4 # a quick look

The whole corpus (``--corpus``, default ``corpus/``) is indexed once into ``--index`` (default
``var/reliability/index``; reused when present). Then the server starts on a free loopback port and:

1. **queries of death** — each of ``*``, ``a*``, ``*a*``, a 500-term OR, a 10,000-character query,
   ``page=10**9``, ``per_page=10**6``, unknown facets, repeated parameters, a 1,000-character fuzzy word
   … is sent 5 times; its slowest time, status and the server's memory after it are reported;
2. **load** — ``--clients`` threads send a mix of searches (words, phrases, prefixes, fuzzy words, facet
   filters, sorts, deep pages), article pages, CSV exports and bad requests for ``--seconds``.

An error is a connection failure or a status other than the one expected (200, or 400/404 for bad
requests). Reported: requests, rate, latency p50/p95/p99 (ms), errors, and the server's resident memory
(all its processes) before the load, at its peak and after. Exits 1 on any error. ``--json`` writes it all.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

ROOT = Path(__file__).resolve().parent.parent
INTERVIEWS = str(Path(sys.executable).parent / "interviews")

WORDS = ["software", "hardware", "laptop", "mac", "linux", "editor", "camera", "music", "photo*", "writ*",
         "keyboard", "desk", "phone", "design", "code", "vim", "emacs", "covid", "pandemic", "film",
         "animation", "paint", "studio", "bike", "book", "notebook", "pen", "chair", "monitor", "game"]
FACET_VALUES = {"publication": ["The Setup", "VoyageLA", "CanvasRebel"], "year": ["2012", "2015", "2020"],
                "topic": ["Hardware", "Software"]}


def queries_of_death() -> list[tuple[str, str, int]]:
    """(name, URL path, expected status)."""
    long_or = " OR ".join(f"word{i}" for i in range(500))
    return [
        ("q=*", "/api/search?q=*", 200),
        ("q=a*", "/api/search?q=a*", 200),
        ("q=*a*", "/api/search?q=*a*", 200),
        ("q=so* (prefix of 2)", "/api/search?q=so*", 200),
        # Request URLs over 8 KB are refused with 414 before any view runs (webui.app.MAX_URL_BYTES).
        ("500-term OR (API)", "/api/search?" + urlencode({"q": long_or}), 400),
        ("1,500-character query (API)", "/api/search?" + urlencode({"q": "software " * 166}), 400),
        ("500-term OR, first 1,000 chars", "/api/search?" + urlencode({"q": long_or[:1000]}), 200),
        ("10,000-character query", "/api/search?" + urlencode({"q": "software " * 1111}), 414),
        ("1,000-character word", "/api/search?" + urlencode({"q": "x" * 1000}), 200),
        ("1,000-character fuzzy word", "/api/search?" + urlencode({"q": "abcdefghij" * 99 + "~2"}), 200),
        ("8 fuzzy words of 20 letters", "/api/search?" + urlencode(
            {"q": " ".join(("abcdefghijklmnopqrs" + str(i) + "~2") for i in range(8))}), 200),
        ("page=10**9", "/api/search?q=software&page=1000000000", 400),
        ("page=1000 (deepest allowed)", "/api/search?q=the&page=1000", 200),
        ("per_page=10**6", "/api/search?q=software&per_page=1000000", 400),
        ("per_page=100, match all", "/api/search?per_page=100", 200),
        ("CSV per_page=1000", "/search.csv?q=software&per_page=1000", 200),
        ("unknown facet (API)", "/api/search?q=software&colour=red", 400),
        ("unknown facet (page)", "/?q=software&colour=red", 200),
        ("repeated q", "/api/search?q=a&q=b", 400),
        ("50 values of one facet", "/api/search?" + urlencode([("topic", f"t{i}") for i in range(50)]), 200),
        ("every facet expanded", "/api/search?more=topic&per_page=100", 200),
        ("unknown article", "/api/articles/no/such/article", 404),
    ]


def mixed_request(rng: random.Random) -> tuple[str, tuple[int, ...]]:
    """One request of the load mix: (path, expected statuses)."""
    roll = rng.random()
    words = " ".join(rng.sample(WORDS, rng.choice([1, 1, 2, 3])))
    if roll < 0.45:
        params: dict = {"q": words}
        if rng.random() < 0.3:
            name = rng.choice(list(FACET_VALUES))
            params[name] = rng.choice(FACET_VALUES[name])
        if rng.random() < 0.2:
            params["sort"] = rng.choice(["newest", "interviewee"])
        if rng.random() < 0.2:
            params["page"] = rng.randint(2, 30)
        return rng.choice(["/", "/api/search"]) + "?" + urlencode(params), (200,)
    if roll < 0.60:
        return "/api/search?" + urlencode({"q": f'"{words}"' if rng.random() < 0.5 else words + "~"}), (200,)
    if roll < 0.75:
        return "/articles/{article}", (200,)
    if roll < 0.80:
        return "/search.csv?" + urlencode({"q": words, "per_page": 200}), (200,)
    if roll < 0.85:
        return rng.choice(["/stats", "/help", "/healthz", "/api/search?more=topic"]), (200,)
    if roll < 0.95:
        odd = rng.choice(["*", "a*", "(", '"', "-", "OR", "NOT x", "~"])
        return "/api/search?" + urlencode({"q": odd}), (200,)
    name, path, status = rng.choice(queries_of_death())
    return path, (status,)


# --- the server ---------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in KiB (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    ppid = int(fh.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        try:
            with open(f"/proc/{current}/status") as fh:
                total += next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:"))
        except (OSError, StopIteration):
            continue
    return total


class Server:
    """``interviews serve`` on a free loopback port (``extra_args`` are passed to it), healthy on return."""

    def __init__(self, corpus: Path, index: Path, workers: int, log: Path, extra_args: list[str] = ()):
        self.port = free_port()
        self.log = log.open("w")
        self.proc = subprocess.Popen(
            [INTERVIEWS, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
             "--corpus", str(corpus), "--index", str(index), *extra_args],
            stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if get(self.port, "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("interviews serve did not become healthy in 60 s")

    def rss_kb(self) -> int:
        return tree_rss_kb(self.proc.pid)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def get(port: int, path: str, conn: http.client.HTTPConnection | None = None) -> tuple[int, bytes]:
    own = conn is None
    conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        if own:
            conn.close()


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))] if ordered else 0.0


# --- the phases ---------------------------------------------------------------------------------------

def death_phase(server: Server) -> list[dict]:
    rows = []
    for name, path, expected in queries_of_death():
        times, statuses = [], set()
        for _ in range(5):
            started = time.perf_counter()
            status, body = get(server.port, path)
            times.append((time.perf_counter() - started) * 1000)
            statuses.add(status)
            if path.startswith("/api/") and status != 414 and not body.lstrip().startswith(b"{"):
                statuses.add(-1)  # not JSON
        rows.append({"query": name, "status": sorted(statuses), "expected": expected,
                     "max_ms": round(max(times), 1), "rss_mb": round(server.rss_kb() / 1024, 1),
                     "ok": statuses == {expected}})
        print(f"{'ok  ' if rows[-1]['ok'] else 'FAIL'} {name:34} status {sorted(statuses)} "
              f"max {max(times):7.1f} ms  server {rows[-1]['rss_mb']} MB", flush=True)
    return rows


def load_phase(server: Server, seconds: float, clients: int, articles: list[str], seed: int) -> dict:
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    errors: list[str] = []
    counts = {"requests": 0}
    lock = threading.Lock()
    peak = [server.rss_kb()]

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        mine: list[float] = []
        while time.monotonic() < stop:
            path, expected = mixed_request(rng)
            if path == "/articles/{article}":
                path = "/articles/" + quote(rng.choice(articles))
            started = time.perf_counter()
            try:
                status, _ = get(server.port, path, conn)
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
                with lock:
                    errors.append(f"{path[:120]}: {type(exc).__name__}: {exc}")
                continue
            mine.append((time.perf_counter() - started) * 1000)
            if status not in expected:
                with lock:
                    errors.append(f"{path[:120]}: status {status}, expected {expected}")
        conn.close()
        with lock:
            latencies.extend(mine)
            counts["requests"] += len(mine)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    next_report = started + 60
    while any(t.is_alive() for t in threads):
        time.sleep(1)
        peak[0] = max(peak[0], server.rss_kb())
        if time.monotonic() >= next_report:
            print(f"  {time.monotonic() - started:5.0f} s: server {peak[0] / 1024:.0f} MB peak, "
                  f"{len(errors)} errors", flush=True)
            next_report += 60
    elapsed = time.monotonic() - started
    return {
        "seconds": round(elapsed, 1), "clients": clients, "requests": counts["requests"],
        "per_second": round(counts["requests"] / elapsed, 1),
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
        "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies, default=0), 1),
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else 0.0,
        "errors": len(errors), "error_samples": errors[:20], "peak_rss_mb": round(peak[0] / 1024, 1),
    }


def ensure_index(corpus: Path, index: Path) -> bool:
    """Index ``corpus`` into ``index`` unless an index is there already; False (output shown) on failure."""
    from index.build import index_exists

    if index_exists(index):
        return True
    print(f"indexing {corpus} into {index} ...", flush=True)
    proc = subprocess.run([INTERVIEWS, "build", "--corpus", str(corpus), "--index", str(index)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        print(proc.stderr)
        return False
    print(proc.stdout.strip().splitlines()[-1], flush=True)
    return True


def server_arguments(parser: argparse.ArgumentParser) -> None:
    """The options every load script shares: the server's workers, corpus and index, seed, JSON output."""
    parser.add_argument("--workers", type=int, default=2, help="Server worker processes.")
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--index", default=str(ROOT / "var" / "reliability" / "index"))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", default=None, help="Write the figures to this JSON file.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=600, help="Length of the load phase (default 600).")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent client threads.")
    server_arguments(parser)
    args = parser.parse_args(argv)
    index = Path(args.index)
    if not ensure_index(Path(args.corpus), index):
        return 1
    log = index.parent / "load-serve.log"
    server = Server(Path(args.corpus), index, args.workers, log)
    try:
        hits = json.loads(get(server.port, "/api/search?per_page=100")[1])["hits"]
        articles = sorted({hit["article"] for hit in hits})
        for _ in range(20):  # warm every worker's searcher and caches before the "before" figure
            get(server.port, "/api/search?q=software")
        before = server.rss_kb()
        print(f"server {before / 1024:.1f} MB after warm-up; queries of death:", flush=True)
        deaths = death_phase(server)
        print(f"load: {args.clients} clients for {args.seconds:.0f} s", flush=True)
        load = load_phase(server, args.seconds, args.clients, articles, args.seed)
        time.sleep(2)
        after = server.rss_kb()
        healthy = get(server.port, "/healthz")[0] == 200
    finally:
        server.stop()
    result = {"rss_before_mb": round(before / 1024, 1), "rss_after_mb": round(after / 1024, 1),
              "rss_growth_mb": round((after - before) / 1024, 1), "healthy_after": healthy,
              "queries_of_death": deaths, "load": load, "workers": args.workers}
    print(json.dumps({k: v for k, v in result.items() if k != "queries_of_death"}, indent=1))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    failed = load["errors"] or not healthy or not all(row["ok"] for row in deaths)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
