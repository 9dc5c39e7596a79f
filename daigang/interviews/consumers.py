"""The video call's WebSocket, /ws/interviews/<token>/: WebRTC signalling and controls.

Each browser holds one RTCPeerConnection per other participant (a mesh); this consumer only
relays what they need to find each other: presence, SDP descriptions and ICE candidates,
between the sockets of ONE interview. Media never passes through the server. Announcements
(join, leave, and the services' muted/removed/focus/ended) go to the group `interview.<id>`;
the answer to a join ("present") and every signal go to the one peer's own channel, learned
from its join or present.

Only the token's own user may connect, and not once removed, nor outside the call's hours
(selectors.participant_for_socket). Refused sockets get an `error` event, then close 4403.

Frames to the browser, one event each: `{"kind", "data"}`
- `hello` {you, roster, focus, ends_at} on join (`you.conn` names this connection);
- `peer-joined` {id, conn, role, name, muted} — for each peer already here and each newcomer;
  (names as the receiver may see them: a candidate gets the other candidates masked, 张*,
  in the roster and in peer-joined; the group messages between consumers carry full names,
  and each consumer masks what it forwards to its own browser — selectors.peer_as_seen)
- `peer-left` {id, conn}; `signal` {from, from_conn, description | candidate};
- `muted` {participant, muted}; `focus` {participant}; `removed` {participant};
- `ended` {state}; `replaced` (the same person opened the call elsewhere); `error`.
Frames from the browser:
- `{"kind": "signal", "to": <id>, "to_conn": "...", "data": {"description"|"candidate"}}`;
- interviewers only (the services check): `{"kind": "mute", "participant": id, "muted": bool}`,
  `{"kind": "remove", "participant": id}`, `{"kind": "focus", "participant": id|null}`,
  `{"kind": "end"}`.
"""

from __future__ import annotations

import json
import logging
import uuid
from typing import Any

from channels.db import database_sync_to_async
from channels.exceptions import ChannelFull
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils.translation import gettext as _

from daigang.core.ids import id_or_none
from daigang.core.refused import Refused
from daigang.interviews import selectors, services
from daigang.interviews.models import InterviewParticipant
from daigang.interviews.signalling import interview_event_message, interview_group

logger = logging.getLogger(__name__)

CLOSE_REFUSED = 4403
CLOSE_REPLACED = 4409
CLOSE_ENDED = 4410
# An SDP with many candidates is a few kB; anything this big is not signalling.
FRAME_MAX = 64 * 1024


class InterviewConsumer(AsyncWebsocketConsumer):
    participant: InterviewParticipant | None = None
    group: str | None = None

    async def connect(self) -> None:
        token = str(self.scope["url_route"]["kwargs"]["token"])
        user = self.scope.get("user")
        # Accept first so a refused browser learns why (a rejected handshake says nothing).
        await self.accept()
        try:
            participant = await database_sync_to_async(selectors.participant_for_socket)(
                user=user, token=token
            )
        except Refused as refused:
            await self._refuse(refused)
            return
        self.participant = participant
        self.conn = uuid.uuid4().hex
        # The other participants' sockets: id -> (connection id, channel name), learned from
        # their join/present messages. Signals go straight to one channel: through the group
        # every socket would get every candidate of the interview, and the in-memory layer
        # silently drops messages to a channel that holds 100.
        self.peer_channels: dict[int, tuple[str, str]] = {}
        self.me = {**selectors.participant_public(participant), "conn": self.conn}
        self.group = interview_group(participant.interview_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        # Checked again now that removals reach this socket: one that committed between the
        # first check and joining the group would otherwise be missed.
        try:
            participant = await database_sync_to_async(selectors.participant_for_socket)(
                user=user, token=token
            )
        except Refused as refused:
            await self._leave_group()
            await self._refuse(refused)
            return
        await database_sync_to_async(services.participant_join)(participant=participant)
        interview = participant.interview
        roster = await database_sync_to_async(selectors.call_roster)(
            interview=interview, viewer=participant
        )
        self.me["muted"] = participant.muted
        await self._send(
            "hello",
            {
                "you": self.me,
                "roster": roster,
                "focus": interview.focus_id,
                "ends_at": interview.ends_at.isoformat(),
            },
        )
        await self._publish(
            "join",
            {
                "from": participant.pk,
                "conn": self.conn,
                "channel": self.channel_name,
                "peer": self.me,
            },
        )

    async def disconnect(self, code: int) -> None:
        if self.group is not None and self.participant is not None:
            await self._publish("leave", {"from": self.participant.pk, "conn": self.conn})
            await self._leave_group()

    # --- from the browser ---------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.participant is None or self.group is None:
            return
        if not text_data or len(text_data) > FRAME_MAX:
            await self._invalid()
            return
        try:
            frame = json.loads(text_data)
        except ValueError:
            frame = None
        if not isinstance(frame, dict):
            await self._invalid()
            return
        kind = frame.get("kind")
        if kind == "signal":
            await self._signal(frame)
        elif kind in ("mute", "remove", "focus", "end"):
            await self._control(kind, frame)
        else:
            await self._invalid()

    async def _signal(self, frame: dict[str, Any]) -> None:
        to = id_or_none(frame.get("to"))
        to_conn = frame.get("to_conn")
        data = frame.get("data")
        if to is None or not isinstance(to_conn, str) or not isinstance(data, dict):
            await self._invalid()
            return
        target = self.peer_channels.get(to)
        if target is None or target[0] != to_conn:
            return  # that connection has gone (its peer-left is on its way to the browser)
        payload: dict[str, Any] = {
            "from": self.participant.pk,  # type: ignore[union-attr]
            "from_conn": self.conn,
            "to": to,
            "to_conn": to_conn,
        }
        # Only the two things perfect negotiation exchanges, nothing else rides along.
        if isinstance(data.get("description"), dict):
            payload["description"] = data["description"]
        elif "candidate" in data:
            payload["candidate"] = data["candidate"]
        else:
            await self._invalid()
            return
        await self._send_to(target[1], "signal", payload)

    async def _control(self, kind: str, frame: dict[str, Any]) -> None:
        assert self.participant is not None
        interview = self.participant.interview
        user = self.participant.user
        target = id_or_none(frame.get("participant"))
        try:
            if kind == "end":
                await database_sync_to_async(services.interview_finish)(
                    interview=interview, by=user
                )
            elif kind == "focus":
                await database_sync_to_async(services.interview_focus_set)(
                    interview=interview, participant_id=target, by=user
                )
            elif target is None:
                await self._invalid()
            elif kind == "mute":
                await database_sync_to_async(services.participant_mute_set)(
                    interview=interview,
                    participant_id=target,
                    muted=bool(frame.get("muted", True)),
                    by=user,
                )
            else:
                await database_sync_to_async(services.participant_remove)(
                    interview=interview, participant_id=target, by=user
                )
        except Refused as refused:
            await self._send("error", refused.as_data())

    # --- from the group -----------------------------------------------------------------------

    async def interview_event(self, message: dict[str, Any]) -> None:
        if self.participant is None:
            return
        me = self.participant.pk
        kind, data = message.get("kind"), message.get("data") or {}
        if kind == "join":
            if data.get("from") == me:
                if data.get("conn") != self.conn:
                    # The same person opened the call again (a reload, another device): the
                    # newest connection wins, this one steps aside.
                    await self._send("replaced", {})
                    await self.close(code=CLOSE_REPLACED)
                return
            self.peer_channels[data["from"]] = (data["conn"], data["channel"])
            peer = selectors.peer_as_seen(data["peer"], viewer=self.participant)
            await self._send("peer-joined", {**peer, "conn": data["conn"]})
            # Tell the newcomer this socket is here, on its own channel only.
            await self._send_to(
                data["channel"],
                "present",
                {
                    "from": me,
                    "to": data["from"],
                    "to_conn": data["conn"],
                    "channel": self.channel_name,
                    "peer": self.me,
                },
            )
        elif kind == "present":
            if data.get("to") == me and data.get("to_conn") == self.conn:
                peer = data["peer"]
                self.peer_channels[data["from"]] = (peer["conn"], data["channel"])
                seen = selectors.peer_as_seen(peer, viewer=self.participant)
                await self._send("peer-joined", {**seen, "conn": peer["conn"]})
        elif kind == "leave":
            if data.get("from") != me:
                known = self.peer_channels.get(data["from"])
                if known is not None and known[0] == data["conn"]:
                    del self.peer_channels[data["from"]]
                await self._send("peer-left", {"id": data["from"], "conn": data["conn"]})
        elif kind == "signal":
            if data.get("to") == me and data.get("to_conn") == self.conn:
                relayed = {k: v for k, v in data.items() if k not in ("to", "to_conn")}
                await self._send("signal", relayed)
        elif kind == "muted":
            if data.get("participant") == me:
                self.me["muted"] = bool(data.get("muted"))
            await self._send("muted", data)
        elif kind == "focus":
            await self._send("focus", data)
        elif kind == "removed":
            self.peer_channels.pop(data["participant"], None)
            await self._send("removed", data)
            if data.get("participant") == me:
                await self._leave_group()
                self.participant = None
                await self.close(code=CLOSE_REFUSED)
        elif kind == "ended":
            await self._send("ended", data)
            await self._leave_group()
            self.participant = None
            await self.close(code=CLOSE_ENDED)

    # --- helpers ------------------------------------------------------------------------------

    async def _send(self, kind: str, data: dict[str, Any]) -> None:
        await self.send(
            text_data=json.dumps(
                {"kind": kind, "data": data}, ensure_ascii=False, separators=(",", ":")
            )
        )

    async def _invalid(self) -> None:
        await self._send("error", Refused("invalid", _("消息格式不正确")).as_data())

    async def _refuse(self, refused: Refused) -> None:
        await self._send("error", refused.as_data())
        await self.close(code=CLOSE_REFUSED)

    async def _publish(self, kind: str, data: dict[str, Any]) -> None:
        if self.group is not None:
            await self.channel_layer.group_send(
                self.group, interview_event_message(kind=kind, data=data)
            )

    async def _send_to(self, channel: str, kind: str, data: dict[str, Any]) -> None:
        """To one peer's socket. A full channel means that socket has stopped reading."""
        try:
            await self.channel_layer.send(channel, interview_event_message(kind=kind, data=data))
        except ChannelFull:
            logger.warning(
                "interview %s: a %s message was dropped (peer not reading)", self.group, kind
            )

    async def _leave_group(self) -> None:
        if self.group is not None:
            group, self.group = self.group, None
            await self.channel_layer.group_discard(group, self.channel_name)
