"""The benchmarks' HTTP client never waits forever: a keep-alive connection the server closed
between two requests is replaced, and a server that stops answering is a timeout."""

from __future__ import annotations

import asyncio

import pytest

from bench import http_client
from bench.http_client import Conn

ANSWER = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"


async def _server(on_request) -> tuple[asyncio.Server, int]:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.lower().split(b"content-length: ")[1].split(b"\r\n")[0])
            await reader.readexactly(length)
            if not await on_request(writer):
                return

    server = await asyncio.start_server(handle, http_client.HOST, 0)
    return server, server.sockets[0].getsockname()[1]


def test_a_keep_alive_connection_the_server_closed_while_idle_is_replaced_by_a_new_one():
    async def scenario() -> list[int]:
        # given: a server that answers once per connection, keeps it open, then closes it
        async def answer_then_close(writer: asyncio.StreamWriter) -> bool:
            writer.write(ANSWER)
            await writer.drain()
            await asyncio.sleep(0.05)
            writer.close()
            return False

        server, port = await _server(answer_then_close)
        conn = Conn(port)
        # when: two requests, with the server's close in between
        first, _ = await conn.request("POST", "/", {}, b"")
        await asyncio.sleep(0.2)
        second, _ = await asyncio.wait_for(conn.request("POST", "/", {}, b""), 5)
        conn.close()
        server.close()
        return [first, second]

    # then: both are answered
    assert asyncio.run(scenario()) == [200, 200]


def test_a_server_that_stops_answering_is_a_timeout_not_a_hang(monkeypatch):
    monkeypatch.setattr(http_client, "RESPONSE_TIMEOUT_S", 0.2)

    async def scenario() -> None:
        # given: a server that reads the request and never answers
        async def never(writer: asyncio.StreamWriter) -> bool:
            await asyncio.sleep(10)
            return False

        server, port = await _server(never)
        conn = Conn(port)
        try:
            # when / then
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(conn.request("POST", "/", {}, b""), 5)
        finally:
            server.close()

    asyncio.run(scenario())
