"""With Redis as the channel layer, chat sent while Redis is down is stored AND shown: the
database is the truth, the layer only carries news of it (daigang.core.realtime, the hub's
resync). Each test runs its own redis-server on a free port and kills it; never the shared one.
"""

from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer

from daigang.accounts.testing import user_make
from daigang.core.dependencies import redis_cache_settings, redis_channel_layer_settings
from daigang.core.realtime import room_group, room_resync_message
from daigang.core.testing_faults import private_redis
from daigang.live.models import ChatMessage, Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import (
    communicator,
    joined,
    run,
    send_chat,
    session_cookie,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def redis(settings, tmp_path):
    with private_redis(tmp_path) as server:
        settings.CHANNEL_LAYERS = {
            "default": redis_channel_layer_settings(url=server.url, timeout_s=1)
        }
        settings.CACHES = {"default": redis_cache_settings(url=server.url, timeout_s=1)}
        yield server


async def chats_until(comm, count: int, *, timeout: float = 8) -> tuple[list[dict], list[dict]]:
    """Read frames until `count` chat messages came; (the chat data, any error events)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    chats: list[dict] = []
    errors: list[dict] = []
    while len(chats) < count and not errors:
        frame = await comm.receive_json_from(timeout=max(0.05, deadline - loop.time()))
        for event in frame["events"]:
            if event["kind"] == "chat":
                chats.append(event["data"])
            elif event["kind"] == "error":
                errors.append(event["data"])
    return chats, errors


def test_chat_sent_while_redis_is_down_reaches_the_viewers_and_later_joins(redis):
    # given a room with a sender and a viewer connected through a Redis channel layer
    room = room_make(state=Room.State.LIVE)
    sender = session_cookie(user_make(name="张三"))
    later_sender = session_cookie(user_make(name="李四"))

    async def scenario():
        talking, watching = communicator(room.pk, cookie=sender), communicator(room.pk)
        await joined(talking)
        await joined(watching)
        # when Redis dies and the sender sends
        await asyncio.to_thread(redis.kill)
        await send_chat(talking, "断线时发的", token="t-down")
        to_sender = await chats_until(talking, 1)
        to_viewer = await chats_until(watching, 1)
        # and Redis comes back: a fresh join, a catch-up, and a message sent now
        await asyncio.to_thread(redis.start)
        fresh = communicator(room.pk)
        fresh_history = (await joined(fresh))["history"]
        catch_up = communicator(room.pk, after=0)
        catch_up_history = (await joined(catch_up))["history"]
        again = communicator(room.pk, cookie=later_sender)
        await joined(again)
        await send_chat(again, "恢复后发的")
        after_recovery = await chats_until(watching, 1)
        for comm in (talking, watching, fresh, catch_up, again):
            await comm.disconnect()
        return to_sender, to_viewer, fresh_history, catch_up_history, after_recovery

    to_sender, to_viewer, fresh_history, catch_up_history, after_recovery = run(scenario)

    # then the message was stored, the sender saw it (no "发送失败") and so did the viewer
    stored = ChatMessage.objects.get(room=room, text="断线时发的")
    assert to_sender == ([{**to_sender[0][0]}], [])
    assert to_sender[0][0]["id"] == stored.pk
    assert [m["id"] for m in to_viewer[0]] == [stored.pk] and to_viewer[1] == []
    # and later joins, fresh or catching up, get it with no gap
    assert [m["text"] for m in fresh_history["messages"]] == ["断线时发的"]
    assert [m["text"] for m in catch_up_history["messages"]] == ["断线时发的"]
    assert catch_up_history["complete"] is True
    # and the layer carries chat again once Redis is back
    assert [m["text"] for m in after_recovery[0]] == ["恢复后发的"]


def test_a_resync_sends_a_hubs_viewers_the_messages_another_process_could_not_publish(redis):
    # given a viewer connected, and a message stored by another process whose publish failed
    room = room_make(state=Room.State.LIVE)
    author = user_make(name="王五")

    async def scenario():
        watching = communicator(room.pk)
        seen = (await joined(watching))["history"]
        missed = await asyncio.to_thread(
            ChatMessage.objects.create, room=room, user=author, text="别的进程发的"
        )
        # when that process, with the layer back, asks every hub to resync
        await get_channel_layer().group_send(
            room_group(room.pk), room_resync_message(room_id=room.pk, after=0)
        )
        received = await chats_until(watching, 1)
        await watching.disconnect()
        return seen, missed, received

    seen, missed, received = run(scenario)

    # then the viewer gets the message it missed, read from the database
    assert seen["messages"] == []
    assert [m["id"] for m in received[0]] == [missed.pk]
