"""A client that announces no ICE candidate (a browser on a loopback-only host) still connects."""

from __future__ import annotations

import asyncio

import pytest
from aiortc import RTCConfiguration, RTCPeerConnection, RTCSessionDescription

from daigang.live.testing import room_make
from daigang.streaming.testing import PatternVideoTrack, http, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


def without_candidates(sdp):
    lines = [line for line in sdp.split("\r\n") if not line.startswith("a=candidate:")]
    return "\r\n".join(lines)


def test_a_publisher_offering_no_candidates_connects_through_its_checks(asgi_server):
    # given
    room = room_make()

    async def scenario():
        # Made inside the loop: aiortc's sender looks the current loop up when created.
        pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pc.addTransceiver(PatternVideoTrack(), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        # when
        response = await http(
            "POST",
            f"{asgi_server}/stream/rooms/{room.pk}/whip",
            without_candidates(pc.localDescription.sdp),
            {"Content-Type": "application/sdp", "Authorization": f"Bearer {room.stream_key}"},
        )
        await pc.setRemoteDescription(RTCSessionDescription(sdp=response.body, type="answer"))
        connected = await wait_until(lambda: pc.connectionState == "connected", 10)
        await pc.close()
        return response, connected

    response, connected = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert connected
