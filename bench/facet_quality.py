"""Micro precision and recall of each facet against the hand annotations in tests/fixtures/annotations/.

    .venv/bin/python bench/facet_quality.py          # a table
    .venv/bin/python bench/facet_quality.py --json   # the same figures as JSON

Each fixture names an article file, its ``split`` ("tuning": also used while developing the extractors;
"held-out": annotated before the extractors ever ran on it, never tuned on) and, per passage number, the
expected set of each facet. Values are compared case-insensitively with curly apostrophes straightened.
With ``--rate DIR`` it also times enrichment alone over every article under DIR (passages per CPU second
and per wall-clock second).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.corpus import parse_file  # noqa: E402
from index.enrich import enrich_article  # noqa: E402
from index.facets import PASSAGE_FACETS  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "annotations"
FACET_FIELDS = tuple(spec.passage_attribute for spec in PASSAGE_FACETS)
"""The passage lists measured (annotations name them as the Passage attributes: "places", "works"...)."""


def _key(value: str) -> str:
    return value.replace("’", "'").replace("‘", "'").casefold().strip()


def _score(counts: dict) -> dict:
    for c in counts.values():
        found, expected = c["tp"] + c["fp"], c["tp"] + c["fn"]
        # None when there is nothing to divide by: no value found (precision) or expected (recall)
        c["precision"] = round(c["tp"] / found, 3) if found else None
        c["recall"] = round(c["tp"] / expected, 3) if expected else None
    return counts


def _empty() -> dict:
    return {f: {"tp": 0, "fp": 0, "fn": 0, "false_positives": [], "misses": []} for f in FACET_FIELDS}


def measure(fixtures: Path = FIXTURES) -> dict:
    """Micro precision/recall per facet over all fixtures and per ``split`` ("tuning", "held-out").

    Returns ``{"articles": n, "facets": {facet: counts}, "splits": {split: {"articles": n, "facets": ...}}}``
    where counts hold tp, fp, fn, precision, recall and the false positives and misses as text.
    """
    total = _empty()
    splits: dict[str, dict] = {}
    files = sorted(fixtures.glob("*.json"))
    for fixture in files:
        spec = json.loads(fixture.read_text(encoding="utf-8"))
        split = splits.setdefault(spec.get("split", "tuning"), {"articles": 0, "facets": _empty()})
        split["articles"] += 1
        article = parse_file(ROOT / spec["path"], corpus_root=ROOT / "corpus")
        by_number = {str(p.number): p for p in article.passages}
        for number, expected in spec["passages"].items():
            passage = by_number.get(number)
            if passage is None:
                raise SystemExit(f"{fixture.name}: passage {number} is not in {spec['path']}")
            for facet in FACET_FIELDS:
                want = {_key(v): v for v in expected.get(facet, [])}
                got = {_key(v): v for v in getattr(passage, facet)}
                where = f"{spec['article']}#{number}"
                for c in (total[facet], split["facets"][facet]):
                    c["tp"] += len(want.keys() & got.keys())
                    c["fp"] += len(got.keys() - want.keys())
                    c["fn"] += len(want.keys() - got.keys())
                    c["false_positives"] += [f"{where}: {got[k]}" for k in got.keys() - want.keys()]
                    c["misses"] += [f"{where}: {want[k]}" for k in want.keys() - got.keys()]
    for split in splits.values():
        _score(split["facets"])
    return {"articles": len(files), "facets": _score(total), "splits": splits}


def enrichment_rate(paths: list[Path], repeat: int = 3) -> dict:
    """Passages enriched per second of CPU time and of wall time (enrichment only; parsing is done first).

    CPU time is the steadier figure on a shared machine; wall time is what a build waits for.
    """
    articles = [parse_file(p, corpus_root=ROOT / "corpus", enrich=False) for p in paths]
    enrich_article(articles[0])  # load the gazetteer and data files outside the timing
    passages = sum(len(a.passages) for a in articles)
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        for article in articles:
            enrich_article(article)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    return {
        "passages": passages,
        "per_cpu_second": round(passages * repeat / cpu),
        "per_wall_second": round(passages * repeat / wall),
    }


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--errors", action="store_true", help="list false positives and misses")
    parser.add_argument("--rate", metavar="DIR", help="also time enrichment over every article under DIR")
    args = parser.parse_args(argv)
    result = measure()
    if args.rate:
        from index.corpus import iter_article_files

        result["enrichment_rate"] = enrichment_rate([Path(p) for p in iter_article_files(args.rate)])
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    tables = [("all", result)] + sorted(result["splits"].items())
    for name, part in tables:
        print(f"{name}: {part['articles']} annotated articles")
        print(f"  {'facet':<14} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5} {'fn':>5}")
        for facet, c in part["facets"].items():
            figures = (
                f"{_fmt(c['precision']):>9} {_fmt(c['recall']):>7} {c['tp']:>5} {c['fp']:>5} {c['fn']:>5}"
            )
            print(f"  {facet:<14} {figures}")
            if args.errors and name == "all":
                for line in c["false_positives"]:
                    print(f"      FP {line}")
                for line in c["misses"]:
                    print(f"      FN {line}")
    if "enrichment_rate" in result:
        rate = result["enrichment_rate"]
        print(
            f"enrichment of {rate['passages']} passages: {rate['per_cpu_second']} passages per CPU second, "
            f"{rate['per_wall_second']} per wall-clock second"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
