"""ICE for the relay: which servers it uses and which addresses it announces.

Both come from settings, never from aiortc's defaults:

- `WEBRTC_ICE_SERVERS` (STUN/TURN URLs; TURN credentials in `WEBRTC_TURN_USERNAME` and
  `WEBRTC_TURN_CREDENTIAL`). Empty means host candidates only. aiortc falls back to a public
  STUN server when given no configuration, so the relay always passes one explicitly.
- `WEBRTC_HOST_ADDRESSES`: the addresses the relay gathers host candidates on. aioice leaves
  out loopback addresses (so on a loopback-only machine, or in tests, it would gather nothing);
  when the setting is non-empty exactly these addresses are used. An entry `local=public`
  binds `local` and announces `public` in the SDP answer, for a server behind a 1:1 NAT (a cloud
  VM whose public address is not on an interface).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import aioice.ice
from aiortc import RTCConfiguration, RTCIceServer
from django.conf import settings

_install_lock = threading.Lock()
_original_get_host_addresses: Callable[[bool, bool], list[str]] | None = None


def rtc_configuration() -> RTCConfiguration:
    """The RTCConfiguration for every relay peer connection (explicit, even when empty)."""
    return RTCConfiguration(iceServers=ice_servers())


def ice_servers() -> list[RTCIceServer]:
    servers = []
    for url in settings.WEBRTC_ICE_SERVERS:
        if url.startswith(("turn:", "turns:")):
            servers.append(
                RTCIceServer(
                    urls=url,
                    username=settings.WEBRTC_TURN_USERNAME or None,
                    credential=settings.WEBRTC_TURN_CREDENTIAL or None,
                )
            )
        else:
            servers.append(RTCIceServer(urls=url))
    return servers


def ice_link_headers() -> list[str]:
    """`Link` header values advertising the ICE servers to WHIP/WHEP clients (RFC 9725 4.6)."""
    links = []
    for url in settings.WEBRTC_ICE_SERVERS:
        link = f'<{url}>; rel="ice-server"'
        if url.startswith(("turn:", "turns:")) and settings.WEBRTC_TURN_USERNAME:
            link += (
                f"; username={_quoted(settings.WEBRTC_TURN_USERNAME)}"
                f"; credential={_quoted(settings.WEBRTC_TURN_CREDENTIAL)}"
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


def _configured_host_addresses(use_ipv4: bool, use_ipv6: bool) -> list[str]:
    configured = list(host_address_map())
    if not configured:
        assert _original_get_host_addresses is not None
        return _original_get_host_addresses(use_ipv4, use_ipv6)
    return [address for address in configured if (use_ipv6 if ":" in address else use_ipv4)]


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
