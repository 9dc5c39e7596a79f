"""The live rooms' database thread: one per process, keeping its connection between calls.

Channels' `database_sync_to_async` closes the thread's connection before and after every call
when CONN_MAX_AGE is 0 (the project's setting, right for HTTP under ASGI where each request
gets a new thread). For chat that meant a new connection per message: measured at about 5 ms
of CPU per message on SQLite (connect, PRAGMAs, function registration, the WAL checkpoint on
close) against about 2.5 ms with the connection kept. A socket is not a request, so chat calls
run here instead: one thread, so exactly one connection per process and database, closed after
a database error that left it unusable, when a transaction was left open, or once it is
CONNECTION_MAX_AGE seconds old.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from asgiref.sync import sync_to_async
from django.db import connections

CONNECTION_MAX_AGE = 300.0

_executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="live-db")

R = TypeVar("R")


def _tidy() -> None:
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        raw = conn.connection
        if raw is None:
            continue
        if getattr(conn, "_live_raw", None) is not raw:
            conn._live_raw = raw  # type: ignore[attr-defined]
            conn._live_opened_at = now  # type: ignore[attr-defined]
        stale = now - conn._live_opened_at > CONNECTION_MAX_AGE  # type: ignore[attr-defined]
        broken = conn.errors_occurred and not conn.is_usable()
        if stale or broken or conn.in_atomic_block or not conn.get_autocommit():
            conn.close()
        else:
            conn.errors_occurred = False


def _call(func: Callable[..., R], kwargs: dict[str, Any]) -> R:
    try:
        return func(**kwargs)
    finally:
        _tidy()


async def live_db(func: Callable[..., R], /, **kwargs: Any) -> R:
    """Run `func(**kwargs)` (a sync service or selector) in the live database thread."""
    return await sync_to_async(_call, thread_sensitive=False, executor=_executor)(func, kwargs)


def _close_all() -> None:
    connections.close_all()


async def live_db_close() -> None:
    """Close the thread's connections (tests, before their database is dropped)."""
    await sync_to_async(_close_all, thread_sensitive=False, executor=_executor)()
