"""A live room's HLS, started on demand by its playlist being asked for: with the relay in this
process and in its own (the relay writes the files, the web process serves them)."""

from __future__ import annotations

import asyncio
import io
import re
import urllib.request

import av
import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, http, room_state_wait

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset", "relay_mode")]


def _bytes(url: str) -> bytes:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as response:
        return response.read()


def test_asking_for_a_live_rooms_playlist_starts_its_hls_and_the_segments_decode(
    asgi_server, settings
):
    settings.STREAM_HLS = "auto"
    settings.STREAM_HLS_SEGMENT_SECONDS = 1
    # given a live room with fewer WebRTC viewers than the threshold (none)
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    playlist_url = f"{asgi_server}/stream/rooms/{room.pk}/hls/index.m3u8"

    async def scenario():
        await publisher.start()
        assert await room_state_wait(room.pk, Room.State.LIVE)
        # when a player asks for its playlist
        first = await http("GET", playlist_url)
        # then, a few seconds later, it has segments
        deadline = asyncio.get_running_loop().time() + 30
        while True:
            later = await http("GET", playlist_url)
            if later.status == 200 and later.body.count("#EXTINF") >= 2:
                break
            assert asyncio.get_running_loop().time() < deadline, (later.status, later.body)
            await asyncio.sleep(0.5)
        name = re.findall(r"^(seg-\d+\.ts)$", later.body, re.M)[0]
        segment = await asyncio.to_thread(_bytes, playlist_url.replace("index.m3u8", name))
        await publisher.pc.close()
        return first, later, segment

    first, later, segment = asyncio.run(scenario())

    assert first.status == 404 and int(first.headers["Retry-After"]) > 0
    assert later.headers["Cache-Control"] == "public, max-age=1"
    assert "#EXT-X-PROGRAM-DATE-TIME:" in later.body
    with av.open(io.BytesIO(segment)) as container:
        pictures = list(container.decode(video=0))
    assert pictures and pictures[0].key_frame
    assert (pictures[0].width, pictures[0].height) == (640, 480)
