"""Synthetic media and aiortc WHIP/WHEP clients, for tests and the relay benchmark.

No files, no network beyond the given URL: the publisher sends a moving pattern and a tone
made here. Clients always pass an explicit empty ICE configuration (aiortc would otherwise
ask a public STUN server).
"""

from __future__ import annotations

import asyncio
import fractions
import math
import struct
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message

import av
from aiortc import (
    RTCCertificate,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpSender,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack, VideoStreamTrack

PATTERN_FRAMES = 30


class PatternVideoTrack(VideoStreamTrack):
    """A bright bar sweeping across a dark picture at 30 fps (cheap: planes are precomputed)."""

    def __init__(self, width: int = 640, height: int = 480) -> None:
        super().__init__()
        self.width, self.height = width, height
        self.frames_sent = 0
        template = av.VideoFrame(width, height, "yuv420p")
        luma_stride = template.planes[0].line_size
        chroma = [bytes([128]) * plane.buffer_size for plane in template.planes[1:]]
        bar = max(width // 8, 2)
        self._planes = []
        for index in range(PATTERN_FRAMES):
            start = index * (width - bar) // (PATTERN_FRAMES - 1)
            row = bytes([40]) * start + bytes([220]) * bar + bytes([40]) * (width - start - bar)
            row += bytes(luma_stride - width)
            self._planes.append([row * height, *chroma])

    async def recv(self) -> av.VideoFrame:
        pts, time_base = await self.next_timestamp()
        frame = av.VideoFrame(self.width, self.height, "yuv420p")
        for plane, data in zip(
            frame.planes, self._planes[self.frames_sent % PATTERN_FRAMES], strict=True
        ):
            plane.update(data)
        frame.pts, frame.time_base = pts, time_base
        self.frames_sent += 1
        return frame


class ToneAudioTrack(MediaStreamTrack):
    """A tone (440 Hz unless told): 20 ms frames of 48 kHz mono, paced in real time.

    The frequency should make whole periods in 1/40 s (440, 1000 do)."""

    kind = "audio"
    SAMPLE_RATE = 48_000
    SAMPLES = 960

    def __init__(self, frequency: int = 440) -> None:
        super().__init__()
        wave = [
            int(8000 * math.sin(2 * math.pi * frequency * i / self.SAMPLE_RATE))
            for i in range(self.SAMPLE_RATE // 40)  # 1/40 s holds whole periods of the tone
        ]
        self._wave = struct.pack(f"<{len(wave)}h", *wave)
        self._start: float | None = None
        self._pts = 0

    async def recv(self) -> av.AudioFrame:
        if self.readyState != "live":
            raise MediaStreamError
        if self._start is None:
            self._start = time.monotonic()
        else:
            self._pts += self.SAMPLES
            await asyncio.sleep(self._start + self._pts / self.SAMPLE_RATE - time.monotonic())
        frame = av.AudioFrame(format="s16", layout="mono", samples=self.SAMPLES)
        offset = (self._pts * 2) % len(self._wave)
        chunk = (self._wave + self._wave)[offset : offset + self.SAMPLES * 2]
        frame.planes[0].update(chunk)
        frame.pts = self._pts
        frame.sample_rate = self.SAMPLE_RATE
        frame.time_base = fractions.Fraction(1, self.SAMPLE_RATE)
        return frame


@dataclass
class HttpResponse:
    status: int
    headers: Message  # case-insensitive: headers["Location"]
    body: str


def http_request(
    method: str, url: str, body: str = "", headers: dict[str, str] | None = None
) -> HttpResponse:
    """A blocking HTTP request with no proxy (even if the environment names one)."""
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    request = urllib.request.Request(
        url, data=body.encode() if body else None, method=method, headers=headers or {}
    )
    try:
        with opener.open(request, timeout=30) as response:
            return HttpResponse(response.status, response.headers, response.read().decode())
    except urllib.error.HTTPError as exc:
        return HttpResponse(exc.code, exc.headers, exc.read().decode())


async def http(
    method: str, url: str, body: str = "", headers: dict[str, str] | None = None
) -> HttpResponse:
    return await asyncio.to_thread(http_request, method, url, body, headers)


def _absolute(base: str, location: str) -> str:
    return urllib.parse.urljoin(base, location)


@dataclass
class Publisher:
    """An aiortc WHIP client sending PatternVideoTrack + ToneAudioTrack.

    `certificate` replaces aiortc's own ECDSA one (an RSA one, as GStreamer's and some
    hardware encoders' WHIP clients have); `offer_setup` replaces the offer's
    `a=setup:actpass` as sent (FFmpeg 8's WHIP muxer offers `passive`).
    """

    url: str
    token: str | None
    video_codec: str = "video/VP8"
    width: int = 640
    height: int = 480
    certificate: RTCCertificate | None = None
    offer_setup: str | None = None
    pc: RTCPeerConnection = field(init=False)
    response: HttpResponse | None = None
    location: str | None = None
    video: PatternVideoTrack | None = None

    async def start(self) -> HttpResponse:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        if self.certificate is not None:
            # aiortc has no public way to pass a certificate; its DTLS transports, made by
            # addTransceiver below, take it from here. (A test client only.)
            self.pc._RTCPeerConnection__certificates = [self.certificate]  # type: ignore[attr-defined]
        self.video = PatternVideoTrack(self.width, self.height)
        video = self.pc.addTransceiver(self.video, direction="sendonly")
        video.setCodecPreferences(
            [
                codec
                for codec in RTCRtpSender.getCapabilities("video").codecs
                if codec.mimeType in (self.video_codec, "video/rtx")
            ]
        )
        self.pc.addTransceiver(ToneAudioTrack(), direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        offer = self.pc.localDescription.sdp
        if self.offer_setup is not None:
            offer = offer.replace("a=setup:actpass", f"a=setup:{self.offer_setup}")
        headers = {"Content-Type": "application/sdp"}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        self.response = await http("POST", self.url, offer, headers)
        if self.response.status == 201:
            self.location = _absolute(self.url, self.response.headers["Location"])
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp=self.response.body, type="answer")
            )
        return self.response

    async def stop(self) -> HttpResponse | None:
        """DELETE the session (as OBS does on "Stop streaming"), then close."""
        response = None
        if self.location:
            response = await http("DELETE", self.location)
        await self.pc.close()
        return response


@dataclass
class GuestPublisher:
    """An aiortc mic-link guest: a tone (1000 Hz unless told), audio only, to the guest WHIP
    endpoint with the guest's login session cookie and a CSRF token (as the room page sends)."""

    url: str
    session_cookie: str
    frequency: int = 1000
    pc: RTCPeerConnection = field(init=False)
    response: HttpResponse | None = None
    location: str | None = None

    async def start(self) -> HttpResponse:
        from django.conf import settings
        from django.middleware.csrf import _get_new_csrf_string

        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTransceiver(ToneAudioTrack(self.frequency), direction="sendonly")
        await self.pc.setLocalDescription(await self.pc.createOffer())
        csrf = _get_new_csrf_string()
        headers = {
            "Content-Type": "application/sdp",
            "Cookie": f"{settings.SESSION_COOKIE_NAME}={self.session_cookie}; "
            f"{settings.CSRF_COOKIE_NAME}={csrf}",
            "X-CSRFToken": csrf,
        }
        self.response = await http("POST", self.url, self.pc.localDescription.sdp, headers)
        if self.response.status == 201:
            self.location = _absolute(self.url, self.response.headers["Location"])
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp=self.response.body, type="answer")
            )
        return self.response

    async def close(self) -> None:
        await self.pc.close()


@dataclass
class Viewer:
    """An aiortc WHEP client counting what it decodes (or, with `decode=False`, receives)."""

    url: str
    # How long start() tries again while the room is not live yet (409 with Retry-After).
    wait_live: float | None = 15.0
    pc: RTCPeerConnection = field(init=False)
    response: HttpResponse | None = None
    location: str | None = None
    video_pts: list[int] = field(default_factory=list)
    video_sizes: set[tuple[int, int]] = field(default_factory=set)
    audio_frames: int = 0
    # With keep_audio, the decoded sound (s16 stereo 48 kHz) of the last ~2 s, for listening.
    keep_audio: bool = False
    audio_pcm: bytearray = field(default_factory=bytearray)
    _tasks: list[asyncio.Task[None]] = field(default_factory=list)

    async def start(self) -> HttpResponse:
        self.pc = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        self.pc.addTransceiver("video", direction="recvonly")
        self.pc.addTransceiver("audio", direction="recvonly")

        @self.pc.on("track")
        def on_track(track) -> None:
            self._tasks.append(asyncio.ensure_future(self._consume(track)))

        await self.pc.setLocalDescription(await self.pc.createOffer())
        deadline = asyncio.get_running_loop().time() + (self.wait_live or 0)
        while True:
            self.response = await http(
                "POST", self.url, self.pc.localDescription.sdp, {"Content-Type": "application/sdp"}
            )
            # 409 with Retry-After: the room is not live yet (its publisher's media has not
            # arrived); a player waits, as the room page does.
            not_live = self.response.status == 409 and "Retry-After" in self.response.headers
            if not not_live or asyncio.get_running_loop().time() > deadline:
                break
            await asyncio.sleep(0.1)
        if self.response.status == 201:
            self.location = _absolute(self.url, self.response.headers["Location"])
            await self.pc.setRemoteDescription(
                RTCSessionDescription(sdp=self.response.body, type="answer")
            )
        return self.response

    async def _consume(self, track) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            if track.kind == "video":
                self.video_pts.append(frame.pts)
                self.video_sizes.add((frame.width, frame.height))
            else:
                self.audio_frames += 1
                if self.keep_audio:
                    self.audio_pcm += bytes(frame.planes[0])[: frame.samples * 4]
                    del self.audio_pcm[: max(0, len(self.audio_pcm) - 2 * 48_000 * 4)]

    async def wait_for(self, *, video: int = 0, audio: int = 0, timeout: float = 15.0) -> bool:
        return await wait_until(
            lambda: len(self.video_pts) >= video and self.audio_frames >= audio, timeout
        )

    async def stop(self) -> HttpResponse | None:
        response = None
        if self.location:
            response = await http("DELETE", self.location)
        await self.close()
        return response

    async def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await self.pc.close()


async def wait_until(condition: Callable[[], bool], timeout: float = 15.0) -> bool:
    deadline = asyncio.get_running_loop().time() + timeout
    while not condition():
        if asyncio.get_running_loop().time() > deadline:
            return False
        await asyncio.sleep(0.05)
    return True


async def room_state_wait(room_id: int, state: str, timeout: float = 10.0) -> bool:
    """Wait until the room is in `state` in the database (read in a thread)."""
    from daigang.live.models import Room

    def read() -> str:
        from django.db import connections

        try:
            return Room.objects.get(pk=room_id).state
        finally:
            connections.close_all()

    deadline = asyncio.get_running_loop().time() + timeout
    while asyncio.get_running_loop().time() < deadline:
        if await asyncio.to_thread(read) == state:
            return True
        await asyncio.sleep(0.05)
    return False


def tone_level(pcm: bytes, frequency: float, sample_rate: int = 48_000) -> float:
    """How strong `frequency` is in s16 stereo PCM (left channel, Goertzel): the tone's
    amplitude as a fraction of full scale (a tone of amplitude 8000 gives about 0.24)."""
    count = len(pcm) // 4
    if count == 0:
        return 0.0
    left = struct.unpack(f"<{count * 2}h", pcm[: count * 4])[::2]
    coefficient = 2 * math.cos(2 * math.pi * frequency / sample_rate)
    s1 = s2 = 0.0
    for sample in left:
        s1, s2 = sample + coefficient * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
    return math.sqrt(max(power, 0.0)) / (count / 2) / 32768
