"""A publisher that drops without DELETE interrupts the room: viewers wait over the last
picture, a publisher coming back puts them on it again, and the room never ends by itself
before LIVE_ROOM_END_AFTER_HOURS."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, Viewer, room_state_wait, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


async def room_state(room):
    return await asyncio.to_thread(lambda: Room.objects.get(pk=room.pk).state)


def test_a_dropped_publisher_interrupts_the_room_which_stays_interrupted_after_the_grace(
    asgi_server, settings
):
    # given a room on air
    settings.STREAM_PUBLISHER_GRACE_SECONDS = 1
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        await publisher.start()
        on_air = await room_state_wait(room.pk, Room.State.LIVE)
        # when the connection goes away without a DELETE
        await publisher.pc.close()
        interrupted = await room_state_wait(room.pk, Room.State.INTERRUPTED)
        released = await wait_until(lambda: room.pk not in relay_get().rooms, 10)
        await asyncio.sleep(0.5)
        return on_air, interrupted, released, await room_state(room)

    on_air, interrupted, released, final = asyncio.run(scenario())

    # then the relay let the room go after the grace, but the room is not ended
    assert on_air and interrupted and released
    assert final == Room.State.INTERRUPTED


def test_an_interrupted_room_goes_live_again_long_after_the_grace(asgi_server, settings):
    # given a room whose publisher dropped and whose grace is over
    settings.STREAM_PUBLISHER_GRACE_SECONDS = 1
    room = room_make()
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    first = Publisher(url, token=room.stream_key)
    again = Publisher(url, token=room.stream_key)

    async def scenario():
        await first.start()
        await room_state_wait(room.pk, Room.State.LIVE)
        await first.pc.close()
        await room_state_wait(room.pk, Room.State.INTERRUPTED)
        await wait_until(lambda: room.pk not in relay_get().rooms, 10)
        # when the anchor publishes again
        response = await again.start()
        back = await room_state_wait(room.pk, Room.State.LIVE)
        await again.stop()
        return response, back

    response, back = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert back


def test_a_viewer_waiting_through_an_interruption_gets_the_picture_back_without_reconnecting(
    asgi_server, settings
):
    # given a viewer watching a room on air
    settings.STREAM_PUBLISHER_GRACE_SECONDS = 30
    room = room_make()
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    first = Publisher(url, token=room.stream_key)
    again = Publisher(url, token=room.stream_key)
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    async def scenario():
        await first.start()
        await viewer.start()
        watching = await viewer.wait_for(video=10)
        # when the publisher drops, and comes back
        await first.pc.close()
        await room_state_wait(room.pk, Room.State.INTERRUPTED)
        before = len(viewer.video_pts)
        await again.start()
        back = await room_state_wait(room.pk, Room.State.LIVE)
        resumed = await wait_until(lambda: len(viewer.video_pts) > before + 10, 15)
        still_connected = viewer.pc.connectionState == "connected"
        await viewer.stop()
        await again.stop()
        return watching, back, resumed, still_connected

    watching, back, resumed, still_connected = asyncio.run(scenario())

    # then the same viewer session decodes new frames
    assert watching and back
    assert resumed
    assert still_connected
