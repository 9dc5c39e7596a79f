"""The three servers `bench.chat_fanout` compares, each run in its own process.

- daigang: uvicorn serving config.asgi — the real consumer, chat services, database and hub.
- naive:   uvicorn serving a minimal Channels app: every socket joins the group itself and
           gets one frame per chat message (`group_send` fans out per consumer).
- bare:    a bare `websockets` server: one set of sockets, a 100 ms tick, one frame per tick
           sent with `websockets.broadcast`. No Django, no database, no auth.

All three speak the same frames (`{"events": [{"kind": "chat", "data": {...}}]}`) so one
client measures them all. Chat frames from senders are `{"kind": "chat", "text": ...}`.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import sys
from typing import Any

TICK_SECONDS = 0.1


def nofile_raise() -> int:
    """Raise the open-files limit to the hard limit (10,000 sockets need 10,000 fds)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def _deflate() -> bool:
    """Whether this run compresses frames (permessage-deflate), as `--deflate` asked."""
    return os.environ.get("BENCH_DEFLATE") == "1"


def _frame(events: list[dict[str, Any]]) -> str:
    return json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":"))


def _uvicorn(app: str, port: int, ws: str, backlog: int) -> None:
    import uvicorn

    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        ws=ws,
        backlog=backlog,
        log_level="warning",
        access_log=False,
        lifespan="off",
        # Browsers offer permessage-deflate and uvicorn accepts it by default; the bench
        # clients offer it only with --deflate.
        ws_per_message_deflate=_deflate(),
    )


def serve_daigang(port: int, ws: str, backlog: int) -> None:
    nofile_raise()

    _uvicorn("config.asgi:application", port, ws, backlog)


# --- naive: Channels group_send per consumer ---------------------------------------------------


def naive_application() -> Any:
    import django

    django.setup()
    from channels.generic.websocket import AsyncWebsocketConsumer

    counter = {"id": 0}

    class NaiveChatConsumer(AsyncWebsocketConsumer):
        """What a first Channels chat usually is: one group membership per socket."""

        group = "bench.naive"

        async def connect(self) -> None:
            await self.channel_layer.group_add(self.group, self.channel_name)
            await self.accept()

        async def disconnect(self, code: int) -> None:
            await self.channel_layer.group_discard(self.group, self.channel_name)

        async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None):
            frame = json.loads(text_data or "{}")
            counter["id"] += 1
            data = {"id": counter["id"], "text": str(frame.get("text", ""))[:200]}
            await self.channel_layer.group_send(self.group, {"type": "chat.message", "data": data})

        async def chat_message(self, message: dict[str, Any]) -> None:
            await self.send(text_data=_frame([{"kind": "chat", "data": message["data"]}]))

    return NaiveChatConsumer.as_asgi()


def serve_naive(port: int, ws: str, backlog: int) -> None:
    nofile_raise()
    _uvicorn("bench.chat_fanout_servers:naive_app", port, ws, backlog)


def __getattr__(name: str) -> Any:
    # uvicorn imports `naive_app` by name; build it only then (it needs Django set up).
    if name == "naive_app":
        app = naive_application()
        globals()["naive_app"] = app
        return app
    raise AttributeError(name)


# --- bare: websockets with a batched broadcast -------------------------------------------------


async def _bare_main(port: int, backlog: int) -> None:
    import websockets
    from websockets.asyncio.server import serve

    connections: set[Any] = set()
    pending: list[dict[str, Any]] = []
    next_id = 0

    async def handler(connection: Any) -> None:
        nonlocal next_id
        connections.add(connection)
        try:
            async for text in connection:
                frame = json.loads(text)
                next_id += 1
                pending.append(
                    {"kind": "chat", "data": {"id": next_id, "text": str(frame.get("text"))[:200]}}
                )
        except websockets.ConnectionClosed:
            pass
        finally:
            connections.discard(connection)

    async def tick() -> None:
        nonlocal pending
        while True:
            await asyncio.sleep(TICK_SECONDS)
            if pending:
                text = _frame(pending)
                pending = []
                websockets.broadcast(connections, text)

    async with serve(
        handler,
        "127.0.0.1",
        port,
        backlog=backlog,
        compression="deflate" if _deflate() else None,
        ping_interval=20,
    ):
        await tick()


def serve_bare(port: int, backlog: int) -> None:
    nofile_raise()
    try:
        import uvloop

        uvloop.run(_bare_main(port, backlog))
    except ImportError:  # pragma: no cover - uvloop comes with uvicorn[standard]
        asyncio.run(_bare_main(port, backlog))


def main(argv: list[str]) -> None:
    kind, port, ws, backlog = argv[0], int(argv[1]), argv[2], int(argv[3])
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if kind == "daigang":
        serve_daigang(port, ws, backlog)
    elif kind == "naive":
        serve_naive(port, ws, backlog)
    elif kind == "bare":
        serve_bare(port, backlog)
    else:
        raise SystemExit(f"unknown server {kind!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
