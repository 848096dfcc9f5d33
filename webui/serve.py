"""Run the web application: gunicorn in production, Flask's development server only when debugging.

The production arrangement keeps slow or idle clients away from the threads that run searches
(docs/reliability.md has the measurements that chose it):

* gunicorn starts ``workers`` processes and restarts any that dies or hangs (``timeout``);
* in each, uvicorn's asyncio loop (through ``uvicorn-worker``) reads requests and writes responses: a
  connection that trickles its headers, sends nothing or never reads its answer costs a socket and a
  little memory, never a thread;
* only a complete request reaches the Flask app, which runs in a pool of :data:`THREADS` threads
  (``a2wsgi``); its whole response goes back to the loop to be written as the client reads it;
* a connection that has not sent a complete request head within :data:`REQUEST_HEAD_SECONDS` of opening
  (or of its previous response) is closed; an idle kept-alive one after :data:`KEEPALIVE_SECONDS`.

gunicorn's own ``gthread`` workers, used before, read each request inside a pool thread, so eight
clients trickling one header line every 5 s held all eight threads and ordinary searches timed out.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket

from a2wsgi import WSGIMiddleware
from gunicorn.app.base import BaseApplication
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn_worker import UvicornWorker

from webui.app import create_app

DEFAULT_WORKERS = 2
"""Worker processes; each keeps its own open index (searchers are not shared across processes)."""

THREADS = 8
"""Threads per worker process that run the Flask app (searches); requests beyond them wait in the loop."""

REQUEST_HEAD_SECONDS = 10.0
"""Longest a connection may take to send a complete request line and headers, in seconds."""

KEEPALIVE_SECONDS = 5
"""How long an idle kept-alive connection stays open after a response, in seconds."""

MAX_HEAD_BYTES = 32 * 1024
"""Largest request head (request line and headers) the server reads; more gets 400 before the app runs,
which itself answers 414 / 431 past ``webui.app.MAX_URL_BYTES`` / ``MAX_HEADER_BYTES``."""

WORKER_TIMEOUT = 30
"""A worker process whose event loop does not report for this many seconds is restarted."""


class ServeError(RuntimeError):
    """The server could not start; the message says why (port taken, bad address)."""


class HeadDeadlineProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request head is late.

    uvicorn itself waits for a request's headers for ever (its keep-alive timer restarts on every byte),
    so a slowloris client would keep its socket until the process runs out of file descriptors.
    """

    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_head_timer()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm_head_timer()  # the next request on this connection gets the same time

    def connection_lost(self, exc: Exception | None) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
        self._head_timer = self.loop.call_later(REQUEST_HEAD_SECONDS, self._head_late)

    def _head_late(self) -> None:
        waiting_for_head = self.cycle is None or self.cycle.response_complete
        if waiting_for_head and not self.transport.is_closing():
            self.transport.close()


class Worker(UvicornWorker):
    """gunicorn worker: uvicorn on the standard asyncio loop with :class:`HeadDeadlineProtocol`."""

    CONFIG_KWARGS = {"loop": "asyncio", "http": HeadDeadlineProtocol,
                     "h11_max_incomplete_event_size": MAX_HEAD_BYTES}


class _Gunicorn(BaseApplication):
    """gunicorn configured from arguments, not from its own command line or a config file."""

    def __init__(self, options: dict, config: dict):
        self._options = options
        self._config = config
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self):
        return WSGIMiddleware(create_app(self._config), workers=THREADS)


def _check_port(host: str, port: int) -> None:
    """Fail early, with a clear message, when the address cannot be bound (gunicorn retries for seconds)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ServeError(f"cannot listen on {host}:{port}: {exc.strerror}") from exc
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            reason = "the port is already in use" if exc.errno == errno.EADDRINUSE else exc.strerror
            raise ServeError(f"cannot listen on {host}:{port}: {reason}") from exc


def _has_setting(name: str) -> bool:
    from gunicorn.config import KNOWN_SETTINGS

    return any(setting.name == name for setting in KNOWN_SETTINGS)


def serve(
    index_dir: str,
    corpus_dir: str,
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: int = DEFAULT_WORKERS,
    debug: bool = False,
    public_url: str = "",
) -> None:
    """Serve the site on ``host:port`` until interrupted.

    ``workers`` processes under gunicorn, each an asyncio loop in front of :data:`THREADS` threads (see
    the module's docstring for the timeouts); with ``debug``, Flask's single-process development server
    with the reloader and debugger instead.
    """
    # The reloader re-runs this in a child while the parent holds the port: only the parent checks.
    if not os.environ.get("WERKZEUG_RUN_MAIN"):
        _check_port(host, port)
    config = {"INDEX_DIR": index_dir, "CORPUS_DIR": corpus_dir, "PUBLIC_URL": public_url}
    if debug:
        create_app(config).run(host=host, port=port, debug=True)
        return
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        "worker_class": f"{Worker.__module__}.{Worker.__name__}",
        "timeout": WORKER_TIMEOUT,
        "graceful_timeout": 10,
        "keepalive": KEEPALIVE_SECONDS,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "interviews-serve",
    }
    if _has_setting("control_socket_disable"):
        # gunicorn ≥ 24 opens a control socket at one fixed path in $HOME; two servers would fight over it.
        options["control_socket_disable"] = True
    _Gunicorn(options, config).run()
