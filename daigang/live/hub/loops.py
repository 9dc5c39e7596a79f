"""The hub's subscription and its loops: the channel layer, the rounds' clock, the viewer count.

The hub listens on ONE channel-layer channel, in the group `room.<id>` of every room with a
local socket, and leaves a group with the room's last local socket; with no rooms left it stops
its loops and lets the channel (and the live database connection) go. Its loops:

- receive: room events from the layer, logged to their room (daigang.live.hub.log),
  requests to close one user's sockets in a room (a member removed from its organisation) and
  events for one user's sockets (a viewer told they were muted);
- tick: a round (daigang.live.hub.delivery) at most every TICK_SECONDS, at once after a long one;
- audience: every VIEWERS_PERIOD seconds, reports its distinct viewers per room (people, not
  sockets: Room.viewer_sockets; daigang.live.audience),
  publishes the summed `viewers` through the rounds, and adds each room's new entries (views,
  场观) and peak to the database; now and then it renews its group memberships;
- resync: after a publish failed (the layer down), it keeps sending the room a `room.resync`
  until one comes back through its own subscription (which Redis dropped too, and messages
  published before it is renewed never arrive). Every hub with the room, this one included, then
  reads the room's chat after the last id published before the failure from the database and
  sends its sockets what they missed: the database is the truth, the layer only news of it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from daigang.core.realtime import (
    ROOM_EVENT,
    ROOM_RESYNC,
    ROOM_USER_CLOSE,
    ROOM_USER_EVENTS,
    room_group,
    room_resync_message,
)
from daigang.live import audience, chat, moderation
from daigang.live.chat_db import live_db, live_db_close
from daigang.live.hub.log import Room

if TYPE_CHECKING:
    from daigang.live.hub.delivery import HubSocket

logger = logging.getLogger(__name__)

TICK_SECONDS = 0.1
VIEWERS_PERIOD = audience.VIEWERS_PERIOD
# A person entering a room again within this many seconds is not another view (场观): a
# reload, a second tab or a dropped connection is the same visit; an hour later is another.
VIEW_REPEAT_SECONDS = 30 * 60
# The in-memory layer forgets group members after a day; rejoin long before that.
GROUP_REFRESH_SECONDS = 3600
# How often a hub tries the layer again after a failed publish.
RESYNC_RETRY_SECONDS = 1.0


class Loops:
    """The hub's listening half (a base of RoomHub): subscription, receive, tick and audience."""

    rooms: dict[int, Room]
    layer: Any
    channel_name: str | None
    subscribed: set[int]
    _lock: asyncio.Lock
    _tasks: list[asyncio.Task[None]]
    # Rooms whose publish failed: the chat id to resync after, until the layer takes it.
    resync_pending: dict[int, int]
    _resync_task: asyncio.Task[None] | None
    view_counted: dict[tuple[int, str], float]
    # daigang.live.hub.delivery: one round, closing one user's sockets in a room, a side task.
    flush: Callable[[], Awaitable[None]]
    user_sockets_close: Callable[[int, int], None]
    user_events_send: Callable[[int, int, list[dict[str, Any]]], None]
    _side_task: Callable[[Awaitable[Any]], None]

    def publish_failed(self, room_id: int, message: dict[str, Any]) -> None:
        """A committed event of the room did not reach the layer (called in this hub's loop).

        This process's sockets get it now; joins read the database until the room is
        resynced; and the other processes are told to resync once the layer is back.
        """
        room = self.rooms.get(room_id)
        if room is None:
            return
        events = message["events"] if "events" in message else [message["event"]]
        ids = [e["data"]["id"] for e in events if e.get("kind") == "chat"]
        # Resync from the last message published before this one (the earliest gap wins).
        after = min(ids) - 1 if ids else max(room.seen, default=0)
        room.stale = True
        room.publish(events)
        self.resync_pending[room_id] = min(after, self.resync_pending.get(room_id, after))
        if self._resync_task is None or self._resync_task.done():
            self._resync_task = asyncio.get_running_loop().create_task(
                self._resync_loop(), name="room-hub-resync"
            )

    async def _resync_loop(self) -> None:
        while self.resync_pending:
            await asyncio.sleep(RESYNC_RETRY_SECONDS)
            for room_id, after in list(self.resync_pending.items()):
                if room_id not in self.rooms:
                    self.resync_pending.pop(room_id, None)
                    continue
                try:
                    message = room_resync_message(room_id=room_id, after=after)
                    await self.layer.group_send(room_group(room_id), message)
                except asyncio.CancelledError:
                    raise
                except Exception as exc:
                    logger.info("room %s: the layer is still down (%r)", room_id, exc)
                    break
                # Pending until a resync comes back through this hub's own subscription (the
                # receive loop): a publish that got through says nothing about that.

    async def _resync(self, room: Room, after: int) -> None:
        """Send the room's sockets the chat after `after` they have not had, from the database."""
        room.stale = True
        try:
            joined, history = await live_db(
                chat.chat_join_with_history, room_id=room.room_id, after=after
            )
        except Exception:
            logger.exception(
                "room %s: resync failed; joins keep reading the database", room.room_id
            )
            return
        if self.rooms.get(room.room_id) is not room:
            return
        events = room.resynced(joined.state, history["messages"])
        if events:
            room.publish(events)

    async def _room_close(self, room: Room) -> None:
        # Unsubscribed, this process would miss the room's moderation changes: read them
        # again when the room comes back.
        moderation.room_rules_forget(room.room_id)
        if room.views_added:
            await self._audience_record(room.room_id, room.views_added, 0)
        await self._viewers_seen_record([room])
        await self._subscription_sync(room.room_id)

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
        if self._resync_task is not None:
            tasks.append(self._resync_task)
            self._resync_task = None
        self.resync_pending.clear()
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
            if message.get("type") == ROOM_USER_CLOSE:
                self.user_sockets_close(message["room_id"], message["user_id"])
                continue
            if message.get("type") == ROOM_USER_EVENTS:
                self.user_events_send(message["room_id"], message["user_id"], message["events"])
                continue
            kind = message.get("type")
            if kind not in (ROOM_EVENT, ROOM_RESYNC):
                continue
            room = self.rooms.get(message.get("room_id"))  # type: ignore[arg-type]
            if room is None:
                continue
            if kind == ROOM_RESYNC:
                # Receiving it proves this hub's subscription works again: what was published
                # while it was down is in the database, after the earliest gap it knows of.
                after = int(message["after"])
                after = min(after, self.resync_pending.pop(room.room_id, after))
                self._side_task(self._resync(room, after))
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
        counts = {room.room_id: len(room.viewer_sockets) for room in rooms}
        self._views_prune()
        totals = await live_db(audience.room_viewers_report, counts=counts, now=time.time())
        for room in rooms:
            viewers = max(totals.get(room.room_id, 0), counts[room.room_id])
            if viewers != room.viewers:
                room.viewers = viewers
                room.publish([{"kind": "viewers", "data": {"count": viewers}}])
            views_added, room.views_added = room.views_added, 0
            if views_added or viewers > room.peak_recorded:
                room.peak_recorded = max(room.peak_recorded, viewers)
                await self._audience_record(room.room_id, views_added, viewers)
        await self._viewers_seen_record(rooms)

    async def _viewers_seen_record(self, rooms: list[Room]) -> None:
        """Hand the people counted since the last round to audience.room_viewers_seen (unique
        viewers): one call per round for every room, never one per join."""
        seen = {room.room_id: sorted(room.viewers_new) for room in rooms if room.viewers_new}
        if not seen:
            return
        for room in rooms:
            room.viewers_new = set()
        try:
            await audience.room_viewers_seen_counted(seen=seen)
        except Exception:
            logger.exception("room hub: recording unique viewers failed")

    def _view_add(self, room: Room, socket: HubSocket) -> None:
        """Count a view for the socket's person unless they entered in the last
        VIEW_REPEAT_SECONDS (a reload, a second tab, a dropped connection)."""
        now = time.monotonic()
        key = (room.room_id, socket.viewer)
        last = self.view_counted.get(key)
        if last is None or now - last >= VIEW_REPEAT_SECONDS:
            self.view_counted[key] = now
            socket.viewed = True
            room.views_added += 1
            if socket.viewer:
                room.viewers_new.add(socket.viewer)

    def _views_prune(self) -> None:
        """Forget views older than VIEW_REPEAT_SECONDS: that person's next entry is a view."""
        oldest = time.monotonic() - VIEW_REPEAT_SECONDS
        stale = [key for key, when in self.view_counted.items() if when < oldest]
        for key in stale:
            del self.view_counted[key]

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
