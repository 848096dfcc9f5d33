"""CPU cost of the parse stage (read → split → enrich), and a check that enrichment output stays the same.

    .venv/bin/python -m bench.parse_cost corpus                          # every file of corpus/
    .venv/bin/python -m bench.parse_cost var/bench/corpus-10000-1 --limit 1500
    .venv/bin/python -m bench.parse_cost var/bench/corpus-10000-1 --every 7      # ~1,430 files, spread out
    .venv/bin/python -m bench.parse_cost corpus --save /tmp/enrich-ref.pkl    # snapshot the output
    .venv/bin/python -m bench.parse_cost corpus --check /tmp/enrich-ref.pkl   # compare with a snapshot

Each folder is parsed in one process: the first ``--limit`` article files (sorted; with ``--every N``,
every Nth of them), read and split
(``parse_file(enrich=False)``), then enriched (``enrich_article``), each stage timed with
``time.process_time()``. The word lists and gazetteers load once per process (~1.5 s of CPU); one
article is enriched before the clock starts so that one-off cost does not count against the stage,
and is reported beside it. Figures are passages per CPU-second.

``--save`` writes, per file, the split article and the enriched one (as ``Article.to_dict()``).
``--check`` re-enriches the *saved* split articles with the current code and compares the whole
enriched JSON (passages and their facets, names, publication) with the saved one; it also says how
many files split differently now (the splitter has its own owner; a change there is reported, not
counted as an enrichment difference). Exit status 1 when any enriched article differs.
"""

from __future__ import annotations

import argparse
import json
import pickle
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index.corpus import iter_article_files, parse_file  # noqa: E402
from index.enrich import enrich_article  # noqa: E402
from index.model import Article, ArticleError  # noqa: E402


def _files(folder: Path, limit: int | None, every: int = 1) -> list[str]:
    files = sorted(iter_article_files(folder))[::every]
    return files[:limit] if limit else files


def _warm_up(split: list[Article]) -> float:
    """Enrich one copy of an article so the word lists load before timing; its CPU seconds."""
    start = time.process_time()
    if split:
        enrich_article(Article.from_dict(split[0].to_dict()))
    return time.process_time() - start


def run(folder: Path, limit: int | None, save: dict | None, check: dict | None, every: int = 1) -> dict:
    """Time read+split and enrich over ``folder``; fill ``save`` or compare with ``check``."""
    files = _files(folder, limit, every)
    split: list[Article] = []
    errors = 0
    start = time.process_time()
    for path in files:
        try:
            split.append(parse_file(path, corpus_root=folder, enrich=False))
        except ArticleError:
            errors += 1
    split_cpu = time.process_time() - start
    split_dicts = [a.to_dict() for a in split]
    load_cpu = _warm_up(split)
    inputs = split
    if check is not None:  # enrich exactly what was enriched when the snapshot was taken
        inputs = [Article.from_dict(check[a.id][0]) for a in split if a.id in check]
    start = time.process_time()
    enriched = [enrich_article(a) for a in inputs]
    enrich_cpu = time.process_time() - start
    passages = sum(len(a.passages) for a in enriched)
    result = {
        "folder": str(folder),
        "files": len(files),
        "errors": errors,
        "passages": passages,
        "split_cpu": round(split_cpu, 2),
        "enrich_cpu": round(enrich_cpu, 2),
        "load_cpu": round(load_cpu, 2),
        "split_per_cpu_s": round(passages / split_cpu) if split_cpu else None,
        "enrich_per_cpu_s": round(passages / enrich_cpu) if enrich_cpu else None,
        "parse_per_cpu_s": round(passages / (split_cpu + enrich_cpu)) if split_cpu + enrich_cpu else None,
    }
    if save is not None:
        for raw, article in zip(split_dicts, enriched, strict=True):
            save[article.id] = (raw, article.to_dict())
    if check is not None:
        differ = [a.id for a in enriched if a.to_dict() != check[a.id][1]]
        result["enrich_differ"] = len(differ)
        result["enrich_compared"] = len(enriched)
        result["enrich_differ_ids"] = differ[:10]
        result["split_differ"] = sum(1 for d in split_dicts if d["id"] in check and d != check[d["id"]][0])
        result["missing"] = sum(1 for d in split_dicts if d["id"] not in check)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folders", nargs="+", type=Path, help="corpus folders")
    parser.add_argument("--limit", type=int, default=None, help="first N files (sorted) of each folder")
    parser.add_argument("--every", type=int, default=1,
                        help="every Nth file (sorted): a sample spread over the corpus (the generated "
                             "corpus's first files in path order parse about 40%% faster than its average)")
    parser.add_argument("--save", type=Path, help="write the split and enriched articles here (pickle)")
    parser.add_argument("--check", type=Path, help="compare enrichment with a --save snapshot")
    args = parser.parse_args(argv)
    save: dict | None = {} if args.save else None
    check = pickle.loads(args.check.read_bytes()) if args.check else None
    status = 0
    for folder in args.folders:
        result = run(folder, args.limit, save, check, args.every)
        print(json.dumps(result))
        if result.get("enrich_differ"):
            status = 1
    if args.save:
        args.save.write_bytes(pickle.dumps(save))
    return status


if __name__ == "__main__":
    raise SystemExit(main())
