"""A configured STUN/TURN server that does not answer must not hold up every WHIP/WHEP POST
for aioice's 5 s gathering timeout: the relay leaves it out until it answers again."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from aioice import stun

from daigang.live.testing import room_make
from daigang.streaming import ice
from daigang.streaming.loop import relay_loop, relay_run_sync
from daigang.streaming.testing import Publisher, Viewer

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


def udp_port_nobody_listens_on() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class StunServer(asyncio.DatagramProtocol):
    """Answers every Binding request with the address it came from."""

    def connection_made(self, transport) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr) -> None:
        request = stun.parse_message(data)
        response = stun.Message(
            message_method=stun.Method.BINDING,
            message_class=stun.Class.RESPONSE,
            transaction_id=request.transaction_id,
        )
        response.attributes["XOR-MAPPED-ADDRESS"] = addr
        self.transport.sendto(bytes(response), addr)


def test_a_stun_server_that_does_not_answer_does_not_slow_down_the_posts(asgi_server, settings):
    # given a relay that has served a first room (it starts on first use)
    warm_up = room_make()
    first = Publisher(f"{asgi_server}/stream/rooms/{warm_up.pk}/whip", warm_up.stream_key)
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    viewers = [Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep") for _ in range(2)]

    async def timed(start):
        began = time.monotonic()
        response = await start()
        return response.status, time.monotonic() - began

    async def scenario():
        await first.start()
        await first.stop()
        # and a STUN server on an address where nothing answers
        settings.WEBRTC_ICE_SERVERS = [f"stun:127.0.0.1:{udp_port_nobody_listens_on()}"]
        # when
        answers = [await timed(publisher.start)]
        answers += [await timed(viewer.start) for viewer in viewers]
        for viewer in viewers:
            await viewer.stop()
        await publisher.stop()
        return answers

    answers = asyncio.run(scenario())

    # then each is well under aioice's 5 s STUN timeout, and the relay leaves the server out
    assert [status for status, _ in answers] == [201, 201, 201]
    assert all(seconds < 2.0 for _, seconds in answers), answers
    assert relay_run_sync(ice.rtc_configuration_answering()).iceServers == []


def test_a_stun_server_that_answers_is_used(asgi_server, settings):
    # given a STUN server that answers
    transport, _ = relay_run_sync(
        relay_loop().create_datagram_endpoint(StunServer, local_addr=("127.0.0.1", 0))
    )
    url = f"stun:127.0.0.1:{transport.get_extra_info('sockname')[1]}"
    settings.WEBRTC_ICE_SERVERS = [url]
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    # when
    async def scenario():
        response = await publisher.start()
        await publisher.stop()
        return response

    try:
        response = asyncio.run(scenario())
        used = [
            server.urls for server in relay_run_sync(ice.rtc_configuration_answering()).iceServers
        ]
    finally:
        relay_loop().call_soon_threadsafe(transport.close)

    # then
    assert response.status == 201
    assert used == [url]
    assert " typ srflx" in response.body
