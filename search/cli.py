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
