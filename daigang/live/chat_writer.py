"""Group commit for chat: a process's chat sends are stored in batches, not one by one.

Consumers hand each message to this process's ChatWriter. While one batch is in the database
thread (daigang.live.chat_db) the next ones queue up, and go together in the next call of
`chat_messages_send`: one transaction, one publish per room. A quiet room therefore waits for
nothing (a lone message is a batch of one), and a busy one costs a few statements per batch
instead of per message, which also keeps the database thread from fighting the event loop
for the GIL once per statement while the hub is sending frames.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import weakref
from typing import Any

from django.utils import timezone

from daigang.core.refused import Refused
from daigang.live import chat
from daigang.live.chat_db import live_db
from daigang.live.models import ChatMessage

logger = logging.getLogger(__name__)

BATCH_MAX = 500


class ChatWriter:
    def __init__(self) -> None:
        self._queue: list[tuple[int, chat.ChatSend, asyncio.Future[Any]]] = []
        self._task: asyncio.Task[None] | None = None

    async def send(
        self,
        *,
        room_id: int,
        user: Any,
        text: Any,
        client_token: str = "",
        received_at: dt.datetime | None = None,
    ) -> ChatMessage:
        """Store and publish one message (with whatever else is waiting); Refused if not.

        `received_at` (default: now) is when the socket received it: the rate limit counts
        from then, however long the message then waited for the database.
        """
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        send = chat.ChatSend(user, text, client_token, sent_at=received_at or timezone.now())
        self._queue.append((room_id, send, future))
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._drain())
        result = await future
        if isinstance(result, Refused):
            raise result
        return result

    async def _drain(self) -> None:
        while self._queue:
            batch, self._queue = self._queue[:BATCH_MAX], self._queue[BATCH_MAX:]
            by_room: dict[int, list[tuple[chat.ChatSend, asyncio.Future[Any]]]] = {}
            for room_id, send, future in batch:
                by_room.setdefault(room_id, []).append((send, future))
            for room_id, items in by_room.items():
                try:
                    results = await live_db(
                        chat.chat_messages_send, room_id=room_id, sends=[s for s, _ in items]
                    )
                except Exception as exc:
                    logger.exception("chat: storing %d messages failed", len(items))
                    for _, future in items:
                        if not future.done():
                            future.set_exception(exc)
                    continue
                for (_, future), result in zip(items, results, strict=True):
                    if not future.done():
                        future.set_result(result)


_writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ChatWriter] = (
    weakref.WeakKeyDictionary()
)


def chat_writer_get() -> ChatWriter:
    """This process's chat writer (one per event loop)."""
    loop = asyncio.get_running_loop()
    writer = _writers.get(loop)
    if writer is None:
        writer = _writers[loop] = ChatWriter()
    return writer
