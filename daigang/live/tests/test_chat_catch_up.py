from __future__ import annotations

import pytest

from daigang.accounts.testing import user_make
from daigang.live import chat
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import communicator, joined, messages_make, run


@pytest.mark.django_db(transaction=True)
def test_reconnecting_client_gets_only_the_messages_after_the_last_id_it_saw():
    # given a client that saw messages up to the 3rd, then lost its connection
    room = room_make(state=Room.State.LIVE)
    stored = messages_make(room=room, user=user_make(), count=8)
    last_seen = stored[2].pk

    # when it reconnects with ?after=<that id>
    async def scenario():
        comm = communicator(room.pk, after=last_seen)
        events = await joined(comm)
        await comm.disconnect()
        return events

    history = run(scenario)["history"]

    # then it gets exactly the five newer ones, in order
    assert [m["id"] for m in history["messages"]] == [m.pk for m in stored[3:]]
    assert history["after"] == last_seen
    assert history["complete"] is True


@pytest.mark.django_db(transaction=True)
def test_catch_up_after_a_long_absence_is_capped_to_the_newest_messages(monkeypatch):
    # given more missed messages than the cap
    monkeypatch.setattr(chat, "CATCH_UP_MAX", 5)
    room = room_make(state=Room.State.LIVE)
    stored = messages_make(room=room, user=user_make(), count=12)

    # when
    history = chat.chat_history(room_id=room.pk, after=stored[0].pk)

    # then the newest five come, oldest first, marked incomplete
    assert [m["id"] for m in history["messages"]] == [m.pk for m in stored[-5:]]
    assert history["complete"] is False


@pytest.mark.django_db(transaction=True)
def test_a_bad_after_value_is_treated_as_a_fresh_join():
    room = room_make(state=Room.State.LIVE)
    messages_make(room=room, user=user_make(), count=3)

    async def scenario():
        comm = communicator(room.pk)
        comm.scope["query_string"] = b"after=abc"
        events = await joined(comm)
        await comm.disconnect()
        return events

    history = run(scenario)["history"]

    assert len(history["messages"]) == 3
    assert history["after"] is None
