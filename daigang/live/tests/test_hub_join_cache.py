from __future__ import annotations

import pytest
from channels.layers import get_channel_layer

from daigang.accounts.testing import user_make
from daigang.core.realtime import room_event_message, room_group
from daigang.live import chat
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import (
    communicator,
    events_until,
    joined,
    messages_make,
    run,
    send_chat,
    session_cookie,
)


@pytest.fixture
def database_joins(monkeypatch):
    """Counts the joins that had to read the database."""
    calls = []
    real = chat.chat_join_with_history

    def counted(**kwargs):
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(chat, "chat_join_with_history", counted)
    return calls


@pytest.mark.django_db(transaction=True)
def test_later_joins_in_a_process_are_served_from_memory_and_include_new_messages(
    database_joins,
):
    # given a room with history and a first viewer in this process
    room = room_make(state=Room.State.LIVE)
    messages_make(room=room, user=user_make(), count=55)
    cookie = session_cookie(user_make())

    async def scenario():
        first = communicator(room.pk, cookie=cookie)
        await joined(first)
        # when a message is sent and then more viewers join
        await send_chat(first, "新消息")
        await events_until(first, "chat")
        later = [communicator(room.pk) for _ in range(3)]
        histories = [(await joined(comm))["history"] for comm in later]
        for comm in [first, *later]:
            await comm.disconnect()
        return histories

    histories = run(scenario)

    # then only the first join read the database, and every later one saw the last 50,
    # ending with the new message
    assert len(database_joins) == 1
    for history in histories:
        texts = [m["text"] for m in history["messages"]]
        assert len(texts) == 50
        assert texts[-1] == "新消息"
        assert texts[0] == "第7条"
        assert history["complete"] is False


@pytest.mark.django_db(transaction=True)
def test_a_reconnect_older_than_the_memory_reads_the_database(database_joins):
    room = room_make(state=Room.State.LIVE)
    stored = messages_make(room=room, user=user_make(), count=60)

    async def scenario():
        first = communicator(room.pk)
        await joined(first)
        old = communicator(room.pk, after=stored[2].pk)
        history = (await joined(old))["history"]
        for comm in (first, old):
            await comm.disconnect()
        return history

    history = run(scenario)

    assert len(database_joins) == 2
    assert [m["id"] for m in history["messages"]] == [m.pk for m in stored[3:]]


@pytest.mark.django_db(transaction=True)
def test_a_state_change_reaches_the_memory_so_later_joiners_see_it(database_joins):
    room = room_make(state="live")

    async def scenario():
        first = communicator(room.pk)
        await joined(first)
        await get_channel_layer().group_send(
            room_group(room.pk),
            room_event_message(room_id=room.pk, kind="state", data={"state": "ended"}),
        )
        await events_until(first, "state")
        later = communicator(room.pk, cookie=session_cookie_later)
        hello = (await joined(later))["hello"]
        for comm in (first, later):
            await comm.disconnect()
        return hello

    session_cookie_later = session_cookie(user_make())
    hello = run(scenario)

    assert hello["state"] == "ended"
    assert hello["can_send"] is False
    assert len(database_joins) == 1
