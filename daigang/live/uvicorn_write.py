"""Encode a tick's frame once and write the same bytes to every socket of the room.

A server-to-client WebSocket frame is not masked, so without per-message compression the
bytes on the wire are the same for every socket that gets the same text. Sending through
ASGI (`websocket.send`) makes the server encode the text to UTF-8 and frame it again for each
socket: at 10,000 viewers that was a third of the hub's CPU. Where the server is uvicorn's
websockets-sansio protocol (what `make run` serves with, permessage-deflate off), the hub asks
for a `DirectWriter` per socket and, each tick, hands every socket the one frame built here;
the writer puts it on the socket's transport exactly as uvicorn's own `send` would.

The writer declines (returns False, and the hub sends through ASGI as before) whenever the
plain path would do anything but write: the connection is closing or gone, or its transport is
above its high-water mark (uvicorn's `send` would wait there; the hub's slow-socket path
waits instead). With any other server, or a connection that negotiated compression, there is
no writer at all.
"""

from __future__ import annotations

import logging
from typing import Any

from websockets.frames import Frame, Opcode

logger = logging.getLogger(__name__)

try:
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
except ImportError:  # pragma: no cover - uvicorn comes with the project
    WebSocketsSansIOProtocol = None  # type: ignore[assignment,misc]

# What DirectWriter reads of the protocol. Checked once per connection, so that a uvicorn
# release that renames one of them turns the fast path off instead of breaking delivery.
_PROTOCOL_ATTRIBUTES = ("transport", "conn", "close_sent", "disconnected", "writable")


def frame_wire(text: str) -> bytes:
    """The bytes of one unmasked, uncompressed text frame carrying `text`."""
    return Frame(Opcode.TEXT, text.encode()).serialize(mask=False)


class DirectWriter:
    """Writes prepared frames to one uvicorn websockets-sansio connection."""

    __slots__ = ("protocol",)

    def __init__(self, protocol: Any) -> None:
        self.protocol = protocol

    def write(self, wire: bytes) -> bool:
        """Write the frame now and return True, or return False if only ASGI may send it."""
        protocol = self.protocol
        if protocol.close_sent or protocol.disconnected or not protocol.writable.is_set():
            return False
        transport = protocol.transport
        if transport.is_closing():
            return False
        transport.write(wire)
        return True


def direct_writer(send: Any) -> DirectWriter | None:
    """A DirectWriter for the connection behind an ASGI `send`, or None if there is none.

    Only for uvicorn's own, unwrapped websockets-sansio `send`, on an accepted connection that
    negotiated no extension (with permessage-deflate each socket compresses on its own).
    """
    if WebSocketsSansIOProtocol is None:
        return None
    protocol = getattr(send, "__self__", None)
    if not isinstance(protocol, WebSocketsSansIOProtocol):
        return None
    if getattr(send, "__func__", None) is not WebSocketsSansIOProtocol.send:
        return None
    if not all(hasattr(protocol, name) for name in _PROTOCOL_ATTRIBUTES):
        logger.warning("uvicorn's WebSocket protocol changed; room frames go through ASGI")
        return None
    if not getattr(protocol, "handshake_complete", False) or protocol.conn.extensions:
        return None
    return DirectWriter(protocol)
