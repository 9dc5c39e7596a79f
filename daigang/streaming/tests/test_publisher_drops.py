"""A publisher that drops without DELETE: the room waits a grace period for it, then ends."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


async def room_state(room):
    return await asyncio.to_thread(lambda: Room.objects.get(pk=room.pk).state)


def test_a_dropped_publisher_that_does_not_return_ends_the_room_after_the_grace(
    asgi_server, settings
):
    # given
    settings.STREAM_PUBLISHER_GRACE_SECONDS = 1
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        await publisher.start()
        await wait_until(lambda: publisher.pc.connectionState == "connected", 10)
        # when: the connection goes away without a DELETE
        await publisher.pc.close()
        live_meanwhile = await room_state(room)
        states = []

        async def ended():
            states.append(await room_state(room))
            return states[-1] == Room.State.ENDED

        deadline = asyncio.get_running_loop().time() + 10
        while not await ended() and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        return live_meanwhile, states[-1]

    live_meanwhile, final = asyncio.run(scenario())

    # then
    assert live_meanwhile == Room.State.LIVE
    assert final == Room.State.ENDED


def test_a_publisher_reconnecting_within_the_grace_keeps_the_room_live(asgi_server, settings):
    # given
    settings.STREAM_PUBLISHER_GRACE_SECONDS = 1
    room = room_make()
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    first = Publisher(url, token=room.stream_key)
    again = Publisher(url, token=room.stream_key)

    async def scenario():
        await first.start()
        await wait_until(lambda: first.pc.connectionState == "connected", 10)
        await first.pc.close()
        # when: OBS reconnects (its first attempts may still meet the old session: 409)
        response = None
        for _ in range(20):
            response = await again.start()
            if response.status == 201:
                break
            await again.pc.close()
            await asyncio.sleep(0.1)
        await asyncio.sleep(2)  # past the grace of the first session
        state = await room_state(room)
        await again.pc.close()
        return response, state

    response, state = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert state == Room.State.LIVE
