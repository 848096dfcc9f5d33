"""`interviews serve`: the production server starts, serves the index, and refuses a taken port clearly."""

from __future__ import annotations

import socket
import subprocess
import time
import urllib.error
import urllib.request

from webfixtures import INTERVIEWS

from bench.hostile_load import SlowClients
from webui.serve import REQUEST_HEAD_SECONDS, THREADS


def test_serve_answers_on_its_port_with_the_index(live_server):
    health = live_server.get_json("/healthz")
    assert health["status"] == "ok" and health["passages"] > 0
    assert "gunicorn" in live_server.log.read_text().lower(), "a production server, not Flask's"


def test_serve_refuses_a_port_in_use_with_a_clear_message(web_site):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        proc = subprocess.run(
            [INTERVIEWS, "serve", "--port", str(port), "--index", str(web_site["index"])],
            capture_output=True, text=True, timeout=60,
        )
    assert proc.returncode == 1
    assert f"127.0.0.1:{port}" in proc.stderr and "already in use" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_serve_help_lists_its_options():
    out = subprocess.run([INTERVIEWS, "serve", "--help"], capture_output=True, text=True, timeout=60).stdout
    for option in ("--host", "--port", "--workers", "--debug", "--corpus", "--index"):
        assert option in out, option


def _search(url: str, path: str, timeout: float = 10.0) -> int:
    """Status of one ordinary search on a fresh connection; -1 when it times out or breaks."""
    try:
        with urllib.request.urlopen(url + path, timeout=timeout) as response:
            response.read()
            return response.status
    except (OSError, urllib.error.URLError):
        return -1


def test_slow_and_idle_clients_cannot_hold_the_threads_that_run_searches(live_server):
    """Issue 14: 8 clients trickling header lines made 4 of 5 searches time out under gthread workers.

    Three times as many trickling, idle and non-reading connections as the server has search threads;
    every ordinary search must still answer (the 10 s timeout is the failure, not a timing assert).
    """
    many = 3 * THREADS * 2
    with SlowClients(live_server.port, trickling=many, idle=many, non_reading=4, trickle_seconds=1.0):
        statuses = [_search(live_server.url, f"/api/search?q={word}")
                    for word in ("software", "camera", "covid", "music", "desk")]
    assert statuses == [200] * 5


def test_a_request_head_that_never_finishes_is_cut_off(live_server):
    """A connection still sending its headers REQUEST_HEAD_SECONDS after opening is closed by the server."""
    with socket.create_connection(("127.0.0.1", live_server.port), timeout=REQUEST_HEAD_SECONDS + 10) as sock:
        sock.sendall(b"GET /api/search?q=slow HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started, closed = time.monotonic(), False
        sock.settimeout(1.0)
        while time.monotonic() - started < REQUEST_HEAD_SECONDS + 10:
            try:
                sock.sendall(b"X-Trickle: 1\r\n")
                if sock.recv(1024) == b"":
                    closed = True
                    break
            except TimeoutError:
                continue
            except OSError:  # reset by the server
                closed = True
                break
    assert closed, f"the server kept a half-sent request open for {REQUEST_HEAD_SECONDS + 10} s"
