"""The room WebSocket, /ws/rooms/<room_id>/[?after=<last chat id seen>].

The consumer authenticates (AuthMiddlewareStack put the user in the scope), registers its socket
with this process's room hub and hands what the browser sends to the chat services. It never
joins a channel-layer group itself: the hub holds the process's one subscription per room.

Frames to the browser are always `{"events": [{"kind": ..., "data": ...}, ...]}`:
- on join: `hello` {room_id, state, can_send, viewers} then `history` {messages, after,
  complete} — the last 50 messages, or those after `after` when reconnecting;
- then once per tick, batched: `chat` (a message), `viewers` {count}, and the room events
  other services publish (`pin`, `state`, …);
- to the sender alone: `error` {code, message[, retry_after_ms]};
- refused: `error` then close 4404 (no such room) or 4429 (too_many_sockets: the client address
  already holds settings.LIVE_ROOM_SOCKETS_PER_ADDRESS sockets in the room).
The hub closes a socket with 4403 when its user is removed from the room's organisation.
Frames from the browser: `{"kind": "chat", "text": "...", "token": "<client id>"}`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs

from channels.consumer import get_handler_name
from channels.generic.websocket import AsyncWebsocketConsumer
from channels.sessions import InstanceSessionWrapper
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from daigang.core.languages import language_from_scope
from daigang.core.refused import Refused
from daigang.live import chat, viewers
from daigang.live.chat_db import live_db
from daigang.live.chat_writer import chat_writer_get
from daigang.live.hub import CLOSE_TOO_SLOW, HubSocket, frame_text, hub_get

CLOSE_ROOM_NOT_FOUND = 4404
# Too many sockets from one client address in this room (settings.LIVE_ROOM_SOCKETS_PER_ADDRESS).
CLOSE_TOO_MANY = 4429
# A chat frame is 200 characters of text plus a little JSON; anything far bigger is not one.
MAX_FRAME_CHARS = 4096

# Not a configured alias, so Channels gives this consumer no channel of its own: with many
# viewers, one channel (and, with Redis, one subscription) per socket is what the hub avoids.
NO_CHANNEL_LAYER = "daigang.live.hub-only"


def _frame_send(send: Any) -> Any:
    """The server's own send, beneath Channels' session wrapper, for the hub's frames.

    The wrapper only acts on `http.response.start` (to save the session and set its cookie);
    for `websocket.send` it is pure overhead, paid once per socket per tick by the hub.
    """
    owner = getattr(send, "__self__", None)
    if isinstance(owner, InstanceSessionWrapper):
        return owner.real_send
    return send


def _after_from(query_string: bytes) -> int | None:
    values = parse_qs(query_string.decode("latin-1")).get("after")
    if not values:
        return None
    try:
        after = int(values[-1])
    except ValueError:
        return None
    return after if after >= 0 else None


class RoomConsumer(AsyncWebsocketConsumer):
    channel_layer_alias = NO_CHANNEL_LAYER

    hub_socket: HubSocket | None = None
    language: str | None = None

    async def dispatch(self, message: dict[str, Any]) -> None:
        # Channels closes stale connections of its shared database thread before every
        # handler: a thread hop per frame. This consumer does its database work in the live
        # database thread (daigang.live.chat_db), which looks after its own connection.
        handler = getattr(self, get_handler_name(message), None)
        if handler is None:
            raise ValueError(f"No handler for message type {message['type']}")
        # Notices and refusals in the language the room page was served in.
        if self.language is None:
            self.language = language_from_scope(self.scope)
        with translation.override(self.language):
            await handler(message)

    async def connect(self) -> None:
        self.room_id = int(self.scope["url_route"]["kwargs"]["room_id"])
        self.user = self.scope.get("user")
        after = _after_from(self.scope.get("query_string", b""))
        await self.accept()
        hub = hub_get()
        address = viewers.scope_address(self.scope)
        # Checked and joined with no await between, so two sockets cannot both take the last
        # place. One client opening hundreds of sockets would otherwise cost a socket each.
        if hub.address_full(self.room_id, address):
            refused = Refused(
                "too_many_sockets",
                _("同一网络打开的直播窗口太多，请关闭其他窗口后刷新本页"),
                status=429,
            )
            await self.send(text_data=json.dumps({"events": [chat.chat_error_event(refused)]}))
            await self.close(code=CLOSE_TOO_MANY)
            return
        # Register before reading history, so nothing published in between is missed; the
        # hub holds tick frames back until the join frame has gone out.
        user_id = self.user.pk if self.user and self.user.is_authenticated else None
        self.hub_socket = await hub.join(
            room_id=self.room_id,
            send=_frame_send(self.base_send),
            new_view=after is None,
            user_id=user_id,
            viewer=viewers.scope_viewer(self.scope),
            address=address,
        )
        cached = hub.join_cached(self.room_id, after)
        if cached is not None:
            state, history = cached
        else:
            try:
                joined, history = await live_db(
                    chat.chat_join_with_history, room_id=self.room_id, after=after
                )
            except Refused as refused:
                socket, self.hub_socket = self.hub_socket, None
                await hub.leave(socket, counted=False)
                await self.send(text_data=json.dumps({"events": [chat.chat_error_event(refused)]}))
                await self.close(code=CLOSE_ROOM_NOT_FOUND)
                return
            state = joined.state
            hub.join_loaded(self.room_id, state, history)
        hello = {
            "room_id": self.room_id,
            "state": state,
            "can_send": chat.chat_can_send(user=self.user, state=state),
            "viewers": hub.viewers(self.room_id),
        }
        if not self.user or not self.user.is_authenticated:
            hello["notice"] = _(chat.MESSAGE_LOGIN_TO_CHAT)
        first = {
            "type": "websocket.send",
            "text": frame_text(
                [{"kind": "hello", "data": hello}, {"kind": "history", "data": history}]
            ),
        }
        if not hub.start(self.hub_socket, first):
            await self.close(code=CLOSE_TOO_SLOW)

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.hub_socket is None or self.hub_socket.closed:
            return
        received_at = timezone.now()
        frame: Any = None
        if len(text_data or "") <= MAX_FRAME_CHARS:
            try:
                frame = json.loads(text_data or "")
            except ValueError:
                frame = None
        if not isinstance(frame, dict) or frame.get("kind") != "chat":
            self._reply(chat.chat_error_event(Refused("invalid", _(chat.MESSAGE_INVALID))))
            return
        try:
            await chat_writer_get().send(
                room_id=self.room_id,
                user=self.user,
                text=frame.get("text"),
                client_token=str(frame.get("token") or ""),
                received_at=received_at,
            )
        except Refused as refused:
            self._reply(chat.chat_error_event(refused))
        except Exception:
            self._reply(
                chat.chat_error_event(Refused("unavailable", _("发送失败，请稍后再试"), status=503))
            )

    def _reply(self, event: dict[str, Any]) -> None:
        if self.hub_socket is not None:
            hub_get().send_to(self.hub_socket, [event])

    async def disconnect(self, code: int) -> None:
        if self.hub_socket is not None:
            socket, self.hub_socket = self.hub_socket, None
            await hub_get().leave(socket)
