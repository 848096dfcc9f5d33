"""Ordinary searches while hostile clients hold connections or loop expensive queries (issue 14).

    python -m bench.hostile_load                        # both phases, what `make reliability` runs
    python -m bench.hostile_load --phase slow --slow 8  # one phase, fewer slow clients

The whole corpus is indexed once into ``--index`` (as ``bench/load_test.py`` does), ``interviews serve``
starts on a free loopback port, and two probe clients send *ordinary* searches (one to three common
words, sometimes a facet filter, through ``/api/search`` and ``/``, each on a new connection, 10 s
timeout) for ``--seconds`` while, in turn:

1. **slow clients** — ``--slow`` connections (default 60) that each send a request line and then one
   header line every ``--trickle`` seconds (default 5), never finishing the request (slowloris); as many
   again (``--idle``) that connect and send nothing; and ``--non-reading`` (default 8) that ask for a
   1,000-row CSV and never read the answer.
   A connection the server closes is opened again at once, as an attacker would.
2. **expensive queries** — ``--expensive`` clients (default 4) that loop the costliest query this script
   finds among candidates written within the published limits (64 two-letter prefixes with
   ``match=any``, 64 unknown words, four 20-letter ``~2`` words, ...); each candidate's own time is
   measured first and reported.

A probe search *fails* when it times out, its connection breaks, or it answers other than 200. The run
holds when no probe search fails and their p95 is at most ``--p95-ms`` (default 1000) in each phase;
it exits 1 otherwise. ``--json`` writes every figure; ``--serve-arg`` passes options to ``interviews
serve`` (to compare serving arrangements).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import selectors
import socket
import string
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from bench.load_test import FACET_VALUES, Server, ensure_index, get, percentile, server_arguments

ORDINARY_WORDS = ["software", "hardware", "laptop", "camera", "music", "editor", "keyboard", "desk", "phone",
                  "design", "covid", "film", "animation", "studio", "book", "monitor", "game", "writing"]


def ordinary_path(rng: random.Random) -> str:
    """An ordinary search a visitor makes: one to three common words, sometimes a filter."""
    params: dict = {"q": " ".join(rng.sample(ORDINARY_WORDS, rng.choice([1, 1, 2, 3])))}
    if rng.random() < 0.3:
        name = rng.choice(list(FACET_VALUES))
        params[name] = rng.choice(FACET_VALUES[name])
    return rng.choice(["/api/search", "/"]) + "?" + urlencode(params)


def expensive_candidates() -> list[tuple[str, str]]:
    """(name, path) of costly queries inside the limits: 1,000 characters, 64 words, 20-letter fuzzy."""
    rng = random.Random(7)
    letters = string.ascii_lowercase
    prefixes = [a + b for a in "aeioustrcm" for b in "aeiou"][:64]
    unknown = ["".join(rng.choice(letters) for _ in range(12)) for _ in range(64)]
    fuzzy20 = ["".join(rng.choice(letters) for _ in range(18)) + "~2" for _ in range(4)]
    common = ["the", "and", "use", "work", "time", "make", "like", "just", "what", "good", "new", "mac"]
    return [
        ("64 two-letter prefixes, match=any", "/api/search?" + urlencode(
            {"q": " ".join(p + "*" for p in prefixes), "match": "any"})),
        ("64 two-letter prefixes", "/api/search?" + urlencode({"q": " ".join(p + "*" for p in prefixes)})),
        ("64 unknown words (did you mean)", "/api/search?" + urlencode({"q": " ".join(unknown)})),
        ("64 unknown words, match=any", "/api/search?" + urlencode({"q": " ".join(unknown), "match": "any"})),
        ("four 20-letter ~2 words", "/api/search?" + urlencode({"q": " ".join(fuzzy20)})),
        ("four 20-letter ~2 words, match=any", "/api/search?" + urlencode(
            {"q": " ".join(fuzzy20), "match": "any"})),
        ("64 common words, match=any, newest, 100 per page", "/api/search?" + urlencode(
            {"q": " ".join((common * 6)[:64]), "match": "any", "sort": "newest", "per_page": 100})),
        ("CSV, 1,000 rows of everything", "/search.csv?" + urlencode({"q": "*", "per_page": 1000})),
    ]


# --- hostile clients ---------------------------------------------------------------------------------

class SlowClients:
    """Connections that hold a server's attention without finishing: trickled headers, idle, non-reading.

    One thread drives every socket through a selector, so thousands cost the test machine little.
    """

    def __init__(self, port: int, trickling: int, idle: int, non_reading: int, trickle_seconds: float):
        self.port = port
        self.kinds = ["trickle"] * trickling + ["idle"] * idle + ["noread"] * non_reading
        self.trickle_seconds = trickle_seconds
        self.reopened = 0
        self.open_failures = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> SlowClients:
        self._thread.start()
        time.sleep(1.0)  # let every connection be made before the probes start
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join(timeout=30)

    def _open(self, kind: str) -> socket.socket | None:
        sock = socket.socket()
        if kind == "noread":
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(5)
        try:
            sock.connect(("127.0.0.1", self.port))
            if kind == "trickle":
                sock.sendall(b"GET /?q=slow HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            elif kind == "noread":
                query = urlencode({"q": "*", "per_page": 1000})
                sock.sendall(f"GET /search.csv?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        except OSError:
            sock.close()
            self.open_failures += 1
            return None
        sock.setblocking(False)
        return sock

    def _run(self) -> None:
        selector = selectors.DefaultSelector()
        live: dict[socket.socket, tuple[str, int]] = {}
        for number, kind in enumerate(self.kinds):
            sock = self._open(kind)
            if sock is not None:
                live[sock] = (kind, number)
                if kind != "noread":  # a non-reader never reads, so it never notices a close
                    selector.register(sock, selectors.EVENT_READ)
        next_trickle = time.monotonic() + self.trickle_seconds
        while not self._stop.is_set():
            for key, _ in selector.select(timeout=0.2):
                sock = key.fileobj
                try:
                    data = sock.recv(65536)
                except OSError:
                    data = b""
                if not data:  # the server closed it: open another, as an attacker would
                    kind, number = live.pop(sock)
                    selector.unregister(sock)
                    sock.close()
                    self.reopened += 1
                    fresh = self._open(kind)
                    if fresh is not None:
                        live[fresh] = (kind, number)
                        selector.register(fresh, selectors.EVENT_READ)
            if time.monotonic() >= next_trickle:
                next_trickle += self.trickle_seconds
                for sock, (kind, number) in list(live.items()):
                    if kind == "trickle":
                        with contextlib.suppress(OSError):  # a close is noticed by the selector
                            sock.send(f"X-Trickle-{number}: {time.monotonic():.0f}\r\n".encode())
        for sock in live:
            sock.close()
        selector.close()


def loop_expensive(port: int, path: str, stop: threading.Event, counts: dict, lock: threading.Lock) -> None:
    while not stop.is_set():
        started = time.perf_counter()
        try:
            status, _ = get(port, path)
        except (OSError, http.client.HTTPException):
            status = -1
        with lock:
            counts["requests"] += 1
            counts["seconds"] += time.perf_counter() - started
            counts.setdefault("statuses", {}).setdefault(str(status), 0)
            counts["statuses"][str(status)] += 1


# --- the probes ---------------------------------------------------------------------------------------

def probe(port: int, seconds: float, probes: int = 2, seed: int = 1) -> dict:
    """``probes`` clients sending ordinary searches for ``seconds``: latency figures and failures."""
    stop = time.monotonic() + seconds
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        while time.monotonic() < stop:
            path = ordinary_path(rng)
            started = time.perf_counter()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException) as exc:
                status, detail = -1, f"{type(exc).__name__}: {exc}"
            finally:
                conn.close()
            elapsed = (time.perf_counter() - started) * 1000
            with lock:
                if status == 200:
                    latencies.append(elapsed)
                else:
                    failures.append(f"{path[:80]}: " + (detail if status == -1 else f"status {status}"))
            time.sleep(0.05)

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(probes)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    answered = len(latencies)
    return {
        "searches": answered + len(failures), "answered": answered, "failed": len(failures),
        "failure_samples": failures[:5],
        "p50_ms": round(percentile(latencies, 50), 1), "p95_ms": round(percentile(latencies, 95), 1),
        "max_ms": round(max(latencies, default=0.0), 1),
    }


def verdict(result: dict, p95_ms: float) -> bool:
    return result["searches"] > 0 and result["failed"] == 0 and result["p95_ms"] <= p95_ms


def show(label: str, result: dict, p95_ms: float) -> None:
    mark = "ok  " if verdict(result, p95_ms) else "FAIL"
    print(f"{mark} {label:44} {result['answered']:4}/{result['searches']:<4} answered  p50 "
          f"{result['p50_ms']:7.1f} ms  p95 {result['p95_ms']:7.1f} ms  max {result['max_ms']:7.1f} ms",
          flush=True)
    for sample in result["failure_samples"][:3]:
        print(f"       {sample}", flush=True)


# --- the phases ---------------------------------------------------------------------------------------

def slow_phase(server: Server, args) -> dict:
    quiet = probe(server.port, args.seconds / 2, seed=args.seed)
    show("quiet (no hostile clients)", quiet, args.p95_ms)
    idle = args.slow if args.idle is None else args.idle
    with SlowClients(server.port, args.slow, idle, args.non_reading, args.trickle) as hostile:
        loaded = probe(server.port, args.seconds, seed=args.seed + 1)
        label = f"{args.slow} trickling + {idle} idle + {args.non_reading} non-reading"
        show(label, loaded, args.p95_ms)
    after = probe(server.port, 5, seed=args.seed + 2)
    return {"quiet": quiet, "slow": loaded, "after": after, "trickling": args.slow, "idle": idle,
            "non_reading": args.non_reading,
            "trickle_seconds": args.trickle, "reopened": hostile.reopened,
            "open_failures": hostile.open_failures, "ok": verdict(loaded, args.p95_ms)}


def expensive_phase(server: Server, args) -> dict:
    costs = []
    for name, path in expensive_candidates():
        started = time.perf_counter()
        status, body = get(server.port, path)
        seconds = time.perf_counter() - started
        warnings = json.loads(body).get("warnings", []) if body.lstrip().startswith(b"{") else []
        costs.append({"query": name, "status": status, "seconds": round(seconds, 3), "warnings": warnings})
        print(f"     {name:50} {status} {seconds * 1000:8.0f} ms  {'; '.join(warnings)[:90]}", flush=True)
    worst = max(costs, key=lambda row: row["seconds"])
    path = dict(expensive_candidates())[worst["query"]]
    stop, lock = threading.Event(), threading.Lock()
    counts = {"requests": 0, "seconds": 0.0}
    loopers = [threading.Thread(target=loop_expensive, args=(server.port, path, stop, counts, lock),
                                daemon=True) for _ in range(args.expensive)]
    for thread in loopers:
        thread.start()
    time.sleep(1.0)
    try:
        loaded = probe(server.port, args.seconds, seed=args.seed + 3)
    finally:
        stop.set()
        for thread in loopers:
            thread.join(timeout=120)
    show(f"{args.expensive} clients looping: {worst['query']}"[:44], loaded, args.p95_ms)
    mean = counts["seconds"] / counts["requests"] if counts["requests"] else 0.0
    return {"candidates": costs, "looped": worst["query"], "loopers": args.expensive,
            "looped_requests": counts["requests"], "looped_mean_s": round(mean, 3),
            "looped_statuses": counts.get("statuses", {}), "ordinary": loaded,
            "ok": verdict(loaded, args.p95_ms)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--phase", choices=["slow", "expensive", "both"], default="both")
    parser.add_argument("--seconds", type=float, default=60, help="Probe time per phase (default 60).")
    parser.add_argument("--slow", type=int, default=60, help="Trickling (and as many idle) connections.")
    parser.add_argument("--idle", type=int, default=None, help="Idle connections (default: as --slow).")
    parser.add_argument("--non-reading", type=int, default=8, help="Clients that never read the answer.")
    parser.add_argument("--trickle", type=float, default=5.0, help="Seconds between trickled header lines.")
    parser.add_argument("--expensive", type=int, default=4, help="Clients looping the costliest query.")
    parser.add_argument("--p95-ms", type=float, default=1000.0, help="Bound on the probes' p95 (ms).")
    parser.add_argument("--serve-arg", action="append", default=[], help="Extra `interviews serve` option.")
    server_arguments(parser)
    args = parser.parse_args(argv)
    index = Path(args.index)
    if not ensure_index(Path(args.corpus), index):
        return 1
    server = Server(Path(args.corpus), index, args.workers, index.parent / "hostile-serve.log",
                    extra_args=args.serve_arg)
    result: dict = {"workers": args.workers, "serve_args": args.serve_arg, "p95_bound_ms": args.p95_ms}
    try:
        for _ in range(20):
            get(server.port, "/api/search?q=software")
        if args.phase in ("slow", "both"):
            result["slow"] = slow_phase(server, args)
        if args.phase in ("expensive", "both"):
            result["expensive"] = expensive_phase(server, args)
        result["healthy_after"] = get(server.port, "/healthz")[0] == 200
    finally:
        server.stop()
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    ok = result["healthy_after"] and all(result[p]["ok"] for p in ("slow", "expensive") if p in result)
    print("held" if ok else "FAILED", flush=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
