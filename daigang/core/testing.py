"""Test helpers shared across apps: a real ASGI server, racing threads, captured room events.

`race(fn, args_list)` calls `fn` once per argument tuple at the same moment, each call in a
thread (and so a database connection) of its own, and returns each call's result or exception.

`capture_events()` records every room event that leaves for browsers (after its transaction
commits), as the list a test asserts on.

`asgi_server` serves config.asgi with uvicorn on 127.0.0.1 and a free port, in a background
thread of the test process, and yields its base URL (e.g. "http://127.0.0.1:43117"). The
server shares the test's settings and database, so a test builds rows, then talks HTTP or
WebSocket (or WebRTC through the relay) to the server like a browser would. It needs the
`transactional_db` fixture (requested here): the server's threads use their own database
connections and must see committed rows.

Use it from a conftest with `from daigang.core.testing import asgi_server  # noqa: F401`.

`static_files_collected()` runs `collectstatic` once per content of the static files (a folder
in the system's temporary directory, reused by every later run until a file changes) and
returns that folder, for tests to use as STATIC_ROOT: pages link hashed names from its manifest.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import override_settings

from daigang.core import realtime


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


def race(
    fn: Callable[..., Any], args_list: Sequence[tuple[Any, ...]], *, timeout: float = 30
) -> list[Any]:
    """Call `fn(*args)` for every `args` at the same moment, one thread each; return what each
    call returned or raised, in order.

    The threads start together from a barrier. Each closes its database connections when done:
    one left open would keep PostgreSQL from dropping the test database. Tests that race
    database writes need `django_db(transaction=True)`, so the threads see committed rows.
    """
    barrier = threading.Barrier(len(args_list))
    results: list[Any] = [None] * len(args_list)

    def worker(index: int, args: tuple[Any, ...]) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = fn(*args)
        except Exception as exc:
            results[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(i, args), name=f"race-{i}")
        for i, args in enumerate(args_list)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + timeout
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"still running after {timeout} s: {stuck}"
    return results


@dataclass(frozen=True)
class RoomEvent:
    """One event as it went to a room's channel-layer group (and on to browsers)."""

    group: str
    room_id: int
    kind: str
    data: Any


class RoomEvents(list[RoomEvent]):
    def of(self, kind: str) -> list[RoomEvent]:
        return [event for event in self if event.kind == kind]


@contextmanager
def capture_events() -> Iterator[RoomEvents]:
    """Record every room event sent while the block runs, then send it on as usual.

    Events go out when their transaction commits (daigang.core.realtime): under
    `django_db` without transaction=True, run the writes inside
    `django_capture_on_commit_callbacks(execute=True)`, as the commit would. What is recorded
    has been through JSON, as it would be on its way to a browser.
    """
    captured = RoomEvents()
    send = realtime._layer_send

    def record_then_send(group: str, message: dict[str, Any]) -> None:
        events = message["events"] if "events" in message else [message["event"]]
        for event in json.loads(json.dumps(events)):
            captured.append(
                RoomEvent(
                    group=group, room_id=message["room_id"], kind=event["kind"], data=event["data"]
                )
            )
        send(group, message)

    realtime._layer_send = record_then_send
    try:
        yield captured
    finally:
        realtime._layer_send = send


STATIC_CACHE_PREFIX = "daigang-static-"
STATIC_CACHE_KEEP_S = 24 * 60 * 60


def static_files_collected() -> Path:
    """STATIC_ROOT as `collectstatic` makes it for the static files as they are now.

    Compressing every file with brotli takes seconds: the result is kept in the temporary
    directory under a digest of every file's name and content (and of the libraries that shape
    the output), so only the first run after a change pays. Made in a folder of its own and
    renamed into place, so two test runs at once never see half of it.
    """
    digest = hashlib.sha256()
    for package in ("django", "whitenoise", "brotli"):
        digest.update(f"{package}=={version(package)}\n".encode())
    storage = settings.STORAGES["staticfiles"]["BACKEND"]
    digest.update(f"{storage} {settings.WHITENOISE_KEEP_ONLY_HASHED_FILES}\n".encode())
    for finder in finders.get_finders():
        for path, storage in sorted(finder.list([]), key=lambda found: found[0]):
            digest.update(f"{getattr(storage, 'prefix', '') or ''}/{path}\n".encode())
            with storage.open(path) as file:
                digest.update(hashlib.sha256(file.read()).digest())
    temporary = Path(tempfile.gettempdir())
    root = temporary / f"{STATIC_CACHE_PREFIX}{digest.hexdigest()[:20]}"
    if (root / "staticfiles.json").exists():
        os.utime(root)  # in use: not one to clear away below
        return root
    building = Path(tempfile.mkdtemp(prefix=f"{root.name}.", dir=temporary))
    with override_settings(STATIC_ROOT=building):
        call_command("collectstatic", interactive=False, verbosity=0)
    try:
        building.rename(root)
    except OSError:  # another run got there first: its copy is the same
        shutil.rmtree(building, ignore_errors=True)
    for old in temporary.glob(f"{STATIC_CACHE_PREFIX}*"):
        if old != root and time.time() - old.stat().st_mtime > STATIC_CACHE_KEEP_S:
            shutil.rmtree(old, ignore_errors=True)
    return root


def subprocess_environment(**settings_env: str) -> dict[str, str]:
    """The environment for a server process a test starts (`manage.py relay`, uvicorn): this
    one's, pointed at the test database (PostgreSQL's test database, or SQLite's test file),
    plus `settings_env`. The test needs `transactional_db` for that process to see its rows."""
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SQLITE_PATH")}
    database = connections[DEFAULT_DB_ALIAS].settings_dict
    if database["ENGINE"].endswith("postgresql"):
        from urllib.parse import quote

        # A socket folder (scripts/in-loopback-netns) as the URL's host, %2F-quoted.
        host = quote(database["HOST"] or "127.0.0.1", safe="")
        port = database["PORT"] or 5432
        password = f":{database['PASSWORD']}" if database.get("PASSWORD") else ""
        env["DATABASE_URL"] = (
            f"postgres://{database['USER']}{password}@{host}:{port}/{database['NAME']}"
        )
    else:
        env["SQLITE_PATH"] = str(database["NAME"])
    env.update(settings_env)
    return env
