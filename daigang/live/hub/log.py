"""A room as the hub holds it: its log of events not yet sent to every socket, and its join cache.

The log is the room's events numbered as this process has seen them; each socket remembers the
number of the first one it has not been sent (`HubSocket.upto`), so a round sends it the slice
since, and a socket that has just had its join frame catches up from the same slice. Events
every socket has had are trimmed away.

The join cache is the room's state and its last HISTORY_SIZE chat messages, kept current by the
events passing through (a `chat_deleted` takes its message out), so a join (or a reconnect whose last seen id the cache still covers)
needs no database read.

The cache is only as good as the channel layer that feeds it. When a publish failed (the layer
was down) the room is `stale`: joins read the database until a resync (daigang.live.hub.loops)
has re-read the room's chat and sent what its sockets missed.
"""

from __future__ import annotations

import bisect
from collections import deque
from typing import TYPE_CHECKING, Any

from daigang.live.chat import CATCH_UP_MAX, HISTORY_SIZE
from daigang.live.moderation import room_rules_forget

if TYPE_CHECKING:
    from daigang.live.hub.delivery import HubSocket


class Room:
    """One room in this process: its local sockets, its log, its join cache and its counts."""

    __slots__ = (
        "address_sockets",
        "history",
        "history_complete",
        "log",
        "log_start",
        "peak_recorded",
        "recent",
        "room_id",
        "seen",
        "sockets",
        "stale",
        "state",
        "viewer_sockets",
        "viewers",
        "viewers_new",
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
        # People whose view was counted since the last audience round (for unique viewers).
        self.viewers_new: set[str] = set()
        # Local sockets per person and per client address, kept as sockets join and leave (a
        # dict update each, no work per event): distinct viewers are len(viewer_sockets).
        self.viewer_sockets: dict[str, int] = {}
        self.address_sockets: dict[str, int] = {}
        self.peak_recorded = 0
        # The join cache: the room's state and its last HISTORY_SIZE chat messages (ids
        # ascending), kept current by the events passing through; None until loaded once.
        self.state: str | None = None
        self.history: list[dict[str, Any]] | None = None
        self.history_complete = False
        # Chat seen since subscribing, to merge into the first load (which may race it).
        self.recent: deque[dict[str, Any]] = deque(maxlen=HISTORY_SIZE)
        # Ids of the chat messages passed on lately, so a resync sends only what was missed.
        self.seen: deque[int] = deque(maxlen=CATCH_UP_MAX)
        # A publish failed: the cache may miss messages, joins read the database.
        self.stale = False

    def socket_counts_add(self, socket: HubSocket) -> None:
        self.viewer_sockets[socket.viewer] = self.viewer_sockets.get(socket.viewer, 0) + 1
        if socket.address:
            self.address_sockets[socket.address] = self.address_sockets.get(socket.address, 0) + 1

    def socket_counts_drop(self, socket: HubSocket) -> None:
        for counts, key in (
            (self.viewer_sockets, socket.viewer),
            (self.address_sockets, socket.address),
        ):
            left = counts.get(key, 0) - 1
            if left > 0:
                counts[key] = left
            else:
                counts.pop(key, None)

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
            self.seen.append(data["id"])
            if self.history is not None:
                self._history_add([data])
        elif kind == "chat_deleted" and isinstance(data.get("id"), int):
            deleted = data["id"]
            for messages in (self.history, self.recent):
                if messages is not None:
                    kept = [m for m in messages if m["id"] != deleted]
                    if len(kept) != len(messages):
                        messages.clear()
                        messages.extend(kept)
        elif kind == "moderation":
            # Mutes, bans, slow mode or blocked words changed: read them again.
            room_rules_forget(self.room_id)

    def join_cached(self, after: int | None) -> tuple[str, dict[str, Any]] | None:
        """(state, history) for a joining socket from the cache, or None if it cannot say."""
        if self.state is None or self.history is None or self.stale:
            return None
        if after is None:
            messages = list(self.history)
            complete = self.history_complete
        elif self.history_complete or (self.history and after >= self.history[0]["id"]):
            messages = [m for m in self.history if m["id"] > after]
            complete = True
        else:
            return None
        return self.state, {"messages": messages, "after": after, "complete": complete}

    def join_loaded(self, state: str, history: dict[str, Any]) -> None:
        """Fill the join cache from a database read (a full one: `after` None)."""
        self.state = state
        if history["after"] is not None or self.history is not None:
            return
        self.history = []
        self.history_complete = True
        self._history_add(list(history["messages"]) + list(self.recent))
        self.history_complete = bool(history["complete"]) and self.history_complete

    def resynced(self, state: str, messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """After a resync read: the events its sockets missed; the cache is reloaded on the
        next join (a database read) rather than patched."""
        seen = set(self.seen)
        events = [{"kind": "chat", "data": m} for m in messages if m["id"] not in seen]
        if self.state is not None and state != self.state:
            events.append({"kind": "state", "data": {"state": state}})
        self.state = None
        self.history = None
        self.history_complete = False
        self.stale = False
        return events

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
