"""Does a change to the index writer leave search results exactly as they were?

Snapshot what a fixed list of searches returns from an index, then compare two snapshots::

    .venv/bin/python bench/index_equivalence.py snapshot var/index var/before.json
    # ... change the writer, rebuild the same input into var/index ...
    .venv/bin/python bench/index_equivalence.py snapshot var/index var/after.json
    .venv/bin/python bench/index_equivalence.py compare var/before.json var/after.json

A snapshot holds, for about 60 searches of every kind (words, phrases, fields, prefixes, fuzzy words,
facet filters, the three sorts, the three match modes, a second page, an empty query), the whole
result list as our search layer returns it (hits with scores, totals, facet counts, suggestion,
warnings), plus ``stats()``, an article and "more like this". Facet filters are taken from the index's
own top facet values, so the same content gives the same searches. It also records what *stock*
Whoosh 2.7.4 finds (a process that never applies ``index.whoosh_internals.install``): every
document's stored fields, field lengths, and BM25F hits with their full-precision scores for a set of
parsed queries — proof that Whoosh itself reads the index as before.

``compare`` exits 1 and lists the differences unless both snapshots are identical, scores allowed to
differ by at most 1e-9.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

TOLERANCE = 1e-9

WORDS = ["film", "music", "software", "design", "studio", "work", "covid", "stop motion", "camera",
         "advice", "festival", "first job", "favorite tool", "editor", "mac", "linux", "photography",
         "teacher", "the", "zzzqqq"]
PHRASES = ['"years ago"', '"creative process"', '"rock and roll"', '"text editor"', '"my work"',
           '"started working"']
FIELDS = ["question:advice", "question:software", "title:interview", "answer:camera", "interviewee:smith",
          "year:2020", "place:london", "role:designer", "publication:setup"]
PREFIXES = ["desi*", "mac*", "photo*", "anim*", "wor*"]
FUZZY = ["sofware~", "photograpy~2", "musik~"]
BOOLEAN = ["film OR music", "design -software", "camera NOT phone", "(film OR video) editing"]
SORTS = ["newest", "interviewee"]
MATCHES = ["all", "any"]

STOCK_QUERIES = ["film", "music software", '"years ago"', "question:advice", "desi*", "camera OR phone",
                 "title:interview", "studio"]


def _hit(hit) -> dict:
    return {"article": hit.article, "passage": hit.passage, "score": hit.score, "partial": hit.partial,
            "snippet": hit.snippet, "question_html": hit.question_html}


def _result(result) -> dict:
    return {
        "total": result.total, "partial": result.partial, "suggestion": result.suggestion,
        "warnings": list(result.warnings), "hits": [_hit(h) for h in result.hits],
        "facets": {name: [[v.value, v.count, v.selected] for v in facet.values] + [facet.more]
                   for name, facet in result.facets.items()},
    }


def searches(stats: dict) -> list[dict]:
    """The fixed list of searches, with facet filters taken from the index's top facet values."""
    out: list[dict] = []
    for query in WORDS + PHRASES + FIELDS + PREFIXES + FUZZY + BOOLEAN:
        out.append({"query": query, "per_page": 20})
    for query in ("film", "music", "design studio", ""):
        for sort in SORTS:
            out.append({"query": query, "sort": sort, "per_page": 20})
    for query in ("film festival camera", "music software editor"):
        for match in MATCHES:
            out.append({"query": query, "match": match, "per_page": 20})
    out.append({"query": "work", "page": 2, "per_page": 20})
    facets = stats.get("facets", {})
    tops = {name: [v["value"] for v in values] for name, values in facets.items() if values}
    for name, values in sorted(tops.items()):
        out.append({"query": "", "filters": {name: values[:1]}, "per_page": 20, "facet_limit": None})
        out.append({"query": "work", "filters": {name: values[:2]}, "per_page": 20})
    names = sorted(tops)
    if len(names) >= 2:
        a, b = names[0], names[1]
        out.append({"query": "film", "filters": {a: tops[a][:1], b: tops[b][:1]}, "per_page": 20})
        out.append({"query": "", "filters": {a: tops[a][:2]}, "sort": "newest", "per_page": 20})
    return out


def snapshot(index_dir: str) -> dict:
    """Everything the fixed searches return from the index at ``index_dir`` (see the module docstring)."""
    from search.engine import open_index

    with open_index(index_dir) as engine:
        stats = engine.stats(top=5)
        stats = {k: v for k, v in stats.items() if k in ("passages", "articles", "facets")}
        results = []
        for search in searches(stats):
            results.append({"search": search, "result": _result(engine.search(**search))})
        first = engine.search("", per_page=1, sort="newest").hits
        article = engine.article(first[0].article) if first else None
        more = [_hit(h) for h in engine.more_like_this(first[0].article, first[0].passage)] if first else []
    stock = json.loads(subprocess.run([sys.executable, __file__, "stock", index_dir], check=True,
                                      capture_output=True, text=True, cwd=ROOT).stdout)
    return {"stats": stats, "searches": results, "article": article.to_dict() if article else None,
            "more_like_this": more, "stock": stock}


def stock_snapshot(index_dir: str) -> dict:
    """What stock Whoosh 2.7.4 reads from the index (this process never patches Whoosh)."""
    from whoosh import index as whoosh_index
    from whoosh import scoring
    from whoosh.qparser import MultifieldParser

    from index.whoosh_store import current_generation

    gen = current_generation(index_dir)
    ix = whoosh_index.open_dir(gen)
    out: dict = {}
    with ix.searcher(weighting=scoring.BM25F()) as searcher:
        reader = searcher.reader()
        count = reader.doc_count_all()
        out["docs"] = count
        # Stored fields keyed by document id, so the check does not depend on segment order.
        stored = {}
        lengths = {}
        for docnum in range(count):
            fields = reader.stored_fields(docnum)
            stored[fields["docid"]] = fields
            lengths[fields["docid"]] = [reader.doc_field_length(docnum, name)
                                        for name in sorted(reader.schema.scorable_names())]
        out["stored"] = stored
        out["lengths"] = lengths
        out["terms"] = {name: reader.field_length(name) for name in sorted(reader.schema.scorable_names())}
        parser = MultifieldParser(["question", "answer", "title"], ix.schema)
        hits = {}
        for text in STOCK_QUERIES:
            results = searcher.search(parser.parse(text), limit=50)
            hits[text] = [[hit["docid"], hit.score] for hit in results]
        out["hits"] = hits
    return out


def differences(a, b, path: str = "") -> list[str]:
    """Where two snapshots differ (floats within :data:`TOLERANCE` are equal)."""
    if isinstance(a, float) and isinstance(b, (int, float)) or isinstance(b, float) and isinstance(a, int):
        return [] if math.isclose(a, b, rel_tol=0, abs_tol=TOLERANCE) else [f"{path}: {a!r} != {b!r}"]
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} != {type(b).__name__}"]
    if isinstance(a, dict):
        out = [f"{path}/{k}: only in one" for k in sorted(set(a) ^ set(b), key=str)]
        for key in a:
            if key in b:
                out += differences(a[key], b[key], f"{path}/{key}")
        return out
    if isinstance(a, list):
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        out = []
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            out += differences(x, y, f"{path}[{i}]")
        return out
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot", help="record the fixed searches' results from an index folder")
    snap.add_argument("index")
    snap.add_argument("output")
    stock = sub.add_parser("stock", help="(internal) stock Whoosh's reading of an index, as JSON")
    stock.add_argument("index")
    comp = sub.add_parser("compare", help="exit 1 unless two snapshots give identical results")
    comp.add_argument("before")
    comp.add_argument("after")
    args = parser.parse_args(argv)
    if args.command == "stock":
        json.dump(stock_snapshot(args.index), sys.stdout, sort_keys=True, default=str)
        return 0
    if args.command == "snapshot":
        data = snapshot(args.index)
        Path(args.output).write_text(json.dumps(data, sort_keys=True, default=str), encoding="utf-8")
        print(f"{args.output}: {len(data['searches'])} searches, {data['stock']['docs']} documents")
        return 0
    before = json.loads(Path(args.before).read_text(encoding="utf-8"))
    after = json.loads(Path(args.after).read_text(encoding="utf-8"))
    found = differences(before, after)
    for line in found[:50]:
        print(line)
    hits = sum(len(s["result"]["hits"]) for s in before["searches"])
    print(f"{len(before['searches'])} searches ({hits} hits), {before['stock']['docs']} documents read by "
          f"stock Whoosh: " + (f"{len(found)} differences" if found else "identical"))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
