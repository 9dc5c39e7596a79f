"""The per-process room hub: one subscription per room, one frame per socket per round.

Each ASGI process (each event loop) has one RoomHub. It listens on ONE channel-layer channel,
added to the group `room.<id>` of every room that has at least one socket in this process, and
leaves a group when the last local socket of that room goes. Room events published anywhere
(`room_event_publish`: chat, pin, state, …) arrive here once per process, not once per viewer.

Events are appended to the room's log. A round, started every TICK_SECONDS (or at once when the
last one took longer), walks the room's sockets in chunks of FLUSH_CHUNK and sends each one, in
ONE JSON text `{"events": [...]}`, everything logged since its last frame; between chunks the
event loop runs, so a message that arrives mid-round already reaches the later chunks. A chunk's
sockets are equally far along, so they share one text, encoded once (daigang.live.uvicorn_write): where
the server allows, the same bytes are written to every socket's transport, elsewhere the text
goes through each socket's ASGI `send`. A message therefore waits at most about one round, not
for the next tick and then a whole round of ten thousand sends.

Sending never waits on a slow socket. The ASGI server's send coroutine finishes at once when
the socket's buffer has room (uvicorn writes to the transport and returns); it is driven
inline, without a task. Only when it would block (the peer is not reading) does the socket get
a task of its own that finishes that send and then its queue of later frames; a socket whose
queue passes SOCKET_QUEUE_MAX frames is closed (code 4008) and its client catches up from the
database when it reconnects.

Big audiences are kept out of Python's full garbage collections (daigang.live.gc_freeze).

The hub also counts: every VIEWERS_PERIOD seconds it reports its sockets per room (see
daigang.live.audience), publishes the summed `viewers` to its sockets through the same batches,
and adds the room's new entries (views, 场观) and peak to the database.

This package is laid out along those seams; this module is the facade consumers use (join,
start, send_to, leave, the join cache, viewers) and `hub_get`:

- log: a room's log of events and its join cache;
- delivery: sockets, rounds, sending, slow sockets;
- loops: the channel-layer subscription and the receive, tick and audience loops.

The limits (TICK_SECONDS, FLUSH_CHUNK, SOCKET_QUEUE_MAX, …) live in, and are patched in, the
module that reads them; they are not re-exported here, so patching the package fails loudly.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from channels.layers import get_channel_layer

from daigang.live import audience, gc_freeze
from daigang.live.hub.delivery import CLOSE_TOO_SLOW, Delivery, HubSocket, Send, frame_text
from daigang.live.hub.log import Room
from daigang.live.hub.loops import Loops

__all__ = [
    "CLOSE_TOO_SLOW",
    "HubSocket",
    "RoomHub",
    "Send",
    "frame_text",
    "hub_get",
    "room_viewers_get",
]


class RoomHub(Delivery, Loops):
    """The rooms of one process. Get it with `hub_get()`; consumers only join and leave."""

    def __init__(self) -> None:
        self.rooms: dict[int, Room] = {}
        self.layer = get_channel_layer()
        self.channel_name: str | None = None
        self.subscribed: set[int] = set()
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._side_tasks: set[asyncio.Task[Any]] = set()

    async def join(self, *, room_id: int, send: Send, new_view: bool = True) -> HubSocket:
        """Register a socket; from now on it gets the room's frames (after `start`)."""
        room = self.rooms.get(room_id)
        if room is None:
            room = self.rooms[room_id] = Room(room_id)
        socket = HubSocket(room_id=room_id, send=send, upto=room.log_end)
        room.sockets[socket] = None
        gc_freeze.socket_joined()
        if new_view:
            room.views_added += 1
        await self._subscription_sync(room_id)
        self._tasks_ensure()
        return socket

    async def leave(self, socket: HubSocket, *, counted: bool = True) -> None:
        """Forget the socket; the room's subscription ends with its last local socket.

        `counted=False` takes back the view its join added (a join that was refused).
        """
        if not counted and not socket.closed:
            room = self.rooms.get(socket.room_id)
            if room is not None and room.views_added:
                room.views_added -= 1
        room = self._forget(socket)
        if room is not None:
            await self._room_close(room)

    def join_cached(self, room_id: int, after: int | None) -> tuple[str, dict[str, Any]] | None:
        """(state, history) for a joining socket from memory, or None if the database must say.

        A room's first socket in this process loads from the database (`join_loaded`); later
        ones, and reconnects whose last seen id the cache still covers, cost no query: a join
        storm on a popular room is one query per process, not one per viewer.
        """
        room = self.rooms.get(room_id)
        if room is None:
            return None
        return room.join_cached(after)

    def join_loaded(self, room_id: int, state: str, history: dict[str, Any]) -> None:
        """Fill the join cache from a database read (a full one: `after` None)."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        room.join_loaded(state, history)

    def viewers(self, room_id: int) -> int:
        """Viewers now as this process last heard it (never fewer than its own sockets)."""
        room = self.rooms.get(room_id)
        if room is None:
            return 0
        return max(room.viewers, len(room.sockets))


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomHub] = weakref.WeakKeyDictionary()


def hub_get() -> RoomHub:
    """This process's hub (one per event loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = RoomHub()
    return hub


def room_viewers_get(*, room_id: int) -> int | None:
    """Viewers now across all processes, as last aggregated (sync; for pages)."""
    return audience.room_viewers_get(room_id=room_id)
