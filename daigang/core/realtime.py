"""Publishing room events to browsers, after the transaction commits.

Services call `room_event_publish`; the event goes to the room's channel-layer group, where
each ASGI process holds ONE subscription per room (its hub) and fans the event out to its own
sockets in coalesced frames. Nothing here knows about individual viewers.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction


def room_group(room_id: int) -> str:
    return f"room.{room_id}"


def room_event_publish(*, room_id: int, kind: str, data: dict[str, Any]) -> None:
    """Send `{"kind": kind, "data": data}` to everyone in the room once the write commits."""
    # Round-trip through JSON now so a payload that cannot be sent fails where it is made.
    event = json.loads(json.dumps({"kind": kind, "data": data}))

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(
                room_group(room_id), {"type": "room.event", "event": event}
            )

    transaction.on_commit(send)
