#!/usr/bin/env bash
# The local SolrCloud (solr/devcluster): build it, start it in the background, stop it.
#
#   solr/cluster.sh start   # builds if needed, starts, waits until the collection is active, prints its URL
#   solr/cluster.sh stop    # stops it (bounded wait, then kill)
#   solr/cluster.sh status  # prints the URL if it is running, else exits 1
#
# Everything it writes is under $SOLR_DIR (default var/solr): url, control, pid, out.log, solr.log and
# the cluster's data. The first build resolves Maven artifacts into ~/.m2; later builds run offline.
# Settings (environment): SOLR_NODES=3 SOLR_SHARDS=2 SOLR_REPLICAS=2 SOLR_COLLECTION=passages
# SOLR_HEAP=1g SOLR_WAIT=300 (seconds to wait for the collection).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PROJECT="$ROOT/solr/devcluster"
DIR="${SOLR_DIR:-$ROOT/var/solr}"
mkdir -p "$DIR"
DIR="$(cd "$DIR" && pwd)"
WAIT="${SOLR_WAIT:-300}"

running() {
    [[ -f "$DIR/pid" ]] && kill -0 "$(cat "$DIR/pid")" 2>/dev/null
}

build() {
    command -v java >/dev/null || { echo "solr: java not found (Java 17+ is needed)" >&2; exit 2; }
    command -v mvn >/dev/null || { echo "solr: mvn not found (Maven is needed)" >&2; exit 2; }
    local jar="$PROJECT/target/classes/devcluster/Main.class"
    if [[ -f "$jar" && -f "$PROJECT/target/classpath.txt" && "$jar" -nt "$PROJECT/src/main/java/devcluster/Main.java" \
          && "$jar" -nt "$PROJECT/pom.xml" ]]; then
        return
    fi
    echo "solr: building solr/devcluster (Maven)" >&2
    # Offline when ~/.m2 already has everything; the first build downloads from Maven Central.
    (cd "$PROJECT" && { mvn -B -q -o package >"$DIR/build.log" 2>&1 || mvn -B -q package >"$DIR/build.log" 2>&1; }) || {
        tail -30 "$DIR/build.log" >&2
        echo "solr: Maven build failed (log: $DIR/build.log)" >&2
        exit 1
    }
}

start() {
    if running && [[ -f "$DIR/url" ]]; then
        echo "solr: already running (pid $(cat "$DIR/pid"))" >&2
        cat "$DIR/url"
        return
    fi
    build
    rm -f "$DIR/url" "$DIR/control"
    # One JVM holds ZooKeeper and every node; SerialGC keeps it light on a shared 2-core machine.
    nohup java -Xmx"${SOLR_HEAP:-1g}" -XX:+UseSerialGC \
        -Dsolr.log.dir="$DIR" -Dlog4j2.configurationFile="$PROJECT/log4j2.xml" \
        -cp "$PROJECT/target/classes:$(cat "$PROJECT/target/classpath.txt")" devcluster.Main \
        --dir "$DIR" --configset "$ROOT/solr/configset" \
        --collection "${SOLR_COLLECTION:-passages}" --nodes "${SOLR_NODES:-3}" \
        --shards "${SOLR_SHARDS:-2}" --replicas "${SOLR_REPLICAS:-2}" \
        >"$DIR/out.log" 2>&1 </dev/null &
    echo $! >"$DIR/pid"
    echo "solr: starting ${SOLR_NODES:-3} nodes (pid $!, log $DIR/out.log)" >&2
    local waited=0
    until [[ -f "$DIR/url" ]]; do
        if ! running; then
            tail -30 "$DIR/out.log" >&2
            echo "solr: the cluster stopped while starting (logs: $DIR/out.log, $DIR/solr.log)" >&2
            exit 1
        fi
        if (( waited >= WAIT )); then
            echo "solr: no active collection after ${WAIT}s; stopping it (logs: $DIR/out.log, $DIR/solr.log)" >&2
            stop
            exit 1
        fi
        sleep 1
        waited=$((waited + 1))
    done
    echo "solr: ready after ${waited}s" >&2
    cat "$DIR/url"
}

stop() {
    if ! running; then
        rm -f "$DIR/pid" "$DIR/url" "$DIR/control"
        echo "solr: not running" >&2
        return
    fi
    local pid
    pid="$(cat "$DIR/pid")"
    if [[ -f "$DIR/control" ]]; then
        curl -s -m 10 -X POST "$(cat "$DIR/control")/shutdown" >/dev/null || true
    else
        kill "$pid" 2>/dev/null || true
    fi
    for _ in $(seq 60); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 1
    done
    if kill -0 "$pid" 2>/dev/null; then
        echo "solr: still running after 60s; killing pid $pid" >&2
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$DIR/pid" "$DIR/url" "$DIR/control"
    echo "solr: stopped" >&2
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    status) running && [[ -f "$DIR/url" ]] && cat "$DIR/url" ;;
    build) build ;;
    *) echo "usage: $0 start|stop|status|build" >&2; exit 2 ;;
esac
