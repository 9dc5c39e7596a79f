"""A session id is only good on its own path: a WHIP session deleted through /whep/ is left
alone (404), and the room stays on air."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, Viewer, http, room_state_wait, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


def test_deleting_a_publisher_session_on_the_whep_path_is_404_and_keeps_it_on_air(asgi_server):
    # given a publisher on air
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        await publisher.start()
        await wait_until(lambda: publisher.pc.connectionState == "connected", 10)
        await room_state_wait(room.pk, Room.State.LIVE)
        assert publisher.location is not None
        session_id = publisher.location.rsplit("/", 1)[1]
        # when
        wrong = await http("DELETE", f"{asgi_server}/stream/rooms/{room.pk}/whep/{session_id}")
        await asyncio.sleep(0.3)
        relayed = relay_get().rooms.get(room.pk)
        on_air = relayed is not None and relayed.publisher is not None
        state = await asyncio.to_thread(lambda: Room.objects.get(pk=room.pk).state)
        right = await publisher.stop()
        return wrong, on_air, state, right

    wrong, on_air, state, right = asyncio.run(scenario())

    # then
    assert wrong.status == 404
    assert on_air
    assert state == Room.State.LIVE
    assert right is not None and right.status == 200


def test_deleting_a_viewer_session_on_the_whip_path_is_404_and_keeps_it_watching(asgi_server):
    # given a viewer watching
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    async def scenario():
        await publisher.start()
        await viewer.start()
        assert viewer.location is not None
        session_id = viewer.location.rsplit("/", 1)[1]
        # when
        wrong = await http("DELETE", f"{asgi_server}/stream/rooms/{room.pk}/whip/{session_id}")
        relayed = relay_get().rooms.get(room.pk)
        watching = relayed is not None and session_id in relayed.viewers
        right = await viewer.stop()
        await publisher.stop()
        return wrong, watching, right

    wrong, watching, right = asyncio.run(scenario())

    # then
    assert wrong.status == 404
    assert watching
    assert right is not None and right.status == 200
