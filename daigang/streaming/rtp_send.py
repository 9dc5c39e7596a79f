"""One viewer's RTP: the room's shared payloads behind that viewer's own header.

aiortc's RTCRtpSender, given a track of encoded packets, still does per viewer and per packet
work that is the same for every viewer: VP8 packetization (the payload descriptor and the split
into RTP-sized pieces). It also does work a relay does not need: one RtpPacket object, an
abs-send-time read from a datetime clock and header extensions serialised through a map, all per
packet. That Python was most of what a viewer cost (bench/relay). So:

- the room packetizes each encoded packet once, into an `RtpFrame` that every viewer shares
  (`Vp8Packetizer`, `opus_frame`);
- each viewer's sender only puts its own 12-byte RTP header in front of each payload (its SSRC,
  sequence numbers and timestamp origin), with the header extensions (MID, abs-send-time) built
  once per frame by aiortc's own map. It then hands the packet to aiortc's transport, which
  encrypts it (SRTP keys are per viewer) and sends it.

aiortc's sender keeps doing the rest: negotiation, RTCP (its sender reports read the counters
set here), PLI/FIR (routed to the room's encoder by the relay) and NACKs. Lost packets are resent
from a history of RTP_HISTORY_SIZE, over RTX when it was negotiated, as aiortc does.

`shared_sending_install` replaces two methods of one sender instance (`_run_rtp`, `_retransmit`)
and writes four of its private counters. test_rtp_send.py checks the bytes against aiortc's
parser, and the WHEP tests check that real receivers decode them. Recheck both when aiortc is
upgraded.

Those internals are checked once per process (`shared_sending_available`): if one is missing or
of another shape, one warning is logged and the relay gives its viewers aiortc's own sender,
fed the room's encoded packets (it packetizes them per viewer: slower, but video still goes
out). tests/test_private_names.py fails on such an upgrade, and test_shared_sending_fallback.py
fails if the fallback is taken with the aiortc the project pins.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import struct
from dataclasses import dataclass
from typing import Any, cast

import av
from aiortc import RTCRtpSender, clock
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
from aiortc.rtcdtlstransport import RTCDtlsTransport
from aiortc.rtcrtpparameters import RTCRtpCodecParameters
from aiortc.rtcrtpsender import random_sequence_number
from aiortc.rtp import RTP_HISTORY_SIZE, HeaderExtensions
from aiortc.utils import random32

logger = logging.getLogger(__name__)

_HEADER = struct.Struct("!BBHII")  # V=2 P X CC, M PT, sequence number, timestamp, SSRC
_EXTENSION_HEAD = struct.Struct("!HH")  # profile, length in 32-bit words
_RTX_OSN = struct.Struct("!H")  # RTX payload: the original sequence number, then the payload


@dataclass(frozen=True, slots=True)
class RtpFrame:
    """One encoded packet as RTP payloads, shared by every viewer of a room.

    `timestamp` is in the codec's RTP clock (90 kHz video, 48 kHz audio); each viewer adds its
    own random origin.
    """

    payloads: tuple[bytes, ...]
    timestamp: int
    is_keyframe: bool


class Vp8Packetizer:
    """A room's VP8 packetization (RFC 7741), done once for all its viewers."""

    def __init__(self) -> None:
        self._picture_id = 0

    def frame(self, packet: av.Packet) -> RtpFrame:
        # aiortc's own packetizer, which its senders would otherwise run once per viewer.
        payloads = Vp8Encoder._packetize(bytes(packet), self._picture_id)
        self._picture_id = (self._picture_id + 1) % (1 << 15)
        assert packet.pts is not None  # the relay's encoders stamp every packet (media.py)
        return RtpFrame(tuple(payloads), int(packet.pts), bool(packet.is_keyframe))


def opus_frame(packet: av.Packet) -> RtpFrame:
    """An Opus packet is one RTP payload as it is (RFC 7587)."""
    assert packet.pts is not None  # the relay's encoders stamp every packet (media.py)
    return RtpFrame((bytes(packet),), int(packet.pts), True)


def _private(sender: RTCRtpSender, name: str) -> Any:
    return getattr(sender, f"_RTCRtpSender__{name}")


def _private_set(sender: RTCRtpSender, name: str, value: Any) -> None:
    setattr(sender, f"_RTCRtpSender__{name}", value)


class _SharedSending:
    """The RTP side of one viewer's sender, reading RtpFrames from its PacketTrack."""

    def __init__(self, sender: RTCRtpSender, track: MediaStreamTrack) -> None:
        self.sender = sender
        self.track = track
        self.payload_type = 0
        self.history: list[tuple[int, int, int, bytes, bytes] | None] = [None] * RTP_HISTORY_SIZE

    def _extensions(self, ntp_time: int) -> bytes:
        """A frame's header extension block (empty when none was negotiated)."""
        values = HeaderExtensions()
        values.mid = _private(self.sender, "mid")
        values.abs_send_time = (ntp_time >> 14) & 0xFFFFFF  # 6.18 fixed point, as aiortc
        profile, value = _private(self.sender, "rtp_header_extensions_map").set(values)
        if not value:
            return b""
        return _EXTENSION_HEAD.pack(profile, len(value) >> 2) + value

    async def run(self, codec: RTCRtpCodecParameters) -> None:
        sender = self.sender
        _private(sender, "rtp_started").set()
        assert codec.payloadType is not None  # a negotiated codec has its payload type
        self.payload_type = payload_type = codec.payloadType
        ssrc = sender._ssrc
        history = self.history
        sequence_number = random_sequence_number()
        timestamp_origin = random32()
        octets = packets = 0
        try:
            send = sender.transport._send_rtp
            while True:
                # A shared-sending room's PacketTracks carry RtpFrames only (media.py).
                frame = cast(RtpFrame, await self.track.recv())
                if not sender._enabled:
                    continue
                ntp_time = clock.current_ntp_time()
                extensions = self._extensions(ntp_time)
                first_byte = 0x90 if extensions else 0x80
                timestamp = (timestamp_origin + frame.timestamp) & 0xFFFFFFFF
                last = len(frame.payloads) - 1
                for index, payload in enumerate(frame.payloads):
                    marker = 0x80 if index == last else 0
                    history[sequence_number % RTP_HISTORY_SIZE] = (
                        sequence_number,
                        marker,
                        timestamp,
                        extensions,
                        payload,
                    )
                    await send(
                        _HEADER.pack(
                            first_byte, marker | payload_type, sequence_number, timestamp, ssrc
                        )
                        + extensions
                        + payload
                    )
                    octets += len(payload)
                    packets += 1
                    sequence_number = (sequence_number + 1) & 0xFFFF
                # What aiortc's RTCP sender reports (RFC 3550 §6.4.1) are read from these.
                _private_set(sender, "ntp_timestamp", ntp_time)
                _private_set(sender, "rtp_timestamp", timestamp)
                _private_set(sender, "octet_count", octets)
                _private_set(sender, "packet_count", packets)
        except (asyncio.CancelledError, ConnectionError, MediaStreamError):
            pass
        except Exception:
            # aiortc's stop() waits for rtp_exited, so this must end normally whatever happened.
            logger.exception("relay: sending RTP to a viewer failed")
        self.track.stop()
        _private(sender, "rtp_exited").set()

    async def retransmit(self, sequence_number: int) -> None:
        """Resend a packet the viewer reported lost (NACK), over RTX when negotiated."""
        entry = self.history[sequence_number % RTP_HISTORY_SIZE]
        if entry is None or entry[0] != sequence_number:
            return
        _, marker, timestamp, extensions, payload = entry
        sender = self.sender
        first_byte = 0x90 if extensions else 0x80
        rtx_payload_type = _private(sender, "rtx_payload_type")
        if rtx_payload_type is None:
            data = _HEADER.pack(
                first_byte, marker | self.payload_type, sequence_number, timestamp, sender._ssrc
            )
        else:
            rtx_sequence_number = _private(sender, "rtx_sequence_number")
            _private_set(sender, "rtx_sequence_number", (rtx_sequence_number + 1) & 0xFFFF)
            data = _HEADER.pack(
                first_byte,
                marker | rtx_payload_type,
                rtx_sequence_number,
                timestamp,
                sender._rtx_ssrc,
            )
            payload = _RTX_OSN.pack(sequence_number) + payload
        try:
            await sender.transport._send_rtp(data + extensions + payload)
        except ConnectionError:
            pass


def shared_sending_install(sender: RTCRtpSender, track: MediaStreamTrack) -> None:
    """Make `sender` send `track`'s RtpFrames as they are (call before negotiation starts it).

    Only where `shared_sending_available()`.
    """
    sending = _SharedSending(sender, track)
    sender._run_rtp = sending.run  # type: ignore[method-assign]
    sender._retransmit = sending.retransmit  # type: ignore[method-assign]


# The private attributes of RTCRtpSender that _SharedSending reads or writes, and what they hold.
_SENDER_ATTRIBUTES: tuple[tuple[str, Any], ...] = (
    ("_ssrc", int),
    ("_rtx_ssrc", int),
    ("_enabled", bool),
    ("_RTCRtpSender__mid", (str, type(None))),
    ("_RTCRtpSender__rtp_header_extensions_map", object),
    ("_RTCRtpSender__rtp_started", asyncio.Event),
    ("_RTCRtpSender__rtp_exited", asyncio.Event),
    ("_RTCRtpSender__rtx_payload_type", (int, type(None))),
    ("_RTCRtpSender__rtx_sequence_number", int),
    ("_RTCRtpSender__ntp_timestamp", int),
    ("_RTCRtpSender__rtp_timestamp", int),
    ("_RTCRtpSender__octet_count", int),
    ("_RTCRtpSender__packet_count", int),
)


class _ProbeTransport:
    """Enough of a DTLS transport for RTCRtpSender's constructor (it reads `state`)."""

    state = "new"


def _coroutine_method(owner: type, name: str, parameters: tuple[str, ...]) -> str | None:
    method = inspect.getattr_static(owner, name, None)
    if not inspect.iscoroutinefunction(method):
        return f"{owner.__name__}.{name} is not a coroutine method"
    names = tuple(inspect.signature(method).parameters)[1:]
    if names[: len(parameters)] != parameters:
        return f"{owner.__name__}.{name} takes {names}, not {parameters}"
    return None


def _calls(function: Any, name: str) -> bool:
    code = getattr(function, "__code__", None)
    return code is not None and name in code.co_names


async def _sender_probe() -> RTCRtpSender:
    return RTCRtpSender("video", _ProbeTransport())  # type: ignore[arg-type]


def _shared_sending_problem() -> str | None:
    """What about the installed aiortc shared sending cannot rely on, or None."""
    for owner, name, parameters in (
        (RTCRtpSender, "_run_rtp", ("codec",)),
        (RTCRtpSender, "_retransmit", ("sequence_number",)),
        (RTCDtlsTransport, "_send_rtp", ("data",)),
    ):
        problem = _coroutine_method(owner, name, parameters)
        if problem:
            return problem
    # Replacing a method helps only while aiortc still calls it by that name.
    if not _calls(RTCRtpSender.send, "_run_rtp"):
        return "RTCRtpSender.send no longer starts _run_rtp"
    if not _calls(RTCRtpSender._handle_rtcp_packet, "_retransmit"):
        return "RTCRtpSender._handle_rtcp_packet no longer calls _retransmit"
    try:
        payloads = Vp8Encoder._packetize(b"\x10\x02\x00\x9d\x01\x2a" + bytes(2000), 0)
    except Exception as exc:
        return f"Vp8Encoder._packetize failed: {exc!r}"
    if not payloads or not all(isinstance(payload, bytes) for payload in payloads):
        return "Vp8Encoder._packetize returned no list of bytes"
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        sender = asyncio.run(_sender_probe())
    else:
        sender = RTCRtpSender("video", _ProbeTransport())  # type: ignore[arg-type]
    for name, kind in _SENDER_ATTRIBUTES:
        if not hasattr(sender, name):
            return f"RTCRtpSender has no {name}"
        if not isinstance(getattr(sender, name), kind):
            return f"RTCRtpSender.{name} is a {type(getattr(sender, name)).__name__}"
    try:
        profile, block = _private(sender, "rtp_header_extensions_map").set(HeaderExtensions())
    except Exception as exc:
        return f"RTCRtpSender's header extensions map cannot set(): {exc!r}"
    if not isinstance(profile, int) or not isinstance(block, bytes):
        return "RTCRtpSender's header extensions map set() returned another shape"
    return None


@functools.cache
def shared_sending_available() -> bool:
    """Whether aiortc's internals are as shared sending needs (checked once per process).

    If not, logs one warning: the relay then leaves each viewer aiortc's own sender.
    """
    try:
        problem = _shared_sending_problem()
    except Exception as exc:  # a check that breaks means the internals changed too
        problem = repr(exc)
    if problem is None:
        return True
    logger.warning(
        "relay: aiortc's internals changed (%s); viewers get aiortc's own sender, which "
        "packetizes per viewer (slower). Update daigang/streaming/rtp_send.py.",
        problem,
    )
    return False
