"""Watching by WHEP: a viewer of a live room gets moving pictures and sound."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, Viewer, http

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


def whip_url(base, room):
    return f"{base}/stream/rooms/{room.pk}/whip"


def whep_url(base, room):
    return f"{base}/stream/rooms/{room.pk}/whep"


def test_a_viewer_decodes_video_frames_with_advancing_timestamps_and_audio(asgi_server):
    # given
    room = room_make()
    publisher = Publisher(whip_url(asgi_server, room), token=room.stream_key)
    viewer = Viewer(whep_url(asgi_server, room))

    async def scenario():
        await publisher.start()
        # when
        response = await viewer.start()
        received = await viewer.wait_for(video=15, audio=25)
        left = await viewer.stop()
        await publisher.pc.close()
        return response, received, left

    response, received, left = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert response.headers["Content-Type"] == "application/sdp"
    assert response.headers["Location"].startswith(f"{whep_url(asgi_server, room)}/")
    assert "VP8/90000" in response.body and "opus/48000/2" in response.body
    assert "H264" not in response.body  # one codec for all: the shared encode
    assert received, (len(viewer.video_pts), viewer.audio_frames)
    assert viewer.video_sizes == {(640, 480)}
    steps = [b - a for a, b in itertools.pairwise(viewer.video_pts)]
    assert all(step > 0 for step in steps)
    assert left.status == 200


def test_two_viewers_both_receive(asgi_server):
    # given
    room = room_make()
    publisher = Publisher(whip_url(asgi_server, room), token=room.stream_key)
    viewers = [Viewer(whep_url(asgi_server, room)) for _ in range(2)]

    async def scenario():
        await publisher.start()
        # when
        for viewer in viewers:
            await viewer.start()
        received = [await viewer.wait_for(video=10, audio=10) for viewer in viewers]
        for viewer in viewers:
            await viewer.close()
        await publisher.pc.close()
        return received

    # then
    assert asyncio.run(scenario()) == [True, True]


def test_a_publisher_scaled_down_to_480_lines_for_viewers(asgi_server):
    # given
    room = room_make()
    publisher = Publisher(
        whip_url(asgi_server, room), token=room.stream_key, width=1280, height=720
    )
    viewer = Viewer(whep_url(asgi_server, room))

    async def scenario():
        await publisher.start()
        # when
        await viewer.start()
        received = await viewer.wait_for(video=5)
        await viewer.close()
        await publisher.pc.close()
        return received

    # then
    assert asyncio.run(scenario())
    assert viewer.video_sizes == {(854, 480)}


def test_leaving_twice_is_harmless_the_second_delete_is_404(asgi_server):
    # given
    room = room_make()
    publisher = Publisher(whip_url(asgi_server, room), token=room.stream_key)
    viewer = Viewer(whep_url(asgi_server, room))

    async def scenario():
        await publisher.start()
        await viewer.start()
        # when
        first = await http("DELETE", viewer.location)
        second = await http("DELETE", viewer.location)
        await viewer.close()
        await publisher.pc.close()
        return first, second

    first, second = asyncio.run(scenario())

    # then
    assert (first.status, second.status) == (200, 404)
