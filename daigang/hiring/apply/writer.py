"""Group commit for one-tap applies served by the fast path (daigang.hiring.apply.fastpath).

A long-lived writer thread (one per process; the class allows more) keeps one database
connection open. It takes every apply that is waiting — the ones that arrived while it
committed the previous batch — and runs them in ONE transaction: the batch's sessions, users
and jobs are read with one query each; each apply is checked and answered by the same steps
as the django-ninja view (daigang.hiring.apply.http: apply_request_args, then the services,
then apply_request_answer), and the batch's new applications are written by ONE insert
(services.applications_apply: the same rules as application_apply; a conflicting row is a
replay, answered with the first application). Answers go out only after the COMMIT: an
acknowledged apply is never lost. If the commit fails, or anything left the transaction
unable to commit everything (checked before COMMIT), every apply in the batch is answered 503
and nothing of it is kept; the client retries with the same Idempotency-Key. An apply that
fails with an error of its own is answered 500 and the others go on.

Why batches: SQLite takes one writer at a time, and a PostgreSQL commit waits for its WAL
flush; one transaction and one insert per burst instead of per apply is most of the
throughput. Rows are inserted in (seeker, job, key) order, so two concurrent batches (of two
processes, or two writer threads) take the unique-index locks in the same order.

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
import time
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
from django.db import DatabaseError, connections, transaction
from django.urls import set_script_prefix
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from daigang.core.api import api_error
from daigang.core.unavailable import database_unavailable
from daigang.hiring.apply.http import (
    ApplyLookups,
    ApplyRequest,
    apply_request_answer,
    apply_request_args,
)
from daigang.hiring.apply.services import ApplyArgs, applications_apply

logger = logging.getLogger(__name__)

# "Let Django serve this request": the writer could not decide its session without side effects.
DELEGATE = object()
# A batch as large as this is already far past the point where batching pays.
MAX_BATCH = 256
# An idle writer closes its connection after this long (and opens one again on the next
# apply), so an idle server holds no connection and a test database can be dropped.
IDLE_CLOSE_SECONDS = 0.5
# More than one apply waiting (a burst) but a batch not full: wait this long for the requests
# the event loop is still parsing, so one batch's fixed cost (its transaction and the three
# lookups) is shared by more applies, for a few ms of latency. bench/apply_burst.py (SQLite,
# busy machine, noisy; before batches had one insert): ~0.71 ms of CPU per apply with 2-3 ms,
# ~0.79 with 1 ms.
LINGER_SECONDS = 0.002

Result = Any  # (status, payload) or DELEGATE


@dataclass(slots=True)
class PendingApply:
    """An apply the fast path parsed and checked (CSRF, body), waiting for a writer."""

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
        .order_by()
        .values_list("session_key", "session_data")
    )
    decoder = store_class()
    return {key: decoder.decode(data) for key, data in rows}


def session_seekers_resolve(sessions: dict[str, dict]) -> dict[str, Any]:
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
        if isinstance(backend, ModelBackend) and type(backend).get_user is ModelBackend.get_user:
            # ModelBackend.get_user, for all of them in one query.
            users_found = user_model._default_manager.filter(
                pk__in={user_id for _, user_id in wanted}
            ).order_by()
            found = {user.pk: user for user in users_found}
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


def _transaction_check() -> None:
    """Raise unless the batch's transaction will really commit.

    Django rolls a transaction back at the end of its atomic block, without an error, if
    something marked it for rollback; PostgreSQL turns COMMIT into ROLLBACK after an error
    outside a savepoint. Either would drop applies about to be acknowledged.
    """
    connection = transaction.get_connection()
    if connection.get_rollback():
        raise DatabaseError("the batch's transaction is marked for rollback")
    if connection.vendor == "postgresql":
        from psycopg.pq import TransactionStatus

        if connection.connection.info.transaction_status == TransactionStatus.INERROR:
            raise DatabaseError("the batch's transaction is aborted")


def _server_error() -> tuple[int, dict]:
    return 500, api_error("server_error", _("服务器出错了，请稍后重试"), apply_url=None)


def _unsaved_payload(exc: BaseException) -> dict:
    """Why a batch was not saved, truthfully: a busy database is a crowd applying; anything
    else (database down, disk full, read-only storage) is the system's fault, and logged."""
    unavailable = database_unavailable(exc)
    if unavailable is not None and unavailable.code == "busy":
        return api_error("busy", _("报名人数太多，请稍后再试"), apply_url=None)
    return api_error("unavailable", _("系统暂时无法保存，请稍后重试"), apply_url=None)


def batch_apply(batch: list[PendingApply]) -> list[Result]:
    """Run a batch of applies in one transaction; one result per apply, in batch order."""
    results: list[Result] = [None] * len(batch)
    try:
        with transaction.atomic():
            sessions = sessions_load({pending.session_key for pending in batch})
            seekers = session_seekers_resolve(sessions)
            lookups = ApplyLookups()
            lookups.prefetch(
                job_ids={pending.apply.job_id for pending in batch},
                room_ids={p.apply.room_id for p in batch if p.apply.room_id is not None},
            )
            for i, pending in enumerate(batch):
                if pending.session_key not in seekers:
                    results[i] = DELEGATE
            for group in _groups(batch, seekers, results):
                _group_apply(group, seekers, lookups, results)
            _transaction_check()
    except Exception as exc:
        logger.exception("a batch of %d one-tap applies failed to commit", len(batch))
        for i, pending in enumerate(batch):
            if results[i] is not DELEGATE:
                translation.activate(pending.language)
                results[i] = 503, _unsaved_payload(exc)
    finally:
        translation.deactivate()
    return results


def _groups(
    batch: list[PendingApply], seekers: dict[str, Any], results: list[Result]
) -> list[list[tuple[int, PendingApply]]]:
    """The batch's applies in groups that services.applications_apply takes at once.

    A seeker's second apply in the batch goes in a later group than the first (it may be the
    first's replay, or rely on the consent the first gave); a group also shares its request
    language and script prefix (messages and URLs are made while it runs).
    """
    seen: dict[int, int] = defaultdict(int)
    groups: dict[tuple[int, str, str], list[tuple[int, PendingApply]]] = defaultdict(list)
    for i, pending in enumerate(batch):
        if results[i] is DELEGATE:
            continue
        seeker_id = seekers[pending.session_key].pk
        round_ = seen[seeker_id]
        seen[seeker_id] += 1
        groups[(round_, pending.language, pending.script_prefix)].append((i, pending))
    return [groups[key] for key in sorted(groups)]


def _group_apply(
    group: list[tuple[int, PendingApply]],
    seekers: dict[str, Any],
    lookups: ApplyLookups,
    results: list[Result],
) -> None:
    """Answer a group of applies (distinct seekers): apply_request_handle's steps, with one
    services.applications_apply for all of them."""
    first = group[0][1]
    translation.activate(first.language)
    set_script_prefix(first.script_prefix)
    prepared: list[tuple[int, ApplyArgs]] = []
    for i, pending in group:
        try:
            args = apply_request_args(
                seeker=seekers[pending.session_key], apply=pending.apply, lookups=lookups
            )
        except Exception:
            logger.exception("one-tap apply failed: %s", pending.apply)
            results[i] = _server_error()
            continue
        if isinstance(args, ApplyArgs):
            prepared.append((i, args))
        else:
            results[i] = args  # refused before applying (unknown job, no consent)
    outcomes = applications_apply(applies=[args for _, args in prepared])
    requests = dict(group)
    for (i, args), outcome in zip(prepared, outcomes, strict=True):
        pending = requests[i]
        if isinstance(outcome, Exception) and not isinstance(outcome, ValidationError):
            logger.error("one-tap apply failed: %s", pending.apply, exc_info=outcome)
            results[i] = _server_error()
            continue
        try:
            results[i] = apply_request_answer(apply=pending.apply, args=args, outcome=outcome)
        except Exception:
            logger.exception("one-tap apply failed: %s", pending.apply)
            results[i] = _server_error()


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
        if len(self._threads) < self._threads_wanted or not self._threads[-1].is_alive():
            self._start()
        self._queue.put(pending)

    def _start(self) -> None:
        with self._lock:
            self._threads = [thread for thread in self._threads if thread.is_alive()]
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
                stopping = self._drain(batch)
                if not stopping and 1 < len(batch) < MAX_BATCH:
                    # Under load (more than one apply waiting): let the event loop parse the
                    # requests already on their way, so one commit serves more of them.
                    time.sleep(LINGER_SECONDS)
                    self._drain(batch)
                try:
                    results = self._process(batch)
                except BaseException as exc:
                    # Nothing may leave a request waiting forever; the batch did not commit.
                    logger.exception("the one-tap apply writer failed")
                    results = [(503, _unsaved_payload(exc)) for _pending in batch]
                    self._answer(batch, results)
                    raise
                self._answer(batch, results)
        finally:
            connections.close_all()

    def _drain(self, batch: list[PendingApply]) -> bool:
        """Move waiting applies into `batch`; True if a stop request was met."""
        while len(batch) < MAX_BATCH:
            try:
                more = self._queue.get_nowait()
            except queue.Empty:
                return False
            if more is None:
                self._queue.put(None)  # for this thread's next round
                return True
            batch.append(more)
        return False

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
