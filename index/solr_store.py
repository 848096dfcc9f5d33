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
  :data:`LOCK_STALE_SECONDS` or when its writer was a process of this machine that is gone.

The URL users give names a **collection alias** (or, before the first build, a plain collection,
which that build turns into an alias of the same name: Solr resolves an alias before a collection).
A full build never writes into what is served: it creates a new collection beside it (same configset,
shards and replicas, the build's stop list), fills and commits it, then moves the alias to it in one
ZooKeeper write (``CREATEALIAS``) and only then deletes the previous collection. A build that fails
or is killed half-way leaves the alias, and so every search, on the last good collection; its
unfinished collection is deleted when it fails, or by the next build when it was killed.
``update`` and ``add`` change the served collection through the alias. Changes become searchable
only at :meth:`SolrWriter.commit` (the collection has no automatic soft commit), so an update appears
at once, not article by article.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
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
ALIAS_WAIT_SECONDS = 60
"""How long a build waits for every live node to serve the new collection under the alias before it
deletes the previous one (ZooKeeper tells the nodes of an alias change within moments)."""


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
        self.name = self.client.collection
        """The name the URL gives: an alias (a plain collection until the first build)."""

    def serving(self) -> str | None:
        """The collection that answers at the URL (the alias's, or the one of that name), or None."""
        behind = self.client.aliases().get(self.name)
        if behind:
            return behind[0]
        return self.name if self.name in self.client.collections() else None

    def _build_names(self) -> re.Pattern:
        """The names :meth:`create` gives the collections it builds for this alias."""
        return re.compile(re.escape(self.name) + r"_\d{8}_\d{6}_\d{3}")

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
        """``<collection>@<last commit time>`` of the served collection ("" before the first build)."""
        meta = self.meta()
        return f"{meta.get('collection', self.name)}@{meta.get('updated', '')}" if meta else ""

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
        if self.serving() is None:
            raise IndexMissing(f"{self.location}: the cluster has no collection or alias {self.name!r}; "
                               f"create it first (docs/solr.md, \"Your own SolrCloud\")")
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
        if time.time() - since < LOCK_STALE_SECONDS and not _dead_here(held.get("source", "")):
            raise IndexBusy(f"{self.location}: an update is already running ({held.get('source', '?')})")
        # Its writer stopped refreshing it or died on this machine: take it over, unless another
        # writer just did.
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
        """A writer into a new collection beside the served one (same configset, shards and replicas;
        stop list ``stop_words``, default ``short``) that the alias moves to at its commit.

        Collections a killed build of this alias left behind are deleted first (the writer lock is held,
        so no other build is filling them)."""
        stop_words = stop_words or DEFAULT_STOP_WORDS
        stop_list(stop_words)  # an unknown name fails here, before anything is created
        serving = self.serving()
        if serving is None:
            raise IndexMissing(f"{self.location}: the cluster has no collection or alias {self.name!r}")
        self._drop_leftovers(serving)
        state = self.client.collection_state(serving)
        shards, replicas = _shape(state)
        now = time.time()
        name = f"{self.name}_{time.strftime('%Y%m%d_%H%M%S', time.gmtime(now))}_{int(now * 1000) % 1000:03d}"
        self.client.create_collection(
            state["configName"], shards=shards, name=name,
            replicas=replicas.get("NRT", 0), tlog_replicas=replicas.get("TLOG", 0),
            pull_replicas=replicas.get("PULL", 0), properties={"interviews.stopwords": stop_words})
        meta = {"schema_version": SCHEMA_VERSION, "source": source, "analysis": {"stop_words": stop_words},
                "collection": name, "created": _utcnow()}
        return SolrWriter(self, meta, new=True, target=SolrClient(f"{self.client.base}/{name}"),
                          previous=serving)

    def _drop_leftovers(self, serving: str) -> None:
        """Delete collections this alias's builds made that nothing serves (their build was killed)."""
        named = {c for collections in self.client.aliases().values() for c in collections}
        pattern = self._build_names()
        for collection in self.client.collections():
            if collection != serving and collection not in named and (
                    pattern.fullmatch(collection) or collection == self.name):
                self.client.delete_collection(collection)

    def retire(self, collection: str, previous: str) -> None:
        """Once the alias names ``collection``: wait until every live node serves it, then delete
        ``previous`` (if that fails, the next build deletes it)."""
        deadline = time.monotonic() + ALIAS_WAIT_SECONDS
        for base in self.client.nodes():
            node = SolrClient(f"{base}/{self.name}", discover=False)
            while True:
                with contextlib.suppress(SolrError, ValueError):
                    doc = node.get("get", {"id": META_ID}).get("doc") or {}
                    if json.loads(doc.get("meta") or "{}").get("collection") == collection:
                        break
                if time.monotonic() > deadline:
                    break  # the node will learn of it; deleting the old collection cannot wait forever
                time.sleep(0.2)
            node.close()
        # A collection of the alias's own name (the first build's) is no longer reachable by its name.
        with contextlib.suppress(SolrError):
            self.client.delete_collection(previous)

    def open_writer(self) -> SolrWriter:
        """A writer that changes the served collection (through the alias)."""
        meta = self.meta()
        if not meta:
            raise IndexMissing(f"{self.location}: nothing built into this collection yet")
        return SolrWriter(self, meta, new=False, target=self.client)


class SolrWriter(StoreWriter):
    """Changes to a collection, sent in batches of whole article blocks, searchable at :meth:`commit`.

    ``target`` is the client of the collection written: a new one (``new``, which the alias moves to at
    the commit, replacing ``previous``) or the served one through the alias."""

    def __init__(self, store: SolrStore, meta: dict, new: bool, target: SolrClient, previous: str = ""):
        self.store = store
        self.client = target
        self.meta = meta
        self.new = new
        self.previous = previous
        self.generation = meta.get("collection", store.name)
        self._pending: list[dict] = []
        self._pending_docs = 0
        self._old_files: dict[str, dict] = {} if new else store.manifest()
        self._sent_at = time.monotonic()

    def add(self, article: Article) -> list[int]:
        block, numbers = solr_block(article)
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
                    "entry": json.dumps(entry, ensure_ascii=False)}
                   for path, entry in files.items() if self.new or self._old_files.get(path) != entry]
        for start in range(0, len(changed), BATCH_DOCS):
            self.client.post("update", changed[start:start + BATCH_DOCS])
        gone = [_file_id(path) for path in self._old_files if path not in files]
        for start in range(0, len(gone), BATCH_DOCS):
            self.client.post("update", {"delete": gone[start:start + BATCH_DOCS]})
        meta = {**self.meta, "updated": _utcnow()}
        self.client.post("update", [{"id": META_ID, "doc": "meta", "meta": json.dumps(meta)}])
        # A soft commit opens new searchers on every replica; the update log keeps the changes durable
        # until the next automatic hard commit writes them into segments. A new collection is written
        # into segments at once: it is about to be served, and replaying its whole log is slow.
        self.client.get("update", {"commit": "true", "softCommit": str(not self.new).lower(),
                                   "waitSearcher": "true"})
        self.meta = meta
        if self.new:
            self.store.client.create_alias(self.store.name, meta["collection"])
            self.store.retire(meta["collection"], self.previous)

    def cancel(self) -> None:
        """Drop the changes. A new collection is deleted (the alias never named it); changes already
        sent to the served collection stay pending until its next commit (SolrCloud has no rollback)."""
        self._pending, self._pending_docs = [], 0
        if self.new:
            with contextlib.suppress(SolrError):
                if self.store.serving() != self.meta["collection"]:  # not if the alias moved after all
                    self.store.client.delete_collection(self.meta["collection"])


def _shape(state: dict) -> tuple[int, dict[str, int]]:
    """A collection's active shards and its replicas per shard by type (``NRT``, ``TLOG``, ``PULL``), as
    they are now (after any ``SPLITSHARD`` or ``ADDREPLICA``), from its cluster state."""
    active = [shard for shard in state["shards"].values() if shard.get("state", "active") == "active"]
    replicas: dict[str, int] = {}
    for replica in active[0]["replicas"].values():
        kind = str(replica.get("type", "NRT")).upper()
        replicas[kind] = replicas.get(kind, 0) + 1
    if not replicas.get("NRT") and not replicas.get("TLOG"):
        replicas["NRT"] = 1  # a collection needs a replica that can take updates
    return len(active), replicas


def _dead_here(owner: str) -> bool:
    """Whether a lock ``owner`` (``host:pid:time``) is a process of this machine that no longer runs."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False
    return False
