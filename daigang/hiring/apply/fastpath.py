"""A fast path for one-tap apply: `POST /api/v1/applications` served in front of Django.

A live room pins a job and thousands of viewers tap 一键报名 within seconds. Through Django's
ASGI handler every request pays the whole middleware chain with its thread hops and a fresh
database connection; on a 2-core machine that stack alone tops out at a few hundred requests
per second (bench/apply_burst.py prints that floor). This ASGI app answers exactly that one
operation itself and passes every other request to Django untouched (config/asgi.py):

- in the event loop, with Django's own objects: the request is Django's ASGIRequest; Django's
  SecurityMiddleware and CommonMiddleware look at it first (a request they would redirect or
  refuse, e.g. a disallowed Host, goes to Django instead); CSRF, the body and the key are
  checked by the same helpers the django-ninja view uses (daigang.hiring.apply.http);
- on a writer thread, in a batch with other applies (daigang.hiring.apply.writer): the
  session and its user as django.contrib.auth would resolve them, then the business rules —
  `apply_request_handle`'s steps, with one insert for the batch — and COMMIT before any
  answer;
- no longer than DEPENDENCY_TIMEOUT_S (settings): a writer held by a database that stopped
  answering gets the request a 503 with Retry-After, never a hang;
- the answer is `apply_response_make`'s JSON with the headers Django's SecurityMiddleware,
  LocaleMiddleware, CsrfViewMiddleware and XFrameOptionsMiddleware add.

Anything unusual — a session Django would flush or re-key, a body too large to hold, a
setting this path does not model (CSRF_USE_SESSIONS, SESSION_SAVE_EVERY_REQUEST) — is passed
to Django with the body replayed, and the django-ninja view answers with the same steps.
"""

from __future__ import annotations

import asyncio
import io
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.core.handlers.asgi import ASGIRequest, get_script_prefix
from django.http import HttpResponse
from django.middleware.common import CommonMiddleware
from django.middleware.csrf import CsrfViewMiddleware
from django.middleware.locale import LocaleMiddleware
from django.middleware.security import SecurityMiddleware
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from daigang.core.api import api_error, refused_body
from daigang.core.refused import Refused
from daigang.core.unavailable import RETRY_AFTER_S
from daigang.hiring.apply.http import (
    APPLY_BODY_MAX_BYTES,
    apply_csrf_refused,
    apply_refused_csrf,
    apply_refused_login,
    apply_request_parse,
    apply_response_make,
)
from daigang.hiring.apply.writer import DELEGATE, ApplyWriter, PendingApply

Scope = dict[str, Any]
Receive = Callable[[], Awaitable[dict]]
Send = Callable[[Mapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Middleware that may answer a request before any view (a redirect to https, a refused Host
# or user agent): when one would, the fast path lets Django answer instead.
_REQUEST_MIDDLEWARE = (SecurityMiddleware, CommonMiddleware)
# Middleware that only adds response headers (or a fresh CSRF cookie): run on fast answers.
_RESPONSE_MIDDLEWARE = (
    SecurityMiddleware,
    "daigang.core.csp.SameHostCSPMiddleware",
    LocaleMiddleware,
    CsrfViewMiddleware,
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
)
_REQUIRED_MIDDLEWARE = (
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
)


def _no_response(request):  # the get_response of middleware used only for their hooks
    raise AssertionError("not called")


@dataclass
class _Setup:
    enabled: bool
    path: str = ""
    request_middleware: tuple = ()
    response_middleware: tuple = ()
    locale: bool = False

    @classmethod
    def from_settings(cls) -> _Setup:
        if (
            settings.CSRF_USE_SESSIONS
            or settings.SESSION_SAVE_EVERY_REQUEST
            or not all(name in settings.MIDDLEWARE for name in _REQUIRED_MIDDLEWARE)
        ):
            return cls(enabled=False)
        classes = [import_string(name) for name in settings.MIDDLEWARE]
        response_classes = tuple(
            import_string(c) if isinstance(c, str) else c for c in _RESPONSE_MIDDLEWARE
        )
        return cls(
            enabled=True,
            # The script prefix is not set in this thread: the path as Django resolves it.
            path=reverse("api:application_create"),
            request_middleware=tuple(
                c(_no_response) for c in classes if issubclass(c, _REQUEST_MIDDLEWARE)
            ),
            # Django runs process_response innermost first.
            response_middleware=tuple(
                c(_no_response) for c in reversed(classes) if c in response_classes
            ),
            locale=LocaleMiddleware in classes,
        )


def _replaying(receive: Receive, body: bytes, more_body: bool) -> Receive:
    """`receive` as if nothing had been read yet: `body` first, then the rest of the stream."""
    replayed = False

    async def replay() -> dict:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": more_body}
        return await receive()

    return replay


async def _body_read(receive: Receive) -> tuple[bytes, bool] | None:
    """(body, complete); complete False once it grows past the limit; None on disconnect."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            return None
        chunk = message.get("body", b"")
        chunks.append(chunk)
        size += len(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks), True
        if size > APPLY_BODY_MAX_BYTES:
            return b"".join(chunks), False


async def _send(response: HttpResponse, send: Send) -> None:
    """Like Django's ASGIHandler.send_response for a plain HttpResponse, without its thread
    hop to close the response (this one holds no resources)."""
    headers = [(name.encode("ascii"), value.encode("latin1")) for name, value in response.items()]
    for cookie in response.cookies.values():
        headers.append((b"Set-Cookie", cookie.OutputString().encode("ascii")))
    await send({"type": "http.response.start", "status": response.status_code, "headers": headers})
    await send({"type": "http.response.body", "body": response.content})


class ApplyFastPath:
    """ASGI app: one-tap apply served here, every other request by `app` (Django)."""

    def __init__(self, app: ASGIApp, *, writer: ApplyWriter | None = None) -> None:
        self.app = app
        self._writer = writer
        self._setup: _Setup | None = None

    @property
    def writer(self) -> ApplyWriter:
        if self._writer is None:
            # One writer thread per process, on SQLite (one writer at a time anyway) and on
            # PostgreSQL alike: there bench/apply_burst.py measured a second one costing 10-25%
            # more CPU per apply for no more applies/s (smaller batches, two threads taking
            # turns on the GIL).
            self._writer = ApplyWriter(threads=1)
        return self._writer

    def close(self) -> None:
        """Stop the writer threads and close their connections (they start again on use)."""
        if self._writer is not None:
            self._writer.stop()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "POST":
            return await self.app(scope, receive, send)
        if self._setup is None:
            self._setup = _Setup.from_settings()
        setup = self._setup
        script_prefix = get_script_prefix(scope)
        if not setup.enabled or scope["path"].removeprefix(script_prefix) != setup.path:
            return await self.app(scope, receive, send)
        read = await _body_read(receive)
        if read is None:
            return None  # the client went away before sending its body
        body, complete = read
        if not complete:
            return await self.app(scope, _replaying(receive, body, more_body=True), send)
        await self._apply(scope, body, _replaying(receive, body, more_body=False), send, setup)
        return None

    async def _apply(
        self, scope: Scope, body: bytes, replay: Receive, send: Send, setup: _Setup
    ) -> None:
        request = ASGIRequest(scope, io.BytesIO(body))
        for middleware in setup.request_middleware:
            try:
                answered = middleware.process_request(request) is not None
            except (SuspiciousOperation, PermissionDenied):  # e.g. DisallowedHost
                # Django answers it (400/403) as it does for any URL.
                answered = True
            if answered:
                return await self.app(scope, replay, send)
        language = (
            translation.get_language_from_request(request)
            if setup.locale
            else settings.LANGUAGE_CODE
        )
        # One activation for the whole request (translation state is per task in async code).
        with translation.override(language):
            try:
                if apply_csrf_refused(request):
                    raise apply_refused_csrf()
                apply = apply_request_parse(
                    body=body, idempotency_key=request.META.get("HTTP_IDEMPOTENCY_KEY")
                )
                session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
                if not session_key:
                    raise apply_refused_login()
            except Refused as refused:
                return await self._respond(request, refused.status, refused_body(refused), send)
            loop = asyncio.get_running_loop()
            future = loop.create_future()
            self.writer.submit(
                PendingApply(
                    session_key=session_key,
                    apply=apply,
                    language=language,
                    script_prefix=request.script_name or "",  # always a str, typed str | None
                    loop=loop,
                    future=future,
                )
            )
            try:
                # A database that stops answering (paused, a lost route) would hold the
                # writer, and every apply behind it, without limit: answer 503 instead. Safe,
                # since the retry carries the same Idempotency-Key: whether or not the writer
                # later commits this apply, the retry gets that one application.
                result = await asyncio.wait_for(future, settings.DEPENDENCY_TIMEOUT_S)
            except TimeoutError:
                stalled = api_error(
                    "unavailable", _("系统暂时无法保存，请稍后重试"), apply_url=None
                )
                return await self._respond(request, 503, stalled, send)
            if result is DELEGATE:
                return await self.app(scope, replay, send)
            status, payload = result
            await self._respond(request, status, payload, send)
        return None

    async def _respond(self, request: ASGIRequest, status: int, payload: dict, send: Send):
        response = apply_response_make(status, payload)
        if status == 503:
            response.headers["Retry-After"] = str(RETRY_AFTER_S)
        assert self._setup is not None
        for middleware in self._setup.response_middleware:
            response = middleware.process_response(request, response)
        await _send(response, send)


def apply_fastpath(app: ASGIApp) -> ApplyFastPath:
    """Wrap Django's ASGI app so one-tap apply takes the fast path (see the module docstring)."""
    return ApplyFastPath(app)
