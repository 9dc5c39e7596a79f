"""Group commit for one-tap applies served by the fast path (daigang.hiring.fastpath).

A few long-lived writer threads (one on SQLite, two on a server database) each keep one
database connection open. A writer takes every apply that is waiting — the ones that arrived
while it committed the previous batch — and runs them in ONE transaction: the batch's
sessions, users and jobs are read with one query each, then every apply runs
`apply_request_handle` (the same business rules as the django-ninja view) in its own
savepoint, so one apply's error touches no other. Answers go out only after the COMMIT: an
acknowledged apply is never lost. If the commit fails, every apply in the batch is answered
503 and nothing of it is kept (the client retries with the same Idempotency-Key).

Why batches: SQLite takes one writer at a time, and a PostgreSQL commit waits for its WAL
flush; one transaction per burst instead of per apply is most of the throughput. Applies in
a batch run in seeker order, so two concurrent batches (two writers, or two processes) take
the unique-index locks in the same order and cannot deadlock.

Sessions and users are resolved as Django does (the configured SESSION_ENGINE's store and
decoder, AUTHENTICATION_BACKENDS, the session auth hash compared in constant time). A session
that does not plainly name an active user with a matching hash — expired, logged out, a
password changed, a hash from a rotated SECRET_KEY — is handed back as DELEGATE: the fast path
then passes that request to Django, which answers and does what django.contrib.auth.get_user
does (flush the session, or re-key it).
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections import defaultdict
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.contrib.sessions.backends.db import SessionStore as DbSessionStore
from django.core.exceptions import ValidationError
from django.db import connections, transaction
from django.urls import set_script_prefix
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from daigang.hiring.apply_http import ApplyLookups, ApplyRefused, ApplyRequest, apply_request_handle

logger = logging.getLogger(__name__)

# "Let Django serve this request": the writer could not decide its session without side effects.
DELEGATE = object()
# A batch as large as this is already far past the point where batching pays.
MAX_BATCH = 256
# An idle writer closes its connection after this long (and opens one again on the next
# apply), so an idle server holds no connection and a test database can be dropped.
IDLE_CLOSE_SECONDS = 0.5

_STATS = [0, 0]  # TEMP
Result = Any  # (status, payload) or DELEGATE


@dataclass(slots=True)
class PendingApply:
    session_key: str
    apply: ApplyRequest
    language: str
    script_prefix: str
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future


def sessions_load(keys: set[str]) -> dict[str, dict]:
    """Session data by key, as SESSION_ENGINE's store would load it; unknown keys left out.

    For the database store (and its subclasses, e.g. cached_db, whose database row is the
    truth) one query reads them all; any other store loads each session itself.
    """
    store_class = import_module(settings.SESSION_ENGINE).SessionStore
    stores = {key: store_class(session_key=key) for key in keys}  # validates the key format
    if not issubclass(store_class, DbSessionStore):
        loaded = {key: store.load() for key, store in stores.items() if store.session_key}
        return {key: data for key, data in loaded.items() if data}
    valid = [key for key, store in stores.items() if store.session_key]
    if not valid:
        return {}
    rows = (
        store_class.get_model_class()
        .objects.filter(session_key__in=valid, expire_date__gt=timezone.now())
        .values_list("session_key", "session_data")
    )
    decoder = store_class()
    return {key: decoder.decode(data) for key, data in rows}


def seekers_of_sessions(sessions: dict[str, dict]) -> dict[str, Any]:
    """The user each session is logged in as, where django.contrib.auth.get_user would return
    that user unchanged; sessions it would turn anonymous, flush or re-key are left out."""
    user_model = get_user_model()
    by_backend: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for key, session in sessions.items():
        try:
            user_id = user_model._meta.pk.to_python(session[SESSION_KEY])
            backend_path = session[BACKEND_SESSION_KEY]
        except (KeyError, ValidationError):
            continue
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            by_backend[backend_path].append((key, user_id))
    users: dict[str, Any] = {}
    for backend_path, wanted in by_backend.items():
        backend = load_backend(backend_path)
        if type(backend).get_user is ModelBackend.get_user:
            # ModelBackend.get_user, for all of them in one query.
            found = user_model._default_manager.in_bulk({user_id for _, user_id in wanted})
            for key, user_id in wanted:
                user = found.get(user_id)
                if user is not None and backend.user_can_authenticate(user):
                    users[key] = user
        else:
            for key, user_id in wanted:
                user = backend.get_user(user_id)
                if user is not None:
                    users[key] = user
    verified: dict[str, Any] = {}
    for key, user in users.items():
        if hasattr(user, "get_session_auth_hash"):
            session_hash = sessions[key].get(HASH_SESSION_KEY)
            if not session_hash or not constant_time_compare(
                session_hash, user.get_session_auth_hash()
            ):
                continue
        verified[key] = user
    return verified


def _server_error() -> tuple[int, dict]:
    return 500, ApplyRefused(500, "server_error", _("服务器出错了，请稍后重试")).payload()


def _busy() -> tuple[int, dict]:
    return 503, ApplyRefused(503, "busy", _("报名人数太多，请稍后再试")).payload()


def batch_apply(batch: list[PendingApply]) -> list[Result]:
    """Run a batch of applies in one transaction; one result per apply, in batch order."""
    results: list[Result] = [None] * len(batch)
    try:
        with transaction.atomic():
            sessions = sessions_load({pending.session_key for pending in batch})
            seekers = seekers_of_sessions(sessions)
            lookups = ApplyLookups()
            lookups.prefetch(
                job_ids={pending.apply.job_id for pending in batch},
                room_ids={p.apply.room_id for p in batch if p.apply.room_id is not None},
            )
            decided = []
            for i, pending in enumerate(batch):
                if pending.session_key in seekers:
                    decided.append(i)
                else:
                    results[i] = DELEGATE
            # Seeker order: every unique constraint on Application starts with the seeker.
            decided.sort(key=lambda i: seekers[batch[i].session_key].pk)
            for i in decided:
                pending = batch[i]
                set_script_prefix(pending.script_prefix)
                with translation.override(pending.language):
                    try:
                        results[i] = apply_request_handle(
                            seeker=seekers[pending.session_key],
                            apply=pending.apply,
                            lookups=lookups,
                        )
                    except Exception:
                        logger.exception("one-tap apply failed: %s", pending.apply)
                        results[i] = _server_error()
    except Exception:
        logger.exception("a batch of %d one-tap applies failed to commit", len(batch))
        for i, pending in enumerate(batch):
            if results[i] is not DELEGATE:
                with translation.override(pending.language):
                    results[i] = _busy()
    return results


def _deliver(answers: list[tuple[asyncio.Future, Result]]) -> None:
    for future, result in answers:
        if not future.done():
            future.set_result(result)


class ApplyWriter:
    """Writer threads taking PendingApply items in batches (see the module docstring)."""

    def __init__(self, *, threads: int) -> None:
        self._threads_wanted = threads
        self._queue: queue.SimpleQueue[PendingApply | None] = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    def submit(self, pending: PendingApply) -> None:
        if len(self._threads) < self._threads_wanted:
            self._start()
        self._queue.put(pending)

    def _start(self) -> None:
        with self._lock:
            while len(self._threads) < self._threads_wanted:
                thread = threading.Thread(
                    target=self._run, name=f"apply-writer-{len(self._threads)}", daemon=True
                )
                thread.start()
                self._threads.append(thread)

    def stop(self) -> None:
        """Let every writer finish what it has, close its connection and end."""
        with self._lock:
            threads, self._threads = self._threads, []
            for _thread in threads:
                self._queue.put(None)
        for thread in threads:
            thread.join(10)

    def _run(self) -> None:
        try:
            while True:
                try:
                    first = self._queue.get(timeout=IDLE_CLOSE_SECONDS)
                except queue.Empty:
                    connections.close_all()  # this thread's connections only
                    first = self._queue.get()
                if first is None:
                    return
                batch = [first]
                while len(batch) < MAX_BATCH:
                    try:
                        more = self._queue.get_nowait()
                    except queue.Empty:
                        break
                    if more is None:
                        self._queue.put(None)  # for this thread's next round
                        break
                    batch.append(more)
                self._answer(batch, self._process(batch))
                _STATS[0] += 1; _STATS[1] += len(batch)  # TEMP
                if _STATS[0] % 100 == 0: print("TEMP batches", _STATS, _STATS[1]/_STATS[0], flush=True)
        finally:
            connections.close_all()

    @staticmethod
    def _process(batch: list[PendingApply]) -> list[Result]:
        try:
            return batch_apply(batch)
        finally:
            for connection in connections.all(initialized_only=True):
                if connection.errors_occurred and not connection.is_usable():
                    connection.close()  # broken: the next batch opens a new one
                else:
                    connection.errors_occurred = False

    @staticmethod
    def _answer(batch: list[PendingApply], results: list[Result]) -> None:
        by_loop: dict[asyncio.AbstractEventLoop, list] = defaultdict(list)
        for pending, result in zip(batch, results, strict=True):
            by_loop[pending.loop].append((pending.future, result))
        for loop, answers in by_loop.items():
            try:
                loop.call_soon_threadsafe(_deliver, answers)
            except RuntimeError:  # that server's loop has closed: nobody is waiting
                pass
