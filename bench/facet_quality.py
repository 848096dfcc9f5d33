"""Micro precision and recall of each facet against the hand annotations in tests/fixtures/annotations/,
and precision and recall on fresh samples of real articles (bench/facet_samples/).

    .venv/bin/python bench/facet_quality.py          # a table
    .venv/bin/python bench/facet_quality.py --json   # the same figures as JSON
    .venv/bin/python bench/facet_quality.py --fresh  # precision/recall on the annotated fresh samples
    .venv/bin/python bench/facet_quality.py --draw bench/facet_samples/sample-3.jsonl --seed 3
    .venv/bin/python bench/facet_quality.py --show bench/facet_samples/sample-3.jsonl   # to annotate

Each fixture names an article file, its ``split`` ("tuning": also used while developing the extractors;
"held-out": annotated before the extractors ever ran on it, never tuned on) and, per passage number, the
expected set of each facet. Values are compared case-insensitively with curly apostrophes straightened.
With ``--rate DIR`` it also times enrichment alone over every article under DIR (passages per CPU second
and per wall-clock second).
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.corpus import iter_article_files, parse_file  # noqa: E402
from index.enrich import enrich_article  # noqa: E402
from index.facets import PASSAGE_FACETS  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "annotations"
SAMPLES = ROOT / "bench" / "facet_samples"
DEV_SET = ROOT.parent / "shared" / "corpora" / "interviews-dev"
FACET_FIELDS = tuple(spec.passage_attribute for spec in PASSAGE_FACETS)
_NORMALISERS = {spec.passage_attribute: spec.normalise for spec in PASSAGE_FACETS}
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


def enrichment_rate(paths: list[Path], repeat: int = 4) -> dict:
    """Passages enriched per second of CPU time (the best of ``repeat`` passes: on a shared machine the
    least disturbed pass is the steadiest figure) and of wall time; parsing is done first, untimed."""
    articles = [parse_file(p, corpus_root=ROOT / "corpus", enrich=False) for p in paths]
    enrich_article(articles[0])  # load the gazetteer and data files outside the timing
    passages = sum(len(a.passages) for a in articles)
    best_cpu = best_wall = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        for article in articles:
            enrich_article(article)
        best_cpu = min(best_cpu, time.process_time() - cpu)
        best_wall = min(best_wall, time.perf_counter() - wall)
    return {
        "passages": passages,
        "cpu_ms_per_passage": round(1000 * best_cpu / passages, 3),
        "per_cpu_second": round(passages / best_cpu),
        "per_wall_second": round(passages / best_wall),
    }


# --- fresh samples of real articles -------------------------------------------------------------------
#
# A sample file (JSON lines) holds facet values the extractors gave, drawn at random (seeded) from The Setup
# (corpus/usesthis), the held-out real interviews of tests/fixtures/realworld (15 articles from 13 other
# publications, added for sample 2) and the dev set (../shared/corpora/interviews-dev, read in place, never
# copied), minus
# the articles of tests/fixtures/annotations (the extractors were written against those) and of earlier
# samples. Each row: {"facet", "value", "passage", "ok"}; "ok" is filled in by a person who read the value
# in its passage (true: a right value of that facet; false: not). A recall file maps passage ids to every
# value a reader finds in the passage, per facet. Only values and passage ids are kept: no article text.


def _sources() -> list[tuple[str, Path, Path]]:
    """(id prefix, folder of articles, corpus root for ids) of the real articles samples come from."""
    realworld = ROOT / "tests" / "fixtures" / "realworld"
    sources = [
        ("", ROOT / "corpus" / "usesthis", ROOT / "corpus"),
        ("realworld/", realworld / "articles", realworld),
    ]
    if (DEV_SET / "articles").is_dir():
        sources.append(("interviews-dev/", DEV_SET / "articles", DEV_SET))
    else:
        print(f"note: {DEV_SET} is absent; sampling The Setup only", file=sys.stderr)
    return sources


def real_articles(skip: set[str] = frozenset(), only: set[str] | None = None) -> dict[str, object]:
    """Every article of :func:`_sources` by prefixed id (``usesthis/x``, ``interviews-dev/articles/y``),
    parsed and enriched, except the ids in ``skip`` (and, given ``only``, the files whose ids are not in
    it); unreadable files are left out with a note."""
    out = {}
    for prefix, folder, root in _sources():
        for path in iter_article_files(folder):
            if only is not None and prefix + str(Path(path).relative_to(root).with_suffix("")) not in only:
                continue
            try:
                article = parse_file(Path(path), corpus_root=root)
            except Exception as error:  # a broken file is not a facet value; say so and go on
                print(f"note: {path}: {error}", file=sys.stderr)
                continue
            if prefix + article.id not in skip:
                out[prefix + article.id] = article
    return out


def _sample_files() -> list[Path]:
    return sorted(SAMPLES.glob("sample-*.jsonl"))


def _read_rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _used_articles() -> set[str]:
    """Articles no fresh sample may draw from: the fixtures' and every earlier sample's."""
    used = {json.loads(f.read_text(encoding="utf-8"))["article"] for f in FIXTURES.glob("*.json")}
    for path in _sample_files():
        used.update(row["passage"].split("#")[0] for row in _read_rows(path))
    return used


def draw(
    out: Path, seed: int, per_facet: int, top_up: bool = False, facets: tuple[str, ...] = FACET_FIELDS
) -> list[dict]:
    """Draw up to ``per_facet`` value occurrences per facet, uniformly (``random.Random(seed)``), from
    articles no earlier sample or fixture used; write them to ``out`` unannotated (``ok`` null).

    With ``top_up``, a facet too rare to fill its share there (works) takes the rest from the articles
    of earlier samples (never the fixtures'), among the values of that facet no sample has judged.
    """
    used = _used_articles()
    fixtures = {json.loads(f.read_text(encoding="utf-8"))["article"] for f in FIXTURES.glob("*.json")}
    judged = {(r["facet"], r["passage"]) for path in _sample_files() for r in _read_rows(path)}
    articles = real_articles(skip=fixtures if top_up else used)
    fresh_pool: dict[str, list[tuple[str, str]]] = {facet: [] for facet in FACET_FIELDS}
    reused_pool: dict[str, list[tuple[str, str]]] = {facet: [] for facet in FACET_FIELDS}
    for article_id in sorted(articles):
        pool = reused_pool if article_id in used else fresh_pool
        for passage in articles[article_id].passages:
            where = f"{article_id}#{passage.number}"
            for facet in FACET_FIELDS:
                if pool is reused_pool and (facet, where) in judged:
                    continue
                pool[facet] += [(where, value) for value in getattr(passage, facet)]
    rng = random.Random(seed)
    rows = []
    for facet in facets:
        chosen = rng.sample(fresh_pool[facet], min(per_facet, len(fresh_pool[facet])))
        missing = per_facet - len(chosen)
        if missing > 0 and top_up:
            chosen += rng.sample(reused_pool[facet], min(missing, len(reused_pool[facet])))
        rows += [{"facet": facet, "value": v, "passage": p, "ok": None} for p, v in sorted(chosen)]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return rows


def _passage_text(articles: dict, passage_id: str) -> str:
    passage = _passage(articles, passage_id)
    return f"Q: {passage.question}\nA: {passage.answer}"


def show(path: Path, width: int = 160) -> None:
    """Print each row of a sample with the text around its value, for a person to annotate."""
    rows = _read_rows(path)
    articles = real_articles(only={row["passage"].split("#")[0] for row in rows})
    for i, row in enumerate(rows):
        text = _passage_text(articles, row["passage"])
        where = text.casefold().find(row["value"].casefold().split()[0]) if row["value"] else -1
        if row["facet"] == "topics":
            context = text.split("\nA:")[0]
        else:
            start = max(0, where - width) if where >= 0 else 0
            context = text[start : start + 2 * width]
        context = re.sub(r"\s+", " ", context)
        print(f"[{i}] {row['facet']} | {row['value']} | {row['passage']} | ok={row['ok']}\n    {context}")


def _passage(articles: dict, passage_id: str):
    article_id, number = passage_id.rsplit("#", 1)
    return next(p for p in articles[article_id].passages if str(p.number) == number)


def _given(articles: dict, passage_id: str, facet: str) -> set[str]:
    """The ``facet`` values (keys) the extractors give now in the passage ``passage_id`` names.

    Passage numbers move when the splitter changes (a dev-set article split into more passages): when
    that article has no passage of that number, or it gives none of this facet, the values of every
    passage of the article count, so a value found again in its renumbered passage is still given.
    """
    article_id, number = passage_id.rsplit("#", 1)
    passages = articles[article_id].passages
    here = [p for p in passages if str(p.number) == number]
    values = {_key(v) for p in here for v in getattr(p, facet)}
    if facet == "topics":  # a question's own: no other passage stands in for it
        return values
    if values and not article_id.startswith("usesthis/"):
        return values | {_key(v) for p in passages for v in getattr(p, facet)}
    return values or {_key(v) for p in passages for v in getattr(p, facet)}


def fresh(samples: list[Path] | None = None) -> dict:
    """Precision per facet over each sample's annotated rows, and recall over its recall file.

    The extractors run again on the sampled passages: precision counts the annotated values they still
    give (``kept``; a value they no longer give is ``dropped``, listed when it was right). Recall
    (``recall-N.json`` beside ``sample-N.jsonl``): gold values found now over gold values.
    """
    out = {}
    paths = samples or _sample_files()
    wanted = {r["passage"].split("#")[0] for p in paths for r in _read_rows(p)}
    golds = {}
    for path in paths:
        gold_path = path.with_name(path.name.replace("sample-", "recall-").replace(".jsonl", ".json"))
        if gold_path.exists():
            golds[path] = json.loads(gold_path.read_text(encoding="utf-8"))
            wanted |= {k.split("#")[0] for k in golds[path]}
    articles = real_articles(only=wanted)
    for path in paths:
        rows = [r for r in _read_rows(path) if r.get("ok") is not None]
        result = {"rows": len(rows), "facets": {}}
        for facet in FACET_FIELDS:
            kept, dropped = [], []
            normalise = _NORMALISERS[facet]  # a value annotated under an older spelling still counts
            for row in (r for r in rows if r["facet"] == facet):
                now = _given(articles, row["passage"], facet)
                (kept if _key(normalise(row["value"])) in now else dropped).append(row)
            good = sum(1 for r in kept if r["ok"])
            drawn = kept + dropped
            result["facets"][facet] = {
                # every annotated value was given when the sample was drawn: precision of that code
                "at_draw": round(sum(1 for r in drawn if r["ok"]) / len(drawn), 3) if drawn else None,
                "right_at_draw": sum(1 for r in drawn if r["ok"]),
                "annotated": len(kept) + len(dropped),
                "kept": len(kept),
                "precision": round(good / len(kept), 3) if kept else None,
                "wrong": [f"{r['passage']}: {r['value']}" for r in kept if not r["ok"]],
                "dropped_right": [f"{r['passage']}: {r['value']}" for r in dropped if r["ok"]],
            }
        gold = golds.get(path)
        if gold is not None:
            for facet in FACET_FIELDS:
                want, missed = 0, []
                for passage_id, values in gold.items():
                    now = _given(articles, passage_id, facet)
                    want += len(values.get(facet, []))
                    missed += [f"{passage_id}: {v}" for v in values.get(facet, []) if _key(v) not in now]
                result["facets"][facet].update(
                    gold=want, recall=round((want - len(missed)) / want, 3) if want else None, missed=missed
                )
            result["recall_passages"] = len(gold)
        out[path.name] = result
    return out


def duplicate_names(folder: Path, facet: str = "organizations") -> list[list[str]]:
    """Groups of distinct ``facet`` values over every article under ``folder`` that look like one thing
    under several names: the same letters once case, "the", possessives, punctuation, spacing and a legal
    form are set aside; an acronym and a name it is the initials of; "X University" and "University of X";
    a name and the same name with a head word after it ("Carnegie Mellon" / "Carnegie Mellon University").
    """
    values: set[str] = set()
    for path in iter_article_files(folder):
        try:
            article = parse_file(Path(path), corpus_root=folder.parent)
        except Exception:  # unreadable files have no values to compare
            continue
        for passage in article.passages:
            values.update(getattr(passage, facet))
    return duplicate_groups(values)


def duplicate_groups(values: set[str]) -> list[list[str]]:
    """The groups of :func:`duplicate_names` among ``values``."""
    from index.institutions import initials

    def fold(value: str) -> str:
        value = re.sub(r"^the\s+|['’]s$|[,.]?\s+(inc|llc|ltd|gmbh)\.?$", "", value.casefold())
        return re.sub(r"[^\w]+", "", value)

    groups: dict[str, set[str]] = {}
    for value in values:
        keys = {fold(value)}
        words = value.split()
        if len(words) >= 2 and words[-1] == "University":
            keys.add(fold("University of " + " ".join(words[:-1])))
        if len(words) >= 3 and words[:2] == ["University", "of"]:
            keys.add(fold(" ".join(words[2:])))
        if len(words) >= 2 and words[-1] in ("University", "College", "Institute", "Festival", "Foundation"):
            keys.add(fold(" ".join(words[:-1])))
        for key in keys:
            groups.setdefault(key, set()).add(value)
    acronyms = {v for v in values if v.isupper() and " " not in v}
    # "RMIT University" and "Royal Melbourne Institute of Technology"
    named = {
        v.split()[0]: v
        for v in values
        if len(v.split()) == 2 and v.split()[0].isupper()
        and v.split()[1] in ("University", "College", "Institute")
    }  # not "UC Berkeley" (UC is no school's whole acronym: University of Chicago, of Calgary)
    for value in values:
        if " " in value and initials(value) in acronyms | named.keys():
            acronym = initials(value)
            groups.setdefault(acronym, {named.get(acronym, acronym)}).add(value)
    found = {tuple(sorted(g)) for g in groups.values() if len(g) > 1}
    return sorted(list(g) for g in found)


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--errors", action="store_true", help="list false positives and misses")
    parser.add_argument("--rate", metavar="DIR", help="also time enrichment over every article under DIR")
    parser.add_argument("--fresh", action="store_true", help="precision/recall on bench/facet_samples/")
    parser.add_argument("--draw", metavar="FILE", type=Path, help="draw a new fresh sample into FILE")
    parser.add_argument("--samples", metavar="N,M", help="--fresh: only these sample numbers (default: all)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of --draw (default 1)")
    parser.add_argument("--per-facet", type=int, default=60, help="values per facet for --draw (default 60)")
    parser.add_argument("--top-up", action="store_true",
                        help="--draw: fill a rare facet's share from earlier samples' articles")
    parser.add_argument("--facets", default=",".join(FACET_FIELDS),
                        help="--draw: the facets to draw, comma-separated (default: all)")
    parser.add_argument("--show", metavar="FILE", type=Path, help="print a sample with context, to annotate")
    parser.add_argument("--duplicates", metavar="DIR", type=Path,
                        help="list organisations that appear under two names among the articles under DIR")
    args = parser.parse_args(argv)
    if args.duplicates:
        groups = duplicate_names(args.duplicates)
        for group in groups:
            print(" | ".join(group))
        print(f"{len(groups)} organisations under more than one name")
        return 0
    if args.draw:
        rows = draw(args.draw, args.seed, args.per_facet, args.top_up, tuple(args.facets.split(",")))
        print(f"{len(rows)} values written to {args.draw}")
        return 0
    if args.show:
        show(args.show)
        return 0
    if args.fresh:
        paths = [SAMPLES / f"sample-{n}.jsonl" for n in args.samples.split(",")] if args.samples else None
        result = fresh(paths)
        if args.json:
            print(json.dumps(result, ensure_ascii=False, indent=1))
            return 0
        for name, part in result.items():
            passages = part.get("recall_passages", 0)
            print(f"{name}: {part['rows']} annotated values; recall over {passages} annotated passages")
            for facet, c in part["facets"].items():
                recall = f"{_fmt(c.get('recall'))} ({c.get('gold', 0)})" if "recall" in c else "-"
                print(f"  {facet:<14} at draw {_fmt(c['at_draw'])} ({c['annotated']})  "
                      f"now {_fmt(c['precision'])} ({c['kept']} still given)  recall {recall}")
                if args.errors:
                    for line in c["wrong"]:
                        print(f"      WRONG {line}")
                    for line in c["dropped_right"]:
                        print(f"      DROPPED RIGHT {line}")
                    for line in c.get("missed", []):
                        print(f"      MISSED {line}")
        print(f"pooled over {', '.join(result)}: precision at draw (values)")
        for facet in FACET_FIELDS:
            right = sum(part["facets"][facet]["right_at_draw"] for part in result.values())
            total = sum(part["facets"][facet]["annotated"] for part in result.values())
            print(f"  {facet:<14} {_fmt(right / total if total else None)} ({total})")
        return 0
    result = measure()
    if args.rate:
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
            f"enrichment of {rate['passages']} passages (best of 4 passes): "
            f"{rate['cpu_ms_per_passage']} ms CPU per passage, {rate['per_cpu_second']} passages per CPU "
            f"second, {rate['per_wall_second']} per wall second"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
