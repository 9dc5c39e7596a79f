"""On a machine whose only address is loopback, going live works without setting anything, and
the server says in one line (at start-up, and when it first falls back) what to set."""

from __future__ import annotations

import asyncio
import logging
from types import SimpleNamespace

import aioice.ice
import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming import ice, startup
from daigang.streaming.testing import Publisher, room_state_wait, wait_until
from tests.conftest import loopback_only


def test_with_no_address_but_loopback_and_none_configured_the_relay_gathers_on_127_0_0_1(
    settings, monkeypatch, caplog
):
    # given a machine where aioice finds no address (it leaves loopback out)
    ice.host_addresses_install()
    settings.WEBRTC_HOST_ADDRESSES = []
    monkeypatch.setattr(ice, "_original_get_host_addresses", lambda v4, v6: [])
    monkeypatch.setattr(ice, "_loopback_noted", False)
    # when
    with caplog.at_level(logging.WARNING, logger="daigang.streaming.ice"):
        first = aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True)
        again = aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False)
    # then it uses loopback rather than answer with no candidate, and says so once
    assert first == again == ["127.0.0.1"]
    notes = [r.getMessage() for r in caplog.records if "WEBRTC_HOST_ADDRESSES" in r.getMessage()]
    assert len(notes) == 1 and "\n" not in notes[0]


def test_a_machine_with_a_real_address_is_used_as_it_is(settings, monkeypatch):
    ice.host_addresses_install()
    settings.WEBRTC_HOST_ADDRESSES = []
    monkeypatch.setattr(ice, "_original_get_host_addresses", lambda v4, v6: ["192.168.1.20"])

    assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False) == ["192.168.1.20"]


def _adapters(*ips):
    return lambda: [SimpleNamespace(ips=[SimpleNamespace(ip=ip) for ip in ips])]


@pytest.mark.parametrize(
    ("ips", "configured", "said"),
    [
        (("127.0.0.1", ("::1", 0, 0)), [], True),
        (("127.0.0.1", "192.168.1.20"), [], False),
        (("127.0.0.1",), ["127.0.0.1"], False),
    ],
)
def test_at_start_up_a_loopback_only_machine_is_told_in_one_line_what_to_set(
    settings, monkeypatch, caplog, ips, configured, said
):
    import ifaddr

    settings.STREAM_SERVER_URL = ""
    settings.WEBRTC_HOST_ADDRESSES = configured
    monkeypatch.setattr(ifaddr, "get_adapters", _adapters(*ips))

    with caplog.at_level(logging.WARNING, logger="daigang.streaming.ice"):
        assert startup.host_addresses_startup_note() is said

    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == (1 if said else 0)
    if said:
        assert "WEBRTC_HOST_ADDRESSES" in lines[0] and "\n" not in lines[0]


@pytest.mark.webrtc
@pytest.mark.usefixtures("relay_reset")
@pytest.mark.skipif(not loopback_only(), reason="needs a loopback-only network namespace")
def test_going_live_on_a_loopback_only_machine_works_with_nothing_set(asgi_server, settings):
    # given nothing set (the test fixtures set 127.0.0.1: undone here)
    settings.WEBRTC_HOST_ADDRESSES = []
    room = room_make()
    publisher = Publisher(f"{asgi_server}/stream/rooms/{room.pk}/whip", token=room.stream_key)

    async def scenario():
        # when
        response = await publisher.start()
        connected = await wait_until(lambda: publisher.pc.connectionState == "connected", 10)
        on_air = await room_state_wait(room.pk, Room.State.LIVE)
        await publisher.stop()
        return response, connected, on_air

    response, connected, on_air = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert " 127.0.0.1 " in response.body
    assert connected and on_air
