"""The relay's own sender only where aiortc's internals are as it expects; else aiortc's sender.

rtp_send.py replaces two methods of aiortc's RTCRtpSender and writes its private counters. A
release that renames or reshapes one of them must cost speed, not video: the relay checks them
once per process and, with one warning, leaves viewers aiortc's own sender. And with the aiortc
the project pins, the check must pass: these tests fail if the fallback kicks in unexpectedly.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterator

import pytest
from aiortc import RTCRtpSender
from aiortc.codecs.vpx import Vp8Encoder
from aiortc.rtcdtlstransport import RTCDtlsTransport

from daigang.live.testing import room_make
from daigang.streaming import rtp_send
from daigang.streaming.loop import relay_await
from daigang.streaming.relay import relay_get
from daigang.streaming.rtp_send import shared_sending_available
from daigang.streaming.testing import Publisher, Viewer

WARNING = "aiortc's internals changed"


@pytest.fixture
def checked_afresh() -> Iterator[None]:
    """The check runs again in this test, and again (on the real aiortc) after it."""
    shared_sending_available.cache_clear()
    yield
    shared_sending_available.cache_clear()


def _warnings(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if WARNING in r.getMessage()]


def _send_rtp_renamed_parameter(monkeypatch) -> None:
    """_send_rtp takes `payload` instead of `data`: aiortc's own sender (which passes it by
    position) still works, but the shape rtp_send checks for is gone."""
    original = RTCDtlsTransport._send_rtp

    async def _send_rtp(self, payload: bytes) -> None:
        await original(self, payload)

    monkeypatch.setattr(RTCDtlsTransport, "_send_rtp", _send_rtp)


def _run_rtp_gone(monkeypatch) -> None:
    monkeypatch.delattr(RTCRtpSender, "_run_rtp")


def _retransmit_not_a_coroutine(monkeypatch) -> None:
    monkeypatch.setattr(RTCRtpSender, "_retransmit", lambda self, sequence_number: None)


def _packetize_gone(monkeypatch) -> None:
    monkeypatch.delattr(Vp8Encoder, "_packetize")


def _counter_gone(monkeypatch) -> None:
    original = RTCRtpSender.__init__

    def __init__(self, *args, **kwargs) -> None:
        original(self, *args, **kwargs)
        del self._RTCRtpSender__octet_count

    monkeypatch.setattr(RTCRtpSender, "__init__", __init__)


@pytest.mark.usefixtures("checked_afresh")
def test_with_the_pinned_aiortc_shared_sending_is_available_without_a_warning(caplog):
    caplog.set_level(logging.WARNING, logger=rtp_send.__name__)

    assert shared_sending_available() is True
    assert _warnings(caplog) == []


@pytest.mark.usefixtures("checked_afresh")
@pytest.mark.parametrize(
    "break_aiortc",
    [
        _send_rtp_renamed_parameter,
        _run_rtp_gone,
        _retransmit_not_a_coroutine,
        _packetize_gone,
        _counter_gone,
    ],
)
def test_a_missing_or_reshaped_internal_turns_shared_sending_off_with_one_warning(
    monkeypatch, caplog, break_aiortc
):
    # given an aiortc whose internals are not what rtp_send.py relies on
    caplog.set_level(logging.WARNING, logger=rtp_send.__name__)
    break_aiortc(monkeypatch)

    # when the relay asks, for several rooms
    answers = [shared_sending_available() for _ in range(3)]

    # then it falls back, and says so once
    assert answers == [False, False, False]
    assert len(_warnings(caplog)) == 1


async def _viewer_senders(room_id: int) -> list[RTCRtpSender]:
    async def read() -> list[RTCRtpSender]:
        room = relay_get().rooms[room_id]
        return [
            transceiver.sender
            for session in room.viewers.values()
            for transceiver in session.pc.getTransceivers()
        ]

    return await relay_await(read())


def _watch(base: str) -> tuple[bool, list[RTCRtpSender]]:
    room = room_make()
    publisher = Publisher(f"{base}/stream/rooms/{room.pk}/whip", token=room.stream_key)
    viewer = Viewer(f"{base}/stream/rooms/{room.pk}/whep")

    async def scenario():
        await publisher.start()
        await viewer.start()
        received = await viewer.wait_for(video=15, audio=25)
        senders = await _viewer_senders(room.pk)
        await viewer.stop()
        await publisher.pc.close()
        return received, senders

    return asyncio.run(scenario())


@pytest.mark.webrtc
@pytest.mark.usefixtures("relay_reset", "checked_afresh")
def test_with_the_pinned_aiortc_viewers_get_the_relay_s_own_sender(asgi_server, caplog):
    caplog.set_level(logging.WARNING, logger=rtp_send.__name__)

    received, senders = _watch(asgi_server)

    assert received
    assert len(senders) == 2
    assert all(s._run_rtp.__func__ is rtp_send._SharedSending.run for s in senders)
    assert _warnings(caplog) == []


@pytest.mark.webrtc
@pytest.mark.usefixtures("relay_reset", "checked_afresh")
def test_when_aiortc_changed_viewers_still_get_video_and_sound_from_aiortc_s_own_sender(
    asgi_server, monkeypatch, caplog
):
    # given an aiortc whose internals rtp_send.py does not recognise
    caplog.set_level(logging.WARNING, logger=rtp_send.__name__)
    _send_rtp_renamed_parameter(monkeypatch)

    # when a viewer watches a live room
    received, senders = _watch(asgi_server)

    # then it decodes video and audio, sent by aiortc's own senders, and one warning was logged
    assert received
    assert len(senders) == 2
    assert all("_run_rtp" not in vars(s) for s in senders)
    assert all(s._run_rtp.__func__ is RTCRtpSender._run_rtp for s in senders)
    assert len(_warnings(caplog)) == 1
