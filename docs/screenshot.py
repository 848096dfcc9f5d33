"""Take the README's screenshot: ``interviews serve`` over an index, one search, Chromium at 1280×900.

    .venv/bin/python docs/screenshot.py [--index var/index] [--query "stop motion animation"]

Writes ``docs/screenshot.png``. Uses the browser tests' server helper, so it needs the test extras.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from playwright.sync_api import sync_playwright  # noqa: E402
from webfixtures import CHROMIUM, CHROMIUM_ARGS, LiveServer  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", default=str(ROOT / "var" / "index"))
    parser.add_argument("--corpus", default=str(ROOT / "corpus"))
    parser.add_argument("--query", default="stop motion animation")
    parser.add_argument("--out", default=str(ROOT / "docs" / "screenshot.png"))
    args = parser.parse_args()
    server = LiveServer(Path(args.corpus), Path(args.index), workers=1)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(server.url + "/?" + urlencode({"q": args.query}))
            page.locator("#q").blur()  # the focus ring belongs to a live page, not a picture of one
            page.screenshot(path=args.out)
            browser.close()
    finally:
        server.stop()
    print(args.out)


if __name__ == "__main__":
    main()
