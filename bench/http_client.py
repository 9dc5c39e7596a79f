"""A minimal HTTP/1.1 keep-alive client for the benchmarks, cheap enough to share the machine.

On a 2-core machine shared by client and server, a heavier client library would eat the CPU
the server needs and measure itself: one asyncio.Protocol per connection, one request at a
time, enough of HTTP/1.1 for Django's and the fast path's answers (Content-Length or chunked).
Traffic only goes to 127.0.0.1.
"""

from __future__ import annotations

import asyncio

HOST = "127.0.0.1"
# No answer within this long is an error, never a wait forever (a fault run stops the server).
RESPONSE_TIMEOUT_S = 60.0


class _ResponseReader(asyncio.Protocol):
    """Collects one HTTP/1.1 response at a time from a keep-alive connection."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiter: asyncio.Future | None = None
        self.transport: asyncio.Transport | None = None
        self.lost = False

    def connection_made(self, transport) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        if self.waiter is not None and not self.waiter.done():
            response = self._parse()
            if response is not None:
                self.waiter.set_result(response)

    def connection_lost(self, exc) -> None:
        # Also while idle: a server may close a keep-alive connection between requests, and
        # the next request must open a new one instead of writing into a closed transport.
        self.lost = True
        if self.waiter is not None and not self.waiter.done():
            self.waiter.set_exception(ConnectionError("the server closed the connection"))

    def _parse(self) -> tuple[int, bytes, bool] | None:
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return None
        head = bytes(self.buffer[:end]).lower()
        status = int(head[9:12])
        close = b"\r\nconnection: close" in head
        at = head.find(b"\r\ncontent-length:")
        if at >= 0:
            line_end = head.find(b"\r\n", at + 2)
            length = int(head[at + 17 : line_end if line_end >= 0 else len(head)])
            if len(self.buffer) < end + 4 + length:
                return None
            body = bytes(self.buffer[end + 4 : end + 4 + length])
            del self.buffer[: end + 4 + length]
            return status, body, close
        if b"\r\ntransfer-encoding: chunked" not in head:
            raise ValueError("a response without Content-Length or chunked encoding")
        parts, at = [], end + 4
        while True:
            line_end = self.buffer.find(b"\r\n", at)
            if line_end < 0:
                return None
            size = int(self.buffer[at:line_end], 16)
            if len(self.buffer) < line_end + 2 + size + 2:
                return None
            parts.append(bytes(self.buffer[line_end + 2 : line_end + 2 + size]))
            at = line_end + 2 + size + 2
            if size == 0:
                del self.buffer[:at]
                return status, b"".join(parts), close


class Conn:
    """One keep-alive HTTP/1.1 connection; enough of the protocol for Django's answers.

    An asyncio.Protocol, not streams: on a 2-core machine shared with the server, the client's
    CPU per request is CPU the server does not get (the bench prints both)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.protocol: _ResponseReader | None = None

    async def request(self, method: str, path: str, headers: dict[str, str], body: bytes):
        if self.protocol is not None and self.protocol.lost:
            self.protocol = None
        if self.protocol is None:
            loop = asyncio.get_running_loop()
            _, self.protocol = await loop.create_connection(_ResponseReader, HOST, self.port)
        protocol = self.protocol
        head = [
            f"{method} {path} HTTP/1.1",
            f"Host: {HOST}:{self.port}",
            f"Content-Length: {len(body)}",
        ]
        head += [f"{k}: {v}" for k, v in headers.items()]
        protocol.waiter = asyncio.get_running_loop().create_future()
        assert protocol.transport is not None
        protocol.transport.write(("\r\n".join(head) + "\r\n\r\n").encode("utf-8") + body)
        try:
            status, payload, close = await asyncio.wait_for(protocol.waiter, RESPONSE_TIMEOUT_S)
        except (TimeoutError, ConnectionError):
            self.close()
            raise
        if close:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.protocol is not None and self.protocol.transport is not None:
            self.protocol.transport.close()
        self.protocol = None
