"""The ``interviews`` command: a thin layer that reads options, calls the library and reports errors.

Each command turns library errors into ``click.ClickException`` (a one-line message, exit 1), never
a traceback. Directories default to ``./corpus`` and ``./var/index``, or ``INTERVIEWS_CORPUS`` /
``INTERVIEWS_INDEX`` when set.
"""

from __future__ import annotations

import click

CORPUS_OPTION = click.option(
    "--corpus",
    "corpus_dir",
    envvar="INTERVIEWS_CORPUS",
    default="corpus",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of articles (env INTERVIEWS_CORPUS).",
)
INDEX_OPTION = click.option(
    "--index",
    "index_dir",
    envvar="INTERVIEWS_INDEX",
    default="var/index",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder of index generations, or a Solr collection URL http(s)://… (env INTERVIEWS_INDEX).",
)


class _Commands(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except ImportError as exc:
            # A virtualenv installed before a dependency was added: say so once, not once per article.
            raise click.ClickException(f"this installation lacks a package ({exc}); run `make install`") \
                from exc


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="interview-search")
def main() -> None:
    """Interview Search: split, index and search question/answer passages of interviews."""


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per file (an array for several).")
@click.option("--explain", is_flag=True, help="Also list every dropped piece of text and why.")
@click.option("--publication", default=None, help="Publication for files whose front matter names none.")
@CORPUS_OPTION
def parse(
    files: tuple[str, ...], as_json: bool, explain: bool, publication: str | None, corpus_dir: str
) -> None:
    """Show how each FILE (or every article in a folder) splits into question/answer passages.

    A file inside --corpus gets its id from its path there; a file elsewhere, from its name. Exits 1
    after processing every file when any could not be split.
    """
    import json
    import os

    from index.corpus import describe, iter_article_files, parse_files

    paths: list[str] = []
    for name in files:
        paths.extend(iter_article_files(name) if os.path.isdir(name) else [name])
    corpus_abs = os.path.abspath(corpus_dir) + os.sep
    failed, objects = 0, []
    for path in paths:
        root = corpus_dir if os.path.abspath(path).startswith(corpus_abs) else None
        for _, result in parse_files([path], corpus_root=root, publication=publication):
            if isinstance(result, Exception):
                failed += 1
                click.echo(f"error: {result}", err=True)
                objects.append({"path": path, "error": getattr(result, "reason", str(result))})
            elif as_json:
                objects.append(result.to_dict(explain=explain))
            else:
                click.echo(describe(result, explain=explain) + "\n")
    if as_json:
        click.echo(json.dumps(objects[0] if len(paths) == 1 else objects, ensure_ascii=False, indent=2))
    if failed:
        raise click.ClickException(f"{failed} of {len(paths)} file(s) could not be split")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port.")
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64),
    help="Worker processes (gunicorn); each keeps its own open index.",
)
@click.option("--debug", is_flag=True, help="Flask's development server with reloader and debugger instead.")
@click.option("--public-url", envvar="INTERVIEWS_PUBLIC_URL", default=None, metavar="URL",
              help="Address visitors use (https://search.example.org), for the absolute links of "
                   "/opensearch.xml, the CSV and the OpenAPI document (env INTERVIEWS_PUBLIC_URL); "
                   "default http://HOST:PORT, or relative links when listening on all addresses.")
@CORPUS_OPTION
@INDEX_OPTION
def serve(host: str, port: int, workers: int, debug: bool, public_url: str | None, corpus_dir: str,
          index_dir: str) -> None:
    """Serve the search page and JSON API; a rebuilt index is picked up without a restart."""
    from webui.serve import ServeError
    from webui.serve import serve as run_server

    if public_url is None:
        everywhere = host in ("0.0.0.0", "::", "")
        public_url = "" if everywhere else f"http://{f'[{host}]' if ':' in host else host}:{port}"
    count = 1 if debug else workers
    click.echo(f"Serving http://{host}:{port}/ (index {index_dir}, {count} worker(s))", err=True)
    try:
        run_server(index_dir, corpus_dir, host=host, port=port, workers=workers, debug=debug,
                   public_url=public_url)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc


# --- index and search (library: index.build, search.engine) ----------------------------------------

PROGRESS_EVERY = 10.0
"""Seconds between progress lines when stderr is not a terminal (``make serve`` in a log, CI)."""


def _progress(label: str):
    """A ``progress(done, total, name)`` callback: a bar with rate and ETA on a terminal; elsewhere a
    line at the start and every :data:`PROGRESS_EVERY` seconds, so a long build is never silent.

    Returns ``(callback, finish)``; ``finish()`` closes the bar.
    """
    import sys
    import time

    state: dict = {}
    if not sys.stderr.isatty():
        def lines(done: int, total: int, name: str) -> None:
            now = time.monotonic()
            if "start" not in state:
                state["start"] = state["shown"] = now
                click.echo(f"{label}: {total:,} files", err=True)
            elif now - state["shown"] >= PROGRESS_EVERY or done == total:
                state["shown"] = now
                rate = done / (now - state["start"]) if now > state["start"] else 0.0
                left = f", about {(total - done) / rate:.0f} s left" if rate and done < total else ""
                click.echo(f"{label}: {done:,} of {total:,} files ({rate:.0f}/s{left})", err=True)

        return lines, lambda: None

    def callback(done: int, total: int, name: str) -> None:
        bar = state.get("bar")
        if bar is None:
            state["start"] = time.monotonic()

            def show(_item):
                elapsed = time.monotonic() - state["start"]
                return f"{state.get('done', 0) / elapsed:.0f}/s" if elapsed > 0 else ""

            bar = state["bar"] = click.progressbar(length=total, label=label, show_eta=True, show_pos=True,
                                                   item_show_func=show, file=sys.stderr)
            bar.__enter__()
        bar.update(done - state.get("done", 0), name)
        state["done"] = done

    def finish() -> None:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)

    return callback, finish


def _run_writer(label: str, work):
    """Run an index-writing call with a progress bar; library errors become one-line ClickExceptions."""
    from index.build import IndexBusy, IndexMissing
    from index.model import ArticleError

    callback, finish = _progress(label)
    try:
        report = work(callback)
    except (IndexBusy, IndexMissing, ArticleError, FileNotFoundError, NotADirectoryError,
            PermissionError) as exc:
        raise click.ClickException(str(exc)) from exc
    except OSError as exc:
        # A full disk or a read-only folder: the library has already left the served index as it was.
        where = f"{exc.filename}: " if exc.filename else ""
        raise click.ClickException(f"{where}{exc.strerror or exc}; the index in use was left unchanged") \
            from exc
    finally:
        finish()
    click.echo(report.summary())
    return report


@main.command()
@click.option("--if-missing", is_flag=True,
              help="Do nothing if an index already exists (unless it must be rebuilt for this version).")
@click.option("--jsonl", "jsonl", type=click.Path(dir_okay=False), default=None,
              help="Index pre-split articles from this JSONL file (one Article.to_dict() per line) "
                   "instead of the corpus.")
@click.option("--stop-words", "stop_words", type=click.Choice(["short", "long"]), default="short",
              show_default=True,
              help="Stop list of this index: short (34 words) or long (318, the Glasgow IR list; better "
                   "on IR test collections, but drops words such as 'first', 'show', 'top').")
@CORPUS_OPTION
@INDEX_OPTION
def build(if_missing: bool, jsonl: str | None, stop_words: str, corpus_dir: str, index_dir: str) -> None:
    """Index every article into a new generation, switched in atomically when complete."""
    from index import build as builder

    if if_missing and builder.index_exists(index_dir):
        why = builder.index_outdated(index_dir)
        if not why:
            click.echo(f"index exists in {index_dir}; nothing to do")
            return
        click.echo(f"rebuilding the index in {index_dir}: {why.split(';')[0]}")
    _run_writer("indexing", lambda progress: builder.build(corpus_dir, index_dir, jsonl=jsonl,
                                                           progress=progress, stop_words=stop_words))


@main.command()
@CORPUS_OPTION
@INDEX_OPTION
def update(corpus_dir: str, index_dir: str) -> None:
    """Index new and changed files and drop deleted ones (compared by content hash)."""
    from index import build as builder

    _run_writer("updating", lambda progress: builder.update(corpus_dir, index_dir, progress=progress))


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--publication", default=None,
              help="Copy into this publication's corpus folder (created if new); default: the one the "
                   "article names, else corpus/added/.")
@CORPUS_OPTION
@INDEX_OPTION
def add(files: tuple[str, ...], publication: str | None, corpus_dir: str, index_dir: str) -> None:
    """Copy article FILES into the corpus and index them."""
    from index import build as builder

    report = _run_writer("adding", lambda progress: builder.add(files, corpus_dir, index_dir,
                                                               publication=publication, progress=progress))
    for path in report.added_files:
        click.echo(f"added {path}")
    if report.skipped and not report.added_files:
        raise click.ClickException("no file was added")


def _parse_filters(values: tuple[str, ...]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for item in values:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise click.BadParameter(f"{item!r} is not FIELD=VALUE", param_hint="--filter")
        filters.setdefault(name.strip(), []).append(value.strip())
    return filters


def _terminal_html(fragment: str) -> str:
    """Snippet HTML for a terminal, on one line: <mark> becomes bold (plain text when piped), entities
    unescaped, line breaks and runs of white space one space."""
    import html
    import re

    parts = re.split(r"<mark>(.*?)</mark>", re.sub(r"\s+", " ", fragment).strip())
    return "".join(click.style(html.unescape(p), bold=True, fg="yellow") if i % 2 else html.unescape(p)
                   for i, p in enumerate(parts))


@main.command()
@click.argument("query", required=False, default="")
@click.option("--filter", "filters", multiple=True, metavar="FIELD=VALUE",
              help="Keep passages with this facet value; repeat (OR within a field, AND across fields).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON (the /api/search shape).")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page number.")
@click.option("--sort", default="relevance", show_default=True,
              type=click.Choice(["relevance", "newest", "interviewee"]), help="Order of hits.")
@click.option("--match", "match", type=click.Choice(["most", "all", "any"]), default="most",
              show_default=True,
              help="most: passages with every word, then (when few) those with most of them, marked; "
                   "all: strictly every word; any: any of the words (a repeated word weighs more).")
@click.option("--any", "any_word", is_flag=True, help="The same as --match any.")
@INDEX_OPTION
def search(query: str, filters: tuple[str, ...], as_json: bool, limit: int, page: int, sort: str,
           match: str, any_word: bool, index_dir: str) -> None:
    """Search passages: words, OR, NOT/-word, "phrases", field:value, prefix*, fuzzy~."""
    import json

    from search.engine import IndexNotFound, open_index

    try:
        engine = open_index(index_dir)
    except IndexNotFound as exc:
        raise click.ClickException(str(exc)) from exc
    with engine:
        result = engine.search(query, filters=_parse_filters(filters), page=page, per_page=limit, sort=sort,
                               match="any" if any_word else match)
    if as_json:
        click.echo(json.dumps(result.to_json(), ensure_ascii=False, indent=2))
        return
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    pages = max(1, -(-result.total // result.per_page))
    noun = "passage" if result.total == 1 else "passages"
    if result.total and page > pages:
        raise click.ClickException(f"page {page} is past the last page ({pages}) of the {result.total:,} "
                                   f"{noun} for {query!r}; try --page {pages}")
    partial = f", {result.partial:,} with most of the words" if result.partial else ""
    click.echo(f"{result.total:,} {noun} for {query!r}{partial} "
               f"(page {result.page} of {pages}, {result.sort})")
    if result.suggestion:
        click.echo(f"Did you mean: {result.suggestion}")
    previous = None
    for rank, hit in enumerate(result.hits, (result.page - 1) * result.per_page + 1):
        if hit.partial and not (previous and previous.partial):
            click.echo("\n--- passages with most of the words ---")
        previous = hit
        who = " · ".join(x for x in (hit.interviewee, hit.publication, hit.date) if x)
        click.echo(f"\n{rank:>3}. {hit.article} #{hit.passage}  {who}  (score {hit.score:.2f})")
        if hit.question:
            click.echo(f"     Q: {_terminal_html(hit.question_html or hit.question)}")
        click.echo(f"     {_terminal_html(hit.snippet)}")
    shown = {name: facet for name, facet in result.facets.items() if facet.values}
    if shown:
        click.echo("")
    for name, facet in shown.items():
        values = ", ".join(f"{'*' if v.selected else ''}{v.value} ({v.count})" for v in facet.values[:6])
        more = facet.more + max(0, len(facet.values) - 6)
        click.echo(f"{name}: {values}" + (f", … {more} more" if more else ""))


if __name__ == "__main__":  # `python -m interviews …` works like the installed command
    main()
