"""A client may close its peer connection before it sends DELETE (a common order): the session
outlives its connection until DELETE or the publisher's grace, and DELETE still ends it."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, Viewer, http, room_state_wait, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


async def room_state(room: Room) -> str:
    return await asyncio.to_thread(lambda: Room.objects.get(pk=room.pk).state)


def _publisher_connection_lost(room_id: int) -> bool:
    relayed = relay_get().rooms.get(room_id)
    return relayed is not None and relayed.publisher is None


def _viewers(room_id: int) -> int:
    relayed = relay_get().rooms.get(room_id)
    return 0 if relayed is None else len(relayed.viewers)


def test_delete_after_the_publisher_closed_its_connection_is_answered_and_the_room_waits(
    asgi_server, settings
):
    # given a publisher on air, with a long grace
    settings.STREAM_PUBLISHER_GRACE_SECONDS = 60
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        await publisher.start()
        await wait_until(lambda: publisher.pc.connectionState == "connected", 10)
        await room_state_wait(room.pk, Room.State.LIVE)
        # when it closes its connection, the relay notices, and only then it sends DELETE
        await publisher.pc.close()
        lost = await wait_until(lambda: _publisher_connection_lost(room.pk), 10)
        assert publisher.location is not None
        deleted = await http("DELETE", publisher.location)
        interrupted = await room_state_wait(room.pk, Room.State.INTERRUPTED)
        return lost, deleted, interrupted

    lost, deleted, interrupted = asyncio.run(scenario())

    # then the DELETE is honoured; the room is interrupted (only the anchor ends it)
    assert lost
    assert deleted.status == 200
    assert interrupted


def test_delete_after_the_viewer_closed_its_connection_is_answered_200(asgi_server):
    # given a live room with a viewer
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    async def scenario():
        await publisher.start()
        await viewer.start()
        await wait_until(lambda: viewer.pc.connectionState == "connected", 10)
        # when the viewer closes first, then sends DELETE
        await viewer.close()
        gone = await wait_until(lambda: _viewers(room.pk) == 0, 10)
        assert viewer.location is not None
        deleted = await http("DELETE", viewer.location)
        again = await http("DELETE", viewer.location)
        await publisher.stop()
        return gone, deleted, again

    gone, deleted, again = asyncio.run(scenario())

    # then
    assert gone
    assert deleted.status == 200
    assert again.status == 404  # a session DELETE ends once
