"""Web throughput of two revisions, alternating: ``interviews serve`` of git revision ``--before`` and
of the working tree, each loaded with ``wrk`` on loopback for ``--seconds``, ``--pairs`` times.

    .venv/bin/python -m bench.web_ab --before 84a661c --seconds 10 --pairs 2

The older revision's ``search``, ``webui`` and ``index`` packages are exported with ``git archive`` to a
temporary folder put first on ``PYTHONPATH``; both serve ``--index`` (default the benchmark's). Requests
cycle through the benchmark's queries (``bench/results/latest.json``) as ``make bench`` does.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(label: str, pythonpath: str | None, index: str, corpus: str, paths: list[str], seconds: int) -> dict:
    from bench.speed import _free_port, _wrk

    port = _free_port()
    env = dict(os.environ)
    if pythonpath:
        env["PYTHONPATH"] = pythonpath
    exe = Path(sys.executable).with_name("interviews")
    server = subprocess.Popen([str(exe), "serve", "--corpus", corpus, "--index", index, "--host", "127.0.0.1",
                               "--port", str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(base + "/healthz", timeout=2).read()
                break
            except OSError:
                if server.poll() is not None or time.time() > deadline:
                    raise RuntimeError(f"{label}: server did not start") from None
                time.sleep(0.2)
        for path in paths:  # warm-up
            urllib.request.urlopen(base + path, timeout=30).read()
        return {"label": label, **_wrk(base, paths, seconds, 8)}
    finally:
        server.terminate()
        server.wait(10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default="HEAD")
    parser.add_argument("--index", default="var/bench/index")
    parser.add_argument("--corpus", default="var/bench/corpus-10000-1")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=2)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    queries = json.loads((ROOT / "bench/results/latest.json").read_text())["queries"]
    paths = [f"/api/search?q={urllib.parse.quote(q)}" for texts in queries.values() for q in texts]
    with tempfile.TemporaryDirectory(prefix="web-before-") as folder:
        archive = subprocess.run(["git", "archive", args.before, "search", "webui", "index"], cwd=ROOT,
                                 check=True, capture_output=True).stdout
        subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
        for _ in range(args.pairs):
            for label, pythonpath in (("before", folder), ("after", None)):
                print(json.dumps(run(label, pythonpath, args.index, args.corpus, paths, args.seconds)),
                      flush=True)


if __name__ == "__main__":
    main()
