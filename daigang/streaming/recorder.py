"""A room's recording (回放): the packets the relay already encoded, muxed into WebM.

No second encode: `RoomRelay` hands the VP8 packets (90 kHz pts, rebased by VideoEncoder so
they keep increasing across a publisher's reconnects) and the Opus packets (48 kHz sample
count) it made for its viewers to `Recorder.push`, which only queues them. The recorder's
own thread opens the file at the first video keyframe (its size read from the VP8 keyframe
header), muxes each av.Packet as it is (PyAV, WebM: Matroska cues on keyframes, so a player
seeks without reading the whole file) and finalizes the file when the room's relay closes
(the room ended, its publisher's grace ran out, the relay process drained).

The event loop never waits for the disk: `push` is a queue put. The database is written from
the recorder's thread through `RecordingHooks` (daigang.live.replays' services, set by the
caller), in the web process and in the relay's own process alike. A disk (or database) that
stalls cannot take the relay's memory with it: past `queue_max_bytes` waiting, the recorder
drops what comes until the queue is down to half and the next video keyframe arrives; the
replay has a gap there and the result (and the log) says how many packets it lost.

Publish segments: a publisher that comes back after an interruption continues the same file
(its timestamps go on after the last ones). Each segment's start is noted as (wall clock,
seconds into the recording), so the room's pin timeline can be placed on the recording.
"""

from __future__ import annotations

import fractions
import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import av

from daigang.streaming.media import AUDIO_TIME_BASE, VIDEO_TIME_BASE

logger = logging.getLogger(__name__)

_STOP = object()
_SEGMENT = object()

# Packets waiting for the disk, at most: about 100 s of a 2.5 Mbit/s room.
QUEUE_MAX_BYTES = 32 * 1024 * 1024


def vp8_keyframe_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a VP8 keyframe (RFC 6386 9.1), None for an interframe."""
    if len(data) < 10 or data[0] & 0x01 or data[3:6] != b"\x9d\x01\x2a":
        return None
    width = int.from_bytes(data[6:8], "little") & 0x3FFF
    height = int.from_bytes(data[8:10], "little") & 0x3FFF
    return (width, height) if width and height else None


@dataclass
class RecordingHooks:
    """What the recorder tells the database, from its own thread. `begin` returns the
    recording's id (None: do not record); `finish` gets it with the outcome."""

    begin: Callable[[], tuple[int, Path] | None]
    finish: Callable[[int, RecordingResult], None]


@dataclass
class RecordingResult:
    ok: bool
    duration: float = 0.0
    size: int = 0
    # (unix time, seconds into the recording) at the start of each publish segment.
    segments: list[tuple[float, float]] = field(default_factory=list)
    error: str = ""
    # Packets dropped while the queue was full (the replay has a gap for each time it was).
    dropped: int = 0


class Recorder:
    """One room's recording. `push_video`/`push_audio`/`segment_mark`/`close` from any thread
    (the relay loop); everything else runs in the recorder's thread."""

    def __init__(
        self,
        *,
        hooks: RecordingHooks,
        name: str = "recorder",
        queue_max_bytes: int = QUEUE_MAX_BYTES,
    ) -> None:
        self.hooks = hooks
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._queue_max_bytes = queue_max_bytes
        self._queued_bytes = 0  # written under _lock: pushed from the loop, taken by the thread
        self._lock = threading.Lock()
        self._dropping = False
        self.dropped = 0
        # Not a daemon: a process exiting (the relay drained) waits for the file's end.
        self._thread = threading.Thread(target=self._run, name=name, daemon=False)
        self._closed = False
        self._thread.start()

    @property
    def queued_bytes(self) -> int:
        return self._queued_bytes

    def push_video(self, packet: av.Packet) -> None:
        if not self._closed:
            self._push("v", bytes(packet), packet.pts, packet.is_keyframe)

    def push_audio(self, packet: av.Packet) -> None:
        if not self._closed:
            self._push("a", bytes(packet), packet.pts, False)

    def _push(self, kind: str, data: bytes, pts: int | None, keyframe: bool) -> None:
        with self._lock:
            queued = self._queued_bytes
            if self._dropping and kind == "v" and keyframe and queued <= self._queue_max_bytes // 2:
                self._dropping = False
                logger.warning("recorder: resuming after %d dropped packets", self.dropped)
            elif not self._dropping and queued + len(data) > self._queue_max_bytes:
                self._dropping = True
                logger.warning("recorder: %d bytes wait for the disk; dropping", queued)
            if self._dropping:
                self.dropped += 1
                return
            self._queued_bytes = queued + len(data)
        self._queue.put((kind, data, pts, keyframe))

    def segment_mark(self) -> None:
        """A publisher (re)starts: the next video packet opens a publish segment."""
        if not self._closed:
            self._queue.put(_SEGMENT)

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._queue.put(_STOP)

    def join(self, timeout: float | None = None) -> None:
        self._thread.join(timeout)

    # -- the recorder's thread ----------------------------------------------------------------
    def _run(self) -> None:
        writer: _Writer | None = None
        recording: tuple[int, Path] | None = None
        segment_wanted = True
        segments: list[tuple[float, float]] = []
        try:
            while True:
                item = self._queue.get()
                if item is _STOP:
                    break
                if item is _SEGMENT:
                    segment_wanted = True
                    continue
                kind, data, pts, keyframe = cast(tuple[str, bytes, int, bool], item)
                with self._lock:
                    self._queued_bytes -= len(data)
                if writer is None:
                    size = vp8_keyframe_size(data) if kind == "v" and keyframe else None
                    if size is None:
                        continue  # a file starts with a video keyframe
                    recording = self.hooks.begin()
                    if recording is None:
                        self._drain()
                        return
                    writer = _Writer(recording[1], size, first_pts=pts)
                if kind == "v" and segment_wanted:
                    segment_wanted = False
                    segments.append((time.time(), writer.seconds(pts)))
                writer.write(kind, data, pts, keyframe)
        except Exception as exc:
            logger.exception("recorder: the recording failed")
            if writer is not None:
                writer.abandon()
            if recording is not None:
                self._finish(recording[0], RecordingResult(ok=False, error=str(exc)[:200]))
            self._drain()
            return
        finally:
            from django.db import connection

            connection.close()  # this thread's own connection, if it opened one
        if writer is not None and recording is not None:
            try:
                duration, length = writer.close()
                result = RecordingResult(
                    ok=True,
                    duration=duration,
                    size=length,
                    segments=segments,
                    dropped=self.dropped,
                )
            except Exception as exc:
                logger.exception("recorder: the recording could not be finished")
                result = RecordingResult(ok=False, error=str(exc)[:200])
            self._finish(recording[0], result)

    def _finish(self, recording_id: int, result: RecordingResult) -> None:
        try:
            self.hooks.finish(recording_id, result)
        except Exception:
            logger.exception("recorder: recording %s could not be recorded as done", recording_id)
        finally:
            from django.db import connection

            connection.close()

    def _drain(self) -> None:
        self._closed = True
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                with self._lock:
                    self._queued_bytes = 0
                return


class _Writer:
    """The WebM file: a VP8 and an Opus stream, packets muxed as they come."""

    def __init__(self, path: Path, size: tuple[int, int], *, first_pts: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._container = av.open(str(path), "w", format="webm")
        video = self._container.add_stream("libvpx", rate=30)
        video.width, video.height = size
        video.pix_fmt = "yuv420p"
        video.time_base = VIDEO_TIME_BASE
        audio = self._container.add_stream("libopus", rate=48_000)
        audio.layout = "stereo"
        audio.time_base = AUDIO_TIME_BASE
        self._video = video
        self._audio = audio
        self._first_pts = first_pts
        self._last = {"v": -1, "a": -1}
        self._audio_origin: int | None = None
        self._end = 0.0

    def seconds(self, video_pts: int) -> float:
        return float((video_pts - self._first_pts) * VIDEO_TIME_BASE)

    def write(self, kind: str, data: bytes, pts: int, keyframe: bool) -> None:
        if kind == "v":
            pts -= self._first_pts
            time_base: fractions.Fraction = VIDEO_TIME_BASE
            stream: av.video.stream.VideoStream | av.audio.stream.AudioStream = self._video
        else:
            if self._audio_origin is None:
                self._audio_origin = pts
            pts -= self._audio_origin
            time_base = AUDIO_TIME_BASE
            stream = self._audio
        if pts <= self._last[kind]:
            return  # the muxer needs increasing timestamps per stream
        self._last[kind] = pts
        packet = av.Packet(data)
        packet.pts = packet.dts = pts
        packet.time_base = time_base
        packet.stream = stream
        if keyframe:
            packet.is_keyframe = True
        self._container.mux(packet)
        self._end = max(self._end, float(pts * time_base))

    def close(self) -> tuple[float, int]:
        self._container.close()
        return self._end, self.path.stat().st_size

    def abandon(self) -> None:
        try:
            self._container.close()
        except Exception:
            logger.warning("recorder: could not close %s", self.path)


def room_recorder(room_id: int) -> Recorder | None:
    """A recorder for the room's relay, writing its replay's row (daigang.live.replays);
    None when REPLAYS_ENABLED is off."""
    from django.conf import settings

    if not settings.REPLAYS_ENABLED:
        return None
    from daigang.live import replays

    def finish(replay_id: int, result: RecordingResult) -> None:
        replays.replay_recording_finish(
            replay_id=replay_id,
            ok=result.ok,
            duration=result.duration,
            size=result.size,
            segments=result.segments,
        )

    hooks = RecordingHooks(
        begin=lambda: replays.replay_recording_begin(room_id=room_id), finish=finish
    )
    return Recorder(hooks=hooks, name=f"relay-record-{room_id}")


def opus_packet_samples(data: bytes) -> int:
    """How many 48 kHz samples an Opus packet holds, from its TOC byte (RFC 6716 3.1); 0 for
    a packet too short to say."""
    if not data:
        return 0
    config, code = data[0] >> 3, data[0] & 0x03
    if config < 12:  # SILK: 10, 20, 40, 60 ms
        per_frame = (480, 960, 1920, 2880)[config % 4]
    elif config < 16:  # hybrid: 10, 20 ms
        per_frame = (480, 960)[config % 2]
    else:  # CELT: 2.5, 5, 10, 20 ms
        per_frame = (120, 240, 480, 960)[config % 4]
    if code == 0:
        frames = 1
    elif code in (1, 2):
        frames = 2
    else:
        frames = data[1] & 0x3F if len(data) > 1 else 0
    return frames * per_frame


def _opus_silence(samples: int) -> bytes:
    """One Opus packet of `samples` (at 48 kHz, stereo) of silence, as libopus encodes it."""
    encoder = av.CodecContext.create("libopus", "w")
    encoder.sample_rate = 48_000
    encoder.layout = "stereo"  # type: ignore[attr-defined]
    encoder.format = "s16"  # type: ignore[attr-defined]
    encoder.time_base = AUDIO_TIME_BASE
    encoder.options = {"frame_duration": str(samples * 1000 / 48_000)}
    encoder.open()
    packets: list[av.Packet] = []
    for index in range(4):  # past the encoder's look-ahead: a packet of nothing but silence
        frame = av.AudioFrame(format="s16", layout="stereo", samples=samples)
        frame.sample_rate = 48_000
        frame.pts = index * samples
        for plane in frame.planes:
            plane.update(bytes(plane.buffer_size))
        packets += encoder.encode(frame)  # type: ignore[attr-defined]
    return bytes(packets[-1])


def webm_audio_silence(path: Path, spans: list[tuple[float, float]]) -> tuple[int, int]:
    """Rewrite the recording at `path` with its audio silent within `spans` (seconds into
    it): each Opus packet that overlaps one is replaced by a packet of silence of the same
    length; the video and every other packet are copied as they are (no decode, no encode).
    The new file replaces the old only once it is complete. (packets replaced, new size)."""
    spans = sorted(spans)
    temporary = path.with_name(f"{path.name}.redacting")
    silence: dict[int, bytes] = {}
    replaced = 0
    try:
        with av.open(str(path)) as source, av.open(str(temporary), "w", format="webm") as target:
            streams = {
                stream.index: target.add_stream_from_template(stream)  # type: ignore[arg-type]
                for stream in source.streams
                if stream.type in ("video", "audio")
            }
            for packet in source.demux():
                out = streams.get(packet.stream.index)
                if packet.dts is None or out is None:
                    continue  # the demuxer's flush packet, or a stream the recorder never writes
                if packet.stream.type == "audio" and packet.pts is not None and packet.time_base:
                    start = float(packet.pts * packet.time_base)
                    samples = opus_packet_samples(bytes(packet))
                    end = start + samples / 48_000
                    if samples and any(a < end and start < b for a, b in spans):
                        if samples not in silence:
                            silence[samples] = _opus_silence(samples)
                        quiet = av.Packet(silence[samples])
                        quiet.pts, quiet.dts = packet.pts, packet.dts
                        quiet.duration, quiet.time_base = packet.duration, packet.time_base
                        packet = quiet
                        replaced += 1
                packet.stream = out
                target.mux(packet)
        temporary.replace(path)
    finally:
        temporary.unlink(missing_ok=True)
    return replaced, path.stat().st_size
