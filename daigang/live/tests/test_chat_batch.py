from __future__ import annotations

import asyncio

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from daigang.accounts.testing import user_make
from daigang.live import chat, moderation
from daigang.live.chat_writer import chat_writer_get
from daigang.live.models import ChatMessage, Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import run


@pytest.mark.django_db(transaction=True)
def test_a_batch_answers_each_send_on_its_own():
    # given a batch with a good message, an empty one, an anonymous one and a double send
    from django.contrib.auth.models import AnonymousUser

    room = room_make(state=Room.State.LIVE)
    alice, bob = user_make(), user_make()
    sends = [
        chat.ChatSend(alice, "几号发工资"),
        chat.ChatSend(bob, "   "),
        chat.ChatSend(AnonymousUser(), "我也问"),
        chat.ChatSend(alice, "再问一句"),
        chat.ChatSend(bob, "有宿舍吗"),
    ]

    # when
    results = chat.chat_messages_send(room_id=room.pk, sends=sends, now=timezone.now())

    # then each gets its own answer, in order
    assert isinstance(results[0], ChatMessage) and results[0].text == "几号发工资"
    assert results[1].code == "empty"
    assert results[2].code == "login_required"
    assert results[3].code == "rate_limited"
    assert isinstance(results[4], ChatMessage) and results[4].text == "有宿舍吗"
    assert list(ChatMessage.objects.order_by("id").values_list("text", flat=True)) == [
        "几号发工资",
        "有宿舍吗",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_batch_costs_the_same_statements_whatever_its_size():
    room = room_make(state=Room.State.LIVE)
    now = timezone.now()
    # The room's moderation rules are read once per process, then held in memory.
    moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id)

    def statements(count: int) -> int:
        sends = [chat.ChatSend(user_make(), f"消息{n}") for n in range(count)]
        with CaptureQueriesContext(connection) as queries:
            chat.chat_messages_send(room_id=room.pk, sends=sends, now=now)
        return len(queries.captured_queries)

    assert statements(2) == statements(20)


@pytest.mark.django_db(transaction=True)
def test_messages_sent_together_are_stored_in_order_and_all_answered():
    # given ten viewers sending at the same moment through the process's writer
    room = room_make(state=Room.State.LIVE)
    users = [user_make() for _ in range(10)]

    async def scenario():
        writer = chat_writer_get()
        return await asyncio.gather(
            *(writer.send(room_id=room.pk, user=u, text=f"第{n}个") for n, u in enumerate(users))
        )

    messages = run(scenario)

    # then every one is stored, each sender gets their own message back
    assert [m.text for m in messages] == [f"第{n}个" for n in range(10)]
    assert ChatMessage.objects.count() == 10


@pytest.mark.django_db(transaction=True)
def test_the_same_token_twice_in_one_batch_is_stored_once():
    room = room_make(state=Room.State.LIVE)
    user = user_make()
    sends = [chat.ChatSend(user, "包吃吗", "tok-1"), chat.ChatSend(user, "包吃吗", "tok-1")]

    first, again = chat.chat_messages_send(room_id=room.pk, sends=sends, now=timezone.now())

    assert first is again
    assert ChatMessage.objects.count() == 1
