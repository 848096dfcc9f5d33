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
    help="Folder of index generations (env INTERVIEWS_INDEX).",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
@CORPUS_OPTION
@INDEX_OPTION
def serve(host: str, port: int, workers: int, debug: bool, corpus_dir: str, index_dir: str) -> None:
    """Serve the search page and JSON API; a rebuilt index is picked up without a restart."""
    from webui.serve import ServeError
    from webui.serve import serve as run_server

    count = 1 if debug else workers
    click.echo(f"Serving http://{host}:{port}/ (index {index_dir}, {count} worker(s))", err=True)
    try:
        run_server(index_dir, corpus_dir, host=host, port=port, workers=workers, debug=debug)
    except ServeError as exc:
        raise click.ClickException(str(exc)) from exc
