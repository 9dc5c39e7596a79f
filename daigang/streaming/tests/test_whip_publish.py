"""Going live by WHIP: POST an offer with the stream key, DELETE to stop (the room ends)."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


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
        await publisher.pc.close()
        return response, connected

    response, connected = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert response.headers["Content-Type"] == "application/sdp"
    assert response.body.startswith("v=0")
    assert "a=candidate:" in response.body and " 127.0.0.1 " in response.body
    assert response.headers["Location"].startswith(f"{asgi_server}/stream/rooms/{room.pk}/whip/")
    assert connected
    room.refresh_from_db()
    assert room.state == Room.State.LIVE
    assert room.started_at is not None


def test_whip_delete_ends_the_session_and_the_room(asgi_server):
    # given
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        await publisher.start()
        # when
        deleted = await publisher.stop()
        again = await publisher_delete_again(publisher.location)
        return deleted, again

    deleted, again = asyncio.run(scenario())

    # then
    assert deleted.status == 200
    room.refresh_from_db()
    assert room.state == Room.State.ENDED
    assert room.ended_at is not None
    assert again.status == 404


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
        # when
        response = await second.start()
        await second.pc.close()
        await first.pc.close()
        return response

    response = asyncio.run(scenario())

    # then
    assert response.status == 409
    assert "已有推流" in response.body
    room.refresh_from_db()
    assert room.state == Room.State.LIVE


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
