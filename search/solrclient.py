"""A small SolrCloud HTTP client: JSON over keep-alive connections, failing over between live nodes.

    client = SolrClient("http://127.0.0.1:8983/solr/passages")
    client.get("select", {"q": "covid", "rows": 0})["response"]["numFound"]

The collection URL names one node; the client asks it (and then any node it knows) for the cluster's
live nodes, and sends each request to the first node that answers, so a node going down costs one
refused connection, not the search. Only the standard library is used.
"""

from __future__ import annotations

import http.client
import io
import json
import threading
import time
import urllib.parse
import zipfile
from pathlib import Path

TIMEOUT = 30.0
"""Seconds to wait for one node's answer to a read before trying the next node."""
WRITE_TIMEOUT = 600.0
"""Seconds to wait for an update's answer: a batch is indexed on every replica of its shard first, and
a timed-out update is not sent again elsewhere (it may still be applied)."""
NODES_TTL = 30.0
"""Seconds before the list of live nodes is asked for again."""


class SolrError(OSError):
    """Solr answered with an error (``status`` is the HTTP status; 0 when no node could be reached).

    An ``OSError``: to a caller it is input/output with the index gone wrong, as a full disk is."""

    def __init__(self, message: str, status: int = 0):
        super().__init__(message)
        self.status = status


class SolrUnavailable(SolrError):
    """No node of the cluster answered."""


def is_solr_url(location) -> bool:
    """True for an ``http://`` or ``https://`` location (a Solr collection URL), False for a folder."""
    return isinstance(location, str) and location.lower().startswith(("http://", "https://"))


def split_collection_url(url: str) -> tuple[str, str]:
    """``http://host:8983/solr/passages`` → (``http://host:8983/solr``, ``passages``); ValueError if the
    URL does not end in a collection name."""
    parsed = urllib.parse.urlsplit(url.strip())
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValueError(f"{url!r}: not an http(s) URL")
    path = parsed.path.rstrip("/")
    base, _, collection = path.rpartition("/")
    if not collection or not base:
        raise ValueError(f"{url!r}: expected a collection URL such as http://127.0.0.1:8983/solr/passages")
    return urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, base, "", "")), collection


class SolrClient:
    """Requests to one collection (or alias) of a SolrCloud cluster; thread-safe (a connection per thread
    and node). ``discover=False`` sends every request to the URL's node only."""

    def __init__(self, collection_url: str, timeout: float = TIMEOUT, discover: bool = True):
        self.url = collection_url.rstrip("/")
        self.base, self.collection = split_collection_url(self.url)
        self.timeout = timeout
        self.discover = discover
        self._nodes = [self.base]
        self._nodes_at = 0.0
        self._lock = threading.Lock()
        self._local = threading.local()

    # --- requests ----------------------------------------------------------------------------------

    def get(self, path: str, params: dict | list | None = None) -> dict:
        """GET ``<collection>/<path>`` (parameters as a dict or a list of pairs); the JSON answer."""
        return self.request("GET", path, params)

    def post(self, path: str, body, params: dict | list | None = None) -> dict:
        """POST ``body`` (JSON-encoded) to ``<collection>/<path>`` (an update); the JSON answer."""
        return self.request("POST", path, params, body=json.dumps(body, ensure_ascii=False).encode("utf-8"),
                            content_type="application/json", write=True)

    def form(self, path: str, params: dict | list) -> dict:
        """POST parameters form-encoded (for queries too long for a URL); the JSON answer."""
        return self.request("POST", path, None, body=_encode(params).encode("utf-8"),
                            content_type="application/x-www-form-urlencoded")

    def admin(self, path: str, params: dict | list | None = None, body: bytes | None = None,
              content_type: str = "") -> dict:
        """A request to ``<solr>/admin/<path>`` (collections, configs, info); the JSON answer."""
        return self.request("POST" if body is not None else "GET", path, params, body=body,
                            content_type=content_type, collection=False)

    def request(self, method: str, path: str, params=None, body: bytes | None = None,
                content_type: str = "", collection: bool = True, write: bool = False) -> dict:
        """Send to the first live node that answers; :class:`SolrError` on an error answer.

        A read that times out is tried on the next node; a ``write`` waits up to :data:`WRITE_TIMEOUT`
        and is only tried elsewhere when its node refused the connection (it is down)."""
        query = _encode(params or [])
        query = (query + "&" if query else "") + "wt=json"
        suffix = f"/{self.collection}/{path.lstrip('/')}" if collection else f"/admin/{path.lstrip('/')}"
        failures = []
        for base in self.nodes():
            try:
                status, data = self._send(base, method, suffix + "?" + query, body, content_type,
                                          WRITE_TIMEOUT if write else self.timeout)
            except TimeoutError as exc:
                if write:
                    raise SolrUnavailable(f"{base}: no answer to an update in {WRITE_TIMEOUT:.0f} s") from exc
                failures.append(f"{base}: timed out")
                continue
            except (OSError, http.client.HTTPException) as exc:
                failures.append(f"{base}: {exc}")
                self._forget(base)
                continue
            if status in (502, 503, 504) or (status == 404 and _no_such_core(data)):
                # A node that is shutting down or starting up: another replica may answer.
                failures.append(f"{base}: HTTP {status}")
                continue
            answer = _json(data)
            if status >= 400:
                raise SolrError(_message(answer, data, status), status)
            return answer
        raise SolrUnavailable(f"no Solr node answered for {self.url} ({'; '.join(failures) or 'no nodes'})")

    def _send(self, base: str, method: str, path: str, body: bytes | None, content_type: str,
              timeout: float | None = None) -> tuple[int, bytes]:
        parsed = urllib.parse.urlsplit(base)
        key = (parsed.scheme, parsed.netloc)
        conns = self._local.__dict__.setdefault("conns", {})
        headers = {"Accept": "application/json"}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (0, 1):
            conn = conns.get(key)
            fresh = conn is None
            if fresh:
                cls = http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
                conn = conns[key] = cls(parsed.netloc, timeout=self.timeout)
            conn.timeout = timeout or self.timeout
            if conn.sock is not None:
                conn.sock.settimeout(conn.timeout)
            try:
                conn.request(method, parsed.path + path, body=body, headers=headers)
                response = conn.getresponse()
                return response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                conn.close()
                conns.pop(key, None)
                # A kept-alive connection the server closed meanwhile: one retry on a new connection.
                if fresh or attempt or isinstance(exc, TimeoutError):
                    raise
        raise AssertionError("unreachable")

    # --- nodes -------------------------------------------------------------------------------------

    def nodes(self) -> list[str]:
        """Base URLs (``http://host:port/solr``) of the live nodes, the collection URL's own first (only
        that one when the client was made with ``discover=False``)."""
        if not self.discover:
            return [self.base]
        with self._lock:
            if time.monotonic() - self._nodes_at < NODES_TTL:
                return list(self._nodes)
            known = list(self._nodes)
            self._nodes_at = time.monotonic()  # also when asking fails: do not ask on every request
        for base in known:
            try:
                status, data = self._send(base, "GET", "/admin/collections?action=CLUSTERSTATUS&wt=json"
                                          f"&collection={urllib.parse.quote(self.collection)}", None, "")
            except (OSError, http.client.HTTPException):
                continue
            if status != 200:
                continue
            live = _json(data).get("cluster", {}).get("live_nodes", [])
            scheme = urllib.parse.urlsplit(base).scheme
            found = [f"{scheme}://{_node_base(name)}" for name in live]
            if found:
                ordered = [self.base] if self.base in found else []
                ordered += [n for n in sorted(found) if n not in ordered]
                with self._lock:
                    self._nodes = ordered
                return list(ordered)
        return known

    def _forget(self, base: str) -> None:
        """Move a node that did not answer to the end of the list until the next discovery."""
        with self._lock:
            if base in self._nodes and len(self._nodes) > 1:
                self._nodes.remove(base)
                self._nodes.append(base)
                self._nodes_at = min(self._nodes_at, time.monotonic() - NODES_TTL + 2.0)

    def close(self) -> None:
        """Close this thread's connections (others close when their threads end)."""
        for conn in self._local.__dict__.pop("conns", {}).values():
            conn.close()

    # --- cluster administration --------------------------------------------------------------------

    def upload_configset(self, name: str, conf: Path, overwrite: bool = True) -> None:
        """Zip the folder ``conf`` and upload it to ZooKeeper as configset ``name``."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
            for path in sorted(Path(conf).iterdir()):
                if path.is_file():
                    zf.write(path, path.name)
        self.admin("configs", {"action": "UPLOAD", "name": name, "overwrite": str(overwrite).lower(),
                               "cleanup": "true"},
                   body=buffer.getvalue(), content_type="application/octet-stream")

    def create_collection(self, configset: str, shards: int = 2, replicas: int = 2,
                          properties: dict[str, str] | None = None, name: str | None = None,
                          tlog_replicas: int = 0, pull_replicas: int = 0) -> None:
        """Create collection ``name`` (default: this client's) from ``configset``, with ``replicas`` NRT
        replicas per shard (plus TLOG and PULL ones); waits until its replicas are active."""
        params = {"action": "CREATE", "name": name or self.collection, "collection.configName": configset,
                  "numShards": shards, "nrtReplicas": replicas, "waitForFinalState": "true"}
        if tlog_replicas:
            params["tlogReplicas"] = tlog_replicas
        if pull_replicas:
            params["pullReplicas"] = pull_replicas
        for key, value in (properties or {}).items():
            params[f"property.{key}"] = value
        self.admin("collections", params)

    def delete_collection(self, name: str | None = None) -> None:
        """Delete collection ``name`` (default: this client's name; if that is an alias, the alias and
        the collections it names, then a collection of the same name if there is one)."""
        if name is None:
            behind = self.aliases().get(self.collection)
            if behind is not None:
                self.admin("collections", {"action": "DELETEALIAS", "name": self.collection})
                for collection in behind:
                    self.delete_collection(collection)
                if self.collection not in self.collections():
                    return
        self.admin("collections", {"action": "DELETE", "name": name or self.collection})

    def collection_exists(self) -> bool:
        return self.collection in self.collections()

    def collections(self) -> list[str]:
        """The names of the cluster's collections (not aliases)."""
        return list(self.admin("collections", {"action": "LIST"}).get("collections", []))

    def aliases(self) -> dict[str, list[str]]:
        """The cluster's collection aliases: alias → the collections it names."""
        answer = self.admin("collections", {"action": "LISTALIASES"})
        return {alias: [c for c in str(names).split(",") if c]
                for alias, names in (answer.get("aliases") or {}).items()}

    def collection_state(self, name: str) -> dict:
        """Collection ``name``'s state from the cluster status (``configName``, ``shards``, replica
        counts, ``router``); SolrError if there is no such collection."""
        answer = self.admin("collections", {"action": "CLUSTERSTATUS", "collection": name})
        state = (answer.get("cluster") or {}).get("collections", {}).get(name)
        if state is None:
            raise SolrError(f"{self.base}: no collection {name!r}", 404)
        return state

    def create_alias(self, alias: str, collection: str) -> None:
        """Point ``alias`` at ``collection`` (creating or moving it in one ZooKeeper write)."""
        self.admin("collections", {"action": "CREATEALIAS", "name": alias, "collections": collection})


def _node_base(node_name: str) -> str:
    """A live-node name (``127.0.0.1:8983_solr``) → ``127.0.0.1:8983/solr``."""
    host, _, context = node_name.partition("_")
    return host + "/" + urllib.parse.unquote(context).strip("/") if context else host


def _encode(pairs) -> str:
    if isinstance(pairs, dict):
        pairs = list(pairs.items())
    return urllib.parse.urlencode([(k, _value(v)) for k, v in pairs])


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json(data: bytes) -> dict:
    try:
        answer = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return answer if isinstance(answer, dict) else {}


def _message(answer: dict, data: bytes, status: int) -> str:
    error = answer.get("error") if isinstance(answer, dict) else None
    if isinstance(error, dict) and error.get("msg"):
        return str(error["msg"])
    text = data.decode("utf-8", "replace").strip()
    return f"HTTP {status}: {text[:300]}" if text else f"HTTP {status}"


def _no_such_core(data: bytes) -> bool:
    return b"Error 404" in data or b"Not Found" in data
