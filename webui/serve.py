"""Run the web application: gunicorn in production, Flask's development server only when debugging."""

from __future__ import annotations

import errno
import os
import socket

from gunicorn.app.base import BaseApplication

from webui.app import create_app

DEFAULT_WORKERS = 2
"""Worker processes; each keeps its own open index (searchers are not shared across processes)."""

THREADS = 4
"""Request threads per worker process."""


class ServeError(RuntimeError):
    """The server could not start; the message says why (port taken, bad address)."""


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
        return create_app(self._config)


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
) -> None:
    """Serve the site on ``host:port`` until interrupted.

    ``workers`` processes of :data:`THREADS` threads under gunicorn (30 s request timeout); with
    ``debug``, Flask's single-process development server with the reloader and debugger instead.
    """
    # The reloader re-runs this in a child while the parent holds the port: only the parent checks.
    if not os.environ.get("WERKZEUG_RUN_MAIN"):
        _check_port(host, port)
    config = {"INDEX_DIR": index_dir, "CORPUS_DIR": corpus_dir}
    if debug:
        create_app(config).run(host=host, port=port, debug=True)
        return
    options = {
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers,
        # Threads keep a slow client from holding a whole worker; the engine is thread-safe.
        "worker_class": "gthread",
        "threads": THREADS,
        "timeout": 30,
        "graceful_timeout": 10,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "interviews-serve",
    }
    if _has_setting("control_socket_disable"):
        # gunicorn ≥ 24 opens a control socket at one fixed path in $HOME; two servers would fight over it.
        options["control_socket_disable"] = True
    _Gunicorn(options, config).run()
