"""Every private name daigang uses from its dependencies still exists, with the shape we use.

Where a library offers no public way to do what we need (send shared RTP payloads, write a
prepared WebSocket frame, insert with ON CONFLICT and RETURNING in one statement), daigang
reaches into its internals. A release can rename or reshape those without notice; this test
names each one, says why we use it, and fails on an upgrade that moved it, so the upgrade is
where we find out rather than production (no video, chat through the slow path, …).

Each case is a module, an attribute path from it (`Class().name` looks on a fresh instance,
for attributes set in `__init__`), why daigang uses it, and the shape it must have. Code that
has a fallback (the relay's shared sending, uvicorn's direct writer) still belongs here: the
fallback keeps the site working, this test says the fast path was lost.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest


@dataclass(frozen=True)
class Private:
    module: str
    path: str
    why: str
    shape: Callable[[Any], bool] = callable
    # a parameter list the callable must accept, by name, in order (after self/cls)
    parameters: tuple[str, ...] | None = None


def _coroutine_function(value: Any) -> bool:
    return inspect.iscoroutinefunction(value)


def _event(value: Any) -> bool:
    return isinstance(value, asyncio.Event)


def _int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _optional_int(value: Any) -> bool:
    return value is None or _int(value)


def _optional_str(value: Any) -> bool:
    return value is None or isinstance(value, str)


def _bool(value: Any) -> bool:
    return isinstance(value, bool)


def _queue(value: Any) -> bool:
    return isinstance(value, asyncio.Queue)


def _anything(value: Any) -> bool:
    return True


def _header_extensions_map(value: Any) -> bool:
    from aiortc.rtp import HeaderExtensions

    # rtp_send builds a frame's extension block with it: set(values) -> (profile, bytes)
    profile, block = value.set(HeaderExtensions())
    return _int(profile) and isinstance(block, bytes)


def _reads_host_addresses(value: Any) -> bool:
    return "get_host_addresses" in value.__code__.co_names


def _packetizer(value: Any) -> bool:
    payloads = value(b"\x10\x02\x00\x9d\x01\x2a" + bytes(3000), 5)
    return len(payloads) > 1 and all(isinstance(p, bytes) for p in payloads)


class _Transport:
    state = "new"


async def _sender() -> Any:
    from aiortc import RTCRtpSender

    return RTCRtpSender("video", _Transport())  # type: ignore[arg-type]


async def _peer_connection() -> Any:
    from aiortc import RTCConfiguration, RTCPeerConnection

    return RTCPeerConnection(RTCConfiguration(iceServers=[]))


def _certificates(value: Any) -> bool:
    from aiortc import RTCCertificate

    return isinstance(value, list) and all(isinstance(c, RTCCertificate) for c in value)


def _uvicorn_protocol() -> Any:
    import uvicorn
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
    from uvicorn.server import ServerState

    async def app(scope, receive, send):  # pragma: no cover - never called
        pass

    config = uvicorn.Config(app, ws="websockets-sansio", ws_per_message_deflate=False)
    config.load()
    return WebSocketsSansIOProtocol(config, ServerState(), {}, _loop=asyncio.new_event_loop())


def _session_wrapper() -> Any:
    from channels.sessions import InstanceSessionWrapper

    async def send(message):  # pragma: no cover - never called
        pass

    return InstanceSessionWrapper({"cookies": {}}, send)


def _application() -> Any:
    from daigang.hiring.models import Application

    return Application()


# How to make an instance for `Class().name` paths.
INSTANCES: dict[str, Callable[[], Any]] = {
    "aiortc.rtcrtpsender.RTCRtpSender": lambda: asyncio.run(_sender()),
    "aiortc.rtcpeerconnection.RTCPeerConnection": lambda: asyncio.run(_peer_connection()),
    "aiortc.rtcrtpreceiver.RemoteStreamTrack": lambda: importlib.import_module(
        "aiortc.rtcrtpreceiver"
    ).RemoteStreamTrack(kind="video"),
    "uvicorn.protocols.websockets.websockets_sansio_impl.WebSocketsSansIOProtocol": (
        _uvicorn_protocol
    ),
    "channels.sessions.InstanceSessionWrapper": _session_wrapper,
    "daigang.hiring.models.Application": _application,
}

SHARED_SENDING = "daigang/streaming/rtp_send.py: shared sending"
SENDER = "aiortc.rtcrtpsender"

PRIVATE_NAMES = [
    # -- aiortc: the relay's shared sending (daigang/streaming/rtp_send.py) ---------------------
    Private(
        SENDER,
        "RTCRtpSender._run_rtp",
        f"{SHARED_SENDING} replaces this per-sender RTP loop; aiortc's send() starts it",
        _coroutine_function,
        ("codec",),
    ),
    Private(
        SENDER,
        "RTCRtpSender._retransmit",
        f"{SHARED_SENDING} replaces it: NACKed packets are resent from its own history",
        _coroutine_function,
        ("sequence_number",),
    ),
    Private(
        SENDER,
        "RTCRtpSender._send_keyframe",
        "daigang/streaming/relay.py routes a viewer's PLI/FIR to the room's one encoder through it",
        callable,
        (),
    ),
    Private(
        SENDER, "RTCRtpSender()._ssrc", f"{SHARED_SENDING} writes it in each packet's header", _int
    ),
    Private(
        SENDER,
        "RTCRtpSender()._rtx_ssrc",
        f"{SHARED_SENDING} writes it in retransmissions over RTX",
        _int,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._enabled",
        f"{SHARED_SENDING} drops frames while it is off, as aiortc does",
        _bool,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__mid",
        f"{SHARED_SENDING} puts the MID header extension in each packet",
        _optional_str,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__rtp_header_extensions_map",
        f"{SHARED_SENDING} serialises a frame's header extensions with the negotiated ids",
        _header_extensions_map,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__rtp_started",
        f"{SHARED_SENDING} sets it when its loop starts, as aiortc's loop does",
        _event,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__rtp_exited",
        f"{SHARED_SENDING} sets it when its loop ends: aiortc's stop() waits for it",
        _event,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__rtx_payload_type",
        f"{SHARED_SENDING} resends over RTX when one was negotiated",
        _optional_int,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__rtx_sequence_number",
        f"{SHARED_SENDING} numbers retransmissions over RTX",
        _int,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__ntp_timestamp",
        f"{SHARED_SENDING} writes it: aiortc's RTCP sender reports read it",
        _int,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__rtp_timestamp",
        f"{SHARED_SENDING} writes it: aiortc's RTCP sender reports read it",
        _int,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__octet_count",
        f"{SHARED_SENDING} writes it: RTCP sender reports and getStats() read it",
        _int,
    ),
    Private(
        SENDER,
        "RTCRtpSender()._RTCRtpSender__packet_count",
        f"{SHARED_SENDING} writes it: RTCP sender reports and getStats() read it",
        _int,
    ),
    Private(
        "aiortc.rtcdtlstransport",
        "RTCDtlsTransport._send_rtp",
        f"{SHARED_SENDING} hands each packet to it to be encrypted (SRTP) and sent",
        _coroutine_function,
        ("data",),
    ),
    Private(
        "aiortc.codecs.vpx",
        "Vp8Encoder._packetize",
        "daigang/streaming/rtp_send.py Vp8Packetizer packetizes each VP8 packet once per room with it",
        _packetizer,
        ("buffer", "picture_id"),
    ),
    # -- aiortc / aioice: the relay (daigang/streaming/relay.py, ice.py) ------------------------
    Private(
        "aiortc.rtcrtpreceiver",
        "RemoteStreamTrack()._queue",
        "daigang/streaming/relay.py reads the publisher's backlog of decoded frames to skip frames when the encoder falls behind",
        _queue,
    ),
    Private(
        "aioice.ice",
        "get_host_addresses",
        "daigang/streaming/ice.py replaces it so the relay gathers on WEBRTC_HOST_ADDRESSES",
        callable,
        ("use_ipv4", "use_ipv6"),
    ),
    Private(
        "aioice.ice",
        "Connection.gather_candidates",
        "daigang/streaming/ice.py's replacement works only while gathering looks get_host_addresses up in aioice.ice at each call",
        _reads_host_addresses,
    ),
    Private(
        "aiortc.rtcpeerconnection",
        "RTCPeerConnection()._RTCPeerConnection__certificates",
        "daigang/streaming/testing.py's Publisher puts an RSA certificate there, to test publishers like GStreamer's (test code only)",
        _certificates,
    ),
    # -- uvicorn / websockets: frames written once per tick (daigang/live/uvicorn_write.py) -----
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol.send",
        "daigang/live/uvicorn_write.py recognises uvicorn's own ASGI send by it",
        _coroutine_function,
        ("message",),
    ),
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol().transport",
        "daigang/live/uvicorn_write.py writes prepared frames to it",
        _anything,
    ),
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol().conn",
        "daigang/live/uvicorn_write.py reads the negotiated extensions from it",
        _anything,
    ),
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol().conn.extensions",
        "daigang/live/uvicorn_write.py writes directly only when no extension (permessage-deflate) was negotiated",
        lambda value: isinstance(value, list),
    ),
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol().handshake_complete",
        "daigang/live/uvicorn_write.py writes only to accepted connections",
        _bool,
    ),
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol().close_sent",
        "daigang/live/uvicorn_write.py stops writing once a close was sent",
        _bool,
    ),
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol().disconnected",
        "daigang/live/uvicorn_write.py stops writing once the client is gone",
        _bool,
    ),
    Private(
        "uvicorn.protocols.websockets.websockets_sansio_impl",
        "WebSocketsSansIOProtocol().writable",
        "daigang/live/uvicorn_write.py declines when the transport is above its high-water mark (uvicorn's send would wait)",
        _event,
    ),
    Private(
        "websockets.frames",
        "Frame.serialize",
        "daigang/live/uvicorn_write.py builds one unmasked frame for every socket",
        callable,
        ("mask",),
    ),
    # -- channels: the hub's frames beneath the session wrapper (daigang/live/consumers.py) -----
    Private(
        "channels.sessions",
        "InstanceSessionWrapper().real_send",
        "daigang/live/consumers.py hands the hub the server's own send, skipping the session wrapper",
        callable,
    ),
    # -- Django: one INSERT ... ON CONFLICT DO NOTHING RETURNING (daigang/hiring/apply/services.py)
    Private(
        "daigang.hiring.models",
        "Application._base_manager._insert",
        "daigang/hiring/apply/services.py inserts a batch of applies as save() does, with on_conflict",
        callable,
        ("objs", "fields", "returning_fields", "raw", "using", "on_conflict"),
    ),
    Private(
        "django.db.models.constants",
        "OnConflict.IGNORE",
        "daigang/hiring/apply/services.py asks _insert for ON CONFLICT DO NOTHING",
        _anything,
    ),
    Private(
        "daigang.hiring.models",
        "Application()._state.adding",
        "daigang/hiring/apply/services.py marks inserted rows saved, as save() does",
        _bool,
    ),
    Private(
        "daigang.hiring.models",
        "Application()._state.db",
        "daigang/hiring/apply/services.py records the database the rows went to, as save() does",
        _optional_str,
    ),
    # -- Django: the live database thread (daigang/live/chat_db.py) -----------------------------
    Private(
        "django.db",
        "connection.errors_occurred",
        "daigang/live/chat_db.py clears it after checking a connection, as Django's close_if_unusable_or_obsolete does",
        _bool,
    ),
    Private(
        "django.db",
        "connection.in_atomic_block",
        "daigang/live/chat_db.py closes a connection left inside a transaction",
        _bool,
    ),
]


def _resolve(case: Private) -> Any:
    module = importlib.import_module(case.module)
    head, instance, rest = case.path.partition("().")
    value: Any = module
    for name in head.split("."):
        value = getattr(value, name)
    if instance:
        value = INSTANCES[f"{case.module}.{head}"]()
        for name in rest.split("."):
            value = getattr(value, name)
    return value


def _parameter_names(value: Any) -> tuple[str, ...]:
    names = tuple(inspect.signature(value).parameters)
    if inspect.isfunction(value) and names and names[0] in ("self", "cls"):
        names = names[1:]
    return names


@pytest.mark.django_db
@pytest.mark.parametrize("case", PRIVATE_NAMES, ids=[f"{c.module}:{c.path}" for c in PRIVATE_NAMES])
def test_a_private_name_daigang_relies_on_is_still_there_with_its_shape(case: Private):
    # given the name as the dependency installed now has it
    try:
        value = _resolve(case)
    except AttributeError as exc:
        pytest.fail(f"{case.module}:{case.path} is gone ({exc}); used because {case.why}")

    # then it has the shape daigang uses
    assert case.shape(value), f"{case.module}:{case.path} changed shape; used because {case.why}"
    if case.parameters is not None:
        names = _parameter_names(value)
        assert names[: len(case.parameters)] == case.parameters, (
            f"{case.module}:{case.path} now takes {names}; used because {case.why}"
        )
