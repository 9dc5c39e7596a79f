from __future__ import annotations

import asyncio

import pytest
from channels.layers import get_channel_layer

from daigang.accounts.testing import user_make
from daigang.core.realtime import room_event_message, room_group
from daigang.live import hub as hub_module
from daigang.live.hub import delivery, loops
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import (
    communicator,
    events_until,
    joined,
    run,
    send_chat,
    session_cookie,
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
    monkeypatch.setattr(loops, "TICK_SECONDS", 3600)
    room = room_make(state=Room.State.LIVE)

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
        await _until(lambda: len(hub.rooms[room.pk].log) == 3)
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
        hub, sockets = await _hub_with_started_sockets(7, sent, join_text="{}")
        # when a round flushes two logged events
        hub.rooms[7].publish([{"kind": "chat", "data": {"id": 1}}, {"kind": "pin"}])
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
    room = room_make(state=Room.State.LIVE)
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


def test_an_event_logged_mid_round_reaches_the_later_chunks_in_the_same_round(monkeypatch):
    # given three sockets, sent to one per chunk
    monkeypatch.setattr(delivery, "FLUSH_CHUNK", 1)
    sent: list[list[dict]] = [[], [], []]

    async def scenario():
        hub, sockets = await _hub_with_started_sockets(5, sent, join_text="join")
        room = hub.rooms[5]
        # when event 1 is logged, a round starts, and event 2 arrives after its first chunk
        room.publish([{"kind": "chat", "data": {"id": 1}}])
        round_one = asyncio.ensure_future(hub.flush())
        await asyncio.sleep(0)
        room.publish([{"kind": "chat", "data": {"id": 2}}])
        await round_one
        after_one = [[m["text"] for m in box] for box in sent]
        await hub.flush()
        log_left = len(room.log)
        for socket in sockets:
            await hub.leave(socket)
        return after_one, log_left

    after_one, log_left = run(scenario)

    # then the first socket had event 1 alone, the later two had both in one frame
    one, both = (
        '{"events":[{"kind":"chat","data":{"id":1}}]}',
        ('{"events":[{"kind":"chat","data":{"id":1}},{"kind":"chat","data":{"id":2}}]}'),
    )
    assert after_one == [["join", one], ["join", both], ["join", both]]
    # and the next round brought the first socket event 2; then the log was empty
    texts = [[m["text"] for m in box] for box in sent]
    assert texts[0] == ["join", one, '{"events":[{"kind":"chat","data":{"id":2}}]}']
    assert texts[1:] == [["join", both], ["join", both]]
    assert log_left == 0


def test_a_joining_socket_gets_the_events_logged_since_it_joined_after_its_join_frame():
    box: list[str] = []

    async def scenario():
        hub = hub_module.RoomHub()
        hub.layer = None
        keep = await hub.join(room_id=6, send=_no_send)
        hub.start(keep, {"type": "websocket.send", "text": "join"})

        async def send(message):
            box.append(message["text"])

        # given a socket that joined but has not had its join frame yet
        joining = await hub.join(room_id=6, send=send)
        # when an event is logged and a round goes by
        hub.rooms[6].publish([{"kind": "pin"}])
        await hub.flush()
        before_start = list(box)
        hub.start(joining, {"type": "websocket.send", "text": "join"})
        for socket in (keep, joining):
            await hub.leave(socket)
        return before_start

    before_start = run(scenario)

    # then it got nothing before its join frame, and the event right after it
    assert before_start == []
    assert box == ["join", '{"events":[{"kind":"pin"}]}']


async def _no_send(message):
    pass


async def _hub_with_started_sockets(
    room_id: int, boxes: list[list[dict]], *, join_text: str
) -> tuple[hub_module.RoomHub, list[hub_module.HubSocket]]:
    """A hub without a channel layer, one started socket per box, each recording what it is sent."""
    hub = hub_module.RoomHub()
    hub.layer = None
    sockets = []
    for box in boxes:

        async def send(message, box=box):
            box.append(message)

        socket = await hub.join(room_id=room_id, send=send)
        hub.start(socket, {"type": "websocket.send", "text": join_text})
        sockets.append(socket)
    return hub, sockets
