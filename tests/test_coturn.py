"""Debian's coturn with deploy/coturn/turnserver.conf accepts the credentials the site hands out.

The fixture starts `turnserver` (Makefile target `coturn`) with the deployment's own file on
127.0.0.1: only the lines a test must change are replaced (the secret, the realm, the ports,
no TLS certificate, logs to stdout). The allocations are made with aioice's TURN client, as
the relay's and a browser's ICE agents make them.
"""

from __future__ import annotations

import asyncio
import re
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from aioice import stun
from aioice.turn import TurnClientUdpProtocol

from daigang.core.turn import browser_ice_servers, turn_credential, turn_credentials

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "deploy" / "coturn" / "turnserver.conf"
TURNSERVER = shutil.which("turnserver") or "/usr/bin/turnserver"
SECRET = "test-only-turn-secret-" + "s" * 24
# Lines the test replaces; everything else is the deployment's file as it is.
REPLACED = ("static-auth-secret", "realm", "listening-port", "tls-listening-port", "cert", "pkey")
REPLACED += ("min-port", "max-port", "syslog", "log-file")


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _conf_for_test(port: int, tmp_path: Path) -> str:
    kept = [
        line
        for line in CONF.read_text().splitlines()
        if not re.match(rf"^({'|'.join(REPLACED)})(=|$)", line)
    ]
    return "\n".join(
        [
            *kept,
            f"static-auth-secret={SECRET}",
            "realm=daigang.test",
            "listening-ip=127.0.0.1",
            "relay-ip=127.0.0.1",
            f"listening-port={port}",
            "no-tls",
            "no-dtls",
            "min-port=49160",
            "max-port=49999",
            "log-file=stdout",
            f"pidfile={tmp_path}/turnserver.pid",
            f"userdb={tmp_path}/turndb",
            "",
        ]
    )


async def _allocate(port: int, username: str, password: str) -> tuple[str, int]:
    """An allocation as an ICE agent makes it; returns the relayed address (and frees it)."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: TurnClientUdpProtocol(
            ("127.0.0.1", port),
            username=username,
            password=password,
            lifetime=600,
            channel_refresh_time=500,
        ),
        remote_addr=("127.0.0.1", port),
    )
    try:
        return await protocol.connect()
    finally:
        transport.close()


async def _relay_to(port: int, username: str, password: str, peer: tuple[str, int]) -> None:
    """Allocate, then ask coturn to relay to `peer` (a channel bind, which needs a permission)."""
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(
        lambda: TurnClientUdpProtocol(
            ("127.0.0.1", port),
            username=username,
            password=password,
            lifetime=600,
            channel_refresh_time=500,
        ),
        remote_addr=("127.0.0.1", port),
    )
    try:
        await protocol.connect()
        await protocol.channel_bind(0x4000, peer)
    finally:
        transport.close()


def _error_code(exc: stun.TransactionFailed) -> int:
    return exc.response.attributes["ERROR-CODE"][0]


@pytest.fixture
def coturn(tmp_path, settings):
    """turnserver with the deployment's file and SECRET; the site configured to match."""
    assert Path(TURNSERVER).exists(), "Debian's coturn is needed: make coturn"
    port = _free_udp_port()
    (tmp_path / "turnserver.conf").write_text(_conf_for_test(port, tmp_path))
    log = (tmp_path / "turnserver.log").open("w")
    process = subprocess.Popen(
        [TURNSERVER, "-c", str(tmp_path / "turnserver.conf")],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    settings.WEBRTC_ICE_SERVERS = [f"turn:127.0.0.1:{port}?transport=udp"]
    settings.WEBRTC_TURN_SECRET = SECRET
    settings.WEBRTC_TURN_USERNAME = settings.WEBRTC_TURN_CREDENTIAL = ""
    settings.WEBRTC_TURN_TTL_S = 3600
    try:
        deadline = time.monotonic() + 15
        while "Relay ports initialization done" not in (tmp_path / "turnserver.log").read_text():
            assert process.poll() is None, (tmp_path / "turnserver.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "turnserver did not start"
            time.sleep(0.1)
        time.sleep(0.3)  # the listener threads start right after the relay ports
        yield port
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def test_coturn_allocates_a_relay_with_the_credentials_a_room_page_hands_out(coturn):
    # given the ICE servers a logged-in viewer's room page gets
    (server,) = browser_ice_servers(subject="user:1")
    assert re.fullmatch(r"\d+:[0-9a-f]{16}", server["username"])

    # when an ICE agent allocates a relay with them
    relayed = asyncio.run(_allocate(coturn, server["username"], server["credential"]))

    # then coturn allocated one on its relay address, in the configured port range
    host, port = relayed
    assert host == "127.0.0.1"
    assert 49160 <= port <= 49999


def test_coturn_allocates_for_an_anonymous_viewer_and_for_the_relay_itself(coturn):
    # given credentials for someone not logged in and for the site's relay
    for subject in (None, "relay"):
        username, credential = turn_credentials(subject=subject)

        # when allocating, then a relay address comes back
        assert asyncio.run(_allocate(coturn, username, credential))[0] == "127.0.0.1"


def test_coturn_refuses_an_expired_credential(coturn, settings):
    # given a credential made two hours ago with a lifetime of one hour
    username, credential = turn_credentials(subject="user:1", now=time.time() - 7200)

    # when allocating with it
    with pytest.raises(stun.TransactionFailed) as refused:
        asyncio.run(_allocate(coturn, username, credential))

    # then coturn refuses it as unauthorised
    assert _error_code(refused.value) == 401


def test_coturn_refuses_a_credential_made_with_another_secret_or_a_changed_username(coturn):
    # given a credential signed with another secret, and a valid one whose expiry was raised
    username, _ = turn_credentials(subject="user:1")
    forged = turn_credential(secret="another-secret-" + "x" * 30, username=username)
    expiry, opaque = username.split(":")
    _, good = turn_credentials(subject="user:1")
    stretched = f"{int(expiry) + 86400}:{opaque}"

    # when allocating with either, then coturn refuses both
    for name, password in ((username, forged), (stretched, good)):
        with pytest.raises(stun.TransactionFailed) as refused:
            asyncio.run(_allocate(coturn, name, password))
        assert _error_code(refused.value) == 401


def test_coturn_refuses_to_relay_to_this_machine(coturn):
    # given a valid credential
    username, credential = turn_credentials(subject="user:1")

    # when a client asks coturn to relay to a service on the machine's loopback (Redis here)
    with pytest.raises(stun.TransactionFailed) as refused:
        asyncio.run(_relay_to(coturn, username, credential, ("127.0.0.1", 6379)))

    # then the permission is refused (denied-peer-ip), not granted
    assert _error_code(refused.value) == 403


@pytest.mark.webrtc
def test_the_relay_gathers_a_relay_candidate_through_coturn_with_its_own_credentials(coturn):
    from aiortc import RTCIceGatherer, RTCIceTransport

    from daigang.streaming import ice

    # given the relay's ICE servers (credentials made for "relay")
    async def gather() -> list[str]:
        gatherer = RTCIceGatherer(iceServers=ice.ice_servers())
        transport = RTCIceTransport(gatherer)
        try:
            await gatherer.gather()
            return [c.type for c in gatherer.getLocalCandidates()]
        finally:
            await transport.stop()

    # when an aiortc ICE gatherer gathers, as the relay's peer connections do
    types = asyncio.run(gather())

    # then coturn gave it a relay candidate
    assert "relay" in types
