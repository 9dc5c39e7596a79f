"""Test helpers shared across apps: a real ASGI server for tests that need one.

`asgi_server` serves config.asgi with uvicorn on 127.0.0.1 and a free port, in a background
thread of the test process, and yields its base URL (e.g. "http://127.0.0.1:43117"). The
server shares the test's settings and database, so a test builds rows, then talks HTTP or
WebSocket (or WebRTC through the relay) to the server like a browser would. It needs the
`transactional_db` fixture (requested here): the server's threads use their own database
connections and must see committed rows.

Use it from a conftest with `from daigang.core.testing import asgi_server  # noqa: F401`.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import uvicorn
from django.db import DEFAULT_DB_ALIAS, connections


@contextmanager
def asgi_server_running(
    app: str = "config.asgi:application", *, ws_per_message_deflate: bool = False
) -> Iterator[str]:
    """Serve `app` on 127.0.0.1:<free port> in a daemon thread until the block ends.

    Like `make run`, without permessage-deflate unless asked (see the Makefile's UVICORN).
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        app,
        loop="asyncio",
        lifespan="off",
        log_level="warning",
        ws="websockets-sansio",
        ws_per_message_deflate=ws_per_message_deflate,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="asgi-server", daemon=True
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test ASGI server did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


@pytest.fixture
def asgi_server(transactional_db: None) -> Iterator[str]:
    """Base URL of config.asgi served by uvicorn in this process (see module docstring)."""
    # Under ASGI every request runs its database work in a thread of its own; a persistent
    # connection would outlive its thread unclosed (and keep PostgreSQL's test database busy
    # at teardown). Django's advice for async servers: no persistent connections.
    database = connections.settings[DEFAULT_DB_ALIAS]
    max_age = database.get("CONN_MAX_AGE", 0)
    database["CONN_MAX_AGE"] = 0
    try:
        with asgi_server_running() as url:
            yield url
    finally:
        database["CONN_MAX_AGE"] = max_age
