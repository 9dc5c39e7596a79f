"""The chat benchmark's viewers read the server's frames themselves after the handshake: every
message arrives however TCP cuts the bytes, long and fragmented frames included, and a ping is
answered."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import struct
import time

from bench.chat_fanout import ViewerStats, _client_protocol_class

TAG = "t"
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


class Transport:
    def __init__(self) -> None:
        self.written = b""

    def write(self, data: bytes) -> None:
        self.written += data


def _frame(payload: bytes, *, opcode: int = 0x1, fin: bool = True) -> bytes:
    first = (0x80 if fin else 0) | opcode
    size = len(payload)
    if size < 126:
        return bytes([first, size]) + payload
    if size < 65536:
        return bytes([first, 126]) + struct.pack("!H", size) + payload
    return bytes([first, 127]) + struct.pack("!Q", size) + payload


def _chat(seqs: range, pad: int = 0) -> bytes:
    sent = time.time()
    events = [
        {"kind": "chat", "data": {"text": f"{TAG}:{seq}:{sent}", "name": "x" * pad}} for seq in seqs
    ]
    return json.dumps({"events": events}).encode()


def _opened_viewer() -> tuple[object, ViewerStats, Transport, bytes]:
    """A viewer whose handshake request was written; returns it with the server's 101."""
    stats = ViewerStats(TAG, max_seq=100)
    viewer = _client_protocol_class()("ws://127.0.0.1:1/ws/", "http://127.0.0.1:1", stats)
    transport = Transport()
    viewer.connection_made(transport)
    key = transport.written.split(b"Sec-WebSocket-Key: ")[1].split(b"\r\n")[0].decode()
    accept = base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()
    response = (
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
    ).encode()
    transport.written = b""
    return viewer, stats, transport, response


def test_every_message_arrives_however_the_bytes_are_cut():
    async def scenario() -> None:
        # given the server's 101 followed, in the same bytes, by a short frame, a 126-length
        # frame, a 127-length frame and a message fragmented over two frames
        viewer, stats, _transport, response = _opened_viewer()
        long_ = _chat(range(3, 5), pad=70_000)
        stream = (
            response
            + _frame(_chat(range(1, 2)))
            + _frame(_chat(range(2, 3), pad=300))
            + _frame(long_)
            + _frame(_chat(range(5, 7))[:20], fin=False)
            + _frame(_chat(range(5, 7))[20:], opcode=0x0)
        )
        # when they arrive 7 bytes at a time, then a second time all at once on another viewer
        for cut in range(0, len(stream), 7):
            viewer.data_received(stream[cut : cut + 7])
        other, other_stats, _transport, other_response = _opened_viewer()
        other.data_received(other_response + stream[len(response) :])
        # then the connection opened and each of the 4 messages (6 chats) was counted once
        assert viewer.opened.result() is True
        assert (stats.frames, stats.received) == (4, 6)
        assert (other_stats.frames, other_stats.received) == (4, 6)

    asyncio.run(scenario())


def test_a_ping_is_answered_with_a_masked_pong():
    async def scenario() -> None:
        # given an open viewer
        viewer, _stats, transport, response = _opened_viewer()
        viewer.data_received(response)
        # when the server pings
        viewer.data_received(_frame(b"hb", opcode=0x9))
        # then a pong went back, masked as a client's frames must be
        assert transport.written[0] == 0x8A
        assert transport.written[1] == 0x80 | 2

    asyncio.run(scenario())


def test_a_refused_handshake_fails_the_connection():
    async def scenario() -> None:
        viewer, _stats, _transport, _response = _opened_viewer()
        viewer.data_received(b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n")
        assert isinstance(viewer.opened.exception(), OSError)

    asyncio.run(scenario())
