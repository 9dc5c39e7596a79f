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
"""

from __future__ import annotations

import asyncio
import logging
import struct
from dataclasses import dataclass
from typing import Any

import av
from aiortc import RTCRtpSender, clock
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.mediastreams import MediaStreamError, MediaStreamTrack
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
        return RtpFrame(tuple(payloads), int(packet.pts), bool(packet.is_keyframe))


def opus_frame(packet: av.Packet) -> RtpFrame:
    """An Opus packet is one RTP payload as it is (RFC 7587)."""
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
        self.payload_type = payload_type = codec.payloadType
        ssrc = sender._ssrc
        history = self.history
        sequence_number = random_sequence_number()
        timestamp_origin = random32()
        octets = packets = 0
        try:
            send = sender.transport._send_rtp
            while True:
                frame = await self.track.recv()
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
    """Make `sender` send `track`'s RtpFrames as they are (call before negotiation starts it)."""
    sending = _SharedSending(sender, track)
    sender._run_rtp = sending.run  # type: ignore[method-assign]
    sender._retransmit = sending.retransmit  # type: ignore[method-assign]
