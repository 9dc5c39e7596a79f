"""Builders and WebSocket helpers for the chat and hub tests.

Functions, not fixtures, so each test's `# given` block says what it builds. Async scenarios
run with `run(...)` (asgiref's async_to_sync: a fresh event loop, so a fresh hub, per call).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import itertools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.conf import settings
from django.test import Client
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, User
from daigang.live.chat_db import live_db_close
from daigang.live.models import ChatMessage, Room

_serial = itertools.count(1)
ORIGIN = (b"origin", b"http://localhost")


def organisation_make() -> Organisation:
    now = timezone.now()
    return Organisation.objects.create(
        name="东莞电子厂",
        kind=Organisation.Kind.COMPANY,
        uscc=f"91441900CHAT{next(_serial):06d}",
        contact_name="陈主管",
        contact_phone="0769-22223333",
        address="广东省东莞市长安镇",
        status=Organisation.Status.VERIFIED,
        verified_at=now,
        verified_until=now + dt.timedelta(days=180),
    )


def user_make(*, name: str = "", is_staff: bool = False) -> User:
    return User.objects.create_user(phone=f"137{next(_serial):08d}", name=name, is_staff=is_staff)


def room_make(*, organisation: Organisation | None = None, state: str = Room.State.LIVE) -> Room:
    return Room.objects.create(
        organisation=organisation or organisation_make(),
        title="普工直招，包吃住",
        planned_start=timezone.now(),
        state=state,
    )


def member_make(*, organisation: Organisation, name: str = "陈主管") -> User:
    user = user_make(name=name)
    Membership.objects.create(organisation=organisation, user=user, role=Membership.Role.HR)
    return user


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
