"""Delivery: the hub's sockets, its rounds, and sending without ever waiting on a slow socket.

A round walks each room's sockets in chunks of FLUSH_CHUNK and sends each one, in ONE JSON text
`{"events": [...]}`, everything logged since its last frame; between chunks the event loop runs,
so a message that arrives mid-round already reaches the later chunks. A chunk's sockets are
equally far along, so they share one text, encoded once (daigang.live.uvicorn_write): where the
server allows, the same bytes are written to every socket's transport, elsewhere the text goes
through each socket's ASGI `send`.

The ASGI server's send coroutine finishes at once when the socket's buffer has room (uvicorn
writes to the transport and returns); it is driven inline, without a task. Only when it would
block (the peer is not reading) does the socket get a task of its own that finishes that send
and then its queue of later frames; a socket whose queue passes SOCKET_QUEUE_MAX frames is
closed (code 4008) and its client catches up from the database when it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections import deque
from collections.abc import Awaitable, Callable, Generator
from typing import TYPE_CHECKING, Any

from daigang.live import gc_freeze
from daigang.live.hub.log import Room
from daigang.live.uvicorn_write import DirectWriter, direct_writer, frame_wire

logger = logging.getLogger(__name__)

# ~10 s of frames at one per tick; a socket further behind is closed and catches up later.
SOCKET_QUEUE_MAX = 100
# Events kept for a socket that has not had its join frame yet; one further behind is let go.
JOINING_EVENTS_MAX = 2000
# Sockets sent to between two yields to the event loop within one round.
FLUSH_CHUNK = 250
CLOSE_TOO_SLOW = 4008
# The socket's user was removed from the room's organisation (core.realtime.ROOM_USER_CLOSE).
CLOSE_MEMBERSHIP_ENDED = 4403

Send = Callable[[dict[str, Any]], Awaitable[None]]


def frame_text(events: list[dict[str, Any]]) -> str:
    """The one text frame that carries a batch of events to a browser."""
    return json.dumps({"events": events}, ensure_ascii=False, separators=(",", ":"))


class _Resume:
    """Awaitable that continues a coroutine which was already stepped once by hand."""

    __slots__ = ("coro", "first")

    def __init__(self, coro: Any, first: Any) -> None:
        self.coro = coro
        self.first = first

    def __await__(self) -> Generator[Any, Any, Any]:
        coro, value = self.coro, self.first
        while True:
            try:
                sent = yield value
            except GeneratorExit:
                coro.close()
                raise
            except BaseException as exc:
                try:
                    value = coro.throw(exc)
                except StopIteration as stop:
                    return stop.value
            else:
                try:
                    value = coro.send(sent)
                except StopIteration as stop:
                    return stop.value


class HubSocket:
    """One local WebSocket as the hub sees it: how to send to it, and what waits for it."""

    __slots__ = (
        "__weakref__",
        "address",
        "busy",
        "closed",
        "direct",
        "dropped",
        "held",
        "queue",
        "ready",
        "room_id",
        "send",
        "upto",
        "user_id",
        "viewed",
        "viewer",
    )

    def __init__(
        self,
        *,
        room_id: int,
        send: Send,
        upto: int,
        user_id: int | None = None,
        viewer: str = "",
        address: str = "",
    ) -> None:
        self.room_id = room_id
        self.send = send
        # Whose socket it is (None: anonymous), so a removed member's sockets can be closed.
        self.user_id = user_id
        # The person this socket is counted as (daigang.live.viewers; unique to the socket when
        # not given) and its client address, for the per-address cap ('' = not capped).
        self.viewer = viewer or f"s{id(self)}"
        self.address = address
        # Whether its join added a view (so a refused join can take it back).
        self.viewed = False
        self.direct: DirectWriter | None = direct_writer(send)
        # The position in the room's log of the first event this socket has not been sent.
        self.upto = upto
        # Until the consumer has sent the join frame (history), room events wait in the log and
        # frames for this socket alone in `held`, so the client sees history first.
        self.ready = False
        self.held: list[dict[str, Any]] = []
        self.busy = False
        self.queue: deque[dict[str, Any]] = deque()
        self.closed = False
        self.dropped = False


class Delivery:
    """The hub's sending half (a base of RoomHub): rounds, single frames, slow and lost sockets."""

    rooms: dict[int, Room]
    _side_tasks: set[asyncio.Task[Any]]
    if TYPE_CHECKING:
        # daigang.live.hub.loops: an emptied room's views recorded and its subscription ended.
        # Declared as a method (a Callable attribute would clash with Loops' method in RoomHub);
        # only for the type checker, so Loops' definition is the one RoomHub inherits.
        async def _room_close(self, room: Room) -> None: ...

    def start(self, socket: HubSocket, first: dict[str, Any]) -> bool:
        """Send the socket its join frame, then the room's events logged since it joined.

        False when the hub already let the socket go (it fell too far behind while joining):
        the consumer should then close it.
        """
        if socket.closed:
            return False
        self._deliver(socket, first)
        socket.ready = True
        held, socket.held = socket.held, []
        for message in held:
            self._deliver(socket, message)
        room = self.rooms.get(socket.room_id)
        if room is not None and socket.upto < room.log_end:
            end = room.log_end
            text = frame_text(room.events_since(socket.upto, end))
            self._deliver(socket, {"type": "websocket.send", "text": text})
            socket.upto = end
        return not socket.closed

    def send_to(self, socket: HubSocket, events: list[dict[str, Any]]) -> None:
        """Events for this one socket (errors, notices), in order with its room frames."""
        self._post(socket, {"type": "websocket.send", "text": frame_text(events)})

    async def flush(self) -> None:
        """One round: each ready socket is sent, in one frame, the events logged since its last.

        Every FLUSH_CHUNK sockets it lets the event loop run, so a chat message on its way in
        (which crosses the loop several times: receive, database thread, publish) waits for a
        chunk, not for a whole room of ten thousand sends, and the chunks after it carry it.
        """
        deliver = self._deliver
        for room in list(self.rooms.values()):
            if not room.log:
                continue  # every socket has been sent everything
            sockets = tuple(room.sockets)
            for start in range(0, len(sockets), FLUSH_CHUNK):
                if start:
                    await asyncio.sleep(0)
                end = room.log_end
                # Within a chunk the log does not grow, and sockets sent to in the same chunk of
                # the last round are equally far along: one text (and wire frame) each.
                frames: dict[int, tuple[dict[str, Any], bytes]] = {}
                for socket in sockets[start : start + FLUSH_CHUNK]:
                    upto = socket.upto
                    if upto >= end or not socket.ready:
                        continue
                    frame = frames.get(upto)
                    if frame is None:
                        text = frame_text(room.events_since(upto, end))
                        frame = frames[upto] = (
                            {"type": "websocket.send", "text": text},
                            frame_wire(text),
                        )
                    deliver(socket, *frame)
                    socket.upto = end
            self._joining_check(room)
            room.log_trim()

    def _joining_check(self, room: Room) -> None:
        """Let go of sockets that have waited for their join frame through too many events."""
        if len(room.log) <= JOINING_EVENTS_MAX:
            return
        for socket in tuple(room.sockets):
            if not socket.ready and room.log_end - socket.upto > JOINING_EVENTS_MAX:
                self._gone(socket)

    def _post(self, socket: HubSocket, message: dict[str, Any]) -> None:
        if socket.ready:
            self._deliver(socket, message)
        elif not socket.closed:
            socket.held.append(message)
            if len(socket.held) > SOCKET_QUEUE_MAX:
                socket.held.clear()
                self._gone(socket)

    def _deliver(
        self, socket: HubSocket, message: dict[str, Any], wire: bytes | None = None
    ) -> None:
        """Send now if the socket can take it; never wait here for a slow one.

        `wire` is `message` as frame bytes, shared by the room's sockets (see module doc).
        """
        if socket.closed:
            return
        if socket.busy:
            socket.queue.append(message)
            if len(socket.queue) > SOCKET_QUEUE_MAX:
                self._drop(socket)
            return
        if wire is not None and socket.direct is not None and socket.direct.write(wire):
            return
        awaitable: Any = socket.send(message)
        step = getattr(awaitable, "send", None)
        if step is not None:
            # A coroutine: run it up to its first real wait. uvicorn's send writes to the
            # transport and returns without waiting unless the peer's buffer is full.
            try:
                waiting_on = step(None)
            except StopIteration:
                return
            except Exception:
                self._gone(socket)
                return
            awaitable = _Resume(awaitable, waiting_on)
        socket.busy = True
        self._side_task(self._finish(socket, awaitable))

    async def _finish(self, socket: HubSocket, pending: Awaitable[Any]) -> None:
        """A slow socket's own task: finish the blocked send, then its queued frames."""
        try:
            await pending
            while socket.queue:
                await socket.send(socket.queue.popleft())
        except Exception:
            self._gone(socket)
            return
        finally:
            socket.busy = False
        if socket.dropped:
            socket.queue.clear()
            # Closing a peer that has meanwhile gone fails; there is nothing left to do then.
            with contextlib.suppress(Exception):
                await socket.send({"type": "websocket.close", "code": CLOSE_TOO_SLOW})

    def user_sockets_close(self, room_id: int, user_id: int) -> None:
        """Close `user_id`'s sockets in the room (code 4403), after what was sent them."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        for socket in [s for s in room.sockets if s.user_id == user_id]:
            self._post(socket, {"type": "websocket.close", "code": CLOSE_MEMBERSHIP_ENDED})
            self._gone(socket)

    def user_events_send(self, room_id: int, user_id: int, events: list[dict[str, Any]]) -> None:
        """Events for `user_id`'s sockets in the room alone (a notice: muted, banned)."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        for socket in [s for s in room.sockets if s.user_id == user_id]:
            self.send_to(socket, events)

    def _drop(self, socket: HubSocket) -> None:
        """Too far behind: stop feeding it and close it once its current send is through."""
        logger.info("room %s: closing a socket %d frames behind", socket.room_id, len(socket.queue))
        socket.queue.clear()
        socket.dropped = True
        self._gone(socket)

    def _gone(self, socket: HubSocket) -> None:
        room = self._forget(socket)
        if room is not None:
            self._side_task(self._room_close(room))

    def _forget(self, socket: HubSocket) -> Room | None:
        """Take the socket out of its room; return the room if that emptied it."""
        socket.closed = True
        room = self.rooms.get(socket.room_id)
        if room is None or socket not in room.sockets:
            return None
        del room.sockets[socket]
        room.socket_counts_drop(socket)
        gc_freeze.socket_left()
        if room.sockets:
            return None
        del self.rooms[socket.room_id]
        return room

    def _side_task(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)
