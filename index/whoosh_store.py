"""The Whoosh store: an index folder of generations, switched atomically, with one writer at a time.

Layout of the index folder (default ``var/index``)::

    CURRENT            the name of the generation being served, replaced atomically (os.replace)
    .writer.lock       held with fcntl.flock by the one process writing; released when it exits or dies
    gen-000007/        a Whoosh index, plus
        columns/       each segment's per-passage arrays, memory-mapped by searchers (index/whoosh_columns.py)
        postings/      each segment's frequent words' postings, memory-mapped (index/segment_postings.py)
        manifest.json  source file → content hash → article id and passage numbers
        meta.json      schema version, source (corpus or JSONL), analysis (stop list), created/updated
                       times (UTC)

A build (:meth:`WhooshStore.create`) writes a fresh generation and only then points ``CURRENT`` at it, so
a failed or killed build leaves the previous generation whole and serving. An update
(:meth:`WhooshStore.open_writer`) commits into the current generation (delete an article's passages by
article id, add the new ones); Whoosh swaps its table of contents atomically, and readers refresh. On
disk stay the current generation and the one it replaced (a reader may still hold it); older and
half-built ones are deleted by the next build or update.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

from whoosh import index as whoosh_index

from index import whoosh_internals
from index.analysis import DEFAULT_STOP_WORDS, fingerprint, stop_list
from index.model import Article
from index.schema import FACET_PREFIX, SCHEMA_VERSION, VALUE_SEPARATOR, build_schema
from index.segment_postings import write_postings
from index.store import IndexBusy, IndexMissing, IndexStore, StoreWriter
from index.whoosh_columns import write_columns

CURRENT = "CURRENT"
LOCK_NAME = ".writer.lock"
MANIFEST = "manifest.json"
META = "meta.json"
GEN_PREFIX = "gen-"
WRITER_LIMIT_MB = 256
"""Memory the Whoosh writer may use before spilling to disk, in megabytes."""


# --- generations ------------------------------------------------------------------------------------

def current_generation(index_dir: str | os.PathLike) -> Path | None:
    """The generation folder ``CURRENT`` names, or None when nothing has been built."""
    root = Path(index_dir)
    for _ in range(5):
        try:
            name = (root / CURRENT).read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        gen = root / name
        try:
            return gen if name and whoosh_index.exists_in(gen) else None
        except OSError:
            # A build switched CURRENT and deleted this generation between our two reads (readers saw
            # FileNotFoundError on its _MAIN_N.toc): read CURRENT again.
            continue
    return None


def current_name(index_dir: str | os.PathLike) -> str | None:
    """What ``CURRENT`` says, unchecked (one small read), or None if it cannot be read."""
    try:
        return (Path(index_dir) / CURRENT).read_text(encoding="utf-8").strip()
    except OSError:
        return None


def _generations(root: Path) -> list[Path]:
    found = [p for p in root.glob(GEN_PREFIX + "*") if p.is_dir() and p.name[len(GEN_PREFIX):].isdigit()]
    return sorted(found, key=lambda p: int(p.name[len(GEN_PREFIX):]))


def _new_generation(root: Path) -> Path:
    gens = _generations(root)
    number = int(gens[-1].name[len(GEN_PREFIX):]) + 1 if gens else 1
    gen = root / f"{GEN_PREFIX}{number:06d}"
    gen.mkdir(parents=True)
    return gen


def _switch_to(root: Path, gen: Path) -> None:
    tmp = root / f".{CURRENT}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(gen.name + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, root / CURRENT)
    with contextlib.suppress(OSError):
        # Make the rename itself durable.
        fd = os.open(root, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _clean_generations(root: Path) -> None:
    """Delete every generation except the current one and the one it replaced (``previous`` in its
    meta.json): older ones, and half-built ones a killed build left. Call with the writer lock held."""
    current = current_generation(root)
    if current is None:
        return
    keep = {current.name, read_meta(current).get("previous", "")}
    for gen in _generations(root):
        if gen.name not in keep:
            shutil.rmtree(gen, ignore_errors=True)
    for tmp in root.glob(f".{CURRENT}.*.tmp"):
        with contextlib.suppress(OSError):
            tmp.unlink()


# --- the writer lock -----------------------------------------------------------------------------

@contextlib.contextmanager
def writer_lock(index_dir: str | os.PathLike) -> Iterator[None]:
    """Hold the index folder's writer lock, or raise :class:`IndexBusy` at once.

    ``flock`` locks belong to the open file, so the kernel releases them when the process exits or is
    killed: there is never a stale lock to clean up by hand.
    """
    root = Path(index_dir)
    root.mkdir(parents=True, exist_ok=True)
    fh = open(root / LOCK_NAME, "a+", encoding="utf-8")  # noqa: SIM115 - held for the whole block
    try:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                fh.seek(0)
                holder = fh.read().strip()
                who = f" (pid {holder})" if holder else ""
                raise IndexBusy(f"{root}: an update is already running{who}; try again when it ends") \
                    from None
            raise
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield
    finally:
        fh.close()


# --- manifest and meta ------------------------------------------------------------------------------

def _read_json(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        # json.dumps without indent runs the C encoder; json.dump always runs the pure-Python one,
        # which took 3.5 s for the 22 MB manifest of a million passages, on every update.
        fh.write(json.dumps(data, ensure_ascii=False, sort_keys=True))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_meta(gen: str | os.PathLike) -> dict:
    """A generation's ``meta.json`` (empty dict if absent)."""
    return _read_json(Path(gen) / META, {})


def outdated(meta: dict) -> str | None:
    """Why an index with this ``meta.json`` cannot be searched or updated by this code, or None.

    Its schema version, or the analysis that made its terms (:func:`index.analysis.fingerprint`: the
    chain and its data files, such as the word forms), differs from ours: searching it would mix terms
    analysed two ways, so it must be rebuilt.
    """
    if meta.get("schema_version") != SCHEMA_VERSION:
        return "it was built by another version of the index schema; run `interviews build` to rebuild it"
    analysis = meta.get("analysis") or {}
    try:
        ours = fingerprint(analysis.get("stop_words", DEFAULT_STOP_WORDS))
    except (ValueError, OSError):
        ours = None
    if analysis.get("fingerprint") != ours:
        return ("it was built with another text analysis (word forms, acronyms, stop words or folding); "
                "run `interviews build` to rebuild it")
    return None


def read_manifest(gen: str | os.PathLike) -> dict:
    """A generation's ``manifest.json``: ``{"files": {path: {"hash", "article", "passages" | "error"}}}``."""
    return _read_json(Path(gen) / MANIFEST, {"files": {}})


def _utcnow() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


# --- documents ----------------------------------------------------------------------------------------

def whoosh_documents(article: Article) -> list[dict]:
    """The Whoosh documents of an article: ``index.build.article_documents`` with each facet's values as
    searchable text (``<name>``, one value a line, with the values' other names from the registry:
    "New York University" beside NYU) and exact values (``facet_<name>``)."""
    from index.build import article_documents
    from index.facets import FACETS

    specs = {spec.name: spec for spec in FACETS}
    docs = []
    for record in article_documents(article):
        facets = record.pop("facets")
        for name, values in facets.items():
            if values:
                record[name] = "\n".join(specs[name].searchable(values))
                record[FACET_PREFIX + name] = VALUE_SEPARATOR.join(values)
        docs.append(record)
    return docs


# --- the store ------------------------------------------------------------------------------------------

class WhooshStore(IndexStore):
    """An index folder of Whoosh generations (see the module docstring)."""

    def __init__(self, index_dir: str | os.PathLike = "var/index"):
        whoosh_internals.install()
        self.root = Path(index_dir)
        self.location = str(index_dir)

    def exists(self) -> bool:
        return current_generation(self.root) is not None

    def outdated(self) -> str | None:
        gen = current_generation(self.root)
        return outdated(read_meta(gen)) if gen is not None else None

    def writing(self) -> contextlib.AbstractContextManager[None]:
        return writer_lock(self.root)

    def generation(self) -> str:
        gen = current_generation(self.root)
        return gen.name if gen is not None else ""

    def manifest(self) -> dict[str, dict]:
        gen = current_generation(self.root)
        if gen is None:
            raise IndexMissing(f"{self.root}: no index here; run `interviews build` first")
        why = outdated(read_meta(gen))
        if why:
            raise IndexMissing(f"{gen}: cannot update this index: {why}")
        return read_manifest(gen).get("files", {})

    def create(self, stop_words: str | None, source: dict) -> StoreWriter:
        stop_words = stop_words or DEFAULT_STOP_WORDS
        stop_list(stop_words)  # an unknown name fails here, before any folder is created
        gen = _new_generation(self.root)
        try:
            ix = whoosh_index.create_in(gen, build_schema(stop_words))
        except BaseException:
            shutil.rmtree(gen, ignore_errors=True)
            raise
        meta = {"schema_version": SCHEMA_VERSION, "source": source,
                "analysis": {"stop_words": stop_words, "fingerprint": fingerprint(stop_words)}}
        return _WhooshWriter(self.root, gen, ix, meta, new=True)

    def open_writer(self) -> StoreWriter:
        _clean_generations(self.root)  # what a killed build left behind
        gen = current_generation(self.root)
        if gen is None:
            raise IndexMissing(f"{self.root}: no index here; run `interviews build` first")
        return _WhooshWriter(self.root, gen, whoosh_index.open_dir(gen), read_meta(gen), new=False)


class _WhooshWriter(StoreWriter):
    """Changes to one generation through :class:`index.whoosh_internals.BuildWriter`."""

    def __init__(self, root: Path, gen: Path, ix, meta: dict, new: bool):
        self.root, self.gen, self.meta, self.new = root, gen, meta, new
        self.ix = ix
        self.generation = gen.name
        self.writer = whoosh_internals.BuildWriter(ix, limitmb=WRITER_LIMIT_MB)

    def add(self, article: Article) -> list[int]:
        docs = whoosh_documents(article)
        for doc in docs:
            self.writer.add_document(**doc)
        return [doc["number"] for doc in docs]

    def delete(self, article_id: str) -> None:
        if not self.new:
            self.writer.delete_by_term("article", article_id)

    def commit(self, files: dict[str, dict]) -> None:
        self.writer.commit()
        # Each new segment's per-passage arrays and frequent words' postings, for searchers to
        # memory-map (index/whoosh_columns.py, index/segment_postings.py).
        with self.ix.reader() as reader:
            write_columns(self.gen, reader)
            write_postings(self.gen, reader)
        now = _utcnow()
        if self.new:
            previous = current_generation(self.root)
            _write_json(self.gen / MANIFEST, {"files": files})
            _write_json(self.gen / META, {**self.meta, "created": now, "updated": now,
                                          "previous": previous.name if previous else ""})
            _switch_to(self.root, self.gen)
            _clean_generations(self.root)
        else:
            # Written after the commit: if we die in between, the next update redoes these files,
            # which is harmless because every article is deleted by id before it is added.
            _write_json(self.gen / MANIFEST, {"files": files})
            _write_json(self.gen / META, {**self.meta, "updated": now})

    def cancel(self) -> None:
        self.writer.cancel()
        if self.new:
            shutil.rmtree(self.gen, ignore_errors=True)
