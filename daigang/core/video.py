"""Uploaded videos (course lessons, company and job introductions): checked by content on
upload, transcoded later to a 480p H.264 + AAC MP4 with a poster frame.

A name or a declared type says nothing: the upload is opened with PyAV (FFmpeg) and must be an
MP4, MOV or WebM container with a video stream of known, positive length, no longer than the
caller's limit. A background command (`manage.py transcode_lessons`, `transcode_videos`, run
by the job timer) decodes it and writes what phones play everywhere: H.264 (yuv420p) at most
480 pixels high, AAC stereo, the index at the front (faststart) so playback and seeking start
before the whole file arrives, plus a poster frame (JPEG). Served by byte ranges
(daigang.core.ranges.file_stream_answer). Used by daigang.courses and daigang.jobs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.utils.translation import gettext as _

# FFmpeg's demuxer names for the containers taken: MP4 and MOV share one demuxer.
_CONTAINERS = {"mov,mp4,m4a,3gp,3g2,mj2", "matroska,webm"}
HEIGHT = 480
# A video longer than this is refused unless the caller says otherwise (a lesson is minutes,
# not hours).
DURATION_MAX_S = 3 * 60 * 60


@dataclass(frozen=True)
class VideoChecked:
    duration_ms: int
    width: int
    height: int


def _size(file: File) -> int:
    size = getattr(file, "size", None)
    if size is None:
        file.seek(0, 2)
        size = file.tell()
    file.seek(0)
    return int(size)


def video_upload_check(
    *, file: File, duration_max_s: int = DURATION_MAX_S, too_long: str = ""
) -> VideoChecked:
    """Refuse anything but an MP4/MOV/WebM video of at most VIDEO_UPLOAD_MAX_BYTES and
    `duration_max_s`, by what the file contains; a clear message says why (`too_long`: the
    message for a video over the length, "视频太长：最长 3 小时" by default)."""
    limit = settings.VIDEO_UPLOAD_MAX_BYTES
    if _size(file) > limit:
        raise ValidationError(
            _("视频太大：最大 %(mb)d MB") % {"mb": limit // (1024 * 1024)}, code="too_large"
        )
    not_video = ValidationError(_("请上传 MP4、MOV 或 WebM 格式的视频"), code="not_video")
    try:
        file.seek(0)
        with av.open(file, mode="r") as container:
            if container.format.name not in _CONTAINERS:
                raise not_video
            if not container.streams.video:
                raise not_video
            stream = container.streams.video[0]
            duration_s = 0.0
            if container.duration:
                duration_s = container.duration / av.time_base
            elif stream.duration and stream.time_base:
                duration_s = float(stream.duration * stream.time_base)
            width, height = stream.codec_context.width, stream.codec_context.height
    except (av.FFmpegError, OSError, ValueError, UnicodeDecodeError) as exc:
        raise not_video from exc
    finally:
        file.seek(0)
    if duration_s <= 0 or not width or not height:
        raise not_video
    if duration_s > duration_max_s:
        raise ValidationError(too_long or _("视频太长：最长 3 小时"), code="too_long")
    return VideoChecked(duration_ms=round(duration_s * 1000), width=width, height=height)


@dataclass(frozen=True)
class Transcoded:
    mp4: Path
    poster_jpeg: bytes
    duration_ms: int


def _even(value: float) -> int:
    return max(2, round(value / 2) * 2)


def video_transcode(*, source: Path, target: Path) -> Transcoded:
    """Decode `source` and write `target`: H.264 ≤480p yuv420p + AAC 44.1 kHz stereo, with the
    index first. Returns the first frame as a JPEG poster and the length written."""
    poster = b""
    last_ms = 0
    with av.open(str(source)) as inp:
        vin = inp.streams.video[0]
        ain = inp.streams.audio[0] if inp.streams.audio else None
        src_w, src_h = vin.codec_context.width, vin.codec_context.height
        height = min(HEIGHT, _even(src_h))
        width = _even(src_w * height / src_h)
        rate = vin.average_rate or Fraction(25, 1)
        if rate > 30:
            rate = Fraction(30, 1)
        with av.open(
            str(target), mode="w", format="mp4", options={"movflags": "+faststart"}
        ) as out:
            vout = out.add_stream("libx264", rate=rate)
            vout.width, vout.height, vout.pix_fmt = width, height, "yuv420p"
            vout.options = {"crf": "26", "preset": "veryfast", "profile": "main"}
            aout = None
            resampler = None
            if ain is not None:
                aout = out.add_stream("aac", rate=44100)
                aout.layout = "stereo"  # type: ignore[union-attr]
                resampler = av.AudioResampler(format="fltp", layout="stereo", rate=44100)
            streams = [vin] + ([ain] if ain is not None else [])
            index = 0
            for packet in inp.demux(*streams):
                for frame in packet.decode():
                    if isinstance(frame, av.VideoFrame):
                        if not poster:
                            image = frame.to_image()
                            buffer = io.BytesIO()
                            image.convert("RGB").save(buffer, format="JPEG", quality=80)
                            poster = buffer.getvalue()
                        if frame.time is not None:
                            last_ms = max(last_ms, int(frame.time * 1000))
                        scaled = frame.reformat(width=width, height=height, format="yuv420p")
                        scaled.pts = index
                        scaled.time_base = Fraction(1, 1) / rate
                        index += 1
                        for out_packet in vout.encode(scaled):
                            out.mux(out_packet)
                    elif (
                        isinstance(frame, av.AudioFrame)
                        and aout is not None
                        and resampler is not None
                    ):
                        frame.pts = None
                        for resampled in resampler.resample(frame):
                            for out_packet in aout.encode(resampled):
                                out.mux(out_packet)
            for out_packet in vout.encode(None):
                out.mux(out_packet)
            if aout is not None:
                for out_packet in aout.encode(None):
                    out.mux(out_packet)
        duration_ms = round(index / rate * 1000) if index else last_ms
    return Transcoded(mp4=target, poster_jpeg=poster, duration_ms=int(duration_ms))


def video_stored_transcode(*, stored: File, folder: Path) -> Transcoded:
    """Copy a stored original (any storage) into `folder` and transcode it there to
    `folder`/video.mp4. Raises what FFmpeg raises for a file it cannot read (see
    VIDEO_TRANSCODE_ERRORS)."""
    source = folder / "original"
    target = folder / "video.mp4"
    with stored.open("rb") as handle, source.open("wb") as copy:
        for chunk in iter(lambda: handle.read(1024 * 1024), b""):
            copy.write(chunk)
    return video_transcode(source=source, target=target)


# What a transcode of a bad or unreadable file raises: the caller marks the video 失败.
VIDEO_TRANSCODE_ERRORS = (av.FFmpegError, OSError, ValueError, IndexError)


def video_sample_make(
    *, path: Path, seconds: float = 2.0, size: tuple[int, int] = (640, 360)
) -> Path:
    """A short test video (a colour that changes each frame, and a tone): demo data, tests."""
    import array
    import math

    from PIL import Image

    width, height = size
    fps = 25
    rate = 44100
    with av.open(str(path), mode="w") as out:
        video = out.add_stream("libx264", rate=fps)
        video.width, video.height, video.pix_fmt = width, height, "yuv420p"
        audio = out.add_stream("aac", rate=rate)
        frames = int(seconds * fps)
        for i in range(frames):
            shade = i * 255 // max(frames, 1)
            image = Image.new("RGB", (width, height), (200, shade, 80))
            frame = av.VideoFrame.from_image(image)
            frame.pts = i
            for packet in video.encode(frame):
                out.mux(packet)
        samples = int(seconds * rate)
        chunk = 1024
        for start in range(0, samples, chunk):
            count = min(chunk, samples - start)
            tone = array.array(
                "h",
                (
                    int(6000 * math.sin(2 * math.pi * 440 * (start + n) / rate))
                    for n in range(count)
                ),
            )
            frame = av.AudioFrame(format="s16", layout="mono", samples=count)
            frame.planes[0].update(tone.tobytes())
            frame.sample_rate = rate
            frame.pts = start
            for packet in audio.encode(frame):
                out.mux(packet)
        for packet in video.encode(None):
            out.mux(packet)
        for packet in audio.encode(None):
            out.mux(packet)
    return path
