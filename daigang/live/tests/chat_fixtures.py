"""WebSocket helpers (and a message builder) for the chat and hub tests; rooms and users
come from daigang.live.testing and daigang.accounts.testing.

Functions, not fixtures, so each test's `# given` block says what it builds. Async scenarios
run with `run(...)` (asgiref's async_to_sync: a fresh event loop, so a fresh hub, per call).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client

from daigang.accounts.models import User
from daigang.live.chat_db import live_db_close
from daigang.live.models import ChatMessage, Room

ORIGIN = (b"origin", b"http://localhost")


def messages_make(*, room: Room, user: User, count: int) -> list[ChatMessage]:
    return ChatMessage.objects.bulk_create(
        ChatMessage(room=room, user=user, text=f"第{i}条") for i in range(1, count + 1)
    )


def session_cookie(user: User) -> bytes:
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}".encode()


def communicator(
    room_id: int,
    *,
    cookie: bytes | None = None,
    after: int | None = None,
    address: str | None = None,
) -> WebsocketCommunicator:
    """A room socket; `address` is the client address the server sees (none by default)."""
    from config.asgi import application

    path = f"/ws/rooms/{room_id}/"
    if after is not None:
        path += f"?after={after}"
    headers = [ORIGIN]
    if cookie:
        headers.append((b"cookie", cookie))
    comm = WebsocketCommunicator(application, path, headers=headers)
    if address is not None:
        # The application reads its scope when it first runs, after this.
        comm.scope["client"] = [address, 40000]
    return comm


async def joined(comm: WebsocketCommunicator) -> dict[str, Any]:
    """Connect and return the join frame's events by kind (`hello`, `history`)."""
    connected, _ = await comm.connect(timeout=5)
    assert connected
    frame = json.loads(await comm.receive_from(timeout=5))
    return {event["kind"]: event["data"] for event in frame["events"]}


async def next_events(comm: WebsocketCommunicator, timeout: float = 3) -> list[dict[str, Any]]:
    """The events of the next frame."""
    return json.loads(await comm.receive_from(timeout=timeout))["events"]


async def events_until(
    comm: WebsocketCommunicator, kind: str, timeout: float = 3
) -> list[dict[str, Any]]:
    """Read frames until one carries an event of `kind`; return that frame's events."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        events = await next_events(comm, timeout=max(0.05, deadline - loop.time()))
        if any(event["kind"] == kind for event in events):
            return events


async def send_chat(comm: WebsocketCommunicator, text: str, token: str = "") -> None:
    await comm.send_to(text_data=json.dumps({"kind": "chat", "text": text, "token": token}))


def run(scenario: Callable[[], Awaitable[Any]]) -> Any:
    """Run an async scenario; then close the live database thread's connection, which would
    otherwise hold the test database open (PostgreSQL cannot drop a database in use)."""

    async def scenario_then_close() -> Any:
        try:
            return await scenario()
        finally:
            await live_db_close()

    return async_to_sync(scenario_then_close)()
