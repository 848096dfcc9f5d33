"""The writer side of the engine boundary: where an index lives and how articles get into it.

``index.build`` (build, update, add) does everything that is the same for every engine — scanning the
corpus, hashing files, parsing them, comparing with the manifest, reporting — and talks to an
:class:`IndexStore` for the rest:

- :meth:`IndexStore.writing` holds the one writer's lock (:class:`IndexBusy` if another runs);
- :meth:`IndexStore.manifest` is what the current index holds: corpus path → ``{"hash", "article",
  "passages"}`` or ``{"hash", "error"}``, exactly as the last commit stored it;
- :meth:`IndexStore.create` starts a new index that replaces the served one when committed,
  :meth:`IndexStore.open_writer` changes the served one;
- a :class:`StoreWriter` adds, replaces and deletes whole articles, and :meth:`StoreWriter.commit` makes
  them visible to readers at once, together with the new manifest.

:func:`open_store` picks the store for a location: a Solr collection URL (``http://``, ``https://``),
:class:`index.solr_store.SolrStore`, or else an index folder, :class:`index.whoosh_store.WhooshStore`.
Nothing here knows an engine's library.
"""

from __future__ import annotations

import abc
import contextlib
import os
from collections.abc import Iterator

from index.model import Article


class IndexBusy(Exception):
    """Another process holds the writer lock."""


class IndexMissing(Exception):
    """No index has been built at this location yet (or one this version cannot update)."""


def is_solr_url(location: str | os.PathLike) -> bool:
    """Whether ``location`` names a Solr collection (an ``http://`` or ``https://`` URL), not a folder."""
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def open_store(location: str | os.PathLike) -> IndexStore:
    """The store for ``location``: a Solr collection URL, or else an index folder."""
    if is_solr_url(location):
        from index.solr_store import SolrStore

        return SolrStore(location)
    from index.whoosh_store import WhooshStore

    return WhooshStore(location)


class StoreWriter(abc.ABC):
    """One batch of changes to an index, seen by readers all at once when committed.

    ``generation`` names the index version the changes go to (for reports).
    """

    generation: str = ""

    @abc.abstractmethod
    def add(self, article: Article) -> list[int]:
        """Index ``article``'s passages (one document each; a repeated passage number keeps the first);
        returns the passage numbers indexed. The article must not be in the index already."""

    @abc.abstractmethod
    def delete(self, article_id: str) -> None:
        """Remove every passage of the article (nothing if it is not indexed)."""

    def replace(self, article: Article) -> list[int]:
        """:meth:`delete` then :meth:`add`: readers never see both versions, nor neither, after commit."""
        self.delete(article.id)
        return self.add(article)

    @abc.abstractmethod
    def commit(self, files: dict[str, dict]) -> None:
        """Make the changes visible, with ``files`` as the index's new manifest (see :class:`IndexStore`)."""

    @abc.abstractmethod
    def cancel(self) -> None:
        """Drop the changes; the index stays as it was."""


class IndexStore(abc.ABC):
    """Where one index lives, and the operations ``index.build`` needs from it."""

    location: str

    @abc.abstractmethod
    def exists(self) -> bool:
        """Whether an index has been built here."""

    def outdated(self) -> str | None:
        """Why the served index must be rebuilt before this code can search or update it (another schema
        version or text analysis), or None."""
        return None

    @abc.abstractmethod
    def writing(self) -> contextlib.AbstractContextManager[None]:
        """Hold the writer lock for the block, or raise :class:`IndexBusy` at once."""

    @abc.abstractmethod
    def generation(self) -> str:
        """The name of the index version being served ("" when none)."""

    @abc.abstractmethod
    def manifest(self) -> dict[str, dict]:
        """The served index's manifest ``files``; :class:`IndexMissing` if there is none this version can
        update. Call with the writer lock held."""

    @abc.abstractmethod
    def create(self, stop_words: str | None, source: dict) -> StoreWriter:
        """A writer into a new, empty index that replaces the served one when committed.

        ``stop_words`` names the stop list (``index.schema.STOP_LISTS``; None: the default); ``source``
        says what it is built from (``{"kind": "corpus", "path": …}`` or ``{"kind": "jsonl", "path": …}``).
        Raises ValueError for an unknown stop list before changing anything. Call with the lock held.
        """

    @abc.abstractmethod
    def open_writer(self) -> StoreWriter:
        """A writer that changes the served index. Call with the writer lock held."""


@contextlib.contextmanager
def cancelled_on_error(writer: StoreWriter) -> Iterator[StoreWriter]:
    """``writer``, cancelled if the block raises (the index then stays as it was)."""
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise
