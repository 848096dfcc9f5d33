"""Write the index: full builds into new generations, incremental updates, adding files, JSONL input.

Layout of the index folder (default ``var/index``)::

    CURRENT            the name of the generation being served, replaced atomically (os.replace)
    .writer.lock       held with fcntl.flock by the one process writing; released when it exits or dies
    gen-000007/        a Whoosh index, plus
        manifest.json  source file → content hash → article id and passage numbers
        meta.json      schema version, source (corpus or JSONL), analysis (stop list), created/updated
                       times (UTC)

``build`` writes a fresh generation and only then points ``CURRENT`` at it, so a failed or killed build
leaves the previous generation whole and serving. ``update`` and ``add`` commit into the current
generation (delete an article's passages by article id, add the new ones); Whoosh swaps its table of
contents atomically, and readers refresh. On disk stay the current generation and the one it replaced
(a reader may still hold it); older and half-built ones are deleted by the next build or update.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from index.facets import FACETS, PASSAGE_FACETS
from index.model import Article, ArticleError
from index.schema import (
    DEFAULT_STOP_WORDS,
    FACET_PREFIX,
    SCHEMA_VERSION,
    VALUE_SEPARATOR,
    build_schema,
    stop_list,
)
from index.writer import BuildWriter

CURRENT = "CURRENT"
LOCK_NAME = ".writer.lock"
MANIFEST = "manifest.json"
META = "meta.json"
GEN_PREFIX = "gen-"
WRITER_LIMIT_MB = 256
"""Memory the Whoosh writer may use before spilling to disk, in megabytes."""

NOT_AN_ARTICLE = "not an article file (.txt, .md, .markdown, .html or .htm)"

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: called after each source file (or JSONL line)."""


class IndexBusy(Exception):
    """Another process holds the writer lock."""


class IndexMissing(Exception):
    """No generation has been built yet in this index folder."""


@dataclass
class BuildReport:
    """What a build, update or add did. ``seconds`` is wall-clock time."""

    action: str
    generation: str = ""
    articles: int = 0  # articles (re)indexed by this run
    passages: int = 0  # passages (re)indexed by this run
    deleted: int = 0  # articles removed because their file went away
    unchanged: int = 0  # files skipped because their hash matched the manifest
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    added_files: list[str] = field(default_factory=list)  # corpus paths ``add`` copied in
    seconds: float = 0.0

    def summary(self) -> str:
        """One line: ``build gen-000003: 1307 articles, 21345 passages, 2 files skipped, 41.2 s``."""
        parts = [f"{self.articles} articles", f"{self.passages} passages"]
        if self.action != "build":
            parts += [f"{self.unchanged} unchanged", f"{self.deleted} deleted"]
        parts.append(f"{len(self.skipped)} files skipped")
        line = f"{self.action} {self.generation}: " + ", ".join(parts) + f", {self.seconds:.1f} s"
        if self.skipped:
            line += " (" + "; ".join(f"{name}: {reason}" for name, reason in self.skipped) + ")"
        return line


# --- generations ------------------------------------------------------------------------------------

def current_generation(index_dir: str | os.PathLike) -> Path | None:
    """The generation folder ``CURRENT`` names, or None when nothing has been built."""
    root = Path(index_dir)
    for _ in range(5):
        try:
            name = (root / CURRENT).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        gen = root / name
        try:
            return gen if name and whoosh_index.exists_in(gen) else None
        except OSError:
            # A build switched CURRENT and deleted this generation between our two reads (readers saw
            # FileNotFoundError on its _MAIN_N.toc): read CURRENT again.
            continue
    return None


def index_exists(index_dir: str | os.PathLike) -> bool:
    """True when the folder holds a usable current generation."""
    return current_generation(index_dir) is not None


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


# --- articles → documents ---------------------------------------------------------------------------

def article_documents(article: Article) -> list[dict]:
    """One Whoosh document per passage; the first also carries the article's metadata for page views."""
    # Passages and dropped text are not part of the metadata: converting them just to drop them cost
    # more than the rest of the document building.
    meta = dataclasses.replace(article, passages=[], dropped=[]).to_dict()
    meta.pop("passages", None)
    docs = []
    seen: set[int] = set()
    for passage in article.passages:
        if passage.number in seen:
            # Two passages with one number would share a document id; keep the first.
            continue
        seen.add(passage.number)
        doc = {
            "docid": f"{article.id}#{passage.number}",
            "article": article.id,
            "number": passage.number,
            "kind": passage.kind,
            "question": passage.question or "",
            "answer": passage.answer or "",
            "title": article.title or "",
            "date": article.date or "",
            "url": article.url or "",
            "data": {
                "answerers": list(passage.answerers),
                **({"start": passage.start} if passage.start is not None else {}),
                **{f.passage_attribute: list(getattr(passage, f.passage_attribute)) for f in PASSAGE_FACETS},
            },
        }
        for spec in FACETS:
            values = spec.values(article, passage)
            if values:
                doc[spec.name] = "\n".join(values)
                doc[FACET_PREFIX + spec.name] = VALUE_SEPARATOR.join(values)
        if not docs:
            doc["meta"] = meta
        docs.append(doc)
    return docs


# --- sources ----------------------------------------------------------------------------------------

def file_hash(path: str | os.PathLike) -> str:
    """SHA-256 of the file's bytes, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_jsonl(path: str | os.PathLike) -> Iterator[tuple[str, Article | ArticleError]]:
    """Yield ``("FILE:LINE", Article | ArticleError)`` per non-blank line of ``Article.to_dict()`` JSON."""
    name = str(path)
    try:
        fh = open(path, encoding="utf-8")  # noqa: SIM115 - closed below; errors reported per line
    except OSError as exc:
        raise ArticleError(name, f"cannot open JSONL file: {exc.strerror or exc}") from None
    with fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            label = f"{name}:{number}"
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise ValueError("not a JSON object")
                article = Article.from_dict(data)
                if not article.id:
                    raise ValueError("no article id")
                yield label, article
            except (ValueError, TypeError, KeyError) as exc:
                yield label, ArticleError(label, f"bad JSONL line: {exc}")


def _corpus_files(corpus_dir: Path) -> dict[str, Path]:
    from index.corpus import iter_article_files

    return {_rel(path, corpus_dir): Path(path) for path in iter_article_files(corpus_dir)}


def _rel(path, corpus_dir: Path) -> str:
    return Path(os.path.relpath(path, corpus_dir)).as_posix()


def _parse(path: Path, corpus_dir: Path) -> Article:
    from index.corpus import parse_file

    try:
        return parse_file(path, corpus_root=corpus_dir)
    except ArticleError:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad article must not stop the build
        raise ArticleError(str(path), f"{type(exc).__name__}: {exc}") from exc


PARALLEL_MIN_FILES = 200
"""Builds of at least this many files parse in worker processes while this one writes the index."""
PARSE_CHUNK = 16
"""Files per job sent to a parse worker."""


def _parse_chunk(items: list[tuple[str, str]], corpus_dir: str) -> list[tuple[str, str, object]]:
    """Worker side: (rel, hash, Article | (path, reason)) per file. Errors travel as plain tuples
    because ArticleError's two-argument constructor does not survive pickling."""
    out = []
    for rel, path in items:
        try:
            out.append((rel, file_hash(path), _parse(Path(path), Path(corpus_dir))))
        except ArticleError as exc:
            out.append((rel, _hash_or_empty(path), (exc.path, exc.reason)))
        except OSError as exc:
            out.append((rel, "", (str(path), f"cannot read: {exc.strerror or exc}")))
    return out


def _hash_or_empty(path) -> str:
    try:
        return file_hash(path)
    except OSError:
        return ""


def _parse_all(items: list[tuple[str, Path]],
               corpus: Path) -> Iterator[tuple[str, str, Article | ArticleError]]:
    """(rel, hash, Article | ArticleError) for each file, in order.

    Reading, splitting and enriching cost about as much CPU as indexing, so a big build parses in
    ``os.cpu_count()`` worker processes while the caller's process feeds the Whoosh writer; a bounded
    window of jobs keeps memory flat. Small builds (fewer than :data:`PARALLEL_MIN_FILES` files), a
    one-core machine, or a caller running other threads parse in this process.
    """
    import threading

    workers = os.cpu_count() or 1
    jobs = [[(rel, str(path)) for rel, path in items[i:i + PARSE_CHUNK]]
            for i in range(0, len(items), PARSE_CHUNK)]
    # Workers are forked (no re-import of the caller's main module, which "spawn" would need guarded);
    # forking a process that runs other threads could copy a held lock, so such callers parse here.
    if len(items) < PARALLEL_MIN_FILES or workers < 2 or threading.active_count() > 1:
        chunks: Iterable[list] = (_parse_chunk(job, str(corpus)) for job in jobs)
    else:
        chunks = _parse_in_pool(jobs, str(corpus), workers)
    for chunk in chunks:
        for rel, digest, result in chunk:
            if isinstance(result, tuple):
                result = ArticleError(*result)
            yield rel, digest, result


def _parse_in_pool(jobs: list[list], corpus_dir: str, workers: int) -> Iterator[list]:
    import multiprocessing
    from collections import deque

    with multiprocessing.get_context("fork").Pool(workers) as pool:
        pending: deque = deque()
        queue = iter(jobs)
        for job in queue:
            pending.append(pool.apply_async(_parse_chunk, (job, corpus_dir)))
            if len(pending) >= workers * 4:
                break
        while pending:
            result = pending.popleft().get()
            job = next(queue, None)
            if job is not None:
                pending.append(pool.apply_async(_parse_chunk, (job, corpus_dir)))
            yield result


# --- manifest and meta ------------------------------------------------------------------------------

def _read_json(path: Path, default):
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return default


def _write_json(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=0, sort_keys=True)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def read_meta(gen: str | os.PathLike) -> dict:
    """A generation's ``meta.json`` (empty dict if absent)."""
    return _read_json(Path(gen) / META, {})


def read_manifest(gen: str | os.PathLike) -> dict:
    """A generation's ``manifest.json``: ``{"files": {path: {"hash", "article", "passages" | "error"}}}``."""
    return _read_json(Path(gen) / MANIFEST, {"files": {}})


# --- writing ----------------------------------------------------------------------------------------

def _index_one(writer, article: Article, ids: dict[str, str], label: str, report: BuildReport) -> dict:
    """Add an article's passages; return its manifest entry (raises ArticleError on a duplicate id)."""
    owner = ids.get(article.id)
    if owner is not None and owner != label:
        raise ArticleError(label, f"duplicate article id {article.id!r} (already indexed from {owner})")
    if not article.passages:
        raise ArticleError(label, "no passages found")
    docs = article_documents(article)
    for doc in docs:
        writer.add_document(**doc)
    ids[article.id] = label
    report.articles += 1
    report.passages += len(docs)
    return {"article": article.id, "passages": [d["number"] for d in docs]}


def _manifest_entry(writer, article: Article | ArticleError, ids: dict[str, str], rel: str, digest: str,
                    report: BuildReport) -> dict:
    """Index one file's article, or record why it was skipped (in the report too); its manifest entry."""
    entry = {"hash": digest}
    try:
        if isinstance(article, ArticleError):
            raise article
        entry.update(_index_one(writer, article, ids, rel, report))
    except ArticleError as exc:
        entry["error"] = exc.reason
        report.skipped.append((rel, exc.reason))
    return entry


def build(corpus_dir: str | os.PathLike = "corpus", index_dir: str | os.PathLike = "var/index",
          jsonl: str | os.PathLike | None = None, progress: Progress | None = None,
          stop_words: str = DEFAULT_STOP_WORDS) -> BuildReport:
    """Index every article of ``corpus_dir`` (or of the ``jsonl`` file instead) into a new generation.

    The new generation becomes current only once fully committed. Bad articles are skipped and listed
    in the report; raises :class:`IndexBusy` if another writer runs. ``stop_words`` names the stop list
    (``index.schema.STOP_LISTS``, default ``short``); it is kept in the index, so searches and later
    updates of this generation use it too, and recorded in ``meta.json`` as ``analysis.stop_words``.
    """
    stop_list(stop_words)  # an unknown name fails here, before any folder is created
    started = time.monotonic()
    root = Path(index_dir)
    corpus = Path(corpus_dir)
    report = BuildReport("build")
    with writer_lock(root):
        if jsonl is None and not corpus.is_dir():
            raise FileNotFoundError(f"{corpus}: corpus folder not found")
        gen = _new_generation(root)
        report.generation = gen.name
        ix = whoosh_index.create_in(gen, build_schema(stop_words))
        writer = BuildWriter(ix, limitmb=WRITER_LIMIT_MB)
        files: dict[str, dict] = {}
        ids: dict[str, str] = {}
        try:
            if jsonl is not None:
                _build_from_jsonl(writer, Path(jsonl), files, ids, report, progress)
            else:
                paths = _corpus_files(corpus)
                parsed = _parse_all(sorted(paths.items()), corpus)
                for done, (rel, digest, article) in enumerate(parsed, 1):
                    files[rel] = _manifest_entry(writer, article, ids, rel, digest, report)
                    if progress:
                        progress(done, len(paths), rel)
            writer.commit()
        except BaseException:
            writer.cancel()
            shutil.rmtree(gen, ignore_errors=True)
            raise
        now = _utcnow()
        previous = current_generation(root)
        source = {"kind": "jsonl", "path": str(jsonl)} if jsonl is not None else {"kind": "corpus"}
        _write_json(gen / MANIFEST, {"files": files})
        _write_json(gen / META, {"schema_version": SCHEMA_VERSION, "source": source, "created": now,
                                 "updated": now, "analysis": {"stop_words": stop_words},
                                 "corpus": str(corpus.resolve()),
                                 "previous": previous.name if previous else ""})
        _switch_to(root, gen)
        _clean_generations(root)
    report.seconds = time.monotonic() - started
    return report


def _build_from_jsonl(writer, path: Path, files: dict, ids: dict, report: BuildReport,
                      progress: Progress | None) -> None:
    total = _count_lines(path)
    for done, (label, item) in enumerate(read_jsonl(path), 1):
        key = "jsonl:" + label
        try:
            if isinstance(item, ArticleError):
                raise item
            files[key] = _index_one(writer, item, ids, label, report)
        except ArticleError as exc:
            report.skipped.append((label, exc.reason))
        if progress:
            progress(done, total, label)


def _count_lines(path: Path) -> int:
    try:
        with open(path, "rb") as fh:
            return sum(1 for line in fh if line.strip())
    except OSError as exc:
        raise ArticleError(str(path), f"cannot open JSONL file: {exc.strerror or exc}") from None


def update(corpus_dir: str | os.PathLike = "corpus", index_dir: str | os.PathLike = "var/index",
           progress: Progress | None = None, only: Iterable[str] | None = None,
           action: str = "update") -> BuildReport:
    """Bring the current generation in line with ``corpus_dir``: index new and changed files (by content
    hash), remove deleted ones. Builds from scratch when no index exists yet.

    ``only`` (corpus-relative paths) limits the run to those files — ``add`` uses it. Entries that came
    from a JSONL build are left alone.
    """
    started = time.monotonic()
    root = Path(index_dir)
    corpus = Path(corpus_dir)
    gen = current_generation(root)
    if gen is None:
        report = build(corpus, root, progress=progress)
        report.action = action
        return report
    report = BuildReport(action, generation=gen.name)
    with writer_lock(root):
        gen = current_generation(root)  # a build may have finished while we waited
        report.generation = gen.name
        _clean_generations(root)  # what a killed build left behind
        meta = read_meta(gen)
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise IndexMissing(f"{gen}: index written by another schema version; run `interviews build`")
        if not corpus.is_dir():
            raise FileNotFoundError(f"{corpus}: corpus folder not found")
        manifest = read_manifest(gen)
        files: dict[str, dict] = manifest.get("files", {})
        paths = _corpus_files(corpus)
        if only is not None:
            wanted = set(only)
            for rel in sorted(wanted - set(paths)):
                report.skipped.append((rel, NOT_AN_ARTICLE))
            paths = {rel: p for rel, p in paths.items() if rel in wanted}
            gone = []
        else:
            gone = [rel for rel in files if not rel.startswith("jsonl:") and rel not in paths]
        ids = {entry["article"]: rel for rel, entry in files.items() if "article" in entry}
        todo = []
        for rel, path in sorted(paths.items()):
            digest = file_hash(path)
            old = files.get(rel)
            if old is not None and old.get("hash") == digest:
                report.unchanged += 1
                if "error" in old:
                    report.skipped.append((rel, old["error"]))
                continue
            todo.append((rel, path, digest))

        ix = whoosh_index.open_dir(gen)
        writer = BuildWriter(ix, limitmb=WRITER_LIMIT_MB)
        try:
            for rel in gone:
                old = files.pop(rel)
                if "article" in old:
                    writer.delete_by_term("article", old["article"])
                    ids.pop(old["article"], None)
                    report.deleted += 1
            for done, (rel, path, digest) in enumerate(todo, 1):
                old = files.get(rel, {})
                if "article" in old:
                    writer.delete_by_term("article", old["article"])
                    ids.pop(old["article"], None)
                article: Article | ArticleError
                try:
                    article = _parse(path, corpus)
                    if ids.get(article.id) not in (None, rel):
                        raise ArticleError(rel, f"duplicate article id {article.id!r} "
                                                f"(already indexed from {ids[article.id]})")
                    # The article may have moved here from another file, or been indexed by an
                    # interrupted run: deleting by id first means it can never appear twice.
                    writer.delete_by_term("article", article.id)
                except ArticleError as exc:
                    article = exc
                files[rel] = _manifest_entry(writer, article, ids, rel, digest, report)
                if progress:
                    progress(done, len(todo), rel)
            if gone or todo:
                writer.commit()
            else:
                writer.cancel()
        except BaseException:
            writer.cancel()
            raise
        if gone or todo:
            # Written after the commit: if we die in between, the next update redoes these files,
            # which is harmless because every article is deleted by id before it is added.
            _write_json(gen / MANIFEST, {"files": files})
            meta["updated"] = _utcnow()
            _write_json(gen / META, meta)
    report.seconds = time.monotonic() - started
    return report


def is_article_file(path) -> bool:
    """Whether the corpus would index this file (by its name)."""
    from index.corpus import is_article_file as corpus_article_file

    return corpus_article_file(path)


def add(files: Iterable[str | os.PathLike], corpus_dir: str | os.PathLike = "corpus",
        index_dir: str | os.PathLike = "var/index", publication: str | None = None,
        progress: Progress | None = None) -> BuildReport:
    """Copy ``files`` into the corpus, then index them.

    Each file goes to ``publication``'s folder; without one, to the folder of the publication the
    article names itself (front matter or page metadata), else ``added/``. A file already inside the
    corpus is indexed where it is. A file that cannot be copied (missing, or
    a different file of that name already in the folder) is reported as skipped; the others go in.
    """
    corpus = Path(corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    folder = publication_folder(corpus, publication) if publication else None
    copied, skipped = [], []
    for src in map(Path, files):
        if not src.is_file():
            skipped.append((str(src), "no such file"))
            continue
        if not is_article_file(src):
            skipped.append((str(src), NOT_AN_ARTICLE))
            continue
        if _inside(src, corpus):
            copied.append(_rel(src, corpus))
            continue
        dest = (folder or _own_publication_folder(src, corpus)) / src.name
        if dest.exists() and file_hash(dest) != file_hash(src):
            reason = f"{_rel(dest, corpus)} already exists with other content; rename the file"
            skipped.append((str(src), reason))
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.tmp")
        shutil.copyfile(src, tmp)
        os.replace(tmp, dest)  # the corpus never holds a half-copied article
        copied.append(_rel(dest, corpus))
    report = update(corpus, index_dir, progress=progress, only=copied, action="add") if copied else \
        BuildReport("add", generation=(current_generation(index_dir) or Path("")).name)
    report.added_files = copied
    report.skipped = skipped + report.skipped
    return report


def publication_folder(corpus: Path, publication: str | None) -> Path:
    """The corpus folder for ``publication``: the one whose ``publication.yml`` names it, or whose
    folder name matches its slug; a new folder (with a ``publication.yml``) otherwise. ``added/`` if None."""
    if not publication:
        return corpus / "added"
    slug = re.sub(r"[^a-z0-9]+", "-", publication.lower()).strip("-") or "publication"
    for yml in sorted(corpus.glob("*/publication.yml")):
        text = yml.read_text(encoding="utf-8", errors="replace")
        match = re.search(r"^name:\s*(.+?)\s*$", text, re.MULTILINE)
        name = match.group(1).strip("'\"") if match else ""
        if name.lower() == publication.lower() or yml.parent.name == slug:
            return yml.parent
    folder = corpus / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "publication.yml").write_text(f"name: {json.dumps(publication)}\n", encoding="utf-8")
    return folder


def _own_publication_folder(src: Path, corpus: Path) -> Path:
    """The corpus folder of the publication ``src`` names itself, as the parser reads it; else ``added/``."""
    from index.corpus import parse_file

    try:
        publication = parse_file(src, enrich=False).publication
    except Exception:  # noqa: BLE001 - a broken article is reported by the indexing that follows
        publication = ""
    return publication_folder(corpus, publication or None)


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _utcnow() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
