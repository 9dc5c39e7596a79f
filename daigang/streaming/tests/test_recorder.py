"""A room's recording: the relay's own VP8/Opus packets muxed into a WebM that plays and seeks,
continued across a publisher's reconnect, and written by the relay for a real publisher."""

from __future__ import annotations

import asyncio
import fractions
import itertools
import threading
import time
from pathlib import Path

import av
import pytest

from daigang.live import replays
from daigang.live.lifecycle import room_end
from daigang.live.models import Replay, Room
from daigang.live.testing import room_make
from daigang.streaming.media import AudioEncoder, RelayCounters, VideoEncoder
from daigang.streaming.recorder import (
    Recorder,
    RecordingHooks,
    opus_packet_samples,
    vp8_keyframe_size,
)
from daigang.streaming.relay import relay_get
from daigang.streaming.testing import Publisher, room_state_wait, wait_until

TIME_BASE = fractions.Fraction(1, 90_000)


def video_frame(pts: int, shade: int) -> av.VideoFrame:
    frame = av.VideoFrame(640, 360, "yuv420p")
    for plane, value in zip(frame.planes, (shade, 128, 128), strict=True):
        plane.update(bytes([value]) * plane.buffer_size)
    frame.pts, frame.time_base = pts, TIME_BASE
    return frame


def audio_frame() -> av.AudioFrame:
    frame = av.AudioFrame(format="s16", layout="stereo", samples=960)
    frame.sample_rate = 48_000
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    return frame


class Written:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.results: list = []

    def hooks(self) -> RecordingHooks:
        return RecordingHooks(
            begin=lambda: (1, self.path), finish=lambda _id, result: self.results.append(result)
        )


def record(recorder: Recorder, encoders, *, seconds: float, source_start: int) -> None:
    """What the relay's pumps hand the recorder for `seconds` of a publisher's media."""
    video, audio = encoders
    video.segment_start()
    recorder.segment_mark()
    for index in range(int(seconds * 30)):
        for packet in video.encode(video_frame(source_start + 3_000 * index, index % 200)):
            recorder.push_video(packet)
        if index % 3 != 2:  # 20 ms of audio per 33 ms frame, about
            for packet in audio.encode(audio_frame()):
                recorder.push_audio(packet)


@pytest.fixture
def encoders():
    counters = RelayCounters()
    return VideoEncoder(counters=counters, keyframe_interval=2.0), AudioEncoder(counters=counters)


def test_a_vp8_keyframe_header_gives_the_picture_size_and_an_interframe_none(encoders):
    video, _ = encoders
    packets = video.encode(video_frame(0, 10), True)
    later = video.encode(video_frame(3_000, 11))

    assert vp8_keyframe_size(bytes(packets[0])) == (640, 360)
    assert vp8_keyframe_size(bytes(later[0])) is None


def test_an_opus_packets_length_is_read_from_its_toc_byte(encoders):
    _, audio = encoders
    packets = [p for _ in range(3) for p in audio.encode(audio_frame())]
    assert packets and {opus_packet_samples(bytes(p)) for p in packets} == {960}
    assert opus_packet_samples(bytes([(1 << 3) | 1])) == 2 * 960  # SILK 20 ms, two frames
    assert opus_packet_samples(bytes([(16 << 3) | 3, 4])) == 4 * 120  # CELT 2.5 ms, four
    assert opus_packet_samples(b"") == 0


def test_the_relays_packets_make_a_webm_that_plays_and_seeks_to_a_keyframe(tmp_path, encoders):
    # given a recorder fed what the relay encoded: 4 s of video and audio
    written = Written(tmp_path / "room-1" / "replay.webm")
    recorder = Recorder(hooks=written.hooks())
    # when
    record(recorder, encoders, seconds=4, source_start=90_000)
    recorder.close()
    recorder.join(10)

    # then the file is complete: both streams, its duration, and a seek lands on a keyframe
    [result] = written.results
    assert result.ok and 3.8 <= result.duration <= 4.1
    assert result.size == written.path.stat().st_size > 10_000
    with av.open(str(written.path)) as container:
        assert container.format.name.startswith("matroska")
        kinds = sorted((s.type, s.codec_context.name) for s in container.streams)
        assert kinds == [("audio", "opus"), ("video", "vp8")]
        assert 3.8 <= container.duration / 1_000_000 <= 4.2
        video = container.streams.video[0]
        assert (video.codec_context.width, video.codec_context.height) == (640, 360)
        container.seek(int(3.0 / video.time_base), stream=video)
        first = next(container.decode(video))
        assert first.key_frame and 1.9 <= float(first.time) <= 3.1


def test_a_publisher_back_after_an_interruption_continues_the_same_file(tmp_path, encoders):
    # given 2 s recorded, then the publisher gone for a while
    written = Written(tmp_path / "replay.webm")
    recorder = Recorder(hooks=written.hooks())
    record(recorder, encoders, seconds=2, source_start=0)
    time.sleep(0.3)
    # when a new publisher (its own clock from zero again) sends 2 s more
    record(recorder, encoders, seconds=2, source_start=0)
    recorder.close()
    recorder.join(10)

    # then one file of ~4 s without a gap, and the second segment noted where it starts
    [result] = written.results
    assert result.ok and 3.8 <= result.duration <= 4.1
    assert len(result.segments) == 2
    (wall_1, at_1), (wall_2, at_2) = result.segments
    assert at_1 == 0 and 1.9 <= at_2 <= 2.1 and wall_2 - wall_1 >= 0.3
    with av.open(str(written.path)) as container:
        times = [float(frame.time) for frame in container.decode(video=0)]
    assert len(times) == 120 and times == sorted(times) and times[-1] < 4.1


def test_nothing_is_written_when_no_recording_is_wanted(tmp_path, encoders):
    # given the database says no (replays off, the room gone)
    finished = []
    recorder = Recorder(hooks=RecordingHooks(begin=lambda: None, finish=finished.append))
    # when
    record(recorder, encoders, seconds=0.5, source_start=0)
    recorder.close()
    recorder.join(10)
    # then
    assert finished == [] and list(tmp_path.iterdir()) == []


def test_a_stalled_disk_costs_a_gap_in_the_replay_not_the_relays_memory(tmp_path, encoders):
    # given a recorder whose disk stalls at the start, with room for 8 kB of packets (about 1 s here)
    stalled = threading.Event()
    written = Written(tmp_path / "replay.webm")

    def begin() -> tuple[int, Path]:
        stalled.wait(10)
        return 1, written.path

    hooks = RecordingHooks(begin=begin, finish=lambda _id, result: written.results.append(result))
    recorder = Recorder(hooks=hooks, queue_max_bytes=8_000)
    try:
        # when 3 s of media arrive while it is stalled
        record(recorder, encoders, seconds=3, source_start=0)
        # then no more than the bound waits, and the rest is counted as dropped
        assert recorder.queued_bytes <= 8_000
        assert recorder.dropped > 0
        # when the disk comes back, and the publisher reconnects for 3 s more
        stalled.set()
        deadline = time.monotonic() + 10
        while recorder.queued_bytes and time.monotonic() < deadline:
            time.sleep(0.02)
        record(recorder, encoders, seconds=3, source_start=0)
    finally:
        stalled.set()
        recorder.close()
        recorder.join(10)
    # then the replay holds the start and what came after the next keyframe, with a gap
    [result] = written.results
    assert result.ok and result.dropped == recorder.dropped
    with av.open(str(written.path)) as container:
        times = [float(frame.time) for frame in container.decode(video=0)]
    gap, after = max((b - a, b) for a, b in itertools.pairwise(times))
    assert times[0] == 0 and times == sorted(times) and 5.5 < times[-1] < 6.1
    assert gap > 1.0 and after >= 2.9  # it picks up again no sooner than the publisher came back


@pytest.mark.webrtc
@pytest.mark.usefixtures("relay_reset", "relay_mode")
def test_the_relay_records_a_room_through_an_interruption_into_one_ready_replay(
    asgi_server, settings
):
    # given a room recorded by the relay (in this process or its own)
    settings.REPLAYS_ENABLED = True
    room = room_make()
    url = f"{asgi_server}/stream/rooms/{room.pk}/whip"
    first, again = Publisher(url, token=room.stream_key), Publisher(url, token=room.stream_key)

    async def scenario():
        await first.start()
        await room_state_wait(room.pk, Room.State.LIVE)
        await asyncio.sleep(2)
        await first.pc.close()
        await room_state_wait(room.pk, Room.State.INTERRUPTED)
        await asyncio.sleep(1)
        # the publisher comes back within the grace
        await again.start()
        await room_state_wait(room.pk, Room.State.LIVE)
        await asyncio.sleep(2)
        # when the anchor ends the room
        await asyncio.to_thread(lambda: room_end(room=Room.objects.get(pk=room.pk)))
        await wait_until(lambda: room.pk not in relay_get().rooms, 10)

        def ready():
            return Replay.objects.filter(room=room, state=Replay.State.READY).exists()

        for _ in range(100):
            if await asyncio.to_thread(ready):
                break
            await asyncio.sleep(0.1)
        await again.pc.close()

    asyncio.run(scenario())

    # then one replay, ready, with both segments, that plays without the interruption's gap
    [replay] = Replay.objects.filter(room=room)
    assert replay.state == Replay.State.READY
    assert 2.5 <= replay.duration <= 6.5
    assert len(replay.segments) == 2
    path = replays.replay_path(replay)
    assert replay.size == path.stat().st_size
    with av.open(str(path)) as container:
        frames = sum(1 for _ in container.decode(video=0))
        assert frames >= 60


@pytest.mark.django_db
def test_a_relay_starting_fails_the_recordings_its_killed_predecessor_left_unfinished():
    # given two rooms' recordings left "recording", one placed on relay 0 of 2, one on relay 1
    from daigang.streaming import services

    rooms = [room_make(), room_make()]
    mine, other = sorted(rooms, key=lambda room: room.pk % 2)
    Replay.objects.create(room=mine, file="a.webm")
    Replay.objects.create(room=other, file="b.webm")
    # when relay 0 starts
    services.relay_rooms_orphaned_interrupt(index=0, relays=2)
    # then only its room's recording is failed
    assert Replay.objects.get(room=mine).state == Replay.State.FAILED
    assert Replay.objects.get(room=other).state == Replay.State.RECORDING
