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
"""

from __future__ import annotations

import asyncio
import bisect
import contextlib
import json
import logging
import time
import weakref
from collections import deque
from collections.abc import Awaitable, Callable, Generator
from typing import Any

from channels.layers import get_channel_layer

from daigang.core.realtime import ROOM_EVENT, room_group
from daigang.live import audience, gc_freeze
from daigang.live.chat import HISTORY_SIZE
from daigang.live.chat_db import live_db, live_db_close
from daigang.live.uvicorn_write import DirectWriter, direct_writer, frame_wire

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1
VIEWERS_PERIOD = audience.VIEWERS_PERIOD
# ~10 s of frames at one per tick; a socket further behind is closed and catches up later.
SOCKET_QUEUE_MAX = 100
# Events kept for a socket that has not had its join frame yet; one further behind is let go.
JOINING_EVENTS_MAX = 2000
# Sockets sent to between two yields to the event loop within one round.
FLUSH_CHUNK = 250
# The in-memory layer forgets group members after a day; rejoin long before that.
GROUP_REFRESH_SECONDS = 3600
CLOSE_TOO_SLOW = 4008

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
    )

    def __init__(self, *, room_id: int, send: Send, upto: int) -> None:
        self.room_id = room_id
        self.send = send
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


class _Room:
    __slots__ = (
        "history",
        "history_complete",
        "log",
        "log_start",
        "peak_recorded",
        "recent",
        "room_id",
        "sockets",
        "state",
        "viewers",
        "views_added",
    )

    def __init__(self, room_id: int) -> None:
        self.room_id = room_id
        self.sockets: dict[HubSocket, None] = {}
        # Events not yet sent to every socket; log[0] is event number `log_start` of the room
        # (as this process has seen it).
        self.log: list[dict[str, Any]] = []
        self.log_start = 0
        self.viewers = 0
        self.views_added = 0
        self.peak_recorded = 0
        # The join cache: the room's state and its last HISTORY_SIZE chat messages (ids
        # ascending), kept current by the events passing through; None until loaded once.
        self.state: str | None = None
        self.history: list[dict[str, Any]] | None = None
        self.history_complete = False
        # Chat seen since subscribing, to merge into the first load (which may race it).
        self.recent: deque[dict[str, Any]] = deque(maxlen=HISTORY_SIZE)

    @property
    def log_end(self) -> int:
        return self.log_start + len(self.log)

    def publish(self, events: list[dict[str, Any]]) -> None:
        """Log events for the room's sockets and keep the join cache current."""
        self.log.extend(events)
        for event in events:
            self.observe(event)

    def events_since(self, upto: int, end: int) -> list[dict[str, Any]]:
        return self.log[upto - self.log_start : end - self.log_start]

    def log_trim(self) -> None:
        """Forget the events every socket has been sent."""
        low = min((socket.upto for socket in self.sockets), default=self.log_end)
        del self.log[: low - self.log_start]
        self.log_start = low

    def observe(self, event: dict[str, Any]) -> None:
        """Keep the join cache current with an event on its way to the sockets."""
        kind, data = event.get("kind"), event.get("data") or {}
        if kind == "state" and self.state is not None and data.get("state"):
            self.state = data["state"]
        elif kind == "chat" and isinstance(data.get("id"), int):
            self.recent.append(data)
            if self.history is not None:
                self._history_add([data])

    def _history_add(self, messages: list[dict[str, Any]]) -> None:
        assert self.history is not None
        known = {m["id"] for m in self.history}
        for message in messages:
            if message["id"] in known:
                continue
            known.add(message["id"])
            if self.history and message["id"] < self.history[-1]["id"]:
                bisect.insort(self.history, message, key=lambda m: m["id"])
            else:
                self.history.append(message)
        if len(self.history) > HISTORY_SIZE:
            del self.history[: len(self.history) - HISTORY_SIZE]
            self.history_complete = False


class RoomHub:
    """The rooms of one process. Get it with `hub_get()`; consumers only join and leave."""

    def __init__(self) -> None:
        self.rooms: dict[int, _Room] = {}
        self.layer = get_channel_layer()
        self.channel_name: str | None = None
        self.subscribed: set[int] = set()
        self._lock = asyncio.Lock()
        self._tasks: list[asyncio.Task[None]] = []
        self._side_tasks: set[asyncio.Task[Any]] = set()

    # --- sockets ------------------------------------------------------------------------------

    async def join(self, *, room_id: int, send: Send, new_view: bool = True) -> HubSocket:
        """Register a socket; from now on it gets the room's frames (after `start`)."""
        room = self.rooms.get(room_id)
        if room is None:
            room = self.rooms[room_id] = _Room(room_id)
        socket = HubSocket(room_id=room_id, send=send, upto=room.log_end)
        room.sockets[socket] = None
        gc_freeze.socket_joined()
        if new_view:
            room.views_added += 1
        await self._subscription_sync(room_id)
        self._tasks_ensure()
        return socket

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
        if room is None or room.state is None or room.history is None:
            return None
        if after is None:
            messages = list(room.history)
            complete = room.history_complete
        elif room.history_complete or (room.history and after >= room.history[0]["id"]):
            messages = [m for m in room.history if m["id"] > after]
            complete = True
        else:
            return None
        return room.state, {"messages": messages, "after": after, "complete": complete}

    def join_loaded(self, room_id: int, state: str, history: dict[str, Any]) -> None:
        """Fill the join cache from a database read (a full one: `after` None)."""
        room = self.rooms.get(room_id)
        if room is None:
            return
        room.state = state
        if history["after"] is not None or room.history is not None:
            return
        room.history = []
        room.history_complete = True
        room._history_add(list(history["messages"]) + list(room.recent))
        room.history_complete = bool(history["complete"]) and room.history_complete

    def viewers(self, room_id: int) -> int:
        """Viewers now as this process last heard it (never fewer than its own sockets)."""
        room = self.rooms.get(room_id)
        if room is None:
            return 0
        return max(room.viewers, len(room.sockets))

    # --- delivery -----------------------------------------------------------------------------

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

    def _joining_check(self, room: _Room) -> None:
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

    def _forget(self, socket: HubSocket) -> _Room | None:
        """Take the socket out of its room; return the room if that emptied it."""
        socket.closed = True
        room = self.rooms.get(socket.room_id)
        if room is None or socket not in room.sockets:
            return None
        del room.sockets[socket]
        gc_freeze.socket_left()
        if room.sockets:
            return None
        del self.rooms[socket.room_id]
        return room

    async def _room_close(self, room: _Room) -> None:
        if room.views_added:
            await self._audience_record(room.room_id, room.views_added, 0)
        await self._subscription_sync(room.room_id)

    # --- the channel layer --------------------------------------------------------------------

    async def _subscription_sync(self, room_id: int) -> None:
        """Make the layer match `rooms`: in the group iff there are local sockets."""
        async with self._lock:
            want = room_id in self.rooms
            have = room_id in self.subscribed
            if self.layer is not None and want and not have:
                if self.channel_name is None:
                    self.channel_name = await self.layer.new_channel()
                await self.layer.group_add(room_group(room_id), self.channel_name)
                self.subscribed.add(room_id)
            elif self.layer is not None and have and not want:
                await self.layer.group_discard(room_group(room_id), self.channel_name)
                self.subscribed.discard(room_id)
            if not self.rooms and not self.subscribed:
                await self._stop()

    async def _groups_refresh(self) -> None:
        async with self._lock:
            if self.layer is None or self.channel_name is None:
                return
            for room_id in self.subscribed:
                await self.layer.group_add(room_group(room_id), self.channel_name)

    def _tasks_ensure(self) -> None:
        if self._tasks or not self.rooms:
            return
        loop = asyncio.get_running_loop()
        self._tasks = [
            loop.create_task(self._tick_loop(), name="room-hub-tick"),
            loop.create_task(self._audience_loop(), name="room-hub-audience"),
        ]
        if self.layer is not None:
            self._tasks.append(loop.create_task(self._receive_loop(), name="room-hub-receive"))

    async def _stop(self) -> None:
        """Idle: no rooms here. Stop the loops and let the channel go (called under _lock)."""
        tasks, self._tasks = self._tasks, []
        current = asyncio.current_task()
        for task in tasks:
            if task is not current:
                task.cancel()
        for task in tasks:
            if task is not current:
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        self.channel_name = None
        # No viewers left in this process: let the live database connection go too (a server
        # stopped in a test must not leave the test database in use).
        await live_db_close()

    async def _receive_loop(self) -> None:
        assert self.layer is not None
        while True:
            channel = self.channel_name
            if channel is None:
                await asyncio.sleep(TICK_SECONDS)
                continue
            try:
                message = await self.layer.receive(channel)
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room hub: receiving from the channel layer failed")
                await asyncio.sleep(1)
                continue
            if message.get("type") != ROOM_EVENT:
                continue
            room = self.rooms.get(message.get("room_id"))  # type: ignore[arg-type]
            if room is None:
                continue
            room.publish(message["events"] if "events" in message else [message["event"]])

    async def _tick_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            # A round starts at most every TICK_SECONDS: each socket gets at most one frame per
            # tick. A round that takes longer is followed at once by the next, whose frames
            # are bigger, not more: a socket never gets more than one frame per round, so an
            # overload does not feed itself.
            started = loop.time()
            try:
                await self.flush()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room hub: a round failed")
            await asyncio.sleep(max(0.0, TICK_SECONDS - (loop.time() - started)))

    async def _audience_loop(self) -> None:
        last_period = None
        last_refresh = time.monotonic()
        while True:
            now = time.time()
            # Half a second into each period, so every process has written the previous one.
            await asyncio.sleep(VIEWERS_PERIOD - now % VIEWERS_PERIOD + 0.5)
            period = int(time.time() // VIEWERS_PERIOD)
            if period == last_period:
                continue
            last_period = period
            try:
                await self._audience_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                logger.exception("room hub: counting viewers failed")
            if time.monotonic() - last_refresh > GROUP_REFRESH_SECONDS:
                last_refresh = time.monotonic()
                await self._groups_refresh()

    async def _audience_once(self) -> None:
        rooms = [room for room in self.rooms.values() if room.sockets]
        counts = {room.room_id: len(room.sockets) for room in rooms}
        totals = await live_db(audience.room_viewers_report, counts=counts, now=time.time())
        for room in rooms:
            viewers = max(totals.get(room.room_id, 0), len(room.sockets))
            if viewers != room.viewers:
                room.viewers = viewers
                room.publish([{"kind": "viewers", "data": {"count": viewers}}])
            views_added, room.views_added = room.views_added, 0
            if views_added or viewers > room.peak_recorded:
                room.peak_recorded = max(room.peak_recorded, viewers)
                await self._audience_record(room.room_id, views_added, viewers)

    async def _audience_record(self, room_id: int, views_added: int, viewers: int) -> None:
        try:
            await live_db(
                audience.room_audience_record,
                room_id=room_id,
                views_added=views_added,
                viewers_now=viewers,
            )
        except Exception:
            logger.exception("room hub: recording views of room %s failed", room_id)

    def _side_task(self, coro: Awaitable[Any]) -> None:
        task = asyncio.ensure_future(coro)
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)


_hubs: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, RoomHub] = weakref.WeakKeyDictionary()


def hub_get() -> RoomHub:
    """This process's hub (one per event loop)."""
    loop = asyncio.get_running_loop()
    hub = _hubs.get(loop)
    if hub is None:
        hub = _hubs[loop] = RoomHub()
    return hub


def room_viewers_get(*, room_id: int) -> int:
    """Viewers now across all processes, as last aggregated (sync; for pages)."""
    return audience.room_viewers_get(room_id=room_id)
