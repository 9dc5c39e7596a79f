from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer

from daigang.core.realtime import room_event_message, room_group
from daigang.live import hub as hub_module
from daigang.live.tests.chat_fixtures import (
    communicator,
    events_until,
    joined,
    room_make,
    run,
    send_chat,
    session_cookie,
    user_make,
)


async def _until(predicate, timeout=3.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "timed out"
        await asyncio.sleep(0.01)


@pytest.mark.django_db(transaction=True)
def test_events_published_within_one_tick_reach_each_socket_in_one_frame(monkeypatch):
    # given two viewers, and a tick that only the test triggers
    monkeypatch.setattr(hub_module, "TICK_SECONDS", 3600)
    room = room_make()

    async def scenario():
        viewers = [communicator(room.pk), communicator(room.pk)]
        for comm in viewers:
            await joined(comm)
        hub = hub_module.hub_get()
        layer = get_channel_layer()
        # when three events are published before the tick
        for n in range(3):
            await layer.group_send(
                room_group(room.pk),
                room_event_message(room_id=room.pk, kind="chat", data={"id": n, "text": f"{n}"}),
            )
        await _until(lambda: len(hub.rooms[room.pk].pending) == 3)
        await hub.flush()
        frames = [await comm.receive_json_from(timeout=2) for comm in viewers]
        quiet = [await comm.receive_nothing(timeout=0.2) for comm in viewers]
        for comm in viewers:
            await comm.disconnect()
        return frames, quiet

    frames, quiet = run(scenario)

    # then each socket got ONE frame holding all three, and nothing else
    for frame in frames:
        assert [e["data"]["id"] for e in frame["events"]] == [0, 1, 2]
    assert quiet == [True, True]


def test_a_tick_serialises_once_and_sends_the_same_text_to_every_socket():
    # given a hub with three sockets in a room (no channel layer needed for this)
    sent: list[list[dict]] = [[], [], []]

    async def scenario():
        hub = hub_module.RoomHub()
        hub.layer = None
        sockets = []
        for box in sent:

            async def send(message, box=box):
                box.append(message)

            socket = await hub.join(room_id=7, send=send)
            hub.start(socket, {"type": "websocket.send", "text": "{}"})
            sockets.append(socket)
        # when a tick flushes two pending events
        hub.rooms[7].pending.extend([{"kind": "chat", "data": {"id": 1}}, {"kind": "pin"}])
        await hub.flush()
        for socket in sockets:
            await hub.leave(socket)

    run(scenario)

    # then every socket got the very same text object, holding both events
    texts = [box[1]["text"] for box in sent]
    assert texts[0] is texts[1] is texts[2]
    assert texts[0] == '{"events":[{"kind":"chat","data":{"id":1}},{"kind":"pin"}]}'


@pytest.mark.django_db(transaction=True)
def test_a_chat_message_reaches_every_viewer_within_a_quarter_second():
    # given a sender and three viewers, with the real tick
    room = room_make()
    cookie = session_cookie(user_make())

    async def scenario():
        sender = communicator(room.pk, cookie=cookie)
        viewers = [communicator(room.pk) for _ in range(3)]
        for comm in [sender, *viewers]:
            await joined(comm)
        loop = asyncio.get_running_loop()
        # when one message is sent
        await send_chat(sender, "明天还有直播吗")
        await events_until(sender, "chat")
        stored_at = loop.time()
        arrivals = []
        for comm in viewers:
            events = await events_until(comm, "chat", timeout=1)
            arrivals.append(loop.time() - stored_at)
            assert events[-1]["data"]["text"] == "明天还有直播吗"
        for comm in [sender, *viewers]:
            await comm.disconnect()
        return arrivals

    arrivals = run(scenario)

    # then every viewer has it within the tick (≤ 250 ms) of the sender seeing it
    assert max(arrivals) < 0.25
