"""HLS for big rooms: H.264 + AAC encoded once per room, cut into segments any HTTP cache can carry.

A room's relay (relay.py) hands each decoded frame of its publisher to the room's `HlsFeed`
(one attribute call per frame, on the relay loop). While HLS runs for the room, the feed puts
the frame in a bounded queue and the room's own HLS thread encodes it — libx264
(ultrafast/zerolatency, main profile, ≤ STREAM_RELAY_MAX_HEIGHT lines, a keyframe at the start
of every segment) and AAC — and FFmpeg's `hls` muxer writes, under STREAM_HLS_ROOT:

    room-<id>/index.m3u8      live media playlist: a sliding window of STREAM_HLS_WINDOW
                              segments, EXT-X-PROGRAM-DATE-TIME on each (written to a temporary
                              file and renamed, so a reader never sees half of it)
    room-<id>/seg-<n>.ts      MPEG-TS segments of STREAM_HLS_SEGMENT_SECONDS, never rewritten;
                              the muxer deletes those that left the window

A full queue drops the frame (counted): HLS never holds up the relay loop or the WebRTC
encoding thread. Timestamps are the wall clock at which each frame reached the relay, so
EXT-X-PROGRAM-DATE-TIME says when the picture was live and gaps (a publisher reconnecting)
stay gaps.

When HLS runs for a room (STREAM_HLS):
- `off`: never;
- `always`: as soon as its publisher's media arrives;
- `auto` (default): when the room's WebRTC viewers reach STREAM_HLS_VIEWER_PERCENT of
  STREAM_RELAY_MAX_VIEWERS, or someone asked for its playlist (the web view touches
  `room-<id>.want`, which the feed looks at once a second); it stops when neither has been true
  for STREAM_HLS_IDLE_SECONDS, and the room's directory is removed.

The relay writes the files and web processes serve them (views.py): with the relay in its own
process (STREAM_RELAY=process), both must see the same STREAM_HLS_ROOT (same machine, or a
shared directory).
"""

from __future__ import annotations

import fractions
import logging
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import av
from django.conf import settings

from daigang.streaming.media import scaled_size

logger = logging.getLogger(__name__)

TIME_BASE = fractions.Fraction(1, 90_000)
AUDIO_RATE = 48_000
AAC_FRAME_SAMPLES = 1024
PLAYLIST_NAME = "index.m3u8"
SEGMENT_NAME = re.compile(r"\Aseg-[0-9]{1,10}\.ts\Z")
# Frames waiting for the HLS thread (~1 s of video and audio): beyond, new frames are dropped.
QUEUE_FRAMES = 80
# The feed looks at the demand (the playlist's marker, the viewer count) this often.
CHECK_SECONDS = 1.0
# The web view refreshes a room's marker at most this often (one stat per playlist request).
DEMAND_TOUCH_SECONDS = 5.0


@dataclass(frozen=True)
class HlsConfig:
    mode: str = "auto"
    root: Path = Path("var/hls")
    segment_seconds: float = 2.0
    window: int = 6
    max_height: int = 480
    video_bitrate: int = 800_000
    audio_bitrate: int = 64_000
    viewer_threshold: int = 400
    idle_seconds: float = 60.0

    @classmethod
    def from_settings(cls) -> HlsConfig:
        max_viewers = settings.STREAM_RELAY_MAX_VIEWERS
        return cls(
            mode=settings.STREAM_HLS,
            root=Path(settings.STREAM_HLS_ROOT),
            segment_seconds=settings.STREAM_HLS_SEGMENT_SECONDS,
            window=settings.STREAM_HLS_WINDOW,
            max_height=settings.STREAM_RELAY_MAX_HEIGHT,
            video_bitrate=settings.STREAM_RELAY_VIDEO_BITRATE,
            viewer_threshold=max(1, max_viewers * settings.STREAM_HLS_VIEWER_PERCENT // 100),
            idle_seconds=settings.STREAM_HLS_IDLE_SECONDS,
        )


def room_dir(root: Path, room_id: int) -> Path:
    return root / f"room-{int(room_id)}"


def demand_marker(root: Path, room_id: int) -> Path:
    return root / f"room-{int(room_id)}.want"


def demand_note(*, root: Path, room_id: int) -> None:
    """Someone wants this room over HLS (its playlist was asked for): refresh its marker."""
    marker = demand_marker(root, room_id)
    try:
        if time.time() - marker.stat().st_mtime < DEMAND_TOUCH_SECONDS:
            return
    except FileNotFoundError:
        root.mkdir(parents=True, exist_ok=True)
    marker.touch()


# The HLS thread of each room directory, while it runs.
_writers: dict[Path, threading.Thread] = {}
_writers_lock = threading.Lock()


@dataclass
class HlsCounters:
    video_frames_in: int = 0
    video_frames_dropped: int = 0  # the HLS thread was behind: the queue was full
    video_frames_encoded: int = 0
    audio_frames_in: int = 0
    audio_frames_dropped: int = 0
    errors: int = 0


class HlsWriter:
    """One room's HLS encoder and segmenter, running in a thread of its own."""

    def __init__(self, room_id: int, config: HlsConfig) -> None:
        self.room_id = room_id
        self.config = config
        self.directory = room_dir(config.root, room_id)
        self.counters = HlsCounters()
        self._queue: queue.Queue[tuple[str, float, av.VideoFrame | av.AudioFrame] | None] = (
            queue.Queue(QUEUE_FRAMES)
        )
        self._thread = threading.Thread(target=self._run, name=f"hls-{room_id}", daemon=True)
        self._origin = time.time()  # pts 0; the muxer's PROGRAM-DATE-TIME starts from it
        self._container: av.container.OutputContainer | None = None
        self._video: av.video.stream.VideoStream | None = None
        self._audio: av.audio.stream.AudioStream | None = None
        self._resampler: av.AudioResampler | None = None
        self._size: tuple[int, int] = (0, 0)
        self._last_video_pts = -1
        self._last_keyframe_pts: int | None = None
        self._audio_pts: int | None = None
        self._remove = True
        self._previous: threading.Thread | None = None

    # -- any thread (the relay loop) -------------------------------------------------------
    def start(self) -> None:
        with _writers_lock:
            # A writer of this room stopping (the room closed and opened again) removes its
            # files from its own thread: this one starts on a clean directory after it.
            self._previous = _writers.get(self.directory)
            _writers[self.directory] = self._thread
        self._thread.start()

    def push_video(self, frame: av.VideoFrame, at: float | None = None) -> None:
        """`at`: when the frame was live (wall clock); now unless given."""
        self.counters.video_frames_in += 1
        try:
            self._queue.put_nowait(("v", time.time() if at is None else at, frame))
        except queue.Full:
            self.counters.video_frames_dropped += 1

    def push_audio(self, frame: av.AudioFrame, at: float | None = None) -> None:
        """`at`: when the frame was live (wall clock); now unless given."""
        self.counters.audio_frames_in += 1
        try:
            self._queue.put_nowait(("a", time.time() if at is None else at, frame))
        except queue.Full:
            self.counters.audio_frames_dropped += 1

    def stop(self, *, remove: bool = True, wait: bool = False) -> None:
        """Ends the thread; its files are removed (the playlist answers 404 again)."""
        self._remove = remove
        while True:
            try:
                self._queue.put_nowait(None)
                break
            except queue.Full:
                try:
                    self._queue.get_nowait()
                except queue.Empty:
                    pass
        if wait and self._thread.is_alive():
            self._thread.join(10)

    # -- the HLS thread --------------------------------------------------------------------
    def _run(self) -> None:
        if self._previous is not None:
            self._previous.join(10)
        shutil.rmtree(self.directory, ignore_errors=True)
        self.directory.mkdir(parents=True, exist_ok=True)
        try:
            while True:
                item = self._queue.get()
                if item is None:
                    break
                kind, at, frame = item
                try:
                    if kind == "v":
                        self._encode_video(frame, at)  # type: ignore[arg-type]
                    else:
                        self._encode_audio(frame, at)  # type: ignore[arg-type]
                except (av.FFmpegError, ValueError, OSError):
                    self.counters.errors += 1
                    if self.counters.errors <= 3:
                        logger.exception("hls: room %s could not encode a frame", self.room_id)
        finally:
            self._close()

    def _pts(self, at: float) -> int:
        return int((at - self._origin) * 90_000)

    def _open(self, frame: av.VideoFrame) -> None:
        self._size = scaled_size(frame.width, frame.height, self.config.max_height)
        seconds = self.config.segment_seconds
        container = av.open(
            str(self.directory / PLAYLIST_NAME),
            "w",
            format="hls",
            options={
                "hls_time": f"{seconds:g}",
                "hls_list_size": str(self.config.window),
                # Segments past the window are deleted (a few more kept for slow readers).
                "hls_delete_threshold": "2",
                "hls_flags": "delete_segments+program_date_time+independent_segments+temp_file",
                "hls_segment_filename": str(self.directory / "seg-%d.ts"),
                "hls_segment_type": "mpegts",
                # Numbered from the clock: a room whose HLS restarts never reuses a segment's
                # name, which caches keep for a year.
                "hls_start_number_source": "epoch",
                # Write packets as they come: never wait for the other stream to catch up.
                "max_interleave_delta": "1",
            },
        )
        video = container.add_stream("libx264", rate=30)
        video.width, video.height = self._size
        video.pix_fmt = "yuv420p"
        video.bit_rate = self.config.video_bitrate
        video.codec_context.time_base = TIME_BASE
        video.time_base = TIME_BASE
        video.codec_context.gop_size = 100_000  # a keyframe is forced at each segment start
        video.codec_context.profile = "Main"
        video.codec_context.options = {
            "preset": "ultrafast",
            "tune": "zerolatency",
            "x264-params": "scenecut=0:repeat-headers=1",
            "maxrate": str(self.config.video_bitrate),
            "bufsize": str(self.config.video_bitrate),
        }
        audio = container.add_stream("aac", rate=AUDIO_RATE)
        audio.layout = "stereo"
        audio.bit_rate = self.config.audio_bitrate
        audio.codec_context.time_base = fractions.Fraction(1, AUDIO_RATE)
        self._resampler = av.AudioResampler(
            format="fltp", layout="stereo", rate=AUDIO_RATE, frame_size=AAC_FRAME_SAMPLES
        )
        self._container, self._video, self._audio = container, video, audio

    def _encode_video(self, frame: av.VideoFrame, at: float) -> None:
        if self._container is None:
            self._open(frame)
        assert self._container is not None and self._video is not None
        # A copy: the frame is shared with the WebRTC encoding thread, which sets its pts.
        width, height = self._size
        if (frame.width, frame.height, frame.format.name) == (width, height, "yuv420p"):
            own = _frame_copy(frame)
        else:
            own = frame.reformat(width=width, height=height, format="yuv420p")
        pts = max(self._pts(at), self._last_video_pts + 1)
        self._last_video_pts = pts
        own.pts = pts
        own.time_base = TIME_BASE
        segment_ticks = int(self.config.segment_seconds * 90_000)
        if self._last_keyframe_pts is None or pts - self._last_keyframe_pts >= segment_ticks:
            own.pict_type = av.video.frame.PictureType.I
            self._last_keyframe_pts = pts
        else:
            own.pict_type = av.video.frame.PictureType.NONE
        self._container.mux(self._video.encode(own))
        self.counters.video_frames_encoded += 1

    def _encode_audio(self, frame: av.AudioFrame, at: float) -> None:
        if self._container is None or self._audio is None or self._resampler is None:
            return  # audio waits for the first picture (the streams are set then)
        start = max(self._pts(at) * AUDIO_RATE // 90_000, 0)
        if self._audio_pts is None or start - self._audio_pts > AUDIO_RATE // 2:
            # The first chunk, or a gap (the publisher was away): on from the clock. Never
            # back: audio that came in a burst runs a little ahead, and timestamps must grow.
            self._audio_pts = start
        frame.pts = None
        for chunk in self._resampler.resample(frame):
            chunk.pts = self._audio_pts
            chunk.time_base = fractions.Fraction(1, AUDIO_RATE)
            self._audio_pts += chunk.samples
            self._container.mux(self._audio.encode(chunk))

    def _close(self) -> None:
        if self._container is not None:
            try:
                if self._video is not None:
                    self._container.mux(self._video.encode(None))
                self._container.close()
            except (av.FFmpegError, ValueError, OSError):
                logger.warning("hls: room %s: closing the segmenter failed", self.room_id)
        if self._remove:
            shutil.rmtree(self.directory, ignore_errors=True)
        with _writers_lock:
            if _writers.get(self.directory) is self._thread:
                del _writers[self.directory]


def _frame_copy(frame: av.VideoFrame) -> av.VideoFrame:
    """A yuv420p frame's pixels copied into a frame of our own, plane by plane."""
    own = av.VideoFrame(frame.width, frame.height, "yuv420p")
    for index, (source, target) in enumerate(zip(frame.planes, own.planes, strict=True)):
        width = frame.width if index == 0 else (frame.width + 1) // 2
        height = frame.height if index == 0 else (frame.height + 1) // 2
        data, into = memoryview(source), memoryview(target)
        if source.line_size == target.line_size:
            size = min(len(data), len(into))
            into[:size] = data[:size]
            continue
        src, dst = source.line_size, target.line_size
        for row in range(height):
            into[row * dst : row * dst + width] = data[row * src : row * src + width]
    return own


class HlsFeed:
    """A room's switch between its relay and its HLS writer; cheap while HLS is not running."""

    def __init__(
        self, room_id: int, config: HlsConfig, viewers: Callable[[], int] | None = None
    ) -> None:
        self.room_id = room_id
        self.config = config
        self.viewers = viewers or (lambda: 0)
        self.writer: HlsWriter | None = None
        self._check_at = 0.0
        self._wanted_until = 0.0

    def video(self, frame: av.VideoFrame) -> None:
        if self.config.mode == "off":
            return
        now = time.monotonic()
        if now >= self._check_at:
            self._check_at = now + CHECK_SECONDS
            self._check(now)
        if self.writer is not None:
            self.writer.push_video(frame)

    def audio(self, frame: av.AudioFrame) -> None:
        """Called from the room's encoding thread (AudioEncoder's tap): the writer is read once,
        as the relay loop may stop it meanwhile."""
        writer = self.writer
        if writer is not None:
            writer.push_audio(frame)

    def _check(self, now: float) -> None:
        if self.config.mode == "always" or self.viewers() >= self.config.viewer_threshold:
            wanted = True
        else:
            try:
                age = time.time() - demand_marker(self.config.root, self.room_id).stat().st_mtime
            except FileNotFoundError:
                age = None
            wanted = age is not None and age < self.config.idle_seconds
        if wanted:
            self._wanted_until = now + self.config.idle_seconds
            if self.writer is None:
                logger.info("hls: room %s starts", self.room_id)
                self.writer = HlsWriter(self.room_id, self.config)
                self.writer.start()
        elif self.writer is not None and now >= self._wanted_until:
            logger.info("hls: room %s stops (nobody asked for it)", self.room_id)
            self.stop()

    def stop(self) -> None:
        if self.writer is not None:
            self.writer.stop()
            self.writer = None
        demand_marker(self.config.root, self.room_id).unlink(missing_ok=True)
