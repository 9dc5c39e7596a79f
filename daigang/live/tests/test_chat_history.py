from __future__ import annotations

import pytest

from daigang.accounts.testing import user_make
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import communicator, joined, messages_make, run


@pytest.mark.django_db(transaction=True)
def test_joining_viewer_gets_the_last_50_messages_oldest_first():
    # given
    room = room_make(state=Room.State.LIVE)
    stored = messages_make(room=room, user=user_make(name="张三"), count=60)

    # when
    async def scenario():
        comm = communicator(room.pk)
        events = await joined(comm)
        await comm.disconnect()
        return events

    events = run(scenario)

    # then
    history = events["history"]
    assert [m["text"] for m in history["messages"]] == [m.text for m in stored[10:]]
    assert history["complete"] is False
    assert events["hello"]["room_id"] == room.pk


@pytest.mark.django_db(transaction=True)
def test_joining_a_quiet_room_gets_an_empty_complete_history():
    room = room_make(state=Room.State.LIVE)

    async def scenario():
        comm = communicator(room.pk)
        events = await joined(comm)
        await comm.disconnect()
        return events

    history = run(scenario)["history"]

    assert history == {"messages": [], "after": None, "complete": True}


@pytest.mark.django_db(transaction=True)
def test_joining_a_room_that_does_not_exist_is_told_so_and_closed():
    async def scenario():
        comm = communicator(999_999)
        await comm.connect(timeout=5)
        frame = await comm.receive_json_from(timeout=5)
        closed = await comm.receive_output(timeout=5)
        await comm.disconnect()
        return frame, closed

    frame, closed = run(scenario)

    assert frame["events"][0]["data"]["code"] == "room_not_found"
    assert closed == {"type": "websocket.close", "code": 4404}
