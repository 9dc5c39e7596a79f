"""Encode once, for every viewer.

A room's publisher arrives as decoded frames (aiortc decodes VP8 or H.264 video and Opus
audio). The room encodes each frame ONCE — VP8 for video, Opus for audio — packetizes each
packet once (daigang.streaming.rtp_send) and hands the same RTP payloads to every viewer's
`PacketTrack`. A viewer's sender only puts its own RTP header on them; it never encodes or
packetizes per viewer.

Timestamps: video packets carry a 90 kHz pts that follows the publisher's own timestamps
(rebased so they keep increasing across publisher reconnects and encoder restarts), audio
packets a 48 kHz sample count. Each viewer's sender adds its own random RTP origin.
"""

from __future__ import annotations

import asyncio
import fractions
from collections.abc import Callable
from dataclasses import asdict, dataclass

import av
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack

from daigang.streaming.rtp_send import RtpFrame

VIDEO_TIME_BASE = fractions.Fraction(1, 90_000)
AUDIO_TIME_BASE = fractions.Fraction(1, 48_000)
AUDIO_SAMPLES_PER_PACKET = 960  # 20 ms of Opus at 48 kHz, what browsers expect
FRAME_TICKS_DEFAULT = 3_000  # one frame at 30 fps, in 90 kHz ticks
PICTURE_TYPE_I = av.video.frame.PictureType.I


@dataclass
class RelayCounters:
    """What a room's relay did. Encoder counts do not depend on the number of viewers."""

    video_frames_in: int = 0  # decoded frames received from the publisher
    video_frames_skipped: int = 0  # not encoded because the encoder fell behind
    video_frames_encoded: int = 0  # calls into the VP8 encoder: one per frame, for everyone
    video_keyframes: int = 0
    audio_frames_in: int = 0
    audio_packets_encoded: int = 0  # Opus packets made: one set for everyone
    packets_fanned_out: int = 0  # packet handed to a viewer's queue (one per viewer per packet)
    packets_dropped: int = 0  # dropped from an overflowing viewer queue
    guest_audio_frames_in: int = 0  # decoded frames of mic-link guests (daigang.streaming.mixer)
    audio_frames_mixed: int = 0  # chunks of the anchor's audio with a guest's added

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def scaled_size(width: int, height: int, max_height: int) -> tuple[int, int]:
    """Frame size after scaling down to at most `max_height` lines, aspect kept, even sides."""
    if height <= max_height:
        return width, height
    scaled_width = round(width * max_height / height / 2) * 2
    return max(scaled_width, 2), max_height - max_height % 2


class VideoEncoder:
    """One VP8 encoder per room, realtime settings, keyframes on request and periodically.

    Not thread-safe: a room calls `encode` from its single encoding thread, one frame at a time.
    """

    def __init__(
        self,
        *,
        counters: RelayCounters,
        max_height: int = 480,
        bitrate: int = 800_000,
        keyframe_interval: float = 3.0,
        fps: int = 30,
    ) -> None:
        self.counters = counters
        self.max_height = max_height
        self.bitrate = bitrate
        self.fps = fps
        self._keyframe_ticks = int(keyframe_interval * 90_000)
        self._codec: av.video.codeccontext.VideoCodecContext | None = None
        self._size: tuple[int, int] | None = None
        self._source_origin: int | None = None
        self._output_origin = 0
        self._last_pts: int | None = None
        self._last_keyframe_pts: int | None = None

    def segment_start(self) -> None:
        """A new publisher (or a reconnect): rebase its timestamps after the last ones sent."""
        self._source_origin = None

    def encode(self, frame: av.VideoFrame, keyframe: bool = False) -> list[av.Packet]:
        size = scaled_size(frame.width, frame.height, self.max_height)
        if self._codec is None or size != self._size:
            # A new size needs a new encoder; its first frame is a keyframe anyway.
            self._codec = self._open(size)
            self._size = size
            keyframe = True

        pts = self._pts(frame)
        if self._last_keyframe_pts is None or pts - self._last_keyframe_pts >= self._keyframe_ticks:
            keyframe = True

        if (frame.width, frame.height) != size or frame.format.name != "yuv420p":
            frame = frame.reformat(width=size[0], height=size[1], format="yuv420p")
        frame.pts = pts
        frame.time_base = VIDEO_TIME_BASE
        frame.pict_type = PICTURE_TYPE_I if keyframe else av.video.frame.PictureType.NONE

        packets = self._codec.encode(frame)
        self.counters.video_frames_encoded += 1
        for packet in packets:
            packet.pts = pts
            packet.dts = pts
            packet.time_base = VIDEO_TIME_BASE
            if packet.is_keyframe:
                self._last_keyframe_pts = pts
                self.counters.video_keyframes += 1
        return packets

    def _open(self, size: tuple[int, int]) -> av.video.codeccontext.VideoCodecContext:
        codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height = size
        codec.pix_fmt = "yuv420p"
        codec.time_base = VIDEO_TIME_BASE
        codec.framerate = fractions.Fraction(self.fps, 1)
        codec.bit_rate = self.bitrate
        codec.gop_size = 100_000  # keyframes are forced, on request and by interval
        codec.qmin = 4
        codec.qmax = 56
        codec.thread_count = 2 if size[0] * size[1] > 640 * 480 else 1
        codec.options = {
            "deadline": "realtime",
            "cpu-used": "8",
            "lag-in-frames": "0",  # a packet out for every frame in, no look-ahead delay
            "static-thresh": "1",
            "noise-sensitivity": "0",
            # CBR with a one-second buffer, as WebRTC does, so the bitrate stays predictable.
            "minrate": str(self.bitrate),
            "maxrate": str(self.bitrate),
            "bufsize": str(self.bitrate),
            "undershoot-pct": "100",
            "overshoot-pct": "15",
            "error-resilient": "1",  # a lost packet spoils less for viewers on lossy links
        }
        return codec

    def _pts(self, frame: av.VideoFrame) -> int:
        if frame.pts is None or frame.time_base is None:
            source = None
        else:
            source = int(frame.pts * frame.time_base / VIDEO_TIME_BASE)
        if source is None or self._source_origin is None:
            self._source_origin = source if source is not None else 0
            self._output_origin = (
                0 if self._last_pts is None else self._last_pts + FRAME_TICKS_DEFAULT
            )
        if source is None:
            pts = (self._last_pts or 0) + FRAME_TICKS_DEFAULT
        else:
            pts = self._output_origin + source - self._source_origin
        if self._last_pts is not None and pts <= self._last_pts:
            pts = self._last_pts + 1  # the encoder needs strictly increasing timestamps
        self._last_pts = pts
        return pts


class AudioEncoder:
    """One Opus encoder per room: 48 kHz stereo, 20 ms packets."""

    def __init__(
        self,
        *,
        counters: RelayCounters,
        bitrate: int = 64_000,
        mix: Callable[[av.AudioFrame], av.AudioFrame] | None = None,
        mixing: Callable[[], bool] | None = None,
        tap: Callable[[av.AudioFrame], None] | None = None,
    ) -> None:
        self.counters = counters
        # Handed each 20 ms chunk as encoded (guests mixed in), after its encode: the room's
        # HLS takes the same sound as WebRTC viewers (daigang.streaming.hls).
        self._tap = tap
        # Mic-link guests (daigang.streaming.mixer): each chunk goes through `mix` before its
        # one encode while `mixing()` says there is a guest.
        self._mix = mix
        self._mixing = mixing
        self._codec = av.CodecContext.create("libopus", "w")
        self._codec.bit_rate = bitrate
        self._codec.sample_rate = 48_000
        self._codec.format = "s16"
        self._codec.layout = "stereo"
        self._codec.time_base = AUDIO_TIME_BASE
        self._codec.options = {"application": "audio"}
        self._resampler = av.AudioResampler(
            format="s16", layout="stereo", rate=48_000, frame_size=AUDIO_SAMPLES_PER_PACKET
        )
        self._samples_in = 0
        self._samples_out = 0

    def encode(self, frame: av.AudioFrame) -> list[av.Packet]:
        frame.pts = None  # our own sample count is the clock; gaps are not worth preserving
        packets: list[av.Packet] = []
        for chunk in self._resampler.resample(frame):
            chunk.pts = self._samples_in
            chunk.time_base = AUDIO_TIME_BASE
            if self._mix is not None and self._mixing is not None and self._mixing():
                chunk = self._mix(chunk)
            self._samples_in += chunk.samples
            packets += self._codec.encode(chunk)
            if self._tap is not None:
                self._tap(chunk)
        for packet in packets:
            packet.pts = self._samples_out
            packet.dts = self._samples_out
            packet.time_base = AUDIO_TIME_BASE
            self._samples_out += AUDIO_SAMPLES_PER_PACKET
        self.counters.audio_packets_encoded += len(packets)
        return packets


class PacketTrack(MediaStreamTrack):
    """One viewer's track: yields the room's shared packets, never frames.

    RtpFrames for the relay's own sender (rtp_send.py); encoded av.Packets where the relay fell
    back to aiortc's sender, which packetizes them itself.

    The queue is bounded so that a viewer whose sender falls behind cannot hold up the room or
    grow memory: on overflow its queue is emptied and (for video) it waits for the next
    keyframe, which it asks for. A new viewer asks for a keyframe when its sender first pulls,
    i.e. once its connection is up, so its picture starts within a frame or two.
    """

    def __init__(
        self,
        *,
        kind: str,
        counters: RelayCounters,
        keyframe_request: Callable[[], None],
        queue_size: int = 60,
    ) -> None:
        super().__init__()
        self.kind = kind
        self.counters = counters
        self.keyframe_request = keyframe_request
        self.packets_out = 0
        self._queue: asyncio.Queue[RtpFrame | av.Packet | None] = asyncio.Queue(queue_size)
        self._pulling = False
        self._awaiting_keyframe = kind == "video"

    def push(self, packet: RtpFrame | av.Packet) -> None:
        """Offer one shared packet; never blocks."""
        if not self._pulling or self.readyState != "live":
            return
        if self._awaiting_keyframe:
            if not packet.is_keyframe:
                return
            self._awaiting_keyframe = False
        try:
            self._queue.put_nowait(packet)
            self.counters.packets_fanned_out += 1
        except asyncio.QueueFull:
            self.counters.packets_dropped += self._queue.qsize() + 1
            self._drain()
            if self.kind == "video":
                self._awaiting_keyframe = True
                self.keyframe_request()

    # Not aiortc's Frame | Packet: RtpFrames go only to rtp_send's sender, never to aiortc's.
    async def recv(self) -> RtpFrame | av.Packet:  # type: ignore[override]
        if self.readyState != "live":
            raise MediaStreamError
        if not self._pulling:
            self._pulling = True
            if self.kind == "video":
                self.keyframe_request()
        packet = await self._queue.get()
        if packet is None:
            raise MediaStreamError
        self.packets_out += 1
        return packet

    def stop(self) -> None:
        super().stop()
        self._drain()
        self._queue.put_nowait(None)  # wake a sender waiting in recv()

    def _drain(self) -> None:
        while not self._queue.empty():
            self._queue.get_nowait()
