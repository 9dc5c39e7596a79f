"""Going live by WHIP: POST an offer with the stream key (the room goes live when its media
arrives), DELETE to stop (the room is interrupted, not ended)."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, room_state_wait, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


def test_whip_post_with_the_stream_key_answers_201_with_sdp_and_location_and_room_goes_live(
    asgi_server,
):
    # given
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        # when
        response = await publisher.start()
        connected = await wait_until(lambda: publisher.pc.connectionState == "connected", 10)
        on_air = await room_state_wait(room.pk, Room.State.LIVE)
        await publisher.pc.close()
        return response, connected, on_air

    response, connected, on_air = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert response.headers["Content-Type"] == "application/sdp"
    assert response.body.startswith("v=0")
    assert "a=candidate:" in response.body and " 127.0.0.1 " in response.body
    assert response.headers["Location"].startswith(f"{asgi_server}/stream/rooms/{room.pk}/whip/")
    assert connected
    assert on_air
    room.refresh_from_db()
    assert room.started_at is not None


def test_whip_delete_ends_the_session_and_interrupts_the_room_which_can_go_live_again(
    asgi_server,
):
    # given a room on air
    room = room_make()
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    publisher = Publisher(url, token=room.stream_key)
    again = Publisher(url, token=room.stream_key)

    async def scenario():
        await publisher.start()
        await room_state_wait(room.pk, Room.State.LIVE)
        # when its publisher stops (OBS's "Stop streaming", the console reloaded)
        deleted = await publisher.stop()
        second_delete = await publisher_delete_again(publisher.location)
        interrupted = await room_state_wait(room.pk, Room.State.INTERRUPTED)
        # and publishes again
        restarted = await again.start()
        back = await room_state_wait(room.pk, Room.State.LIVE)
        await again.stop()
        return deleted, second_delete, interrupted, restarted, back

    deleted, second_delete, interrupted, restarted, back = asyncio.run(scenario())

    # then the room waited, and went back on air
    assert deleted.status == 200
    assert second_delete.status == 404
    assert interrupted
    assert restarted.status == 201
    assert back
    room.refresh_from_db()
    assert room.ended_at is None


def test_a_publisher_whose_connection_never_comes_up_leaves_the_room_scheduled(asgi_server):
    # given a publisher that sends its offer but never completes the connection
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        await publisher.start()
        await publisher.pc.close()  # the answer is in, no media will ever flow
        await asyncio.sleep(1.5)
        return await asyncio.to_thread(lambda: Room.objects.get(pk=room.pk).state)

    # when
    state = asyncio.run(scenario())

    # then viewers were never told the room is live
    assert state == Room.State.SCHEDULED


async def publisher_delete_again(location):
    from daigang.streaming.testing import http

    return await http("DELETE", location)


def test_a_second_publisher_while_one_is_live_gets_409(asgi_server):
    # given
    room = room_make()
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    first = Publisher(url, token=room.stream_key)
    second = Publisher(url, token=room.stream_key)

    async def scenario():
        await first.start()
        await room_state_wait(room.pk, Room.State.LIVE)
        # when
        response = await second.start()
        await second.pc.close()
        await first.pc.close()
        return response

    response = asyncio.run(scenario())

    # then
    assert response.status == 409
    assert "已有推流" in response.body


@pytest.mark.parametrize("token", [None, "not-the-key"])
def test_whip_without_the_right_stream_key_gets_401_and_the_room_stays_scheduled(
    asgi_server, token
):
    # given
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=token)

    async def scenario():
        response = await publisher.start()
        await publisher.pc.close()
        return response

    # when
    response = asyncio.run(scenario())

    # then
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    room.refresh_from_db()
    assert room.state == Room.State.SCHEDULED
