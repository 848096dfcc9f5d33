"""`interviews serve`: the production server starts, serves the index, and refuses a taken port clearly."""

from __future__ import annotations

import socket
import subprocess

from webfixtures import INTERVIEWS


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
