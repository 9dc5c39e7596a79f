"""The built-in media relay: one publisher per room in, the same encoded packets to every viewer.

Everything here runs on the relay loop (daigang.streaming.loop); callers use `relay_await`.
One process serves a room: run the built-in relay in a single ASGI process, or set
STREAM_SERVER_URL to hand rooms to an external WHIP/WHEP server.

Per room:
- the publisher's peer connection (WHIP) delivers decoded frames (aiortc decodes VP8 or H.264);
- one video pump and one audio pump task read them and encode each frame once (media.py), in
  the room's own encoding thread;
- each packet is packetized once (rtp_send.py) and the same RTP payloads are pushed to every
  viewer's PacketTrack; each viewer's sender only adds its own RTP header, encrypts and sends.
  Should the installed aiortc's internals not be what rtp_send.py relies on (checked once per
  process, one warning), the same encoded packets go to aiortc's own senders instead, which
  packetize them per viewer.

The room goes live (daigang.live.lifecycle.room_go_live, through `on_publisher_media`) when
the first frame of its publisher's media arrives, not when the WHIP offer is answered: a
publisher whose connection never comes up never puts a black room on air.

A publisher that goes away (its connection lost, or its WHIP DELETE: a console reloaded, OBS
stopped or restarted) makes the room interrupted (`on_publisher_gone`), never ended: its
viewers stay connected, over the last picture, for STREAM_PUBLISHER_GRACE_SECONDS, and a
publisher that comes back meanwhile is on their screens again at once; after that the room's
relay is closed (its viewers reconnect when it is live again). A session outlives its
connection for that long too: clients often close their peer connection before they send
DELETE, and that DELETE must still find the session.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, cast

import av
from aiortc import RTCPeerConnection, RTCRtpSender, RTCSessionDescription
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from django.conf import settings
from django.utils.translation import gettext as _

from daigang.core.refused import Refused
from daigang.streaming import ice, sdp
from daigang.streaming.hls import HlsConfig, HlsFeed
from daigang.streaming.loop import relay_call_soon
from daigang.streaming.media import AudioEncoder, PacketTrack, RelayCounters, VideoEncoder
from daigang.streaming.mixer import GuestMixer
from daigang.streaming.recorder import Recorder, room_recorder
from daigang.streaming.rtp_send import (
    Vp8Packetizer,
    opus_frame,
    shared_sending_available,
    shared_sending_install,
)

logger = logging.getLogger(__name__)

# Forced keyframes cost bitrate for everyone; a lossy viewer sending PLIs, or many viewers
# joining at once, get at most one every this many seconds.
KEYFRAME_MIN_SPACING = 0.5
# A viewer or publisher whose connection is not up by then is given up (frees its slot).
CONNECT_TIMEOUT = 30.0
# More decoded frames than this waiting (~a quarter second) means the encoder fell behind:
# skip frames until it catches up. Fewer are normal bursts from the jitter buffer.
MAX_SOURCE_BACKLOG = 8


@dataclass(frozen=True)
class RelayConfig:
    max_height: int = 480
    video_bitrate: int = 800_000
    audio_bitrate: int = 64_000
    keyframe_interval: float = 3.0
    max_viewers: int = 500
    publisher_grace: float = 60.0
    viewer_queue_size: int = 60
    # HLS for big rooms (hls.py); off unless the settings say otherwise.
    hls: HlsConfig = field(default_factory=lambda: HlsConfig(mode="off"))

    @classmethod
    def from_settings(cls) -> RelayConfig:
        return cls(
            max_height=settings.STREAM_RELAY_MAX_HEIGHT,
            video_bitrate=settings.STREAM_RELAY_VIDEO_BITRATE,
            max_viewers=settings.STREAM_RELAY_MAX_VIEWERS,
            publisher_grace=settings.STREAM_PUBLISHER_GRACE_SECONDS,
            hls=HlsConfig.from_settings(),
        )


@dataclass
class Session:
    id: str
    room_id: int
    role: str  # "publisher" | "viewer" | "guest"
    pc: RTCPeerConnection
    tracks: list[MediaStreamTrack] = field(default_factory=list)
    closed: bool = False
    # A publisher whose first frame reached the relay (the room was put live for it).
    media_seen: bool = False
    # A mic-link guest's request id (daigang.live.mic): its key in the room's GuestMixer.
    guest_key: int | None = None


@dataclass(frozen=True)
class Answer:
    session_id: str
    sdp: str


class RelayMisconfigured(Exception):
    """The relay cannot serve any client as it is set up: a server fault, never the client's."""


class RoomRelay:
    """One room's publisher, encoders and viewers."""

    def __init__(self, room_id: int, config: RelayConfig) -> None:
        self.room_id = room_id
        self.config = config
        self.counters = RelayCounters()
        self.publisher: Session | None = None
        # The publisher whose connection was lost, until its DELETE or the grace timer.
        self.publisher_lost: Session | None = None
        self.viewers: dict[str, Session] = {}
        # Viewers whose connection was lost: session id -> when (monotonic), for their DELETE.
        self.viewers_lost: dict[str, float] = {}
        self.video_tracks: list[PacketTrack] = []
        self.audio_tracks: list[PacketTrack] = []
        self._video = VideoEncoder(
            counters=self.counters,
            max_height=config.max_height,
            bitrate=config.video_bitrate,
            keyframe_interval=config.keyframe_interval,
        )
        # The room's HLS (hls.py): started and stopped by demand, fed the decoded video and
        # the audio chunks as encoded for WebRTC (the guests' voices mixed in).
        self.hls = HlsFeed(room_id, config.hls, viewers=lambda: len(self.viewers))
        # Mic-link guests' voices, added into the anchor's audio before its one encode.
        self.mixer = GuestMixer(self.counters)
        self.guests: dict[int, Session] = {}
        self._audio = AudioEncoder(
            counters=self.counters,
            bitrate=config.audio_bitrate,
            mix=self.mixer.mix,
            mixing=self.mixer.active,
            tap=self.hls.audio,
        )
        self._vp8 = Vp8Packetizer()
        # False: viewers get aiortc's own sender, and the tracks carry the encoded packets.
        self.shared_sending = shared_sending_available()
        # One thread per room: frames are encoded in order, off the relay loop.
        self._executor = ThreadPoolExecutor(1, thread_name_prefix=f"relay-encode-{room_id}")
        self._pumps: set[asyncio.Task[None]] = set()
        self._keyframe_wanted = False
        self._last_forced_keyframe = 0.0
        self.grace_timer: asyncio.TimerHandle | None = None
        # A guest's turn limit: its media is cut when it is reached (request id -> timer).
        self.guest_timers: dict[int, asyncio.TimerHandle] = {}
        # Called once per publisher session, on the first frame it delivers (set by Relay).
        self.on_media: Callable[[Session], None] | None = None
        # The room's replay (recorder.py): the same packets, muxed to a file in its own thread.
        self.recorder: Recorder | None = None

    # -- publisher side ---------------------------------------------------------------------
    def source_attach(self, track: MediaStreamTrack, session: Session) -> None:
        if track.kind == "video":
            self.recorder = self.recorder or room_recorder(self.room_id)
            if self.recorder is not None:
                self.recorder.segment_mark()
            pump = self._pump_video(track, session)
            # A publisher back after an interruption: viewers still connected need a keyframe.
            self.keyframe_request()
        else:
            pump = self._pump_audio(track, session)
        task = asyncio.ensure_future(pump)
        self._pumps.add(task)
        task.add_done_callback(self._pumps.discard)

    def _media_arrived(self, session: Session) -> None:
        if session.media_seen or session is not self.publisher:
            return
        session.media_seen = True
        if self.on_media is not None:
            self.on_media(session)

    async def _pump_video(self, track: MediaStreamTrack, session: Session) -> None:
        loop = asyncio.get_running_loop()
        self._video.segment_start()
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            self.counters.video_frames_in += 1
            self._media_arrived(session)
            self.hls.video(cast(av.VideoFrame, frame))
            if _backlog(track) > MAX_SOURCE_BACKLOG:
                self.counters.video_frames_skipped += 1
                continue
            keyframe = self._keyframe_take()
            # A video track yields VideoFrames; aiortc types recv() for any track.
            video = cast(av.VideoFrame, frame)
            try:
                packets = await loop.run_in_executor(
                    self._executor, self._video.encode, video, keyframe
                )
            except (av.FFmpegError, ValueError):
                # One bad frame must not end the room's video: log it and go on.
                logger.exception("relay: room %s could not encode a frame", self.room_id)
                continue
            for packet in packets:
                if self.recorder is not None:
                    self.recorder.push_video(packet)
                item = self._vp8.frame(packet) if self.shared_sending else packet
                for viewer_track in self.video_tracks:
                    viewer_track.push(item)

    async def _pump_audio(self, track: MediaStreamTrack, session: Session) -> None:
        loop = asyncio.get_running_loop()
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            self.counters.audio_frames_in += 1
            self._media_arrived(session)
            try:
                # An audio track yields AudioFrames; aiortc types recv() for any track.
                audio = cast(av.AudioFrame, frame)
                packets = await loop.run_in_executor(self._executor, self._audio.encode, audio)
            except (av.FFmpegError, ValueError):
                logger.exception("relay: room %s could not encode audio", self.room_id)
                continue
            for packet in packets:
                if self.recorder is not None:
                    self.recorder.push_audio(packet)
                item = opus_frame(packet) if self.shared_sending else packet
                for viewer_track in self.audio_tracks:
                    viewer_track.push(item)

    # -- mic-link guests -----------------------------------------------------------------
    def guest_attach(self, track: MediaStreamTrack, session: Session) -> None:
        """A guest's audio goes to the mixer; a guest's video is not relayed (not answered)."""
        if track.kind != "audio" or session.guest_key is None:
            return
        task = asyncio.ensure_future(self._pump_guest(track, session.guest_key))
        self._pumps.add(task)
        task.add_done_callback(self._pumps.discard)

    async def _pump_guest(self, track: MediaStreamTrack, key: int) -> None:
        while True:
            try:
                frame = await track.recv()
            except MediaStreamError:
                return
            self.mixer.push(key, cast(av.AudioFrame, frame))

    def guest_forget(self, session: Session) -> None:
        """Stop mixing the guest at once (its session is closed by the caller)."""
        if session.guest_key is not None and self.guests.get(session.guest_key) is session:
            del self.guests[session.guest_key]
            self.mixer.guest_remove(session.guest_key)
            timer = self.guest_timers.pop(session.guest_key, None)
            if timer is not None:
                timer.cancel()

    def keyframe_request(self) -> None:
        self._keyframe_wanted = True

    def _keyframe_take(self) -> bool:
        now = time.monotonic()
        if self._keyframe_wanted and now - self._last_forced_keyframe >= KEYFRAME_MIN_SPACING:
            self._keyframe_wanted = False
            self._last_forced_keyframe = now
            return True
        return False

    # -- viewer side ------------------------------------------------------------------------
    def viewer_tracks_make(self) -> tuple[PacketTrack, PacketTrack]:
        video, audio = (
            PacketTrack(
                kind=kind,
                counters=self.counters,
                keyframe_request=self.keyframe_request,
                queue_size=self.config.viewer_queue_size,
            )
            for kind in ("video", "audio")
        )
        self.video_tracks.append(video)
        self.audio_tracks.append(audio)
        return video, audio

    def viewer_lost(self, session: Session) -> None:
        """Forget a viewer whose connection went away, but remember its id for a while."""
        self.viewer_forget(session)
        now = time.monotonic()
        self.viewers_lost[session.id] = now
        forget_before = now - self.config.publisher_grace
        for session_id, lost_at in list(self.viewers_lost.items()):
            if lost_at < forget_before:
                del self.viewers_lost[session_id]

    def viewer_forget(self, session: Session) -> None:
        self.viewers.pop(session.id, None)
        for track in session.tracks:
            track.stop()
        self.video_tracks = [t for t in self.video_tracks if t.readyState == "live"]
        self.audio_tracks = [t for t in self.audio_tracks if t.readyState == "live"]

    def stats(self) -> dict[str, object]:
        return {
            "room_id": self.room_id,
            "publishing": self.publisher is not None,
            "viewers": len(self.viewers),
            "guests": sorted(self.guests),
            "mix_seconds": self.mixer.mix_seconds,
            "counters": self.counters.as_dict(),
            "viewer_video_packets": [t.packets_out for t in self.video_tracks],
            "viewer_audio_packets": [t.packets_out for t in self.audio_tracks],
        }

    async def close(self) -> None:
        if self.grace_timer is not None:
            self.grace_timer.cancel()
        sessions = list(self.viewers.values()) + list(self.guests.values())
        for key in list(self.guests):
            self.mixer.guest_remove(key)
        self.guests.clear()
        for timer in self.guest_timers.values():
            timer.cancel()
        self.guest_timers.clear()
        if self.publisher is not None:
            sessions.append(self.publisher)
        self.publisher = None
        self.publisher_lost = None
        self.viewers.clear()
        self.viewers_lost.clear()
        for session in sessions:
            await _session_close(session)
        for task in list(self._pumps):
            task.cancel()
        self.hls.stop()
        self._executor.shutdown(wait=False)
        if self.recorder is not None:
            self.recorder.close()  # the file is finished in the recorder's thread


class Relay:
    """All rooms this process relays. One instance per process (`relay_get`)."""

    def __init__(self) -> None:
        self.rooms: dict[int, RoomRelay] = {}
        # Called (on the relay loop) with the room's id when the first frame of a publisher
        # arrives (the room goes live), and when a publisher that had put the room live went
        # away (the room is interrupted). Run one after the other, in order.
        self.on_publisher_media: Callable[[int], Awaitable[None]] | None = None
        self.on_publisher_gone: Callable[[int], Awaitable[None]] | None = None
        # Called (on the relay loop) with (room id, request id) when a mic-link guest's turn
        # limit is reached and the relay cut its media: the turn is ended in the database.
        self.on_guest_turn_over: Callable[[int, int], Awaitable[None]] | None = None
        self._room_state_calls: deque[tuple[Callable[[int], Awaitable[None]], int]] = deque()
        self._room_state_task: asyncio.Task[None] | None = None

    def room(self, room_id: int, config: RelayConfig) -> RoomRelay:
        if room_id not in self.rooms:
            room = RoomRelay(room_id, config)
            room.on_media = lambda session: self._room_state_call(
                self.on_publisher_media, session.room_id
            )
            self.rooms[room_id] = room
        return self.rooms[room_id]

    def _room_state_call(self, hook: Callable[[int], Awaitable[None]] | None, room_id: int) -> None:
        """Queue a room state change (go live, interrupt): they run in the order they happened,
        so a publisher that drops just after its first frame leaves the room interrupted."""
        if hook is None:
            return
        self._room_state_calls.append((hook, room_id))
        if self._room_state_task is None or self._room_state_task.done():
            self._room_state_task = asyncio.ensure_future(self._room_state_run())

    async def _room_state_run(self) -> None:
        while self._room_state_calls:
            hook, room_id = self._room_state_calls.popleft()
            try:
                await hook(room_id)
            except Exception:
                logger.exception("relay: changing the state of room %s failed", room_id)

    async def publish(self, *, room_id: int, offer_sdp: str, config: RelayConfig) -> Answer:
        """Accept a WHIP offer. Refused offer_malformed (400), offer_no_media (422),
        publisher_busy (409) if the room already has a publisher; RelayMisconfigured."""
        sdp.offer_check(offer_sdp, publishing=True)
        ice.host_addresses_install()
        configuration = await ice.rtc_configuration_answering()
        room = self.room(room_id, config)
        if room.publisher is not None:
            raise Refused(
                "publisher_busy", _("本直播间已有推流，请先停止另一端的推流。"), status=409
            )
        pc = RTCPeerConnection(configuration=configuration)
        session = Session(id=_session_id(), room_id=room_id, role="publisher", pc=pc)
        room.publisher = session  # reserved before any await: a racing second POST gets 409
        room.publisher_lost = None  # taken over: the dropped session's DELETE ends nothing
        if room.grace_timer is not None:
            room.grace_timer.cancel()
            room.grace_timer = None

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            session.tracks.append(track)
            room.source_attach(track, session)

        try:
            answer = await _answer(pc, offer_sdp)
        except BaseException:
            room.publisher = None
            await _session_close(session)
            raise
        self._watch(session)
        return Answer(session_id=session.id, sdp=answer)

    async def guest_publish(
        self,
        *,
        room_id: int,
        request_id: int,
        offer_sdp: str,
        config: RelayConfig,
        muted: bool = False,
        seconds_left: float | None = None,
    ) -> Answer:
        """Accept a mic-link guest's WHIP offer (its accepted, consented request `request_id`):
        its audio is mixed into the room's until guest_end, its connection is lost, or
        `seconds_left` pass. A guest publishing again replaces its earlier session. Refused
        offer_malformed, offer_no_media, anchor_not_publishing (409)."""
        sdp.offer_check(offer_sdp, publishing=True)
        room = self.rooms.get(room_id)
        if room is None or room.publisher is None:
            raise Refused(
                "anchor_not_publishing", _("主播暂时不在直播，请稍后再连麦。"), status=409
            )
        ice.host_addresses_install()
        configuration = await ice.rtc_configuration_answering()
        old = room.guests.get(request_id)
        if old is not None:
            room.guest_forget(old)
            await _session_close(old)
        pc = RTCPeerConnection(configuration=configuration)
        session = Session(
            id=_session_id(), room_id=room_id, role="guest", pc=pc, guest_key=request_id
        )
        room.guests[request_id] = session
        room.mixer.guest_add(request_id, muted=muted)

        @pc.on("track")
        def on_track(track: MediaStreamTrack) -> None:
            session.tracks.append(track)
            room.guest_attach(track, session)

        try:
            answer = await _answer(pc, offer_sdp, audio_only=True)
        except BaseException:
            room.guest_forget(session)
            await _session_close(session)
            raise
        if seconds_left is not None:
            room.guest_timers[request_id] = asyncio.get_running_loop().call_later(
                max(seconds_left, 0.0),
                lambda: asyncio.ensure_future(self._guest_turn_over(room_id, request_id)),
            )
        self._watch(session)
        return Answer(session_id=session.id, sdp=answer)

    async def guest_end(self, *, room_id: int, request_id: int) -> bool:
        """Stop mixing a guest at once and close its session; False if it had none here."""
        room = self.rooms.get(room_id)
        session = None if room is None else room.guests.get(request_id)
        if room is None or session is None:
            return False
        room.guest_forget(session)
        await _session_close(session)
        return True

    def guest_mute(self, *, room_id: int, request_id: int, muted: bool) -> None:
        room = self.rooms.get(room_id)
        if room is not None:
            room.mixer.guest_mute(request_id, muted)

    async def _guest_turn_over(self, room_id: int, request_id: int) -> None:
        await self.guest_end(room_id=room_id, request_id=request_id)
        if self.on_guest_turn_over is not None:
            try:
                await self.on_guest_turn_over(room_id, request_id)
            except Exception:
                logger.exception("relay: ending the turn of guest %s failed", request_id)

    async def view(self, *, room_id: int, offer_sdp: str, config: RelayConfig) -> Answer:
        """Accept a WHEP offer: VP8 + Opus, the room's shared packets."""
        sdp.offer_check(offer_sdp, publishing=False)
        ice.host_addresses_install()
        configuration = await ice.rtc_configuration_answering()
        room = self.room(room_id, config)
        if len(room.viewers) >= config.max_viewers:
            raise Refused("relay_full", _("观看人数已满，请稍后再试。"), status=503)
        pc = RTCPeerConnection(configuration=configuration)
        video, audio = room.viewer_tracks_make()
        session = Session(
            id=_session_id(), room_id=room_id, role="viewer", pc=pc, tracks=[video, audio]
        )
        room.viewers[session.id] = session
        for track, mime_types in ((video, ("video/VP8", "video/rtx")), (audio, ("audio/opus",))):
            transceiver = pc.addTransceiver(track, direction="sendonly")
            transceiver.setCodecPreferences(
                [
                    codec
                    for codec in RTCRtpSender.getCapabilities(track.kind).codecs
                    if codec.mimeType in mime_types
                ]
            )
            # aiortc honours a viewer's PLI/FIR only when it encodes; route it to the room's
            # one encoder instead (rate-limited there).
            transceiver.sender._send_keyframe = room.keyframe_request  # type: ignore[method-assign]
            if room.shared_sending:
                shared_sending_install(transceiver.sender, track)
        try:
            answer = await _answer(pc, offer_sdp)
        except BaseException:
            room.viewer_forget(session)
            await _session_close(session)
            raise
        self._watch(session)
        return Answer(session_id=session.id, sdp=answer)

    async def session_end(self, *, room_id: int, session_id: str, role: str) -> bool:
        """Close one session of `role` (WHIP/WHEP DELETE); False if there is none.

        A session whose connection was lost is still found until its grace ends. The role is
        checked before anything is closed: a publisher's id on the viewer path is not found.
        A publisher's DELETE ends its session only: the room is interrupted (if it was live)
        and its viewers wait, as after a lost connection.
        """
        room = self.rooms.get(room_id)
        if room is None:
            return False
        if role == "guest":
            for guest in list(room.guests.values()):
                if guest.id == session_id:
                    room.guest_forget(guest)
                    await _session_close(guest)
                    return True
            return False
        if role == "publisher":
            if room.publisher_lost is not None and room.publisher_lost.id == session_id:
                room.publisher_lost = None  # its DELETE is answered once
                return True
            if room.publisher is None or room.publisher.id != session_id:
                return False
            await self._session_lost(room.publisher, revoked=True)
            return True
        session = room.viewers.get(session_id)
        if session is None:
            return room.viewers_lost.pop(session_id, None) is not None
        room.viewer_forget(session)
        await _session_close(session)
        return True

    async def publisher_drop(self, room_id: int) -> None:
        """Cut the room's publisher off as if its connection were lost: the room stays live
        for its grace, so someone with the new stream key can take over, then ends."""
        room = self.rooms.get(room_id)
        if room is not None and room.publisher is not None:
            # Revoked, not lost: the old session's DELETE must not end the room.
            await self._session_lost(room.publisher, revoked=True)

    async def room_close(self, room_id: int) -> None:
        room = self.rooms.pop(room_id, None)
        if room is not None:
            await room.close()

    async def close_all(self) -> None:
        for room_id in list(self.rooms):
            await self.room_close(room_id)

    def stats(self, room_id: int) -> dict[str, object] | None:
        room = self.rooms.get(room_id)
        return None if room is None else room.stats()

    def _watch(self, session: Session) -> None:
        pc = session.pc

        @pc.on("connectionstatechange")
        async def on_state() -> None:
            if pc.connectionState in ("failed", "closed"):
                await self._session_lost(session)

        async def give_up_if_not_connected() -> None:
            if pc.connectionState not in ("connected", "closed"):
                logger.info("relay: %s %s did not connect in time", session.role, session.id)
                await self._session_lost(session)

        asyncio.get_running_loop().call_later(
            CONNECT_TIMEOUT, lambda: asyncio.ensure_future(give_up_if_not_connected())
        )

    async def _session_lost(self, session: Session, *, revoked: bool = False) -> None:
        if session.closed:
            return  # closed here (DELETE, room end): nothing was lost
        room = self.rooms.get(session.room_id)
        if session.role == "guest":
            if room is not None:
                room.guest_forget(session)
            await _session_close(session)
            return
        if session.role == "viewer":
            if room is not None:
                room.viewer_lost(session)
            await _session_close(session)
            return
        if room is None or room.publisher is not session:
            await _session_close(session)
            return
        room.publisher = None
        room.publisher_lost = None if revoked else session
        await _session_close(session)
        if session.media_seen:
            self._room_state_call(self.on_publisher_gone, session.room_id)
        if room.grace_timer is not None:
            room.grace_timer.cancel()
        grace = room.config.publisher_grace
        room.grace_timer = asyncio.get_running_loop().call_later(
            grace, lambda: asyncio.ensure_future(self._publisher_abandoned(session.room_id))
        )

    async def _publisher_abandoned(self, room_id: int) -> None:
        """Nobody published again within the grace: free the room's relay (its viewers go).
        The room itself stays interrupted: publishing again puts it back on air."""
        room = self.rooms.get(room_id)
        if room is None or room.publisher is not None:
            return
        await self.room_close(room_id)


async def _answer(pc: RTCPeerConnection, offer_sdp: str, *, audio_only: bool = False) -> str:
    try:
        await pc.setRemoteDescription(
            RTCSessionDescription(sdp=_offer_prepare(offer_sdp), type="offer")
        )
        if audio_only:
            # A guest's camera is not relayed: its video is declined (inactive), not decoded.
            for transceiver in pc.getTransceivers():
                if transceiver.kind == "video":
                    transceiver.direction = "inactive"
        # Inside the try too: an offer with no media section parses, and aiortc's answer to
        # it raises ValueError (a 500 before; found by tests/test_authorization_matrix.py).
        # Our DTLS role, through the setup attribute of the answer we give aiortc.
        setup = sdp.answer_setup(offer_sdp)
        created = await pc.createAnswer()
        await pc.setLocalDescription(
            RTCSessionDescription(sdp=sdp.answer_setup_set(created.sdp, setup), type="answer")
        )
    except Exception as exc:
        # aiortc raises ValueError for unparsable SDP and OperationError when no codec fits.
        raise Refused(
            "offer_invalid",
            _("无法接受此 SDP offer：需要 VP8 或 H.264 视频、Opus 音频（观看端需支持 VP8）。"),
        ) from exc
    answer = pc.localDescription.sdp
    if f"a=setup:{setup}" not in answer:
        _dtls_role_ignored_warn()
    if sdp.answer_candidates_count(answer) == 0:
        # No client could ever reach us: say so now rather than answer 201 and fail later.
        logger.error(
            "relay: no ICE candidate gathered (WEBRTC_HOST_ADDRESSES=%r, ICE servers %r): "
            "set WEBRTC_HOST_ADDRESSES to addresses of this machine",
            list(ice.host_address_map()),
            settings.WEBRTC_ICE_SERVERS,
        )
        raise RelayMisconfigured(
            _(
                "直播服务器没有可用的网络地址（ICE 候选为空），无法建立连接："
                "请检查服务器的 WEBRTC_HOST_ADDRESSES 设置。"
            )
        )
    return ice.sdp_addresses_announce(sdp.answer_finish(answer))


_dtls_role_warned = False


def _dtls_role_ignored_warn() -> None:
    """The fallback: aiortc kept a DTLS role of its own; ECDSA publishers still work."""
    global _dtls_role_warned
    if not _dtls_role_warned:
        _dtls_role_warned = True
        logger.warning(
            "relay: this aiortc ignores the DTLS role (a=setup) of the answer it is given; "
            "publishers with an RSA certificate will fail (no shared cipher)"
        )


def _offer_prepare(offer_sdp: str) -> str:
    """Let a client that announced no candidate connect through its ICE checks.

    A browser on a host with only loopback (or hiding its addresses) may offer no usable
    candidate. Told "end-of-candidates" with none, aioice gives up at once; without that line
    it waits, and the client's checks to our candidates make peer-reflexive pairs that work.
    """
    if "a=candidate:" in offer_sdp:
        return offer_sdp
    lines = [line for line in offer_sdp.splitlines() if line != "a=end-of-candidates"]
    return "\r\n".join(lines) + "\r\n"


async def _session_close(session: Session) -> None:
    if session.closed:
        return
    session.closed = True
    for track in session.tracks:
        track.stop()
    await session.pc.close()


def _session_id() -> str:
    # The session URL is the capability to end the session: unguessable.
    return secrets.token_urlsafe(18)


def _backlog(track: MediaStreamTrack) -> int:
    # aiortc's RemoteStreamTrack keeps decoded frames in an asyncio.Queue named `_queue`.
    queue = getattr(track, "_queue", None)
    return queue.qsize() if isinstance(queue, asyncio.Queue) else 0


_relay: Relay | None = None


def relay_get() -> Relay:
    """This process's relay. Only touch it on the relay loop."""
    global _relay
    if _relay is None:
        _relay = Relay()
    return _relay


_closing: set[asyncio.Future[Any]] = set()


def relay_room_close_soon(*, room_id: int) -> None:
    """Drop a room's publisher and viewers (from any thread); no-op if not relayed here."""

    def close() -> None:
        if _relay is not None and room_id in _relay.rooms:
            # Keep a reference until it is done: the loop holds tasks only weakly.
            task = asyncio.ensure_future(_relay.room_close(room_id))
            _closing.add(task)
            task.add_done_callback(_closing.discard)

    relay_call_soon(close)


def relay_guest_soon(*, room_id: int, request_id: int, action: str) -> None:
    """A mic-link guest's turn ended ("end") or the anchor muted it ("mute" / "unmute"),
    from any thread; no-op if the room is not relayed here."""

    def apply() -> None:
        if _relay is None or room_id not in _relay.rooms:
            return
        if action == "end":
            task = asyncio.ensure_future(_relay.guest_end(room_id=room_id, request_id=request_id))
            _closing.add(task)
            task.add_done_callback(_closing.discard)
        else:
            _relay.guest_mute(room_id=room_id, request_id=request_id, muted=action == "mute")

    relay_call_soon(apply)


def relay_publisher_drop_soon(*, room_id: int) -> None:
    """Drop a room's publisher (from any thread); no-op if not relayed here."""

    def drop() -> None:
        if _relay is not None and room_id in _relay.rooms:
            task = asyncio.ensure_future(_relay.publisher_drop(room_id))
            _closing.add(task)
            task.add_done_callback(_closing.discard)

    relay_call_soon(drop)
