"""Driving the one-tap apply fast path (daigang.hiring.apply.fastpath) through a real server.

`fastpath` (a fixture) serves config.asgi with uvicorn (daigang.core.testing.asgi_server)
and records every batch the fast path's writer runs, so a test can tell an apply the fast path
answered from one it handed to Django. `Browser` speaks HTTP to it like apply.js does: session
cookie, csrftoken cookie, X-CSRFToken and Idempotency-Key headers.
"""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils.crypto import get_random_string

from daigang.core.testing import asgi_server  # noqa: F401  (a fixture used below)
from daigang.hiring.apply import writer as apply_writer
from daigang.hiring.apply.fastpath import ApplyFastPath

URL = "/api/v1/applications"
SAME_AS_COOKIE = object()


def session_of(user) -> str:
    """A real logged-in session (django.contrib.auth.login) for `user`: its cookie value."""
    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes
    # every header as sent, in order, repeated names kept (names lower-cased)
    header_list: list[tuple[str, str]] = field(default_factory=list)

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class Browser:
    base_url: str
    session_key: str | None = None
    csrf_secret: str = field(default_factory=lambda: get_random_string(32))

    def post(
        self,
        body: dict | bytes,
        *,
        key: str | None = "fast-key-0001",
        csrf_header: object = SAME_AS_COOKIE,
        origin: str | None = None,
        extra: dict[str, str] | None = None,
    ) -> Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        cookies = [f"csrftoken={self.csrf_secret}"]
        if self.session_key:
            cookies.append(f"sessionid={self.session_key}")
        headers = {"Content-Type": "application/json", "Cookie": "; ".join(cookies)}
        if csrf_header is SAME_AS_COOKIE:
            headers["X-CSRFToken"] = self.csrf_secret
        elif csrf_header is not None:
            headers["X-CSRFToken"] = str(csrf_header)
        if key is not None:
            headers["Idempotency-Key"] = key
        if origin is not None:
            headers["Origin"] = origin
        headers.update(extra or {})
        return self.request("POST", URL, raw, headers)

    def request(self, method: str, path: str, body: bytes, headers: dict[str, str]) -> Response:
        parts = urlsplit(self.base_url)
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers=headers)
            answer = connection.getresponse()
            return Response(
                status=answer.status,
                headers={name.lower(): value for name, value in answer.getheaders()},
                body=answer.read(),
                header_list=[(name.lower(), value) for name, value in answer.getheaders()],
            )
        finally:
            connection.close()


@dataclass
class FastPath:
    """The server's base URL and what the fast path's writer did."""

    base_url: str
    # One entry per apply the writer ran: "applied" or "delegated" (handed to Django).
    outcomes: list[str] = field(default_factory=list)

    def browser(self, user=None) -> Browser:
        return Browser(self.base_url, session_of(user) if user is not None else None)


def _fast_path_app() -> ApplyFastPath:
    from config.asgi import application

    app = application.application_mapping["http"]
    app = getattr(app, "app", app)  # behind daigang.core.body_limit
    assert isinstance(app, ApplyFastPath), "config.asgi must route HTTP through the fast path"
    return app


@pytest.fixture
def fastpath(asgi_server, monkeypatch) -> Iterator[FastPath]:  # noqa: F811
    recorded = FastPath(asgi_server)
    batch_apply = apply_writer.batch_apply

    def spy(batch):
        results = batch_apply(batch)
        recorded.outcomes += [
            "delegated" if result is apply_writer.DELEGATE else "applied" for result in results
        ]
        return results

    monkeypatch.setattr(apply_writer, "batch_apply", spy)
    yield recorded
    # The writer's connection must not outlive the test (PostgreSQL drops the test database).
    _fast_path_app().close()
