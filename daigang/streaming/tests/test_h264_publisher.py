"""OBS sends H.264 by default: the relay accepts it and viewers get the shared VP8."""

from __future__ import annotations

import asyncio

import pytest

from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, Viewer

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


def test_an_h264_publisher_reaches_viewers_as_vp8(asgi_server):
    # given
    room = room_make()
    base = f"{asgi_server}/stream/rooms/{room.pk}"
    publisher = Publisher(f"{base}/whip", token=room.stream_key, video_codec="video/H264")
    viewer = Viewer(f"{base}/whep")

    async def scenario():
        # when
        published = await publisher.start()
        watched = await viewer.start()
        received = await viewer.wait_for(video=10, audio=10)
        await viewer.close()
        await publisher.pc.close()
        return published, watched, received

    published, watched, received = asyncio.run(scenario())

    # then
    assert published.status == 201
    assert "H264/90000" in published.body and "VP8" not in published.body
    assert "VP8/90000" in watched.body and "H264" not in watched.body
    assert received
