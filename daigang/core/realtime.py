"""Publishing room events to browsers, after the transaction commits.

Services call `room_event_publish`; the event goes to the room's channel-layer group, where
each ASGI process holds ONE subscription per room (its hub, daigang.live.hub) and fans the
event out to its own sockets in coalesced frames. Nothing here knows about individual viewers.

The layer message is `{"type": "room.event", "room_id": <id>, "event": {"kind", "data"}}` (or
`"events": [...]` for several at once): the room id travels with it because a process's hub
listens on one channel for all its rooms. `{"type": "room.user_close", "room_id", "user_id"}`
(room_user_sockets_close) tells every process's hub to close that user's sockets in the room;
`{"type": "room.user_events", "room_id", "user_id", "events"}` (room_user_events_publish) gives
events to that user's sockets in the room alone (a moderator's mute, told to the muted viewer).

The database is the truth; the layer only carries news of it. A publish that fails (Redis down
or not answering within DEPENDENCY_TIMEOUT_S) does not fail the write that committed: it is
logged and handed to `room_publish_failed_hooks` (the live app's hubs deliver it to their own
sockets, stop answering joins from memory, and once the layer takes messages again send a
`room.resync` telling every process's hub to read the room's chat after `after` from the
database).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

logger = logging.getLogger(__name__)

ROOM_EVENT = "room.event"
ROOM_USER_CLOSE = "room.user_close"
ROOM_USER_EVENTS = "room.user_events"
# `{"type": ROOM_RESYNC, "room_id": <id>, "after": <chat id>}`: some events of the room after
# that chat message may not have reached every process; read them from the database.
ROOM_RESYNC = "room.resync"

# Called as hook(room_id, message) when a committed room event could not be published. Filled
# by upper apps in their AppConfig.ready(); called from whichever thread ran the commit.
room_publish_failed_hooks: list[Callable[[int, dict[str, Any]], None]] = []


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def room_event_message(*, room_id: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message for one room event, checked to survive JSON now.

    Round-tripping through JSON here means a payload that cannot be sent fails where it is
    made, not later in a hub that cannot tell the caller.
    """
    event = json.loads(json.dumps({"kind": kind, "data": data}))
    return {"type": ROOM_EVENT, "room_id": int(room_id), "event": event}


def room_resync_message(*, room_id: int, after: int) -> dict[str, Any]:
    """The layer message asking every hub to re-read the room's chat after `after`."""
    return {"type": ROOM_RESYNC, "room_id": int(room_id), "after": int(after)}


def _layer_send(group: str, message: dict[str, Any]) -> None:
    """Hand a message to the channel layer: the one place where room events leave the process
    (daigang.core.testing.capture_events listens here)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def _publish_on_commit(room_id: int, message: dict[str, Any]) -> None:
    group = room_group(room_id)

    def send() -> None:
        # Looked up when the transaction commits, so a capture around the commit sees it.
        try:
            _layer_send(group, message)
        except Exception as exc:
            # The write stands (it committed); the hooks make sure viewers still get it.
            logger.warning(
                "room %s: publishing failed (%r); resync from the database", room_id, exc
            )
            for hook in room_publish_failed_hooks:
                hook(room_id, message)

    # robust: an error in one callback must not skip the others, nor turn a committed write
    # into an error for the caller (the sender would be told a stored message failed).
    transaction.on_commit(send, robust=True)


def room_event_publish(*, room_id: int, kind: str, data: dict[str, Any]) -> None:
    """Send `{"kind": kind, "data": data}` to everyone in the room once the write commits."""
    _publish_on_commit(room_id, room_event_message(room_id=room_id, kind=kind, data=data))


def room_events_publish(*, room_id: int, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Several events for one room as ONE layer message, in order, once the write commits."""
    checked = json.loads(json.dumps([{"kind": kind, "data": data} for kind, data in events]))
    _publish_on_commit(room_id, {"type": ROOM_EVENT, "room_id": int(room_id), "events": checked})


def room_user_sockets_close(*, room_id: int, user_id: int) -> None:
    """Close `user_id`'s sockets in the room, in every process, once the write commits (a
    member removed from the organisation: their socket must not outlive their membership)."""
    _publish_on_commit(
        room_id, {"type": ROOM_USER_CLOSE, "room_id": int(room_id), "user_id": int(user_id)}
    )


def room_user_events_publish(
    *, room_id: int, user_id: int, events: list[tuple[str, dict[str, Any]]]
) -> None:
    """Events for `user_id`'s sockets in the room alone, in every process, once the write
    commits (a notice to one viewer: they were muted or banned)."""
    checked = json.loads(json.dumps([{"kind": kind, "data": data} for kind, data in events]))
    _publish_on_commit(
        room_id,
        {
            "type": ROOM_USER_EVENTS,
            "room_id": int(room_id),
            "user_id": int(user_id),
            "events": checked,
        },
    )
