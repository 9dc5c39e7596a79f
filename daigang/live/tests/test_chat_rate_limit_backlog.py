"""During a stall (the database thread held up, e.g. by a Redis publish waiting its timeout)
a sender's messages queue up; when the backlog drains they are judged by when they were sent,
not refused as a burst because they were all stored at once."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading

import pytest
from django.utils import timezone

from daigang.accounts.testing import user_make
from daigang.core.refused import Refused
from daigang.live.chat_db import live_db
from daigang.live.chat_writer import ChatWriter
from daigang.live.models import ChatMessage, Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import run

pytestmark = pytest.mark.django_db(transaction=True)


def _stall(released: threading.Event) -> None:
    released.wait(10)


def test_messages_sent_apart_but_stored_together_after_a_stall_are_all_kept():
    # given a viewer, and the live database thread stuck
    room = room_make(state=Room.State.LIVE)
    user = user_make(name="赵六")
    released = threading.Event()
    sent = timezone.now() - dt.timedelta(seconds=10)  # received during the stall

    async def scenario():
        writer = ChatWriter()
        stall = asyncio.ensure_future(live_db(_stall, released=released))
        await asyncio.sleep(0.05)
        # when they send three messages 3 s apart, the last too soon after the second
        sends = [
            asyncio.ensure_future(
                writer.send(room_id=room.pk, user=user, text=text, received_at=sent + offset)
            )
            for text, offset in [
                ("第一条", dt.timedelta(0)),
                ("第二条", dt.timedelta(seconds=3)),
                ("第三条", dt.timedelta(seconds=4)),
            ]
        ]
        await asyncio.sleep(0.05)
        # and the thread frees up, storing the backlog in one batch
        released.set()
        await stall
        return await asyncio.gather(*sends, return_exceptions=True)

    results = run(scenario)

    # then the two sent 2 s or more apart are kept; only the one really sent too soon is not
    assert isinstance(results[0], ChatMessage) and isinstance(results[1], ChatMessage)
    assert isinstance(results[2], Refused) and results[2].code == "rate_limited"
    assert list(ChatMessage.objects.filter(room=room).values_list("text", flat=True)) == [
        "第一条",
        "第二条",
    ]
