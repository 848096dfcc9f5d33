"""A real SolrCloud for the Solr tests: the one CI started, or one started here from Maven artifacts.

``.ci/run`` starts the cluster (``solr/cluster.sh``) and exports ``INTERVIEWS_TEST_SOLR_URL`` (a collection
URL of it) and ``INTERVIEWS_TEST_SOLR_CONTROL`` (its control server, which stops and starts nodes).
Without them the session starts its own cluster in a temporary folder (about half a minute) and stops
it at the end. Without Java or Maven the Solr tests skip, saying so; under CI (``CI`` set) they fail.

Each test module gets collections of its own, created from the repository's configset (uploaded once
per session under a name of its own) and deleted afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from search.solrclient import SolrClient, split_collection_url

ROOT = Path(__file__).resolve().parent.parent
CONFSET = ROOT / "solr" / "configset" / "conf"


@dataclass
class Cluster:
    """A running SolrCloud: ``base`` is ``http://host:port/solr``; ``control`` its node switch (or "")."""

    base: str
    control: str
    configset: str = ""
    created: list[str] = field(default_factory=list)
    """URLs of the collections :meth:`new_collection` made that were not dropped yet."""

    def client(self, collection: str) -> SolrClient:
        return SolrClient(f"{self.base}/{collection}")

    def nodes(self) -> list[dict]:
        with urllib.request.urlopen(self.control + "/nodes", timeout=30) as response:
            return json.load(response)

    def _node(self, index: int, action: str) -> list[dict]:
        request = urllib.request.Request(f"{self.control}/nodes/{index}/{action}", data=b"", method="POST")
        with urllib.request.urlopen(request, timeout=180) as response:
            return json.load(response)

    def stop_node(self, index: int) -> list[dict]:
        return self._node(index, "stop")

    def start_node(self, index: int) -> list[dict]:
        """Start a stopped node and wait (at most two minutes) until every replica is active again."""
        nodes = self._node(index, "start")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = self.client("any").admin("collections", {"action": "CLUSTERSTATUS"})
            replicas = [replica for coll in status["cluster"].get("collections", {}).values()
                        for shard in coll.get("shards", {}).values()
                        for replica in shard.get("replicas", {}).values()]
            if all(r.get("state") == "active" for r in replicas):
                return nodes
            time.sleep(0.5)
        raise TimeoutError("replicas not active two minutes after the node started")

    def new_collection(self, stop_words: str = "short", shards: int = 2, replicas: int = 2) -> str:
        """Create a fresh collection from the repository's configset; its URL."""
        name = f"test_{uuid.uuid4().hex[:10]}"
        client = self.client(name)
        properties = {"interviews.stopwords": stop_words} if stop_words != "short" else None
        client.create_collection(self.configset, shards=shards, replicas=replicas, properties=properties)
        self.created.append(f"{self.base}/{name}")
        return self.created[-1]

    def drop_collection(self, url: str) -> None:
        """Delete the collection (or the alias a build made of its name, and the collection behind it)."""
        if url in self.created:
            self.created.remove(url)
        # Cleanup must not hide the test's own result.
        with contextlib.suppress(Exception):
            SolrClient(url).delete_collection()


def _java_and_maven() -> str | None:
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    return None if not missing else " and ".join(missing)


@pytest.fixture(scope="session")
def solr_cluster(tmp_path_factory):
    """The SolrCloud the Solr tests use (see the module docstring)."""
    url = os.environ.get("INTERVIEWS_TEST_SOLR_URL", "")
    control = os.environ.get("INTERVIEWS_TEST_SOLR_CONTROL", "")
    started = None
    if not url:
        missing = _java_and_maven()
        if missing:
            message = f"Solr tests need Java 17+ and Maven to start a local SolrCloud; {missing} not found"
            if os.environ.get("CI"):
                pytest.fail(message)
            pytest.skip(message)
        started = tmp_path_factory.mktemp("solr")
        env = {**os.environ, "SOLR_DIR": str(started), "SOLR_WAIT": "300", "SOLR_HEAP": "768m"}
        done = subprocess.run([str(ROOT / "solr" / "cluster.sh"), "start"], env=env, capture_output=True,
                              text=True, timeout=900)
        if done.returncode != 0:
            pytest.fail(f"could not start a local SolrCloud:\n{done.stderr[-3000:]}")
        url = done.stdout.strip().splitlines()[-1]
        control = (started / "control").read_text(encoding="utf-8").strip()
    base, _ = split_collection_url(url)
    cluster = Cluster(base, control)
    cluster.configset = f"interviews_test_{uuid.uuid4().hex[:8]}"
    cluster.client("any").upload_configset(cluster.configset, CONFSET)
    try:
        yield cluster
    finally:
        for url in list(cluster.created):  # a fixture that failed before its teardown
            cluster.drop_collection(url)
        # A collection may still use it; a cluster started here is thrown away anyway.
        with contextlib.suppress(Exception):
            cluster.client("any").admin("configs", {"action": "DELETE", "name": cluster.configset})
        if started is not None:
            subprocess.run([str(ROOT / "solr" / "cluster.sh"), "stop"],
                           env={**os.environ, "SOLR_DIR": str(started)}, capture_output=True, timeout=180)
            shutil.rmtree(started / "cluster", ignore_errors=True)


@pytest.fixture(scope="module")
def solr_collection(solr_cluster):
    """A fresh, empty collection (2 shards × 2 replicas) for one test module; its URL."""
    url = solr_cluster.new_collection()
    yield url
    solr_cluster.drop_collection(url)
