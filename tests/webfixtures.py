"""Fixtures for the web tests: a real corpus and index in a temp folder, the app, a live server, a browser.

Imported by ``tests/conftest.py``. Everything is real: the index is built by ``interviews build`` from
real article files, the live server is ``interviews serve`` in a subprocess, the browser is Chromium.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from searchkit import copy_seeds, copy_usesthis

ROOT = Path(__file__).resolve().parent.parent
INTERVIEWS = str(Path(sys.executable).parent / "interviews")
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"

USESTHIS_SAMPLE = 60
"""The Setup interviews copied into the test corpus: enough for several pages of common words."""

XSS_MARKDOWN = """\
---
title: '<script>alert("title")</script> Payload <img src=x onerror=alert("title-img")>'
interviewee: '<svg onload=alert("who")>Mallory'
date: 2020-01-01
url: 'javascript:alert("url")'
categories:
- '<img src=x onerror=alert("cat")>'
---

### What <script>alert("question")</script> hardware do you use?

I use a [laptop](javascript:alert('mdlink')) and <img src=x onerror=alert('answer-img')> a keyboard.
<a href="javascript:alert('a')">click me</a> xsspayload hardware.

### And what software?

<iframe src="javascript:alert('iframe')"></iframe> Also "><script>alert('break')</script> xsspayload
software <body onload=alert('body')>.
"""

XSS_TEXT = """\
Meet Mallory Evil <script>alert("txt-title")</script>

Hi Mallory, thanks for joining us today. Can you tell us about your work?
I make things <img src=x onerror=alert("txt-img")> xsspayload every day, see javascript:alert("txt-js").

What is next for you?
More "><svg/onload=alert("txt-svg")> xsspayload things and <a href=javascript:alert(1)>links</a>.

Contact Info:
Website: javascript:alert('contact')
Instagram: https://example.com/"onmouseover="alert('attr')
"""


def build_index(corpus: Path, index: Path) -> None:
    """Run the real ``interviews build``; fail the test run with its output if it fails."""
    proc = subprocess.run(
        [INTERVIEWS, "build", "--corpus", str(corpus), "--index", str(index)],
        capture_output=True, text=True, timeout=600,
    )
    if proc.returncode != 0:
        pytest.fail(f"interviews build failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")


@pytest.fixture(scope="session")
def web_site(tmp_path_factory) -> dict:
    """A corpus of the three seeds and some The Setup interviews, and its index: ``{"corpus", "index"}``."""
    base = tmp_path_factory.mktemp("web")
    corpus = base / "corpus"
    corpus.mkdir()
    copy_seeds(corpus)
    copy_usesthis(corpus, USESTHIS_SAMPLE)
    build_index(corpus, base / "index")
    return {"corpus": corpus, "index": base / "index"}


@pytest.fixture(scope="session")
def xss_site(tmp_path_factory) -> dict:
    """A corpus whose articles carry script payloads in text, title, links and front matter, indexed."""
    base = tmp_path_factory.mktemp("xss")
    corpus = base / "corpus"
    corpus.mkdir()
    copy_seeds(corpus)
    hostile = corpus / "hostile"
    hostile.mkdir()
    (hostile / "publication.yml").write_text("name: '<script>alert(\"pub\")</script>Evil Weekly'\n")
    (hostile / "mallory.md").write_text(XSS_MARKDOWN)
    (hostile / "mallory-text.txt").write_text(XSS_TEXT)
    build_index(corpus, base / "index")
    return {"corpus": corpus, "index": base / "index"}


@pytest.fixture(scope="session")
def app(web_site):
    from webui.app import create_app

    return create_app({"TESTING": True, "INDEX_DIR": str(web_site["index"]),
                       "CORPUS_DIR": str(web_site["corpus"])})


@pytest.fixture()
def client(app):
    return app.test_client()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """``interviews serve`` running in a subprocess on a free loopback port."""

    def __init__(self, corpus: Path, index: Path, workers: int = 2):
        self.corpus, self.index = corpus, index
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ARTIFACTS / f"serve-{self.port}.log"
        ARTIFACTS.mkdir(exist_ok=True)
        self._log_file = self.log.open("w")
        self.proc = subprocess.Popen(
            [INTERVIEWS, "serve", "--host", "127.0.0.1", "--port", str(self.port), "--workers", str(workers),
             "--corpus", str(corpus), "--index", str(index)],
            stdout=self._log_file, stderr=subprocess.STDOUT,
        )
        self._wait_healthy()

    def _wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                code = self.proc.returncode
                raise RuntimeError(f"interviews serve exited with {code}:\n{self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        tail = "\n".join(self.log.read_text().splitlines()[-15:])
        raise RuntimeError(f"interviews serve did not become healthy in {timeout} s; its log ends:\n{tail}")

    def get_json(self, path: str) -> dict:
        with urllib.request.urlopen(self.url + path, timeout=10) as response:
            return json.load(response)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log_file.close()


@pytest.fixture(scope="session")
def live_server(web_site):
    server = LiveServer(web_site["corpus"], web_site["index"])
    yield server
    server.stop()


@pytest.fixture(scope="session")
def xss_server(xss_site):
    server = LiveServer(xss_site["corpus"], xss_site["index"], workers=1)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright; skipped when absent, except under CI where that fails."""
    if not Path(CHROMIUM).exists():
        reason = f"Chromium not found at {CHROMIUM} (apt-get install chromium; .ci/run does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def screenshot(page, name: str) -> Path:
    """Save a full-page PNG under ``test-artifacts/`` and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def axe_violations(page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict]:
    """Run axe-core in ``page`` and return the violations of the given impacts (id, impact, targets)."""
    if not AXE.exists():
        reason = f"axe-core is not installed at {AXE} (run `npm ci`; `make test` does)"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"],
         "targets": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
