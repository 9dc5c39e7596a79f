"""Replays for tests: a real WebM made the way the relay makes it (VP8 + Opus encoded by
media.py, muxed by the recorder), and its row."""

from __future__ import annotations

import array
import datetime as dt
import fractions
import math
import shutil
import tempfile
from pathlib import Path

import av
from django.utils import timezone

from daigang.live.models import Replay, Room
from daigang.live.replays import replay_path
from daigang.streaming.media import AudioEncoder, RelayCounters, VideoEncoder
from daigang.streaming.recorder import Recorder, RecordingHooks, RecordingResult

_made: dict[tuple[float, bool], Path] = {}


def webm_make(path: Path, *, seconds: float = 6.0, tone: bool = False) -> RecordingResult:
    """`seconds` of a picture that changes shade and silence (or a 440 Hz tone), keyframes
    every 2 s."""
    results: list[RecordingResult] = []
    recorder = Recorder(
        hooks=RecordingHooks(begin=lambda: (1, path), finish=lambda _i, r: results.append(r))
    )
    counters = RelayCounters()
    video = VideoEncoder(counters=counters, keyframe_interval=2.0)
    audio = AudioEncoder(counters=counters)
    recorder.segment_mark()
    samples = 0
    for index in range(int(seconds * 30)):
        frame = av.VideoFrame(320, 240, "yuv420p")
        for plane, value in zip(frame.planes, (index * 2 % 250, 128, 128), strict=True):
            plane.update(bytes([value]) * plane.buffer_size)
        frame.pts, frame.time_base = 3_000 * index, fractions.Fraction(1, 90_000)
        for packet in video.encode(frame):
            recorder.push_video(packet)
        while samples < (index + 1) * 1_600:  # 20 ms chunks, as long as the video so far
            sound = av.AudioFrame(format="s16", layout="stereo", samples=960)
            sound.sample_rate = 48_000
            sound.planes[0].update(_tone(samples) if tone else bytes(sound.planes[0].buffer_size))
            samples += 960
            for packet in audio.encode(sound):
                recorder.push_audio(packet)
    recorder.close()
    recorder.join(30)
    return results[0]


def _tone(start: int) -> bytes:
    """960 stereo s16 samples of a 440 Hz tone from sample `start`."""
    values = [int(8_000 * math.sin(2 * math.pi * 440 * (start + n) / 48_000)) for n in range(960)]
    return array.array("h", [v for v in values for _ in range(2)]).tobytes()


def audio_levels(path: Path) -> list[tuple[float, float]]:
    """(seconds, loudest sample 0..1) of each decoded audio frame of a recording."""
    levels = []
    with av.open(str(path)) as container:
        for frame in container.decode(audio=0):
            assert frame.format.name in ("flt", "fltp"), frame.format.name
            values = array.array("f", bytes(frame.planes[0]))
            levels.append((float(frame.time or 0), max(map(abs, values), default=0.0)))
    return levels


def replay_make(
    *,
    room: Room,
    seconds: float = 6.0,
    state: str = Replay.State.READY,
    started_at: dt.datetime | None = None,
    tone: bool = False,
) -> Replay:
    """A finished replay of `room` with a real file under REPLAY_ROOT (made once per length
    and sound per test session, copied)."""
    if (seconds, tone) not in _made:
        cache = Path(tempfile.mkdtemp(prefix="daigang-replay-")) / "replay.webm"
        webm_make(cache, seconds=seconds, tone=tone)
        _made[seconds, tone] = cache
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
    shutil.copyfile(_made[seconds, tone], path)
    replay.size = path.stat().st_size
    replay.save(update_fields=["size"])
    return replay
