"""Publishing room events to browsers, after the transaction commits.

Services call `room_event_publish`; the event goes to the room's channel-layer group, where
each ASGI process holds ONE subscription per room (its hub, daigang.live.hub) and fans the
event out to its own sockets in coalesced frames. Nothing here knows about individual viewers.

The layer message is `{"type": "room.event", "room_id": <id>, "event": {"kind", "data"}}` (or
`"events": [...]` for several at once): the room id travels with it because a process's hub
listens on one channel for all its rooms. `{"type": "room.user_close", "room_id", "user_id"}`
(room_user_sockets_close) tells every process's hub to close that user's sockets in the room.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

ROOM_EVENT = "room.event"
ROOM_USER_CLOSE = "room.user_close"


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def room_event_message(*, room_id: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message for one room event, checked to survive JSON now.

    Round-tripping through JSON here means a payload that cannot be sent fails where it is
    made, not later in a hub that cannot tell the caller.
    """
    event = json.loads(json.dumps({"kind": kind, "data": data}))
    return {"type": ROOM_EVENT, "room_id": int(room_id), "event": event}


def _publish_on_commit(room_id: int, message: dict[str, Any]) -> None:
    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(room_group(room_id), message)

    transaction.on_commit(send)


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
