"""A room ended outside WHIP (the console's button) lets its publisher and viewers go."""

from __future__ import annotations

import asyncio

import pytest
from asgiref.sync import sync_to_async

from daigang.live.lifecycle import room_end
from daigang.live.testing import room_make
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, Viewer, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


def test_ending_the_room_from_the_console_drops_the_relays_publisher_and_viewers(asgi_server):
    # given
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    async def scenario():
        await publisher.start()
        await viewer.start()
        watching = await viewer.wait_for(video=3)
        # when
        await sync_to_async(room_end)(room=room)
        dropped = await wait_until(lambda: room.pk not in relay_get().rooms, 10)
        viewer_left = await viewer.stop()
        publisher_left = await publisher.stop()
        return watching, dropped, viewer_left, publisher_left

    watching, dropped, viewer_left, publisher_left = asyncio.run(scenario())

    # then
    assert watching
    assert dropped
    # Their sessions are gone already: nothing left to DELETE.
    assert viewer_left.status == 404
    assert publisher_left.status == 404
