"""The corpus layout and the one call every other stage uses: :func:`parse_file` (read → split → enrich).

A corpus is a folder of article files, grouped in sub-folders; a ``publication.yml`` in a folder names
the publication of the articles under it (``name: VoyageLA``). Article files end in .txt, .md,
.markdown, .html or .htm; ``publication.yml``, README*, LICENSE* and dot/underscore files are skipped.

Nothing outside the corpus is read: a link to a file outside it, and anything that is not a regular
file (a FIFO, a link to ``/dev/zero``), is refused with the reason (:func:`refusal`); links to folders
are not followed.

Publication precedence, most specific first: the article's own front matter (``publication:``), then
the ``publication`` argument (``interviews parse --publication``), then the nearest ``publication.yml``.
"""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterable, Iterator

import yaml

from index.enrich import enrich_article
from index.model import Article, ArticleError
from index.read import MAX_BYTES, NotARegularFile, open_regular, read_source
from index.split import split_source

ARTICLE_EXTENSIONS = (".txt", ".md", ".markdown", ".html", ".htm")
PUBLICATION_FILE = "publication.yml"
_SKIP_PREFIXES = ("readme", "license", "licence", "copying", "changelog")


def is_article_file(path: str | os.PathLike) -> bool:
    """True when ``path``'s name looks like an article (extension, not README/LICENSE/dot/underscore)."""
    name = os.path.basename(os.fspath(path))
    lower = name.lower()
    if name.startswith((".", "_")) or lower == PUBLICATION_FILE or lower.startswith(_SKIP_PREFIXES):
        return False
    return lower.endswith(ARTICLE_EXTENSIONS)


def iter_article_files(
    root: str | os.PathLike, refused: list[tuple[str, str]] | None = None
) -> Iterator[str]:
    """Every article file under ``root``, in sorted (stable) order; dot/underscore folders are skipped.

    A file named like an article that must not be read (see :func:`refusal`) is left out, and listed as
    ``(path, reason)`` in ``refused`` when a list is given.
    """
    root = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith((".", "_")))
        for name in sorted(filenames):
            if is_article_file(name):
                path = os.path.join(dirpath, name)
                # os.walk does not follow links into folders, so a regular file (not a link) found here
                # is inside the corpus: only links and special files need refusal()'s realpath checks,
                # which took 10 s for each update of a 100,000-file corpus.
                try:
                    if stat.S_ISREG(os.lstat(path).st_mode):
                        yield path
                        continue
                except OSError:
                    pass
                reason = refusal(path, root)
                if reason is None:
                    yield path
                elif refused is not None:
                    refused.append((path, reason))


def refusal(path: str | os.PathLike, root: str | os.PathLike | None = None) -> str | None:
    """Why the article file ``path`` must not be read, or None when it may.

    Refused: a path that resolves (through links) outside the corpus folder ``root``, and anything but
    a regular file once links are followed (a FIFO would block the reader; ``/dev/zero`` never ends).
    """
    path = os.fspath(path)
    if root is not None:
        target = os.path.realpath(path)
        if not _inside(target, os.path.realpath(os.fspath(root))):
            return f"a link to {target}, outside the corpus"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read file ({exc.strerror or exc})"
    if not stat.S_ISREG(mode):
        try:
            os.close(open_regular(path))
        except NotARegularFile as exc:
            return exc.strerror
        except OSError as exc:
            return f"cannot read file ({exc.strerror or exc})"
    return None



def _inside(path: str, root: str) -> bool:
    try:
        return os.path.commonpath([os.path.abspath(path), os.path.abspath(root)]) == os.path.abspath(root)
    except ValueError:  # different drives
        return False


_UNSAFE = re.compile(r"[^A-Za-z0-9._~/-]+")


def article_id(path: str | os.PathLike, root: str | os.PathLike | None = None) -> str:
    """Stable, URL-safe id: the path inside ``root`` without extension (``voyagela/000_713f14fa217934a6``).

    Outside a corpus (``root`` None or not a parent of ``path``) it is the file stem. Characters other
    than letters, digits and ``._~-`` become ``-`` so the id can go into a URL as is.
    """
    path = os.fspath(path)
    if root is not None and _inside(path, os.fspath(root)):
        rel = os.path.relpath(os.path.abspath(path), os.path.abspath(os.fspath(root)))
    else:
        rel = os.path.basename(path)
    stem = os.path.splitext(rel)[0].replace(os.sep, "/")
    cleaned = _UNSAFE.sub("-", stem).strip("-/")
    return cleaned or "article"


PUBLICATION_FILE_BYTES = 64 * 1024
"""Largest ``publication.yml`` read, in bytes; a bigger one is ignored."""


@functools.lru_cache(maxsize=256)
def _read_publication_file(path: str, mtime: float) -> str:
    try:
        with os.fdopen(open_regular(path), "rb") as fh:
            raw = fh.read(PUBLICATION_FILE_BYTES + 1)
        if len(raw) > PUBLICATION_FILE_BYTES:
            return ""
        data = yaml.safe_load(raw.decode("utf-8", errors="replace")) or {}
    except (OSError, yaml.YAMLError):
        return ""
    return str(data.get("name", "")).strip() if isinstance(data, dict) else ""


def folder_publication(path: str | os.PathLike, root: str | os.PathLike | None = None) -> str:
    """The ``name:`` of the nearest ``publication.yml`` from ``path``'s folder up to ``root`` (inclusive).

    Without ``root`` only the file's own folder is looked at. Returns "" when none is found.
    """
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    stop = os.path.abspath(os.fspath(root)) if root is not None else folder
    if not _inside(folder, stop):
        stop = folder
    while True:
        candidate = os.path.join(folder, PUBLICATION_FILE)
        if os.path.isfile(candidate):
            name = _read_publication_file(candidate, os.path.getmtime(candidate))
            if name:
                return name
        if folder == stop or os.path.dirname(folder) == folder:
            return ""
        folder = os.path.dirname(folder)


def find_corpus_root(path: str | os.PathLike) -> str | None:
    """The corpus folder a file lives in, guessed as the parent of the nearest folder holding a
    ``publication.yml`` (``corpus/voyagela/x.txt`` → ``corpus``); None when there is none."""
    folder = os.path.dirname(os.path.abspath(os.fspath(path)))
    while True:
        if os.path.isfile(os.path.join(folder, PUBLICATION_FILE)):
            return os.path.dirname(folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            return None
        folder = parent


def parse_file(
    path: str | os.PathLike,
    corpus_root: str | os.PathLike | None = None,
    publication: str | None = None,
    enrich: bool = True,
    max_bytes: int = MAX_BYTES,
) -> Article:
    """Read, split and (unless ``enrich`` is False) enrich one article file.

    ``corpus_root`` gives the id its folder part and bounds the ``publication.yml`` search; when None it
    is guessed with :func:`find_corpus_root`. ``publication`` overrides the folder default but not the
    article's front matter. Files over ``max_bytes`` (default 10 MB) are refused.
    Raises :class:`ArticleError` naming the file and the reason.
    """
    path = os.fspath(path)
    root = os.fspath(corpus_root) if corpus_root is not None else find_corpus_root(path)
    if corpus_root is not None and _inside(path, root):
        reason = refusal(path, root)
        if reason is not None:
            raise ArticleError(path, reason)
    source = read_source(path, max_bytes=max_bytes)
    default_publication = publication or folder_publication(path, root)
    try:
        article = split_source(source, article_id=article_id(path, root), publication=default_publication)
    except ArticleError:
        raise
    except RecursionError as exc:  # pragma: no cover - defensive: never lose a batch to one file
        raise ArticleError(path, "article too deeply nested to split") from exc
    if enrich:
        article = enrich_article(article)
    return article


def parse_files(
    paths: Iterable[str | os.PathLike],
    corpus_root: str | os.PathLike | None = None,
    publication: str | None = None,
    enrich: bool = True,
) -> Iterator[tuple[str, Article | ArticleError]]:
    """Parse many files, yielding ``(path, Article)`` or ``(path, ArticleError)`` for each, in order.

    A bad file never stops the batch: any failure becomes an :class:`ArticleError` for that file. An
    ``ImportError`` (a package the installation lacks) is raised at once instead.
    """
    for path in paths:
        path = os.fspath(path)
        try:
            yield path, parse_file(path, corpus_root=corpus_root, publication=publication, enrich=enrich)
        except ArticleError as exc:
            yield path, exc
        except ImportError:
            raise  # the installation, not this file: every other file would fail the same way
        except Exception as exc:  # noqa: BLE001 - a bug on one file must not lose the others
            yield path, ArticleError(path, f"could not be split ({type(exc).__name__}: {exc})")


def parse_corpus(
    root: str | os.PathLike, enrich: bool = True
) -> Iterator[tuple[str, Article | ArticleError]]:
    """:func:`parse_files` over every article file under ``root``."""
    return parse_files(iter_article_files(root), corpus_root=root, enrich=enrich)


def _clock(seconds: float) -> str:
    """65.0 → "1:05", 3725.0 → "1:02:05"."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def describe(article: Article, explain: bool = False, answer_words: int = 12) -> str:
    """A readable summary of how ``article`` split (what ``interviews parse`` prints).

    Each passage shows its number, question and the first ``answer_words`` words of its answer
    (default 12); ``explain`` adds every dropped piece with its reason.
    """
    lines = [f"{article.path}  [{article.format}]  id {article.id}"]
    lines.append(f"  title:        {article.title or '(none)'}")
    sources = article.sources if explain else {}

    def source(key: str) -> str:
        return f"   ← {sources[key]}" if sources.get(key) else ""

    lines.append(f"  interviewees: {', '.join(article.interviewees) or '(none)'}{source('interviewees')}")
    if article.interviewer:
        lines.append(f"  interviewer:  {article.interviewer}{source('interviewer')}")
    lines.append(f"  publication:  {article.publication or '(none)'}{source('publication')}")
    for key in ("date", "url", "summary"):
        if getattr(article, key):
            lines.append(f"  {key + ':':<13} {getattr(article, key)}")
    if article.categories:
        lines.append(f"  categories:   {', '.join(article.categories)}")
    qa = sum(1 for p in article.passages if p.kind == "qa")
    intro = any(p.kind == "intro" for p in article.passages)
    how = f"   ← {sources['questions']}" if sources.get("questions") else ""
    lines.append(f"  passages:     {qa} questions{' + intro' if intro else ''}{how}")
    for passage in article.passages:
        words = passage.answer.split()
        start = " ".join(words[:answer_words]) + (" …" if len(words) > answer_words else "")
        label = "intro" if passage.kind == "intro" else passage.question
        at = f"[{_clock(passage.start)}] " if passage.start is not None else ""
        lines.append(f"    {passage.number:>2}. {at}{label}")
        who = f" ({', '.join(passage.answerers)})" if len(passage.answerers) > 1 else ""
        lines.append(f"        → {start or '(no answer)'}{who}")
    if article.links:
        lines.append("  links:")
        lines.extend(f"    {link.label}: {link.url}" for link in article.links)
    if article.image_credits:
        lines.append(f"  image credits: {', '.join(article.image_credits)}")
    if article.captions:
        lines.append(f"  captions:     {len(article.captions)}")
        if explain:
            lines.extend(f"    {caption}" for caption in article.captions)
    for warning in article.warnings:
        lines.append(f"  warning: {warning}")
    if explain:
        lines.append(f"  dropped ({len(article.dropped)}):")
        for piece in article.dropped:
            text = piece.text if len(piece.text) <= 100 else piece.text[:97] + "…"
            lines.append(f"    - {text!r}: {piece.reason}")
    return "\n".join(lines)
