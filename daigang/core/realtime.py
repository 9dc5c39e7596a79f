"""Publishing room events to browsers, after the transaction commits.

Services call `room_event_publish`; the event goes to the room's channel-layer group, where
each ASGI process holds ONE subscription per room (its hub, daigang.live.hub) and fans the
event out to its own sockets in coalesced frames. Nothing here knows about individual viewers.

The layer message is `{"type": "room.event", "room_id": <id>, "event": {"kind", "data"}}` (or
`"events": [...]` for several at once): the room id travels with it because a process's hub
listens on one channel for all its rooms.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

ROOM_EVENT = "room.event"


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def room_event_message(*, room_id: int, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The channel-layer message for one room event, checked to survive JSON now.

    Round-tripping through JSON here means a payload that cannot be sent fails where it is
    made, not later in a hub that cannot tell the caller.
    """
    event = json.loads(json.dumps({"kind": kind, "data": data}))
    return {"type": ROOM_EVENT, "room_id": int(room_id), "event": event}


def _layer_send(group: str, message: dict[str, Any]) -> None:
    """Hand a message to the channel layer: the one place where room events leave the process
    (daigang.core.testing.capture_events listens here)."""
    layer = get_channel_layer()
    if layer is not None:
        async_to_sync(layer.group_send)(group, message)


def _publish_on_commit(room_id: int, message: dict[str, Any]) -> None:
    group = room_group(room_id)
    # Looked up when the transaction commits, so a capture around the commit sees the send.
    transaction.on_commit(lambda: _layer_send(group, message))


def room_event_publish(*, room_id: int, kind: str, data: dict[str, Any]) -> None:
    """Send `{"kind": kind, "data": data}` to everyone in the room once the write commits."""
    _publish_on_commit(room_id, room_event_message(room_id=room_id, kind=kind, data=data))


def room_events_publish(*, room_id: int, events: list[tuple[str, dict[str, Any]]]) -> None:
    """Several events for one room as ONE layer message, in order, once the write commits."""
    checked = json.loads(json.dumps([{"kind": kind, "data": data} for kind, data in events]))
    _publish_on_commit(room_id, {"type": ROOM_EVENT, "room_id": int(room_id), "events": checked})
