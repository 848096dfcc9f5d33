"""CPU cost of the index stage (parsed articles → Whoosh segments → commit), in passages per CPU-second.

    .venv/bin/python bench/index_cost.py --corpus /work/h-scale/var/bench/corpus-10000-1 --limit 1500
    .venv/bin/python bench/index_cost.py --jsonl var/articles.jsonl
    .venv/bin/python bench/index_cost.py --build corpus          # end to end: read, split, enrich, index
    .venv/bin/python bench/index_cost.py --corpus corpus --drop 'facet_*'   # what the exact facet fields cost

With ``--corpus`` (the first ``--limit`` files in path order) or ``--jsonl`` the articles are parsed or
loaded first, untimed; then only the indexing is timed, as ``index.build`` drives it: one writer from
``open_store(dir).create(...)``, ``writer.add(article)`` per article, ``writer.commit(files)``.
``--build`` times a whole ``index.build.build`` of the folder instead, the parse workers' CPU included
(and shown apart from the indexing process's own, and the part of that its garbage collections took).
CPU time is ``time.process_time()`` (plus the children's, for ``--build``): wall-clock time on a shared
machine says little. Prints passages, CPU seconds, passages per CPU-second, the index size on disk and
its segment count. The index is written to ``--out`` (default ``var/bench-index-cost``, replaced).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.speed import folder_size  # noqa: E402 - after the path is set, so the script runs by its path too


def _cpu(children: bool = False) -> float:
    """CPU seconds (user + system) of this process, plus its waited-for children when asked."""
    total = time.process_time()
    if children:
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += usage.ru_utime + usage.ru_stime
    return total


def _collector_clock() -> list[float]:
    """A one-item list that adds up the CPU seconds this process spends in garbage collections."""
    import gc

    total, started = [0.0], [0.0]

    def clock(phase: str, info: dict) -> None:
        if phase == "start":
            started[0] = time.process_time()
        else:
            total[0] += time.process_time() - started[0]

    def forget() -> None:
        # Forked parse workers inherit the callback: it would run at each of their collections (about
        # 2% of their CPU time, counted in the build's) and add to a total nobody reads.
        if clock in gc.callbacks:
            gc.callbacks.remove(clock)

    gc.callbacks.append(clock)
    os.register_at_fork(after_in_child=forget)
    return total


def load_articles(corpus: str | None, limit: int | None, jsonl: str | None, every: int = 1) -> list:
    """Parsed articles: the first ``limit`` files of ``corpus`` (path order; with ``every``, every Nth
    of them), or every line of ``jsonl``."""
    if jsonl:
        from index.build import read_jsonl
        from index.model import Article

        return [a for _, a in read_jsonl(jsonl) if isinstance(a, Article)]
    from index.corpus import iter_article_files, parse_file

    files = sorted(iter_article_files(Path(corpus)))[::every][:limit]
    return [parse_file(p, corpus_root=Path(corpus)) for p in files]


def drop_fields(patterns: list[str]) -> None:
    """An experiment: leave the fields matching ``patterns`` (``fnmatch``, e.g. ``facet_*``) out of
    every document the build writer is given, to see what they cost (the index is then no usable one)."""
    from fnmatch import fnmatchcase

    from index.whoosh_internals import BuildWriter

    add = BuildWriter.add_document

    def add_without(self, **fields):
        kept = {k: v for k, v in fields.items() if not any(fnmatchcase(k, p) for p in patterns)}
        return add(self, **kept)

    BuildWriter.add_document = add_without


def index_articles(articles: list, out: Path) -> tuple[int, float]:
    """Index ``articles`` into a new index at ``out``; (passages indexed, CPU seconds)."""
    from index.store import open_store

    store = open_store(out)
    passages = 0
    started = _cpu()
    with store.writing():
        writer = store.create(None, {"kind": "jsonl", "path": "bench"})
        for article in articles:
            passages += len(writer.add(article))
        writer.commit({})
    return passages, _cpu() - started


def segments(out: Path) -> int:
    """How many segments the served generation holds."""
    from whoosh import index as whoosh_index

    from index.whoosh_store import current_generation

    gen = current_generation(out)
    return len(whoosh_index.open_dir(gen)._segments()) if gen else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--corpus", help="parse this corpus folder's files first (untimed)")
    source.add_argument("--jsonl", help="load articles from this JSONL file first (untimed)")
    source.add_argument("--build", help="time a whole build of this corpus folder (parse + index)")
    parser.add_argument("--limit", type=int, default=None, help="with --corpus: the first N files")
    parser.add_argument("--every", type=int, default=1, help="with --corpus: every Nth file")
    parser.add_argument("--drop", nargs="+", default=[], metavar="FIELD",
                        help="leave these fields (fnmatch patterns) out of every document: what they cost")
    parser.add_argument("--out", default="var/bench-index-cost", help="index folder (replaced)")
    args = parser.parse_args(argv)
    out = Path(args.out)
    shutil.rmtree(out, ignore_errors=True)
    if args.drop:
        drop_fields(args.drop)
    if args.build:
        from index.build import build

        collector = _collector_clock()
        started, own = _cpu(children=True), _cpu()
        report = build(args.build, out)
        passages, cpu, own = report.passages, _cpu(children=True) - started, _cpu() - own
        what = (f"build (parse workers {cpu - own:.2f} CPU-s + this process {own:.2f} CPU-s, of which "
                f"{collector[0]:.2f} in the garbage collector)")
    else:
        articles = load_articles(args.corpus, args.limit, args.jsonl, args.every)
        passages, cpu = index_articles(articles, out)
        what = f"index stage ({len(articles)} articles)"
    print(f"{what}: {passages} passages, {cpu:.2f} CPU-s, {passages / cpu:.0f} passages/CPU-s, "
          f"index {folder_size(out) / 1e6:.1f} MB, {segments(out)} segment(s), cpu_count {os.cpu_count()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
