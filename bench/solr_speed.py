"""Speed on SolrCloud beside the embedded engine: build rate and query latency per class, same corpus.

    python -m bench.speed --engine solr --articles 10000      # what `make bench BENCH_ENGINE=solr` runs
    python -m bench.solr_speed --articles 30 --quick          # the smoke test

The corpus and the query classes are those of :mod:`bench.speed` (generated articles, queries drawn from
their own vocabulary). Both engines are built by the same ``index.build.build`` and searched through
the same ``open_index(...).search`` a user calls (facets, highlights and did-you-mean included); query
rounds interleave the two engines query by query, so the shared machine's noise hits both alike.

The cluster is the one ``make solr`` started (``var/solr/url``), or ``--solr URL`` (any collection URL of
the cluster); the benchmark creates a collection of its own (2 shards × 2 replicas) and deletes it after.
Writes ``bench/results/solr.json`` and, unless ``--no-docs``, the figures in ``docs/solr.md`` (between the
``solr-speed`` markers). Latencies in milliseconds, build times in seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from pathlib import Path

from bench.speed import (
    CLASSES,
    REPO,
    ensure_corpus,
    machine,
    measure_queries,
    parse_corpus,
    pick_queries,
    summary_ms,
    update_doc,
)

START, END = "<!-- solr-speed:start -->", "<!-- solr-speed:end -->"


class _Engine:
    """``open_index(location).search`` for a :class:`bench.baselines.QuerySpec`."""

    def __init__(self, location: str):
        from search.engine import open_index

        self.engine = open_index(location)

    def search(self, spec, limit: int = 10, facet_limit: int = 10):
        return self.engine.search(spec.user_syntax(), per_page=limit, facet_limit=facet_limit)


def _cluster_url(given: str | None) -> str:
    if given:
        return given
    for name in ("INTERVIEWS_TEST_SOLR_URL",):
        if os.environ.get(name):
            return os.environ[name]
    path = REPO / "var" / "solr" / "url"
    if path.is_file():
        return path.read_text(encoding="utf-8").strip()
    raise SystemExit("no SolrCloud: run `make solr` first, or give --solr URL")


def run(args: argparse.Namespace) -> dict:
    from index.build import build
    from index.solr_configset import CONFIGSET
    from search.solrclient import SolrClient, split_collection_url

    say = (lambda *a: None) if args.quiet else (lambda *a: print(*a, file=sys.stderr, flush=True))
    work = Path(args.work)
    corpus = ensure_corpus(work / f"corpus-{args.articles}-{args.seed}", args.articles, args.seed)
    articles, _ = parse_corpus(corpus)
    queries = pick_queries(articles, args.queries, args.seed)
    base, _ = split_collection_url(_cluster_url(args.solr))
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = SolrClient(f"{base}/{name}")
    admin.upload_configset(name, CONFIGSET / "conf")
    admin.create_collection(name, shards=2, replicas=2)
    url = f"{base}/{name}"
    index = work / f"index-solrbench-{args.articles}"
    try:
        builds = {}
        for engine, location in (("whoosh", str(index)), ("solr", url)):
            say(f"building {engine} ({args.articles} articles) ...")
            report = build(corpus, location)
            builds[engine] = {"articles": report.articles, "passages": report.passages,
                              "seconds": round(report.seconds, 2),
                              "passages_per_s": round(report.passages / report.seconds, 1)}
        systems = {"whoosh": _Engine(str(index)), "solr": _Engine(url)}
        say("querying ...")
        measured = measure_queries(systems, queries, args.rounds)
        agree = {cls: measured["totals"]["whoosh"][cls] == measured["totals"]["solr"][cls] for cls in CLASSES}
        latency = {engine: {cls: summary_ms(measured["samples"][engine][cls]) for cls in CLASSES}
                   for engine in systems}
    finally:
        admin.delete_collection()
        admin.admin("configs", {"action": "DELETE", "name": name})
    return {
        "articles": args.articles, "seed": args.seed, "queries_per_class": args.queries,
        "rounds": args.rounds, "machine": machine(), "date": time.strftime("%Y-%m-%d"),
        "cluster": "3 nodes in one JVM (make solr), collection of 2 shards x 2 replicas",
        "build": builds, "latency_ms": latency, "totals_agree": agree,
        "ratio_p50": {cls: round(latency["solr"][cls]["p50"] / latency["whoosh"][cls]["p50"], 2)
                      if latency["whoosh"][cls]["p50"] else None for cls in CLASSES},
    }


def render_markdown(data: dict) -> str:
    rows = ["| query class | Whoosh p50 | Solr p50 | Solr / Whoosh | Solr p95 | same totals |",
            "|---|---:|---:|---:|---:|---|"]
    for cls in CLASSES:
        w, s = data["latency_ms"]["whoosh"][cls], data["latency_ms"]["solr"][cls]
        rows.append(f"| {cls} | {w['p50']:.1f} ms | {s['p50']:.1f} ms | {data['ratio_p50'][cls]} | "
                    f"{s['p95']:.1f} ms | {'yes' if data['totals_agree'][cls] else 'no'} |")
    b = data["build"]
    passages = b["solr"]["passages"]
    return "\n".join([
        f"{data['articles']:,} generated articles ({passages:,} passages), "
        f"{data['queries_per_class']} queries per class, {data['rounds']} rounds, medians; "
        f"{data['cluster']}; {data['machine']}, {data['date']}. "
        f"Reproduce: `make solr && make bench BENCH_ENGINE=solr BENCH_ARTICLES={data['articles']}`.",
        "",
        f"Build (`interviews build`, read → split → enrich → index): Whoosh {b['whoosh']['seconds']:.0f} s "
        f"({b['whoosh']['passages_per_s']:,.0f} passages/s), Solr {b['solr']['seconds']:.0f} s "
        f"({b['solr']['passages_per_s']:,.0f} passages/s).",
        "",
        *rows,
    ])


def run_and_report(args: argparse.Namespace) -> int:
    """Run with ``bench.speed``'s arguments (``--engine solr``): the table on stdout and, unless
    ``--quick``, ``bench/results/solr.json`` and the figures in docs/solr.md (unless ``--no-docs``)."""
    if args.quick:
        args.queries, args.rounds = min(args.queries, 2), 1
    data = run(args)
    text = render_markdown(data)
    print(text)
    if args.quick:
        return 0  # a smoke run: its figures go nowhere
    out = REPO / "bench" / "results" / "solr.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    if not args.no_docs:
        update_doc(REPO / "docs" / "solr.md", f"{START}\n{text}\n{END}", START, END)
    return 0


if __name__ == "__main__":
    from bench.speed import main

    sys.exit(main(["--engine", "solr", *sys.argv[1:]]))
