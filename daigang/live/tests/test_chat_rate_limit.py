from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from daigang.accounts.testing import user_make
from daigang.core.refused import Refused
from daigang.live import chat
from daigang.live.models import ChatMessage, Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import (
    communicator,
    events_until,
    joined,
    run,
    send_chat,
    session_cookie,
)


@pytest.mark.django_db(transaction=True)
def test_second_message_within_two_seconds_is_refused_with_a_notice_and_later_ones_pass():
    # given a logged-in viewer in a room, on a clock the test controls
    room = room_make(state=Room.State.LIVE)
    cookie = session_cookie(user_make(name="李四"))

    with time_machine.travel(timezone.now(), tick=False) as clock:

        async def scenario():
            comm = communicator(room.pk, cookie=cookie)
            await joined(comm)
            # when they send twice at once
            await send_chat(comm, "老板，包住吗？")
            first = await events_until(comm, "chat")
            clock.shift(dt.timedelta(seconds=1.5))
            await send_chat(comm, "几点上班？")
            refused = await events_until(comm, "error")
            # and again once two seconds have passed since the first
            clock.shift(dt.timedelta(seconds=0.5))
            await send_chat(comm, "几点上班？")
            third = await events_until(comm, "chat")
            await comm.disconnect()
            return first, refused, third

        first, refused, third = run(scenario)

    # then the second is refused with a clear notice and the third goes through
    assert [e["data"]["text"] for e in first if e["kind"] == "chat"] == ["老板，包住吗？"]
    error = next(e["data"] for e in refused if e["kind"] == "error")
    assert error["code"] == "rate_limited"
    assert "太快" in error["message"]
    assert 0 < error["retry_after_ms"] <= 500
    assert [e["data"]["text"] for e in third if e["kind"] == "chat"] == ["几点上班？"]
    assert list(ChatMessage.objects.values_list("text", flat=True).order_by("id")) == [
        "老板，包住吗？",
        "几点上班？",
    ]


@pytest.mark.django_db(transaction=True)
def test_the_limit_is_kept_in_the_database_so_a_second_connection_cannot_skip_it():
    # given the same user on two sockets (as if served by two processes)
    room = room_make(state=Room.State.LIVE)
    user = user_make()
    now = timezone.now()
    chat.chat_message_send(room_id=room.pk, user=user, text="你好", now=now)

    # when the other socket sends within the interval
    with pytest.raises(Refused) as refused:
        chat.chat_message_send(
            room_id=room.pk, user=user, text="你好2", now=now + dt.timedelta(seconds=1)
        )

    # then it is refused, and nothing new is stored
    assert refused.value.code == "rate_limited"
    assert ChatMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_limit_is_per_room():
    user = user_make()
    first_room, second_room = room_make(state=Room.State.LIVE), room_make(state=Room.State.LIVE)
    now = timezone.now()

    chat.chat_message_send(room_id=first_room.pk, user=user, text="在吗", now=now)
    chat.chat_message_send(room_id=second_room.pk, user=user, text="在吗", now=now)

    assert ChatMessage.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_refused_text_does_not_use_up_the_slot():
    room = room_make(state=Room.State.LIVE)
    user = user_make()
    now = timezone.now()

    with pytest.raises(Refused):
        chat.chat_message_send(room_id=room.pk, user=user, text="   ", now=now)
    chat.chat_message_send(room_id=room.pk, user=user, text="有夫妻房吗", now=now)

    assert ChatMessage.objects.count() == 1
