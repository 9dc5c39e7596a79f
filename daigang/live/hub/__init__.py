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

The hub also counts people, not sockets: each socket joins as a viewer (a user id, a signed
anonymous viewer id, or failing both its client address: daigang.live.viewers), and the room
keeps how many local sockets each viewer and each client address holds, updated on join and
leave only. Every VIEWERS_PERIOD seconds the hub reports its distinct viewers per room (see
daigang.live.audience), publishes the summed `viewers` to its sockets through the same batches,
and adds the room's new entries (views, 场观) and peak to the database. A view is a person's
entry into a room, counted once per loops.VIEW_REPEAT_SECONDS (30 minutes) in this process: a reload,
a second tab or a reconnect is not another view, coming back an hour later is. Both are per
process: with several ASGI processes one person's sockets on two of them count twice (rare:
only two tabs landing on different workers), which is the price of counting with no
per-event cross-process work. One client address may hold at most
settings.LIVE_ROOM_SOCKETS_PER_ADDRESS sockets per room in a process (`address_full`).

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
from django.conf import settings

from daigang.live import gc_freeze
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
    "room_publish_failed",
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
        self.resync_pending: dict[int, int] = {}
        self._resync_task: asyncio.Task[None] | None = None

        # (room id, viewer) -> when their last view was counted; kept past the room's last
        # local socket (a lone viewer's reload empties the room), pruned by the audience loop.
        self.view_counted: dict[tuple[int, str], float] = {}

    def address_full(self, room_id: int, address: str) -> bool:
        """True if `address` already holds the most sockets one address may hold in the room."""
        limit = settings.LIVE_ROOM_SOCKETS_PER_ADDRESS
        room = self.rooms.get(room_id)
        if not address or limit <= 0 or room is None:
            return False
        return room.address_sockets.get(address, 0) >= limit

    async def join(
        self,
        *,
        room_id: int,
        send: Send,
        new_view: bool = True,
        user_id: int | None = None,
        viewer: str = "",
        address: str = "",
    ) -> HubSocket:
        """Register a socket; from now on it gets the room's frames (after `start`).

        `viewer` is who the socket counts as (daigang.live.viewers.scope_viewer; every socket
        its own viewer when empty); `new_view` False for a reconnect, which is never a view.
        `user_id` (None for anonymous viewers) lets the hub close a user's sockets on request.
        """
        room = self.rooms.get(room_id)
        if room is None:
            room = self.rooms[room_id] = Room(room_id)
        socket = HubSocket(
            room_id=room_id,
            send=send,
            upto=room.log_end,
            user_id=user_id,
            viewer=viewer,
            address=address,
        )
        room.sockets[socket] = None
        room.socket_counts_add(socket)
        gc_freeze.socket_joined()
        if new_view:
            self._view_add(room, socket)
        await self._subscription_sync(room_id)
        self._tasks_ensure()
        return socket

    async def leave(self, socket: HubSocket, *, counted: bool = True) -> None:
        """Forget the socket; the room's subscription ends with its last local socket.

        `counted=False` takes back the view its join added (a join that was refused).
        """
        if not counted and not socket.closed and socket.viewed:
            room = self.rooms.get(socket.room_id)
            if room is not None and room.views_added:
                room.views_added -= 1
                self.view_counted.pop((socket.room_id, socket.viewer), None)
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
        """Viewers now as this process last heard it (never fewer than its own viewers)."""
        room = self.rooms.get(room_id)
        if room is None:
            return 0
        return max(room.viewers, len(room.viewer_sockets))


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomHub] = weakref.WeakKeyDictionary()


def hub_get() -> RoomHub:
    """This process's hub (one per event loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = RoomHub()
    return hub


def room_publish_failed(room_id: int, message: dict[str, Any]) -> None:
    """daigang.core.realtime's hook: tell every hub of this process holding the room.

    Called from the thread that committed (the live database thread, a request's thread).
    """
    try:
        running = asyncio.get_running_loop()
    except RuntimeError:
        running = None
    for loop, hub in list(_hubs.items()):
        if room_id not in hub.rooms or loop.is_closed():
            continue
        if loop is running:
            hub.publish_failed(room_id, message)
        else:
            loop.call_soon_threadsafe(hub.publish_failed, room_id, message)
