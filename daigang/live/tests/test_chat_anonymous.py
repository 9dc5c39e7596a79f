from __future__ import annotations

import pytest

from daigang.accounts.testing import user_make
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
def test_anonymous_viewer_receives_chat_but_cannot_send():
    # given an anonymous viewer and a logged-in one in the same room
    room = room_make(state=Room.State.LIVE)
    cookie = session_cookie(user_make())

    async def scenario():
        anonymous = communicator(room.pk)
        member = communicator(room.pk, cookie=cookie)
        anonymous_join = await joined(anonymous)
        await joined(member)
        # when the anonymous one tries to send, and the logged-in one sends
        await send_chat(anonymous, "我也想问")
        refused = await events_until(anonymous, "error")
        await send_chat(member, "工资怎么算")
        received = await events_until(anonymous, "chat")
        await anonymous.disconnect()
        await member.disconnect()
        return anonymous_join, refused, received

    anonymous_join, refused, received = run(scenario)

    # then the anonymous one is told to log in, stored nothing, and still gets the chat
    assert anonymous_join["hello"]["can_send"] is False
    error = next(e["data"] for e in refused if e["kind"] == "error")
    assert error["code"] == "login_required"
    assert "登录" in error["message"]
    assert [e["data"]["text"] for e in received if e["kind"] == "chat"] == ["工资怎么算"]
    assert list(ChatMessage.objects.values_list("text", flat=True)) == ["工资怎么算"]


@pytest.mark.django_db(transaction=True)
def test_logged_in_viewer_is_told_they_can_send():
    room = room_make(state=Room.State.LIVE)
    cookie = session_cookie(user_make())

    async def scenario():
        comm = communicator(room.pk, cookie=cookie)
        events = await joined(comm)
        await comm.disconnect()
        return events

    assert run(scenario)["hello"]["can_send"] is True


@pytest.mark.django_db(transaction=True)
def test_a_frame_that_is_not_a_chat_message_gets_an_error_not_a_crash():
    room = room_make(state=Room.State.LIVE)
    cookie = session_cookie(user_make())

    async def scenario():
        comm = communicator(room.pk, cookie=cookie)
        await joined(comm)
        await comm.send_to(text_data="not json")
        events = await events_until(comm, "error")
        await comm.disconnect()
        return events

    assert run(scenario)[0]["data"]["code"] == "invalid"
