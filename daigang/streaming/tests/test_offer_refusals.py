"""An offer the relay cannot use is refused with a 4xx before anything goes live (RFC 9725
section 4.2), and an answer the client could never reach is a 5xx with the reason."""

from __future__ import annotations

import asyncio
import logging

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import PatternVideoTrack, Publisher, Viewer, http, room_state_wait

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]

JUNK_OFFER = "v=0\r\njunk\r\n"


def whip_post(base: str, room: Room, sdp: str):
    return http(
        "POST",
        f"{base}/stream/rooms/{room.pk}/whip",
        sdp,
        {"Content-Type": "application/sdp", "Authorization": f"Bearer {room.stream_key}"},
    )


async def offer_of(*directions: tuple[str, str]) -> str:
    pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
    for kind, direction in directions:
        track = PatternVideoTrack() if kind == "video" and direction != "recvonly" else kind
        pc.addTransceiver(track, direction=direction)
    await pc.setLocalDescription(await pc.createOffer())
    sdp = pc.localDescription.sdp
    await pc.close()
    return sdp


def state_of(room: Room) -> str:
    return Room.objects.get(pk=room.pk).state


@pytest.mark.parametrize(
    "offer",
    [
        pytest.param(lambda: JUNK_OFFER, id="v=0 and junk"),
        pytest.param(lambda: offer_of(("video", "recvonly")), id="only recvonly video"),
        pytest.param(
            lambda: offer_of(("video", "inactive"), ("audio", "recvonly")), id="nothing to send"
        ),
    ],
)
def test_a_whip_offer_with_nothing_to_publish_is_refused_and_the_room_stays_scheduled(
    asgi_server, offer
):
    # given
    room = room_make()

    async def scenario():
        sdp = offer()
        if asyncio.iscoroutine(sdp):
            sdp = await sdp
        # when
        return await whip_post(asgi_server, room, sdp)

    response = asyncio.run(scenario())

    # then
    assert response.status in (400, 422)
    assert response.body
    assert state_of(room) == Room.State.SCHEDULED
    assert room.pk not in relay_get().rooms or relay_get().rooms[room.pk].publisher is None


def test_a_whep_offer_with_nothing_to_receive_is_refused(asgi_server):
    # given a live room
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        await publisher.start()
        await room_state_wait(room.pk, Room.State.LIVE)
        sdp = await offer_of(("video", "sendonly"))
        # when
        response = await http(
            "POST",
            f"{asgi_server}/stream/rooms/{room.pk}/whep",
            sdp,
            {"Content-Type": "application/sdp"},
        )
        viewers = len(relay_get().rooms[room.pk].viewers)
        await publisher.stop()
        return response, viewers

    response, viewers = asyncio.run(scenario())

    # then
    assert response.status in (400, 422)
    assert viewers == 0


def test_an_answer_without_candidates_is_a_server_error_with_the_reason(
    asgi_server, settings, caplog
):
    # given host addresses that are not this machine's (a mis-set WEBRTC_HOST_ADDRESSES)
    settings.WEBRTC_HOST_ADDRESSES = ["192.0.2.1"]
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    # when
    async def scenario():
        published = await publisher.start()
        await publisher.pc.close()
        await asyncio.to_thread(Room.objects.filter(pk=room.pk).update, state=Room.State.LIVE)
        watched = await viewer.start()
        await viewer.close()
        return published, watched

    with caplog.at_level(logging.ERROR, logger="daigang.streaming"):
        published, watched = asyncio.run(scenario())

    # then
    for response in (published, watched):
        assert 500 <= response.status < 600
        assert "WEBRTC_HOST_ADDRESSES" in response.body
    assert Room.objects.get(pk=room.pk).started_at is None  # never went live by itself
    assert "WEBRTC_HOST_ADDRESSES" in caplog.text
