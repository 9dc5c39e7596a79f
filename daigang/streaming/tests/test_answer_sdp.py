"""What the relay's SDP answers say beyond what aiortc writes (RFC 9725 4.2)."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, Viewer

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


def media_sections(sdp: str) -> list[list[str]]:
    sections: list[list[str]] = []
    for line in sdp.split("\r\n"):
        if line.startswith("m="):
            sections.append([line])
        elif sections:
            sections[-1].append(line)
    return sections


def test_every_bundled_media_section_of_the_answers_is_rtcp_mux_only(asgi_server):
    # given
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    # when
    async def scenario():
        published = await publisher.start()
        watched = await viewer.start()
        await viewer.stop()
        await publisher.stop()
        return published, watched

    published, watched = asyncio.run(scenario())

    # then
    for response in (published, watched):
        assert response.status == 201
        sections = media_sections(response.body)
        assert len(sections) == 2
        for section in sections:
            assert "a=rtcp-mux" in section
            assert "a=rtcp-mux-only" in section
