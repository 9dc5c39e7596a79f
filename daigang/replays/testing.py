"""Replays for tests: a real WebM made the way the relay makes it (VP8 + Opus encoded by
media.py, muxed by the recorder), and its row."""

from __future__ import annotations

import datetime as dt
import fractions
import shutil
import tempfile
from pathlib import Path

import av
from django.utils import timezone

from daigang.live.models import Replay, Room
from daigang.live.replays import replay_path
from daigang.streaming.media import AudioEncoder, RelayCounters, VideoEncoder
from daigang.streaming.recorder import Recorder, RecordingHooks, RecordingResult

_made: dict[float, Path] = {}


def webm_make(path: Path, *, seconds: float = 6.0) -> RecordingResult:
    """`seconds` of a picture that changes shade and silence, keyframes every 2 s."""
    results: list[RecordingResult] = []
    recorder = Recorder(
        hooks=RecordingHooks(begin=lambda: (1, path), finish=lambda _i, r: results.append(r))
    )
    counters = RelayCounters()
    video = VideoEncoder(counters=counters, keyframe_interval=2.0)
    audio = AudioEncoder(counters=counters)
    recorder.segment_mark()
    for index in range(int(seconds * 30)):
        frame = av.VideoFrame(320, 240, "yuv420p")
        for plane, value in zip(frame.planes, (index * 2 % 250, 128, 128), strict=True):
            plane.update(bytes([value]) * plane.buffer_size)
        frame.pts, frame.time_base = 3_000 * index, fractions.Fraction(1, 90_000)
        for packet in video.encode(frame):
            recorder.push_video(packet)
        if index % 3 != 2:
            sound = av.AudioFrame(format="s16", layout="stereo", samples=960)
            sound.sample_rate = 48_000
            for plane in sound.planes:
                plane.update(bytes(plane.buffer_size))
            for packet in audio.encode(sound):
                recorder.push_audio(packet)
    recorder.close()
    recorder.join(30)
    return results[0]


def replay_make(
    *,
    room: Room,
    seconds: float = 6.0,
    state: str = Replay.State.READY,
    started_at: dt.datetime | None = None,
) -> Replay:
    """A finished replay of `room` with a real file under REPLAY_ROOT (made once per length
    per test session, copied)."""
    if seconds not in _made:
        cache = Path(tempfile.mkdtemp(prefix="daigang-replay-")) / "replay.webm"
        webm_make(cache, seconds=seconds)
        _made[seconds] = cache
    started = started_at or timezone.now() - dt.timedelta(minutes=30)
    replay = Replay.objects.create(
        room=room,
        file=f"room-{room.pk}/test-{timezone.now().timestamp()}.webm",
        state=state,
        duration=seconds,
        started_at=started,
        finished_at=started + dt.timedelta(seconds=seconds),
        segments=[[started.timestamp(), 0.0]],
    )
    path = replay_path(replay)
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(_made[seconds], path)
    replay.size = path.stat().st_size
    replay.save(update_fields=["size"])
    return replay
