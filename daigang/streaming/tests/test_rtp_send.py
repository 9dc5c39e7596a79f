"""A viewer's sender puts its own RTP header on the room's shared payloads (rtp_send.py).

The senders here are aiortc's real RTCRtpSender, negotiated with VP8 + RTX and the MID and
abs-send-time extensions. Below them, a transport that records the RTP instead of encrypting and
sending it. Every packet is read back with aiortc's own parser. (The WHEP tests check that real
receivers, aiortc's and Chromium's, decode what this sends.)
"""

from __future__ import annotations

import asyncio

import av
from aiortc import RTCRtpSender
from aiortc.rtcrtpparameters import (
    RTCRtcpParameters,
    RTCRtpCodecParameters,
    RTCRtpHeaderExtensionParameters,
    RTCRtpSendParameters,
)
from aiortc.rtp import (
    RTCP_RTPFB_NACK,
    HeaderExtensionsMap,
    RtcpRtpfbPacket,
    RtpPacket,
    is_rtcp,
)

from daigang.streaming.media import PacketTrack, RelayCounters
from daigang.streaming.rtp_send import RtpFrame, Vp8Packetizer, shared_sending_install

PARAMETERS = RTCRtpSendParameters(
    codecs=[
        RTCRtpCodecParameters(mimeType="video/VP8", clockRate=90_000, payloadType=96),
        RTCRtpCodecParameters(
            mimeType="video/rtx", clockRate=90_000, payloadType=97, parameters={"apt": 96}
        ),
    ],
    headerExtensions=[
        RTCRtpHeaderExtensionParameters(id=4, uri="urn:ietf:params:rtp-hdrext:sdes:mid"),
        RTCRtpHeaderExtensionParameters(
            id=2, uri="http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time"
        ),
    ],
    muxId="0",
    rtcp=RTCRtcpParameters(cname="viewer"),
)
AUDIO_PARAMETERS = RTCRtpSendParameters(
    codecs=[
        RTCRtpCodecParameters(mimeType="audio/opus", clockRate=48_000, channels=2, payloadType=111)
    ],
    headerExtensions=PARAMETERS.headerExtensions,
    muxId="1",
    rtcp=RTCRtcpParameters(cname="viewer"),
)
KEYFRAME = RtpFrame((b"k1" * 500, b"k2" * 500, b"k3" * 10), 3_000, True)
DELTA = RtpFrame((b"d1" * 200,), 6_000, False)


class RecordingTransport:
    """Stands in for the DTLS transport beneath a sender: keeps the RTP it is given."""

    state = "connected"
    _stats_id = "transport"

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def _register_rtp_sender(self, sender, parameters) -> None:
        pass

    def _unregister_rtp_sender(self, sender) -> None:
        pass

    def _get_stats(self) -> dict:
        return {}

    async def _send_rtp(self, data: bytes) -> None:
        self.sent.append(data)

    def rtp(self) -> list[RtpPacket]:
        extensions = HeaderExtensionsMap()
        extensions.configure(PARAMETERS)
        return [RtpPacket.parse(data, extensions) for data in self.sent if not is_rtcp(data)]


async def _settle() -> None:
    for _ in range(5):
        await asyncio.sleep(0)


async def _viewer(
    parameters: RTCRtpSendParameters = PARAMETERS,
) -> tuple[RTCRtpSender, PacketTrack, RecordingTransport]:
    transport = RecordingTransport()
    kind = parameters.codecs[0].mimeType.split("/")[0]
    track = PacketTrack(kind=kind, counters=RelayCounters(), keyframe_request=lambda: None)
    sender = RTCRtpSender(track, transport)  # type: ignore[arg-type]
    shared_sending_install(sender, track)
    await sender.send(parameters)
    await _settle()  # the sender is now waiting in track.recv()
    return sender, track, transport


def test_each_payload_goes_out_behind_the_viewers_own_header():
    async def scenario():
        sender, track, transport = await _viewer()
        track.push(KEYFRAME)
        track.push(DELTA)
        await _settle()
        stats = await sender.getStats()
        await sender.stop()
        return sender, transport.rtp(), stats

    sender, packets, stats = asyncio.run(scenario())

    assert [p.payload for p in packets] == [*KEYFRAME.payloads, *DELTA.payloads]
    assert {(p.payload_type, p.ssrc) for p in packets} == {(96, sender._ssrc)}
    first = packets[0].sequence_number
    assert [p.sequence_number for p in packets] == [(first + i) & 0xFFFF for i in range(4)]
    # the marker ends each frame; a frame's packets share its timestamp, 3,000 ticks apart
    assert [p.marker for p in packets] == [0, 0, 1, 1]
    assert len({p.timestamp for p in packets[:3]}) == 1
    assert (packets[3].timestamp - packets[0].timestamp) & 0xFFFFFFFF == 3_000
    assert {p.extensions.mid for p in packets} == {"0"}
    assert all(p.extensions.abs_send_time is not None for p in packets)
    # what aiortc's RTCP sender reports and getStats() read
    (outbound,) = [s for s in stats.values() if s.type == "outbound-rtp"]
    assert outbound.packetsSent == 4
    assert outbound.bytesSent == sum(len(p) for p in [*KEYFRAME.payloads, *DELTA.payloads])


def test_two_viewers_get_the_same_payloads_under_their_own_ssrc_and_numbers():
    async def scenario():
        viewers = [await _viewer() for _ in range(2)]
        for _, track, _ in viewers:
            track.push(KEYFRAME)
        await _settle()
        for sender, _, _ in viewers:
            await sender.stop()
        return [(sender._ssrc, transport.rtp()) for sender, _, transport in viewers]

    (ssrc_a, a), (ssrc_b, b) = asyncio.run(scenario())

    assert [p.payload for p in a] == [p.payload for p in b] == list(KEYFRAME.payloads)
    assert ssrc_a != ssrc_b
    assert {p.ssrc for p in a} == {ssrc_a}
    assert {p.ssrc for p in b} == {ssrc_b}


def test_a_packet_reported_lost_is_resent_over_rtx():
    async def scenario():
        sender, track, transport = await _viewer()
        track.push(KEYFRAME)
        await _settle()
        lost = transport.rtp()[1]
        before = len(transport.sent)
        nack = RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=1, media_ssrc=sender._ssrc)
        nack.lost = [lost.sequence_number, (lost.sequence_number + 1000) & 0xFFFF]
        await sender._handle_rtcp_packet(nack)
        resent = transport.rtp()[3:]
        sent_for_nack = len(transport.sent) - before
        await sender.stop()
        return sender, lost, resent, sent_for_nack

    sender, lost, resent, sent_for_nack = asyncio.run(scenario())

    # one resend: the other sequence number was never sent, so there is nothing to resend
    assert sent_for_nack == 1
    (rtx,) = resent
    assert (rtx.payload_type, rtx.ssrc) == (97, sender._rtx_ssrc)
    assert rtx.payload == lost.sequence_number.to_bytes(2, "big") + lost.payload
    assert (rtx.timestamp, rtx.marker) == (lost.timestamp, lost.marker)
    assert rtx.extensions.mid == "0"


def test_without_rtx_a_lost_packet_is_resent_as_it_was():
    async def scenario():
        sender, track, transport = await _viewer(AUDIO_PARAMETERS)
        for timestamp in (960, 1920):
            track.push(RtpFrame((b"opus" * 30,), timestamp, True))
        await _settle()
        lost = transport.rtp()[0]
        nack = RtcpRtpfbPacket(fmt=RTCP_RTPFB_NACK, ssrc=1, media_ssrc=sender._ssrc)
        nack.lost = [lost.sequence_number]
        await sender._handle_rtcp_packet(nack)
        resent = transport.rtp()[2:]
        await sender.stop()
        return lost, resent

    lost, resent = asyncio.run(scenario())

    (again,) = resent
    assert (again.payload_type, again.ssrc, again.sequence_number) == (
        111,
        lost.ssrc,
        lost.sequence_number,
    )
    assert (again.payload, again.timestamp, again.extensions.mid) == (
        lost.payload,
        lost.timestamp,
        "1",
    )


def test_the_room_packetizes_vp8_once_with_a_picture_id_per_frame():
    packetizer = Vp8Packetizer()
    packet = av.Packet(b"\x10" * 3_000)
    packet.pts = 90_000

    first, second = packetizer.frame(packet), packetizer.frame(packet)

    # RFC 7741: X=1, S=1 on the first payload only; then I=1, M=1 and a 15-bit picture id
    assert [p[0] for p in first.payloads] == [0x90] + [0x80] * (len(first.payloads) - 1)
    assert first.payloads[0][2:4] == b"\x80\x00"
    assert second.payloads[0][2:4] == b"\x80\x01"
    assert all(len(p) <= 1300 for p in first.payloads)
    assert b"".join(p[4:] for p in first.payloads) == bytes(packet)
    assert first.timestamp == 90_000
