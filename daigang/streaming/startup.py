"""What the built-in relay says once when the server starts (config/asgi.py).

Kept apart from daigang.streaming.ice so that it loads no aiortc: it reads the machine's
addresses with ifaddr (what aioice itself uses).
"""

from __future__ import annotations

import ipaddress
import logging

from django.conf import settings

logger = logging.getLogger("daigang.streaming.ice")

LOOPBACK_ONLY_NOTE = (
    "relay: this machine has no network address but loopback, so WebRTC is served on 127.0.0.1 "
    "(browsers on this machine only); for anyone else set WEBRTC_HOST_ADDRESSES to an address "
    "they reach (local=public behind NAT) or a TURN server in WEBRTC_ICE_SERVERS"
)


def host_addresses_startup_note() -> bool:
    """One warning line when the relay could be reached from this machine only: no
    WEBRTC_HOST_ADDRESSES and no address but loopback. True if it was said."""
    if settings.STREAM_SERVER_URL or settings.WEBRTC_HOST_ADDRESSES:
        return False
    if any(not address.is_loopback for address in _machine_addresses()):
        return False
    logger.warning(LOOPBACK_ONLY_NOTE)
    return True


def _machine_addresses() -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    import ifaddr

    addresses: list[ipaddress.IPv4Address | ipaddress.IPv6Address] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            value = ip.ip if isinstance(ip.ip, str) else ip.ip[0]
            try:
                address = ipaddress.ip_address(value.split("%")[0])
            except ValueError:
                continue
            if not address.is_link_local:
                addresses.append(address)
    return addresses
