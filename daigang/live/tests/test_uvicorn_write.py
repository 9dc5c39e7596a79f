"""Frames encoded once and written straight to uvicorn's transports (daigang.live.uvicorn_write)."""

from __future__ import annotations

import asyncio
import json

import pytest
import uvicorn
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState
from websockets.asyncio.client import connect
from websockets.frames import Frame, Opcode
from websockets.streams import StreamReader

from daigang.accounts.testing import user_make
from daigang.core.testing import asgi_server_running
from daigang.live import hub as hub_module
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.live.tests.chat_fixtures import run, session_cookie
from daigang.live.uvicorn_write import DirectWriter, direct_writer, frame_wire


def _parse(wire: bytes) -> Frame:
    reader = StreamReader()
    reader.feed_data(wire)
    reader.feed_eof()
    parser = Frame.parse(reader.read_exact, mask=False)
    try:
        next(parser)
    except StopIteration as done:
        return done.value
    raise AssertionError("the frame is incomplete")


@pytest.mark.parametrize("size", [1, 125, 126, 70_000])
def test_a_prepared_frame_is_one_unmasked_text_frame_of_the_text(size):
    text = ("工价<b>" * size)[:size]

    frame = _parse(frame_wire(text))

    assert (frame.opcode, frame.fin) == (Opcode.TEXT, True)
    assert frame.data.decode() == text


class _Transport:
    def __init__(self) -> None:
        self.written: list[bytes] = []
        self.closing = False

    def write(self, data: bytes) -> None:
        self.written.append(data)

    def is_closing(self) -> bool:
        return self.closing


def _protocol() -> WebSocketsSansIOProtocol:
    async def app(scope, receive, send):  # pragma: no cover - never called
        pass

    config = uvicorn.Config(app, ws="websockets-sansio", ws_per_message_deflate=False)
    config.load()
    protocol = WebSocketsSansIOProtocol(config, ServerState(), {}, _loop=asyncio.new_event_loop())
    protocol.transport = _Transport()  # type: ignore[assignment]
    return protocol


def test_a_writer_exists_only_for_an_accepted_uncompressed_uvicorn_connection():
    protocol = _protocol()

    async def other_send(message):  # pragma: no cover - never called
        pass

    assert direct_writer(protocol.send) is None  # not accepted yet
    protocol.handshake_complete = True
    assert isinstance(direct_writer(protocol.send), DirectWriter)
    assert direct_writer(other_send) is None
    protocol.conn.extensions = [object()]  # permessage-deflate: each socket compresses
    assert direct_writer(protocol.send) is None


def test_the_writer_writes_only_where_uvicorn_would_write_at_once():
    protocol = _protocol()
    protocol.handshake_complete = True
    writer = direct_writer(protocol.send)
    assert writer is not None
    transport = protocol.transport

    assert writer.write(b"a") is True
    protocol.writable.clear()  # above the high-water mark: uvicorn's send would wait
    assert writer.write(b"b") is False
    protocol.writable.set()
    transport.closing = True
    assert writer.write(b"c") is False
    transport.closing = False
    protocol.close_sent = True
    assert writer.write(b"d") is False

    assert transport.written == [b"a"]


def test_a_socket_whose_writer_declines_gets_the_frame_through_asgi():
    box: list = []

    class Declines:
        def write(self, wire: bytes) -> bool:
            return False

    async def scenario():
        hub = hub_module.RoomHub()
        hub.layer = None

        async def send(message):
            box.append(message)

        socket = await hub.join(room_id=3, send=send)
        socket.direct = Declines()  # type: ignore[assignment]
        hub.start(socket, {"type": "websocket.send", "text": "join"})
        hub.rooms[3].publish([{"kind": "pin"}])
        await hub.flush()
        await hub.leave(socket)

    run(scenario)

    assert [m["text"] for m in box] == ["join", '{"events":[{"kind":"pin"}]}']


def _server_hub() -> hub_module.RoomHub:
    # The server runs in a thread with its own event loop, hence its own hub.
    (hub,) = [hub for loop, hub in hub_module._hubs.items() if loop.is_running()]
    return hub


async def _events_until(ws, kind: str) -> dict:
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 5))
        for event in frame["events"]:
            if event["kind"] == kind:
                return event


def _chat_through_server(base: str, room_id: int, cookie: str, *, compression: str | None):
    url = base.replace("http", "ws") + f"/ws/rooms/{room_id}/"

    async def scenario():
        async with (
            connect(url, origin=base, compression=compression) as viewer,
            connect(
                url, origin=base, additional_headers={"Cookie": cookie}, compression=compression
            ) as sender,
        ):
            await _events_until(viewer, "history")
            await _events_until(sender, "history")
            await sender.send(json.dumps({"kind": "chat", "text": "几点上班？<b>"}))
            got = await _events_until(viewer, "chat")
            writers = [s.direct for room in _server_hub().rooms.values() for s in room.sockets]
            return got, writers

    return asyncio.run(scenario())


@pytest.mark.django_db(transaction=True)
def test_under_uvicorn_a_viewer_gets_chat_written_straight_to_its_transport():
    # given a room, a viewer and a logged-in sender on the real server, as `make run` serves
    room = room_make(state=Room.State.LIVE)
    cookie = session_cookie(user_make()).decode()

    # when the sender chats
    with asgi_server_running() as base:
        got, writers = _chat_through_server(base, room.pk, cookie, compression=None)

    # then the viewer got it, and both sockets had a direct writer
    assert got["data"]["text"] == "几点上班？<b>"
    assert len(writers) == 2 and all(isinstance(w, DirectWriter) for w in writers)


@pytest.mark.django_db(transaction=True)
def test_with_compression_negotiated_chat_goes_through_asgi_and_still_arrives():
    # given a server that accepts permessage-deflate and clients that offer it (as browsers do)
    room = room_make(state=Room.State.LIVE)
    cookie = session_cookie(user_make()).decode()

    # when the sender chats
    with asgi_server_running(ws_per_message_deflate=True) as base:
        got, writers = _chat_through_server(base, room.pk, cookie, compression="deflate")

    # then the viewer got it, compressed per socket by uvicorn: no direct writers
    assert got["data"]["text"] == "几点上班？<b>"
    assert writers == [None, None]
