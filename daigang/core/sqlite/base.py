"""Django's SQLite backend with one writer at a time per process and one busy timeout.

SQLite takes one writer at a time. Left to itself, a writer that finds the database locked
polls (SQLite's busy handler sleeps 1 ms … 100 ms between tries), and a thread that commits
in a tight loop — the one-tap apply writer during a burst, the chat database thread in a busy
room — takes the lock again before a polling HR request wakes up: HR writes then ran out of
time and answered 500 ("database is locked"). So every write transaction of the process first
takes one lock in Python, handed to waiters in the order they came, and only then
`BEGIN IMMEDIATE`; SQLite's own busy timeout is left to arbitrate between processes.

The one timeout is OPTIONS["timeout"] (seconds; Python's sqlite3 turns it into SQLite's busy
timeout): the process lock waits as long, and a `PRAGMA busy_timeout` in init_command, which
would silently override it, is refused. When the wait still runs out the error is Django's
OperationalError "database is locked", which daigang.core.unavailable answers with 503 and
Retry-After.

journal_mode=WAL is persistent in the database file: it is set when a connection finds it
off, not on every connection, so a read-only data folder still serves reads.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
import time
from collections import deque
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError
from django.db.backends.sqlite3 import base

logger = logging.getLogger(__name__)


class FairLock:
    """A lock handed to its waiters in the order they came (threading.Lock is not: a thread
    that releases and at once acquires again, holding the GIL, wins over a woken waiter)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._waiters: deque[threading.Lock] = deque()
        self._held = False

    def acquire(self, timeout: float) -> bool:
        with self._mutex:
            if not self._held:
                self._held = True
                return True
            waiter = threading.Lock()
            waiter.acquire()
            self._waiters.append(waiter)
        if waiter.acquire(timeout=timeout):
            return True  # handed over by release()
        with self._mutex:
            try:
                self._waiters.remove(waiter)
            except ValueError:
                return True  # handed over just as the wait ran out: it is ours
            return False

    def release(self) -> None:
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().release()  # the lock stays held, by the next waiter
            else:
                self._held = False


_write_lock = FairLock()


_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")


class _Cursor(base.SQLiteCursorWrapper):
    """A write outside a transaction (Django's autocommit `save()`) takes the process's write
    lock for its one statement, like a transaction does for its whole length."""

    db: DatabaseWrapper

    def execute(self, query: str, params: Any = None) -> Any:
        if self.db.holds_write_lock or query.lstrip()[:6].upper() not in _WRITES:
            return super().execute(query, params)
        self.db.write_lock_acquire()
        try:
            return super().execute(query, params)
        finally:
            self.db.write_lock_release()

    def executemany(self, query: str, param_list: Any) -> Any:
        if self.db.holds_write_lock:
            return super().executemany(query, param_list)
        self.db.write_lock_acquire()
        try:
            return super().executemany(query, param_list)
        finally:
            self.db.write_lock_release()


class DatabaseWrapper(base.DatabaseWrapper):
    busy_timeout: float = 5.0
    holds_write_lock = False
    # Set by Django's get_connection_params (from OPTIONS["init_command"]); not in the stubs.
    init_commands: list[str]

    def get_connection_params(self) -> dict[str, Any]:
        params = super().get_connection_params()
        if any("busy_timeout" in command.lower() for command in self.init_commands):
            raise ImproperlyConfigured(
                "Set the SQLite busy timeout with OPTIONS['timeout'] (seconds) only: a "
                "PRAGMA busy_timeout in init_command silently overrides it."
            )
        self.busy_timeout = float(params.get("timeout", self.busy_timeout))
        return params

    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        try:
            conn = super().get_new_connection(conn_params)
        except sqlite3.OperationalError:
            conn = self._read_only_connection(conn_params)
            if conn is None:
                raise
            return conn
        try:
            (mode,) = conn.execute("PRAGMA journal_mode").fetchone()
            if mode.lower() != "wal" and not self.is_in_memory_db():
                conn.execute("PRAGMA journal_mode=WAL")
        except sqlite3.OperationalError as error:
            # A read-only data folder: keep serving reads in whatever mode the file has.
            logger.warning("SQLite journal_mode left as it is: %s", error)
        return conn

    def _read_only_connection(self, conn_params: dict[str, Any]) -> Any:
        """A connection that only reads, when the data folder is read-only (a full or
        remounted disk): a WAL database cannot even be opened there, as SQLite must create
        its -shm file. Opened immutable: nobody can change a file in a read-only folder, so
        SQLite need not lock it nor read the WAL. Writes then fail and answer 503."""
        path = str(conn_params.get("database", ""))
        folder = os.path.dirname(os.path.abspath(path))
        if self.is_in_memory_db() or path.startswith("file:") or os.access(folder, os.W_OK):
            return None
        logger.warning("SQLite data folder %s is read-only: serving reads only", folder)
        params = {**conn_params, "database": f"file:{path}?mode=ro&immutable=1", "uri": True}
        return super().get_new_connection(params)

    def create_cursor(self, name: str | None = None) -> Any:
        cursor = self.connection.cursor(factory=_Cursor)
        cursor.db = self
        return cursor

    def write_lock_acquire(self) -> None:
        if not _write_lock.acquire(timeout=self.busy_timeout):
            raise OperationalError("database is locked")
        self.holds_write_lock = True

    def write_lock_release(self) -> None:
        if self.holds_write_lock:
            self.holds_write_lock = False
            _write_lock.release()

    # These four override private methods of Django's wrapper that django-stubs leave out:
    # hence the type: ignore[misc] on each super() call.
    def _start_transaction_under_autocommit(self) -> None:
        deadline = time.monotonic() + self.busy_timeout
        self.write_lock_acquire()
        try:
            while True:
                try:
                    super()._start_transaction_under_autocommit()  # type: ignore[misc]
                    return
                except OperationalError as error:
                    # Another process holds the write lock past SQLite's own busy timeout
                    # (or BEGIN was refused at once): retry until our deadline.
                    if "locked" not in str(error) or time.monotonic() >= deadline:
                        raise
                    time.sleep(0.05)
        except BaseException:
            self.write_lock_release()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self.write_lock_release()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self.write_lock_release()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self.write_lock_release()
