"""Chat moderation on the room's sockets: what is held back reaches no one else, a deletion
reaches everyone, a mute reaches the muted viewer at once."""

from __future__ import annotations

import pytest
from channels.db import database_sync_to_async

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, user_make
from daigang.live import moderation
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

pytestmark = pytest.mark.django_db(transaction=True)


def _room():
    room = room_make(state=Room.State.LIVE)
    anchor = member_make(organisation=room.organisation, role=Membership.Role.ANCHOR)
    room.anchors.add(anchor)
    return room, anchor


def test_a_held_message_never_reaches_another_viewers_socket():
    # given two viewers in a room
    room, _anchor = _room()
    sender, other = user_make(name="张三"), user_make(name="李四")

    cookies = session_cookie(sender), session_cookie(other)

    async def scenario():
        a = communicator(room.pk, cookie=cookies[0])
        b = communicator(room.pk, cookie=cookies[1])
        await joined(a)
        await joined(b)
        # when the first posts a phone number, then an ordinary line
        await send_chat(a, "加我 一三七 1234 5678")
        held = await events_until(a, "error")
        await send_chat(b, "几点上班？")  # b's own line, after the held one
        seen_by_b = await events_until(b, "chat")
        await a.disconnect()
        await b.disconnect()
        return held, seen_by_b

    held, seen_by_b = run(scenario)

    # then the sender is told why, and the other viewer's next chat is not it
    error = next(e["data"] for e in held if e["kind"] == "error")
    assert error["code"] == "contact_held"
    texts = [e["data"]["text"] for e in seen_by_b if e["kind"] == "chat"]
    assert texts == ["几点上班？"]
    assert list(ChatMessage.objects.values_list("text", flat=True)) == ["几点上班？"]


def test_a_deleted_message_is_removed_on_every_socket():
    # given a viewer's message seen by two sockets
    room, anchor = _room()
    viewer, other = user_make(name="张三"), user_make(name="李四")

    cookies = session_cookie(viewer), session_cookie(other)

    async def scenario():
        a = communicator(room.pk, cookie=cookies[0])
        b = communicator(room.pk, cookie=cookies[1])
        await joined(a)
        await joined(b)
        await send_chat(a, "这家是骗子")
        chat_event = next(e for e in await events_until(b, "chat") if e["kind"] == "chat")
        await events_until(a, "chat")
        # when the anchor deletes it
        await database_sync_to_async(moderation.chat_message_delete)(
            room=room, message_id=chat_event["data"]["id"], by=anchor
        )
        deleted = [await events_until(s, "chat_deleted") for s in (a, b)]
        # and a socket joining afterwards does not get it in its history
        c = communicator(room.pk)
        history = (await joined(c))["history"]
        for socket in (a, b, c):
            await socket.disconnect()
        return chat_event["data"]["id"], deleted, history

    message_id, deleted, history = run(scenario)

    # then every socket is told to remove it
    for events in deleted:
        assert {"kind": "chat_deleted", "data": {"id": message_id}} in events
    assert history["messages"] == []


def test_a_muted_viewer_is_told_on_their_socket_and_their_next_message_is_refused():
    # given a viewer who has chatted, and another viewer
    room, anchor = _room()
    viewer, other = user_make(name="张三"), user_make(name="李四")

    cookies = session_cookie(viewer), session_cookie(other)

    async def scenario():
        a = communicator(room.pk, cookie=cookies[0])
        b = communicator(room.pk, cookie=cookies[1])
        await joined(a)
        await joined(b)
        await send_chat(a, "刷屏刷屏")
        chat_event = next(e for e in await events_until(a, "chat") if e["kind"] == "chat")
        await events_until(b, "chat")
        # when the anchor mutes them for the session
        await database_sync_to_async(moderation.viewer_mute)(
            room=room, message_id=chat_event["data"]["id"], by=anchor, duration="session"
        )
        told = await events_until(a, "muted")
        # then their next message is refused
        await send_chat(a, "为什么禁我")
        refused = await events_until(a, "error")
        await send_chat(b, "主播好")
        seen_by_b = await events_until(b, "chat")
        await a.disconnect()
        await b.disconnect()
        return told, refused, seen_by_b

    told, refused, seen_by_b = run(scenario)

    assert "本场直播" in next(e["data"]["message"] for e in told if e["kind"] == "muted")
    assert next(e["data"]["code"] for e in refused if e["kind"] == "error") == "muted"
    assert [e["data"]["text"] for e in seen_by_b if e["kind"] == "chat"] == ["主播好"]
