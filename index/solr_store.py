"""The writer side on SolrCloud: articles as document blocks in a collection, the manifest beside them.

``index.build`` (build, update, add) drives a :class:`SolrStore` as it drives the Whoosh store; this
module only says how an article, the manifest and the writer lock live in a collection whose schema is
``solr/configset/conf/schema.xml``:

* an article is one block: a parent document (``doc=article``, id = the article's routing key) with one
  child document per passage (``doc=passage``, id ``<key>!<n>``). Solr routes ids ``<key>!…`` by the
  hash of ``<key>`` (the compositeId router), so a block and the ids of its passages share a shard,
  and sending a block again replaces the whole block in one Lucene operation: readers see the old
  passages or the new ones, never a mixture nor none;
* the manifest (corpus path → hash, article, passages, or the reason the file was skipped) is one
  ``doc=file`` document per source file, written with the changes and read back by ``update``;
* the collection's own settings and history (``doc=meta``, id ``_meta``): schema version, stop list,
  source, created/updated times;
* the writer lock is a document (id ``_lock``) created with optimistic concurrency (``_version_=-1``
  fails if it exists), refreshed while the writer works and taken over when older than
  :data:`LOCK_STALE_SECONDS` (its writer died).

Changes become searchable only at :meth:`SolrWriter.commit` (the collection has no automatic soft
commit), so an update appears at once, not article by article. A build stamps every document it sends
with a build id and, at its commit, deletes every document without that stamp: until then readers see
the previous contents, and a build that fails half-way leaves only new versions of some articles
pending (SolrCloud has no rollback), never an article missing, whoever commits next.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterator

from index.analysis import DEFAULT_STOP_WORDS, STOP_LISTS, stop_list
from index.facets import FACETS
from index.model import Article
from index.schema import SCHEMA_VERSION
from index.store import IndexBusy, IndexMissing, IndexStore, StoreWriter
from search.solrclient import SolrClient, SolrError

_SPECS = {spec.name: spec for spec in FACETS}
BATCH_DOCS = 1000
"""Documents sent in one update request (whole article blocks: a block is never split)."""
LOCK_ID = "_lock"
META_ID = "_meta"
LOCK_STALE_SECONDS = 600
"""A writer lock not refreshed for this long belongs to a writer that died; the next one takes it."""
MANIFEST_PAGE = 5000
"""Manifest entries read per request."""


def article_key(article_id: str) -> str:
    """The article's routing key: its id with ``%`` and ``!`` escaped (``!`` separates compositeId parts)."""
    return article_id.replace("%", "%25").replace("!", "%21")


def passage_id(article_id: str, number: int) -> str:
    return f"{article_key(article_id)}!{number}"


def _file_id(path: str) -> str:
    return "file:" + path.replace("%", "%25").replace("!", "%21")


def _utcnow() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def _facets(record: dict) -> dict[str, list[str]]:
    """Facet name → values of one ``index.build.article_documents`` record."""
    from index.facets import FACET_NAMES
    from index.schema import FACET_PREFIX, VALUE_SEPARATOR

    if "facets" in record:
        return {name: list(record["facets"].get(name, [])) for name in FACET_NAMES}
    joined = {name: record.get(FACET_PREFIX + name, "") for name in FACET_NAMES}
    return {name: [v for v in value.split(VALUE_SEPARATOR) if v] for name, value in joined.items()}


def solr_block(article: Article) -> tuple[dict, list[int]]:
    """The article's block (parent document with its passages as children) and its passage numbers."""
    from index.build import article_documents

    key = article_key(article.id)
    children = []
    meta = None
    for record in article_documents(article):
        meta = record.get("meta", meta)
        doc = {
            "id": f"{key}!{record['number']}",
            "doc": "passage",
            "article": record["article"],
            "number": record["number"],
            "kind": record["kind"],
            "question": record["question"],
            "answer": record["answer"],
            "title": record["title"],
            "date": record["date"],
            "url": record["url"],
            "data": json.dumps(record["data"], ensure_ascii=False),
        }
        for name, values in _facets(record).items():
            if values:
                # searchable text also holds the values' other names ("New York University" beside NYU)
                doc[f"names_{name}"] = _SPECS[name].searchable(values)
                doc[f"facet_{name}"] = values
        interviewees = doc.get("facet_interviewee")
        if interviewees:
            # The "interviewee" sort orders by the passage's first interviewee A–Z, case folded.
            doc["sort_interviewee"] = min(v.casefold() for v in interviewees)
        children.append(doc)
    parent = {"id": key, "doc": "article", "article": article.id,
              "meta": json.dumps(meta or {}, ensure_ascii=False), "_childDocuments_": children}
    return parent, [c["number"] for c in children]


class SolrStore(IndexStore):
    """A Solr collection as an index (see the module docstring); ``location`` is its URL."""

    def __init__(self, url: str, client: SolrClient | None = None):
        self.location = url
        self.client = client or SolrClient(url)

    # --- what is there -----------------------------------------------------------------------------

    def meta(self) -> dict:
        """The collection's ``_meta`` document as a dict (empty when nothing was built)."""
        doc = self.client.get("get", {"id": META_ID}).get("doc")
        if not doc:
            return {}
        try:
            return json.loads(doc.get("meta") or "{}")
        except ValueError:
            return {}

    def exists(self) -> bool:
        return bool(self.meta())

    def generation(self) -> str:
        meta = self.meta()
        return f"{self.client.collection}@{meta.get('updated', '')}" if meta else ""

    def stop_words(self) -> str:
        """The stop list the collection's schema drops (found by analysing a word only ``long`` drops)."""
        probe = "first"
        answer = self.client.form("analysis/field", {"analysis.fieldname": "names_interviewee",
                                                     "analysis.fieldvalue": probe})
        stages = answer["analysis"]["field_names"]["names_interviewee"]["index"]
        kept = [t["text"] for t in stages[-1]] if stages else []
        for name in STOP_LISTS:
            if (probe in stop_list(name)) == (not kept):
                return name
        return DEFAULT_STOP_WORDS

    def manifest(self) -> dict[str, dict]:
        """Corpus path → ``{"hash", "article", "passages"}`` or ``{"hash", "error"}``, as last committed."""
        meta = self.meta()
        if not meta:
            raise IndexMissing(f"{self.location}: nothing built into this collection yet; "
                               f"run `interviews build --index {self.location}`")
        if meta.get("schema_version") != SCHEMA_VERSION:
            raise IndexMissing(f"{self.location}: built by another schema version; run `interviews build`")
        files: dict[str, dict] = {}
        cursor = "*"
        while True:
            answer = self.client.get("select", {
                "q": "*:*", "fq": "doc:file", "fl": "source,hash,entry", "sort": "id asc",
                "rows": MANIFEST_PAGE, "cursorMark": cursor, "defType": "lucene"})
            for doc in answer["response"]["docs"]:
                files[doc["source"]] = json.loads(doc.get("entry") or "{}")
            following = answer.get("nextCursorMark", cursor)
            if following == cursor:
                return files
            cursor = following

    # --- the writer lock ---------------------------------------------------------------------------

    @contextlib.contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the collection's writer lock for the block; :class:`IndexBusy` at once if another has it."""
        owner = f"{socket.gethostname()}:{os.getpid()}:{time.time():.3f}"
        self._take_lock(owner)
        try:
            yield
        finally:
            with contextlib.suppress(SolrError):
                self.client.post("update", {"delete": {"id": LOCK_ID}})

    def _take_lock(self, owner: str) -> None:
        doc = {"id": LOCK_ID, "doc": "lock", "source": owner, "hash": str(int(time.time())), "_version_": -1}
        try:
            self.client.post("update", [doc])
            return
        except SolrError as exc:
            if exc.status != 409:
                raise
        held = self.client.get("get", {"id": LOCK_ID}).get("doc") or {}
        since = int(held.get("hash") or 0)
        if time.time() - since < LOCK_STALE_SECONDS:
            raise IndexBusy(f"{self.location}: an update is already running ({held.get('source', '?')})")
        # Its writer stopped refreshing it: take it over, unless another writer just did.
        doc["_version_"] = held.get("_version_", 1)
        try:
            self.client.post("update", [doc])
        except SolrError as exc:
            if exc.status == 409:
                raise IndexBusy(f"{self.location}: an update is already running") from None
            raise

    def refresh_lock(self) -> None:
        """Tell other writers this one is still alive (called as batches are sent)."""
        held = self.client.get("get", {"id": LOCK_ID}).get("doc") or {}
        if held:
            self.client.post("update", [{**{k: v for k, v in held.items() if not k.startswith("_")},
                                         "hash": str(int(time.time()))}])

    # --- writers -----------------------------------------------------------------------------------

    def create(self, stop_words: str | None, source: dict) -> SolrWriter:
        """A writer that refills the collection; visible at its commit.

        The stop list is the collection's (chosen when it was created); ``stop_words``, if given, must
        name the same one (:class:`IndexMissing` says how to get the other)."""
        if stop_words is not None:
            stop_list(stop_words)  # an unknown name fails here, before anything is sent
        have = self.stop_words()
        if stop_words is not None and stop_words != have:
            raise IndexMissing(f"{self.location} drops the {have!r} stop list (chosen when the collection "
                               f"was created, property interviews.stopwords): build it with --stop-words "
                               f"{have}, or create a collection with property.interviews.stopwords="
                               f"{stop_words}")
        meta = {"schema_version": SCHEMA_VERSION, "source": source, "analysis": {"stop_words": have},
                "created": _utcnow()}
        return SolrWriter(self, meta, new=True)

    def open_writer(self) -> SolrWriter:
        meta = self.meta()
        if not meta:
            raise IndexMissing(f"{self.location}: nothing built into this collection yet")
        return SolrWriter(self, meta, new=False)


class SolrWriter(StoreWriter):
    """Changes to the collection, sent in batches of whole article blocks, searchable at :meth:`commit`."""

    def __init__(self, store: SolrStore, meta: dict, new: bool):
        self.store = store
        self.client = store.client
        self.meta = meta
        self.new = new
        self.generation = store.client.collection
        self._pending: list[dict] = []
        self._pending_docs = 0
        self._old_files: dict[str, dict] = {} if new else store.manifest()
        self._sent_at = time.monotonic()
        self.build = f"{int(time.time() * 1000):x}-{os.getpid()}" if new else ""

    def add(self, article: Article) -> list[int]:
        block, numbers = solr_block(article)
        if self.build:
            block["build"] = self.build
            for child in block["_childDocuments_"]:
                child["build"] = self.build
        self._queue(block, 1 + len(numbers))
        return numbers

    def replace(self, article: Article) -> list[int]:
        # Sending the block again replaces the old one whole (same parent id); passages the new version
        # no longer has go with it.
        return self.add(article)

    def delete(self, article_id: str) -> None:
        if self.new:
            return
        self._flush()
        self.client.post("update", {"delete": {"id": article_key(article_id)}})

    def _queue(self, doc: dict, count: int) -> None:
        self._pending.append(doc)
        self._pending_docs += count
        if self._pending_docs >= BATCH_DOCS:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self.client.post("update", self._pending)
            self._pending, self._pending_docs = [], 0
        if time.monotonic() - self._sent_at > LOCK_STALE_SECONDS / 4:
            self.store.refresh_lock()
            self._sent_at = time.monotonic()

    def commit(self, files: dict[str, dict]) -> None:
        """Send what is left and the manifest's changes, then commit: all of it searchable at once."""
        self._flush()
        changed = [{"id": _file_id(path), "doc": "file", "source": path, "hash": entry.get("hash", ""),
                    "entry": json.dumps(entry, ensure_ascii=False), "build": self.build}
                   for path, entry in files.items() if self.new or self._old_files.get(path) != entry]
        for start in range(0, len(changed), BATCH_DOCS):
            self.client.post("update", changed[start:start + BATCH_DOCS])
        gone = [_file_id(path) for path in self._old_files if path not in files]
        for start in range(0, len(gone), BATCH_DOCS):
            self.client.post("update", {"delete": gone[start:start + BATCH_DOCS]})
        now = _utcnow()
        meta = {**self.meta, "updated": now}
        self.client.post("update", [{"id": META_ID, "doc": "meta", "meta": json.dumps(meta),
                                     "build": self.build}])
        if self.new:
            # What the previous build or updates left (but the lock) goes in the same commit.
            self.client.post("update", {"delete": {"query": f"*:* -build:{self.build} -id:{LOCK_ID}"}})
        # A soft commit opens new searchers on every replica; the update log keeps the changes durable
        # until the next automatic hard commit writes them into segments.
        self.client.get("update", {"commit": "true", "softCommit": "true", "waitSearcher": "true"})
        self.meta = meta

    def cancel(self) -> None:
        """Drop what was not sent yet. What was sent (whole new versions of articles) stays pending until
        the next commit: SolrCloud has no rollback."""
        self._pending, self._pending_docs = [], 0
