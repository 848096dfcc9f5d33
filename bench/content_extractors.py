"""Would a main-content extractor help as a first pass on saved HTML pages? A measurement, not a feature.

    .venv/bin/pip install trafilatura readability-lxml   # not project dependencies: only this trial
    .venv/bin/python -m bench.content_extractors          # the HTML articles of the dev and held-out sets

Every HTML article of the annotated sets (``bench/split_quality.py``'s dev set and held-out set) is split
three ways and scored with ``bench.split_quality``: as saved (the splitter's own furniture removal),
after trafilatura (``extract(..., output_format="html", include_formatting=True, include_links=True)``,
which keeps bold, italic, headings and links, the marks questions are found by) and after
readability-lxml (``Document(...).summary(html_partial=True)``). An extractor that returns nothing
leaves an empty file, which scores as a miss. The extracted pages are written to a temporary folder
with each set's annotations, so the scoring is exactly the one ``make split-quality`` prints.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.split_quality import DEV_SET, HELD_OUT, _article_path, measure  # noqa: E402
from index.read import source_from_bytes  # noqa: E402

HTML_SUFFIXES = (".html", ".htm")


def _trafilatura(html: str) -> str:
    import trafilatura

    out = trafilatura.extract(
        html, output_format="html", include_formatting=True, include_links=True, include_comments=False
    )
    return out or ""


def _readability(html: str) -> str:
    from readability import Document

    return Document(html).summary(html_partial=True)


EXTRACTORS = {"as saved": None, "trafilatura": _trafilatura, "readability-lxml": _readability}


def trial(folders: list[Path]) -> list[dict]:
    """Score each extractor on the HTML articles of ``folders``; one row per (set, extractor)."""
    rows = []
    for folder in folders:
        specs = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        html_specs = [s for s in specs if s["file"].lower().endswith(HTML_SUFFIXES)]
        for name, extract in EXTRACTORS.items():
            with tempfile.TemporaryDirectory() as tmp:
                out = Path(tmp)
                for spec in html_specs:
                    raw = _article_path(folder, spec["file"]).read_bytes()
                    if extract is None:
                        (out / spec["file"]).write_bytes(raw)
                        continue
                    text = source_from_bytes(raw, spec["file"]).text
                    (out / spec["file"]).write_text(extract(text) or " ", encoding="utf-8")
                (out / "expected.json").write_text(json.dumps(html_specs), encoding="utf-8")
                result = measure(out)
            q = result["questions"]
            rows.append(
                {
                    "set": folder.name,
                    "extractor": name,
                    "files": result["files"],
                    "f1": q["f1"],
                    "precision": q["precision"],
                    "recall": q["recall"],
                    "interviewees": result["interviewees_exact"],
                    "intro": result["intro_right"],
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="annotated sets (default: dev and held-out)")
    args = parser.parse_args(argv)
    folders = args.folders or [f for f in (DEV_SET, HELD_OUT) if (f / "expected.json").exists()]
    try:
        import readability  # noqa: F401
        import trafilatura  # noqa: F401
    except ImportError:
        print("needs: .venv/bin/pip install trafilatura readability-lxml", file=sys.stderr)
        return 2
    print("| set | extractor | HTML files | question F1 | precision | recall | interviewees exact | intro |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in trial(folders):
        print(
            f"| {r['set']} | {r['extractor']} | {r['files']} | {r['f1']:.3f} | {r['precision']:.3f} | "
            f"{r['recall']:.3f} | {r['interviewees']}/{r['files']} | {r['intro']}/{r['files']} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
