"""ICE for the relay: which servers it uses and which addresses it announces.

Both come from settings, never from aiortc's defaults:

- `WEBRTC_ICE_SERVERS` (STUN/TURN URLs). TURN credentials are made per request and expire
  with `WEBRTC_TURN_SECRET` (daigang.core.turn: coturn's `use-auth-secret`), else the static
  `WEBRTC_TURN_USERNAME` and `WEBRTC_TURN_CREDENTIAL`. Empty means host candidates only. aiortc falls back to a public
  STUN server when given no configuration, so the relay always passes one explicitly.
- `WEBRTC_HOST_ADDRESSES`: the addresses the relay gathers host candidates on. aioice leaves
  out loopback addresses; when the setting is empty and the machine has no other address (a
  laptop offline, a container with only `lo`), the relay uses 127.0.0.1 rather than answer with
  no candidate at all, so going live from a browser on the same machine works without setting
  anything, and says so in one line (also at start-up: `host_addresses_startup_note`). When the
  setting is non-empty exactly these addresses are used. An entry `local=public`
  binds `local` and announces `public` in the SDP answer, for a server behind a 1:1 NAT (a cloud
  VM whose public address is not on an interface).

A configured server that does not answer would hold every answer up for aioice's 5 s
gathering timeout, so the relay's peer connections get only the servers that answered a probe
(`rtc_configuration_answering`): each server is probed (a gathering with it alone) in the
background, at most every PROBE_INTERVAL seconds; a POST waits for a server's first probe at
most PROBE_BUDGET seconds and never for a later one.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import aioice.ice
from aiortc import RTCConfiguration, RTCIceGatherer, RTCIceServer, RTCIceTransport
from django.conf import settings

from daigang.core.turn import is_turn_url, turn_credentials
from daigang.streaming.startup import LOOPBACK_ONLY_NOTE

logger = logging.getLogger(__name__)

# How long a POST may wait for a server's first probe; a server that answers at all answers a
# STUN request in far less. Later probes run in the background only.
PROBE_BUDGET = 1.0
PROBE_INTERVAL = 60.0

_install_lock = threading.Lock()
_original_get_host_addresses: Callable[[bool, bool], list[str]] | None = None


def rtc_configuration() -> RTCConfiguration:
    """All configured ICE servers, explicitly (even when empty): for the relay's own test
    clients and the benchmark. The relay uses `rtc_configuration_answering`."""
    return RTCConfiguration(iceServers=ice_servers())


@dataclass
class _Probe:
    answering: bool | None = None  # None: never probed to the end yet
    probed_at: float = 0.0
    task: asyncio.Future[None] | None = None
    # Until when POSTs may wait for the first probe (all of them together, not each in turn).
    first_wait_until: float = 0.0


# Per server URL, in this process; touched only on the relay loop.
_probes: dict[str, _Probe] = {}


async def rtc_configuration_answering() -> RTCConfiguration:
    """The RTCConfiguration for a relay peer connection: the configured ICE servers that
    answered their last probe. Call on the relay loop."""
    servers = ice_servers()
    now = time.monotonic()
    first_probes, wait_until = [], now
    for server in servers:
        probe = _probes.setdefault(_probe_key(server), _Probe())
        if probe.task is None and (
            probe.answering is None or now - probe.probed_at > PROBE_INTERVAL
        ):
            probe.task = asyncio.ensure_future(_probe_run(server, probe))
            if probe.answering is None:
                probe.first_wait_until = now + PROBE_BUDGET
        if probe.answering is None and probe.task is not None:
            first_probes.append(probe.task)
            wait_until = max(wait_until, probe.first_wait_until)
    if first_probes and wait_until > now:
        # asyncio.wait never cancels what is still running: the probe goes on in the background.
        await asyncio.wait(first_probes, timeout=wait_until - now)
    return RTCConfiguration(
        iceServers=[server for server in servers if _probes[_probe_key(server)].answering]
    )


def _probe_key(server: RTCIceServer) -> str:
    # The URL alone: time-limited credentials differ at every call, the server does not.
    return str(server.urls)


async def _probe_run(server: RTCIceServer, probe: _Probe) -> None:
    """Gather candidates with `server` alone: it answers if it gave a srflx or relay one."""
    gatherer = RTCIceGatherer(iceServers=[server])
    transport = RTCIceTransport(gatherer)
    answering = False
    try:
        await gatherer.gather()
        answering = any(c.type in ("srflx", "relay") for c in gatherer.getLocalCandidates())
    except Exception:
        logger.exception("relay: probing ICE server %s failed", server.urls)
    finally:
        await transport.stop()
        if answering != probe.answering:
            log = logger.info if answering else logger.warning
            log(
                "relay: ICE server %s %s",
                server.urls,
                "answers" if answering else "does not answer: left out until it does",
            )
        probe.answering, probe.probed_at, probe.task = answering, time.monotonic(), None


def ice_servers() -> list[RTCIceServer]:
    """The relay's own ICE servers, TURN ones with credentials made now (subject "relay")."""
    urls = settings.WEBRTC_ICE_SERVERS
    username, credential = ("", "")
    if any(is_turn_url(url) for url in urls):
        username, credential = turn_credentials(subject="relay")
    servers = []
    for url in urls:
        if is_turn_url(url):
            servers.append(
                RTCIceServer(urls=url, username=username or None, credential=credential or None)
            )
        else:
            servers.append(RTCIceServer(urls=url))
    return servers


def ice_link_headers(*, subject: str | None = None) -> list[str]:
    """`Link` header values advertising the ICE servers to WHIP/WHEP clients (RFC 9725 4.6),
    TURN ones with credentials made for this answer (`subject` None: an id of its own)."""
    urls = settings.WEBRTC_ICE_SERVERS
    username, credential = ("", "")
    if any(is_turn_url(url) for url in urls):
        username, credential = turn_credentials(subject=subject)
    links = []
    for url in urls:
        link = f'<{url}>; rel="ice-server"'
        if is_turn_url(url) and username:
            link += (
                f"; username={_quoted(username)}"
                f"; credential={_quoted(credential)}"
                '; credential-type="password"'
            )
        links.append(link)
    return links


def _quoted(value: str) -> str:
    """An RFC 8288 link parameter value as a quoted-string (RFC 9110 5.6.4): `\\` and `"`
    escaped, so a credential holding them neither breaks the header nor adds parameters."""
    escaped = value.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'


def host_address_map() -> dict[str, str]:
    """Configured host addresses: {address to bind: address to announce}."""
    mapping = {}
    for entry in settings.WEBRTC_HOST_ADDRESSES:
        local, _, public = entry.partition("=")
        mapping[local.strip()] = (public or local).strip()
    return mapping


_loopback_noted = False


def _configured_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    configured = list(host_address_map())
    if not configured:
        assert _original_get_host_addresses is not None
        found = _original_get_host_addresses(use_ipv4, use_ipv6)
        if found or not (use_ipv4 or use_ipv6):
            return found
        # Only loopback: answer on it, not with no candidate at all (a 500 for every client).
        _loopback_only_note()
        return ["127.0.0.1"] if use_ipv4 else ["::1"]
    return [address for address in configured if (use_ipv6 if ":" in address else use_ipv4)]


def _loopback_only_note() -> None:
    global _loopback_noted
    if not _loopback_noted:
        _loopback_noted = True
        logger.warning(LOOPBACK_ONLY_NOTE)


def host_addresses_install() -> None:
    """Make aioice gather on WEBRTC_HOST_ADDRESSES (read at each gathering) when it is set.

    Process-wide: aioice looks the function up in its module on every gathering. Idempotent.
    """
    global _original_get_host_addresses
    with _install_lock:
        if _original_get_host_addresses is None:
            _original_get_host_addresses = aioice.ice.get_host_addresses
            aioice.ice.get_host_addresses = _configured_host_addresses


def sdp_addresses_announce(sdp: str) -> str:
    """Replace bound addresses by announced ones (`local=public` entries) in an SDP answer."""
    mapping = {local: public for local, public in host_address_map().items() if local != public}
    if not mapping:
        return sdp
    lines = []
    for line in sdp.split("\r\n"):
        if line.startswith("a=candidate:"):
            parts = line.split(" ")
            if len(parts) > 4 and parts[4] in mapping:
                parts[4] = mapping[parts[4]]
            line = " ".join(parts)
        elif line.startswith("c=IN IP"):
            parts = line.split(" ")
            if len(parts) == 3 and parts[2] in mapping:
                parts[2] = mapping[parts[2]]
            line = " ".join(parts)
        lines.append(line)
    return "\r\n".join(lines)
