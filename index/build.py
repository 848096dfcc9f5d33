"""Build, update and add: the corpus side of writing an index, the same for every engine.

``build`` indexes every article of the corpus (or of a JSONL file) into a new index that replaces the
served one only once complete; ``update`` compares the corpus with the manifest the last commit stored
(path → content hash → article id and passages) and sends only what changed: deletes the articles of
removed files, replaces those of changed ones, adds new ones, in one commit; ``add`` copies files into
the corpus and updates with them. Parsing happens here (in worker processes for big builds); bad
articles are skipped and reported by file and reason.

Where the index lives and how it is written is the store's job (:mod:`index.store`): an index folder
(:mod:`index.whoosh_store`: generations, atomic switch, writer lock) or a Solr collection.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from index.facets import FACETS, PASSAGE_FACETS
from index.model import Article, ArticleError
from index.store import IndexBusy, IndexMissing, StoreWriter, cancelled_on_error, open_store

__all__ = ["IndexBusy", "IndexMissing", "BuildReport", "Progress", "add", "article_documents", "build",
           "index_exists", "index_outdated", "update"]

NOT_AN_ARTICLE = "not an article file (.txt, .md, .markdown, .html or .htm)"

Progress = Callable[[int, int, str], None]
"""``progress(done, total, label)``: called after each source file (or JSONL line)."""


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


# --- articles → documents ---------------------------------------------------------------------------

_PASSAGE_LISTS = tuple(f.passage_attribute for f in PASSAGE_FACETS)
"""The passage's own facet lists, by attribute name (``data`` of each document)."""


def article_documents(article: Article) -> list[dict]:
    """One record per passage, the same for every engine (each store encodes it in its own fields).

    Keys: ``docid`` ("<article id>#<passage number>"), ``article``, ``number``, ``kind``, ``question``,
    ``answer``, ``title``, ``date``, ``url``, ``data`` (the passage's facet lists and answerers, shown
    with hits), ``facets`` (facet name → its values, in order, without repeats) and, on the first passage
    only, ``meta`` (the article without its passages, for article pages). A repeated passage number keeps
    the first passage.
    """
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
                **{name: list(getattr(passage, name)) for name in _PASSAGE_LISTS},
            },
        }
        doc["facets"] = {spec.name: spec.values(article, passage) for spec in FACETS}
        if not docs:
            doc["meta"] = meta
        docs.append(doc)
    return docs


# --- sources ----------------------------------------------------------------------------------------

def file_hash(path: str | os.PathLike) -> str:
    """SHA-256 of the file's bytes, hex; ``index.read.NotARegularFile`` (an OSError) for a FIFO or device."""
    from index.read import open_regular

    digest = hashlib.sha256()
    with os.fdopen(open_regular(path), "rb") as fh:
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


def _corpus_files(corpus_dir: Path, report: BuildReport) -> dict[str, Path]:
    """The corpus's article files by relative path; files that must not be read (links leaving the
    corpus, FIFOs, devices) are left out and listed in ``report.skipped`` with the reason."""
    from index.corpus import iter_article_files

    refused: list[tuple[str, str]] = []
    files = {_rel(path, corpus_dir): Path(path) for path in iter_article_files(corpus_dir, refused)}
    report.skipped.extend((_rel(path, corpus_dir), reason) for path, reason in refused)
    return files


def _chosen_files(corpus_dir: Path, only: Iterable[str], report: BuildReport) -> dict[str, Path]:
    """The article files among ``only`` (corpus-relative paths), checked as :func:`_corpus_files` checks
    every file, without walking the whole corpus (``add`` at 100,000 files); the others are listed in
    ``report.skipped``: not an article file (or in a dot/underscore folder the corpus skips), or the
    reason it must not be read."""
    from index.corpus import is_article_file, refusal

    files = {}
    for rel in sorted(set(only)):
        parts = Path(rel).parts
        path = corpus_dir / rel
        if not is_article_file(rel) or any(part.startswith((".", "_")) for part in parts[:-1]) \
                or not os.path.lexists(path):
            report.skipped.append((rel, NOT_AN_ARTICLE))
        elif (reason := refusal(path, corpus_dir)) is not None:
            report.skipped.append((rel, reason))
        else:
            files[rel] = path
    return files


def _rel(path, corpus_dir: Path) -> str:
    return Path(os.path.relpath(path, corpus_dir)).as_posix()


def _parse(path: Path, corpus_dir: Path) -> Article:
    from index.corpus import parse_file

    try:
        return parse_file(path, corpus_root=corpus_dir)
    except (ArticleError, ImportError):
        raise  # an ImportError is the installation's, not this article's: it stops the build
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


def _collector_on() -> None:
    import gc

    gc.enable()


def _parse_in_pool(jobs: list[list], corpus_dir: str, workers: int) -> Iterator[list]:
    import multiprocessing
    from collections import deque

    # (the workers turn the garbage collector back on: the caller may have paused it, see build)
    with multiprocessing.get_context("fork").Pool(workers, initializer=_collector_on) as pool:
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


# --- writing ----------------------------------------------------------------------------------------

def _index_one(writer: StoreWriter, article: Article, ids: dict[str, str], label: str, report: BuildReport,
               replace: bool = False) -> dict:
    """Add (or, with ``replace``, replace by id) an article's passages; return its manifest entry.

    Raises ArticleError on a duplicate id or an article without passages.
    """
    owner = ids.get(article.id)
    if owner is not None and owner != label:
        raise ArticleError(label, f"duplicate article id {article.id!r} (already indexed from {owner})")
    if not article.passages:
        if replace:
            writer.delete(article.id)
        raise ArticleError(label, "no passages found")
    # Replacing by id: the article may have moved here from another file, or been indexed by an
    # interrupted run, and can never appear twice.
    numbers = writer.replace(article) if replace else writer.add(article)
    ids[article.id] = label
    report.articles += 1
    report.passages += len(numbers)
    return {"article": article.id, "passages": numbers}


def _manifest_entry(writer: StoreWriter, article: Article | ArticleError, ids: dict[str, str], rel: str,
                    digest: str, report: BuildReport, replace: bool = False) -> dict:
    """Index one file's article, or record why it was skipped (in the report too); its manifest entry."""
    entry = {"hash": digest}
    try:
        if isinstance(article, ArticleError):
            raise article
        entry.update(_index_one(writer, article, ids, rel, report, replace))
    except ArticleError as exc:
        entry["error"] = exc.reason
        report.skipped.append((rel, exc.reason))
    return entry


def build(corpus_dir: str | os.PathLike = "corpus", index_dir: str | os.PathLike = "var/index",
          jsonl: str | os.PathLike | None = None, progress: Progress | None = None,
          stop_words: str | None = None) -> BuildReport:
    """Index every article of ``corpus_dir`` (or of the ``jsonl`` file instead) into a new index at
    ``index_dir`` (a folder, or a Solr collection URL).

    The new index replaces the served one only once fully committed. Bad articles are skipped and listed
    in the report; raises :class:`IndexBusy` if another writer runs. ``stop_words`` names the stop list
    (``index.schema.STOP_LISTS``; default ``short``); it is kept with the index, so searches and later
    updates use it too (an index folder records it in ``meta.json`` as ``analysis.stop_words``).
    """
    started = time.monotonic()
    corpus = Path(corpus_dir)
    store = open_store(index_dir)
    report = BuildReport("build")
    with store.writing():
        if jsonl is None and not corpus.is_dir():
            raise FileNotFoundError(f"{corpus}: corpus folder not found")
        source = {"kind": "jsonl", "path": str(jsonl)} if jsonl is not None else \
            {"kind": "corpus", "path": str(corpus.resolve())}
        files: dict[str, dict] = {}
        ids: dict[str, str] = {}
        with _collector_paused(), cancelled_on_error(store.create(stop_words, source)) as writer:
            report.generation = writer.generation
            if jsonl is not None:
                _build_from_jsonl(writer, Path(jsonl), files, ids, report, progress)
            else:
                paths = _corpus_files(corpus, report)
                parsed = _parse_all(sorted(paths.items()), corpus)
                for done, (rel, digest, article) in enumerate(parsed, 1):
                    files[rel] = _manifest_entry(writer, article, ids, rel, digest, report)
                    if progress:
                        progress(done, len(paths), rel)
            writer.commit(files)
    report.seconds = time.monotonic() - started
    return report


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off while a build feeds its writer, on again after (also on
    error); left alone when the process runs other threads, whose garbage would pile up meanwhile.

    The writer holds a few hundred thousand container objects (each distinct word's analysis, the
    value caches); the collector walks the young ones every 700 allocations and, now and then, every
    one of them: about a tenth of the indexing process's CPU. Feeding the writer makes no cyclic
    garbage per document (its caches become garbage once, with the writer), so nothing piles up. The
    parse workers (forked inside) turn it back on for themselves."""
    import gc
    import threading

    if threading.active_count() > 1 or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _build_from_jsonl(writer: StoreWriter, path: Path, files: dict, ids: dict, report: BuildReport,
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
    """Bring the index at ``index_dir`` in line with ``corpus_dir``: index new and changed files (by
    content hash), remove deleted ones, in one commit. Builds from scratch when no index exists yet.

    ``only`` (corpus-relative paths) limits the run to those files — ``add`` uses it. Entries that came
    from a JSONL build are left alone.
    """
    started = time.monotonic()
    corpus = Path(corpus_dir)
    store = open_store(index_dir)
    if not store.exists():
        report = build(corpus, index_dir, progress=progress)
        report.action = action
        return report
    report = BuildReport(action)
    with store.writing():
        files = store.manifest()  # the index as the last commit left it (a build may have just finished)
        if not corpus.is_dir():
            raise FileNotFoundError(f"{corpus}: corpus folder not found")
        if only is not None:
            paths = _chosen_files(corpus, only, report)
            gone = []
        else:
            paths = _corpus_files(corpus, report)
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

        with cancelled_on_error(store.open_writer()) as writer:
            report.generation = writer.generation
            for rel in gone:
                old = files.pop(rel)
                if "article" in old:
                    writer.delete(old["article"])
                    ids.pop(old["article"], None)
                    report.deleted += 1
            for done, (rel, path, digest) in enumerate(todo, 1):
                old = files.get(rel, {})
                if "article" in old:
                    writer.delete(old["article"])
                    ids.pop(old["article"], None)
                article: Article | ArticleError
                try:
                    article = _parse(path, corpus)
                except ArticleError as exc:
                    article = exc
                files[rel] = _manifest_entry(writer, article, ids, rel, digest, report, replace=True)
                if progress:
                    progress(done, len(todo), rel)
            if gone or todo:
                writer.commit(files)
            else:
                writer.cancel()
    report.seconds = time.monotonic() - started
    return report


def index_exists(index_dir: str | os.PathLike) -> bool:
    """True when ``index_dir`` (a folder or a Solr collection URL) holds an index (see
    :func:`index_outdated` for whether this version can use it)."""
    return open_store(index_dir).exists()


def index_outdated(index_dir: str | os.PathLike) -> str | None:
    """Why the index at ``index_dir`` must be rebuilt before use (another schema or text analysis), or
    None if it is fine or there is none."""
    return open_store(index_dir).outdated()


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
    from index.corpus import refusal

    corpus = Path(corpus_dir)
    corpus.mkdir(parents=True, exist_ok=True)
    folder = publication_folder(corpus, publication) if publication else None
    copied, skipped = [], []
    for src in map(Path, files):
        if not is_article_file(src):
            skipped.append((str(src), NOT_AN_ARTICLE))
            continue
        if _inside(src, corpus):
            copied.append(_rel(src, corpus))
            continue
        reason = refusal(src) if os.path.lexists(src) else "no such file"
        if reason is not None:
            skipped.append((str(src), reason))
            continue
        dest = (folder or _own_publication_folder(src, corpus)) / src.name
        if dest.is_symlink():
            skipped.append((str(src), f"{_rel(dest, corpus)} is a symbolic link; it is not written through"))
            continue
        if dest.exists() and file_hash(dest) != file_hash(src):
            reason = f"{_rel(dest, corpus)} already exists with other content; rename the file"
            skipped.append((str(src), reason))
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        _copy_exclusively(src, dest)
        copied.append(_rel(dest, corpus))
    report = update(corpus, index_dir, progress=progress, only=copied, action="add") if copied else \
        BuildReport("add", generation=open_store(index_dir).generation())
    report.added_files = copied
    report.skipped = skipped + report.skipped
    return report


def _copy_exclusively(src: Path, dest: Path) -> None:
    """Copy ``src`` to ``dest`` through a new temp file beside it, renamed over ``dest`` when complete.

    The temp file gets a fresh random name and is created with ``O_EXCL`` (``tempfile.mkstemp``), which
    never opens an existing file or follows a link: a link planted at a predictable temp name cannot make
    us write outside the corpus. The rename replaces ``dest`` itself, never a file it links to.
    """
    import tempfile

    from index.read import open_regular

    fd, tmp = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out, os.fdopen(open_regular(src), "rb") as source:
            shutil.copyfileobj(source, out)
        os.replace(tmp, dest)  # the corpus never holds a half-copied article
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


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
