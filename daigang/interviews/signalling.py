"""How interview events reach the participants' sockets: one channel-layer group per interview.

Unlike a live room (thousands of viewers, served by the coalescing room hub), an interview has
at most MAX_PARTICIPANTS sockets, and signalling is addressed: an SDP offer goes to one peer.
So each interview socket has its own channel, in the group `interview.<id>`. That works across
processes with the Redis layer as with the in-memory one.

Layer messages (all `type` "interview.event"): `{"kind", "data"}`, where kind is one of
- "join" / "leave" — to the group, sent by consumers (see consumers.py);
- "present" (the answer to a join) and "signal" (an SDP description or ICE candidate) — to
  one peer's channel;
- "muted", "removed", "focus", "ended" — to the group, sent by the services on commit.
"""

from __future__ import annotations

import json
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

INTERVIEW_EVENT = "interview.event"


def interview_group(interview_id: int) -> str:
    return f"interview.{int(interview_id)}"


def interview_event_message(*, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """The layer message, round-tripped through JSON so a bad payload fails where it is made."""
    payload = json.loads(json.dumps({"kind": kind, "data": data}))
    return {"type": INTERVIEW_EVENT, **payload}


def interview_event_publish(*, interview_id: int, kind: str, data: dict[str, Any]) -> None:
    """Send an event to every socket of the interview once the current write commits."""
    message = interview_event_message(kind=kind, data=data)

    def send() -> None:
        layer = get_channel_layer()
        if layer is not None:
            async_to_sync(layer.group_send)(interview_group(interview_id), message)

    transaction.on_commit(send)
