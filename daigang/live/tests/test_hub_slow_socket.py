from __future__ import annotations

import asyncio

from daigang.live import hub as hub_module
from daigang.live.hub import delivery
from daigang.live.tests.chat_fixtures import run


def _event(n: int) -> dict:
    return {"kind": "chat", "data": {"id": n}}


def _fast(box: list):
    async def send(message):
        box.append(message)

    return send


def _gated(box: list, gate: asyncio.Event):
    async def send(message):
        await gate.wait()
        box.append(message)

    return send


def test_a_socket_that_is_not_reading_does_not_hold_up_the_others():
    fast_box: list = []
    slow_box: list = []

    async def scenario():
        # given a fast and a stalled socket in a room
        gate = asyncio.Event()
        hub = hub_module.RoomHub()
        hub.layer = None
        fast = await hub.join(room_id=1, send=_fast(fast_box))
        slow = await hub.join(room_id=1, send=_gated(slow_box, gate))
        hub.start(fast, {"type": "websocket.send", "text": "join"})
        hub.start(slow, {"type": "websocket.send", "text": "join"})
        # when three ticks go by
        for n in range(3):
            hub.rooms[1].publish([_event(n)])
            await hub.flush()
        fast_count_at_once = len(fast_box)
        # and the stalled one starts reading again
        gate.set()
        for _ in range(20):
            await asyncio.sleep(0)
        await hub.leave(fast)
        await hub.leave(slow)
        return fast_count_at_once

    fast_count_at_once = run(scenario)

    # then the fast one had every frame without waiting, and the slow one got them all in order
    assert fast_count_at_once == 4
    assert [m["text"] for m in slow_box] == [m["text"] for m in fast_box]


def test_a_socket_too_far_behind_is_dropped_and_closed(monkeypatch):
    monkeypatch.setattr(delivery, "SOCKET_QUEUE_MAX", 3)
    slow_box: list = []

    async def scenario():
        # given a stalled socket
        gate = asyncio.Event()
        hub = hub_module.RoomHub()
        hub.layer = None
        keep = await hub.join(room_id=1, send=_fast([]))
        slow = await hub.join(room_id=1, send=_gated(slow_box, gate))
        hub.start(keep, {"type": "websocket.send", "text": "join"})
        hub.start(slow, {"type": "websocket.send", "text": "join"})
        # when more frames pile up than a socket may hold
        for n in range(6):
            hub.rooms[1].publish([_event(n)])
            await hub.flush()
        still_in_room = slow in hub.rooms[1].sockets
        gate.set()
        for _ in range(20):
            await asyncio.sleep(0)
        await hub.leave(keep)
        await hub.leave(slow)
        return still_in_room

    still_in_room = run(scenario)

    # then it was taken out of the room, and closed (4008) once its blocked send went through
    assert still_in_room is False
    assert slow_box[-1] == {"type": "websocket.close", "code": hub_module.CLOSE_TOO_SLOW}
    assert len(slow_box) == 2  # the join frame, then the close


def test_a_socket_that_waits_too_long_for_its_join_frame_is_let_go(monkeypatch):
    monkeypatch.setattr(delivery, "JOINING_EVENTS_MAX", 2)

    async def scenario():
        # given a viewer in the room and a socket whose join frame has not gone out
        hub = hub_module.RoomHub()
        hub.layer = None
        keep = await hub.join(room_id=1, send=_fast([]))
        hub.start(keep, {"type": "websocket.send", "text": "join"})
        joining = await hub.join(room_id=1, send=_fast([]))
        # when more events are logged meanwhile than it may wait through
        hub.rooms[1].publish([_event(n) for n in range(3)])
        await hub.flush()
        in_room = joining in hub.rooms[1].sockets
        started = hub.start(joining, {"type": "websocket.send", "text": "join"})
        await hub.leave(keep)
        await hub.leave(joining)
        return in_room, started

    in_room, started = run(scenario)

    # then the hub let it go, and tells the consumer to close it
    assert (in_room, started) == (False, False)
