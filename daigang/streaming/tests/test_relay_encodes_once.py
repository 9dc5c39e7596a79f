"""The relay encodes each frame once, for every viewer: encoder work does not grow with viewers."""

from __future__ import annotations

import asyncio
import threading

import pytest
from aiortc.codecs import H264Encoder, OpusEncoder, Vp8Encoder

from daigang.live.testing import room_make
from daigang.streaming.loop import EXECUTOR_THREAD_PREFIX, relay_await
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, Viewer

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


@pytest.fixture
def per_viewer_encodes(monkeypatch):
    """Calls into aiortc's own encoders made by the relay's senders (the stock way: per viewer)."""
    calls = []
    for encoder in (Vp8Encoder, H264Encoder, OpusEncoder):

        def counting(self, frame, force_keyframe=False, _original=encoder.encode):
            if threading.current_thread().name.startswith(EXECUTOR_THREAD_PREFIX):
                calls.append(type(self).__name__)
            return _original(self, frame, force_keyframe)

        monkeypatch.setattr(encoder, "encode", counting)
    return calls


async def counters(room_id):
    async def read():
        return relay_get().stats(room_id)["counters"]

    return await relay_await(read())


async def window(room_id, seconds=2.0):
    before = await counters(room_id)
    await asyncio.sleep(seconds)
    after = await counters(room_id)
    return {key: after[key] - before[key] for key in after}


def test_encoder_work_does_not_grow_with_the_number_of_viewers(asgi_server, per_viewer_encodes):
    # given
    room = room_make()
    base = f"{asgi_server}/stream/rooms/{room.pk}"
    publisher = Publisher(f"{base}/whip", token=room.stream_key)
    viewers = [Viewer(f"{base}/whep") for _ in range(4)]

    async def scenario():
        await publisher.start()
        await viewers[0].start()
        assert await viewers[0].wait_for(video=10, audio=10)
        one = await window(room.pk)
        # when
        for viewer in viewers[1:]:
            await viewer.start()
        for viewer in viewers:
            assert await viewer.wait_for(video=len(viewer.video_pts) + 10, audio=10)
        four = await window(room.pk)
        for viewer in viewers:
            await viewer.close()
        await publisher.pc.close()
        return one, four

    one, four = asyncio.run(scenario())

    # then: one encode per source frame and the same audio work, with 1 viewer or 4 ...
    for measured in (one, four):
        assert measured["video_frames_encoded"] >= 40  # ~60 frames in 2 s at 30 fps
        # (a frame may be in the encoder when the window opens or closes)
        handled = measured["video_frames_encoded"] + measured["video_frames_skipped"]
        assert abs(handled - measured["video_frames_in"]) <= 1
    assert four["video_frames_encoded"] <= one["video_frames_encoded"] * 1.25
    assert four["audio_packets_encoded"] <= one["audio_packets_encoded"] * 1.25
    # ... while the fan-out grew with the viewers (not a full 4x: on a starved CPU a viewer
    # whose queue overflows skips to the next keyframe, by design) ...
    assert four["packets_fanned_out"] >= 2.5 * one["packets_fanned_out"]
    # ... and no per-viewer encoder (aiortc's, in the relay's senders) ever ran.
    assert per_viewer_encodes == []
