"""Room chat: sending (validation, rate limit, storing, publishing) and reading history.

The consumer only parses frames and calls these; every rule about chat lives here. A message is
published with `room_events_publish` after it commits, as event `chat`, and reaches viewers
through each process's room hub (daigang.live.hub) in batched frames.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, cast

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.roles import Power
from daigang.accounts.selectors import members_with
from daigang.core.realtime import room_events_publish
from daigang.live.chat_text import chat_text_scrub
from daigang.live.models import ChatMessage, ChatSender, Room

CHAT_MAX_LENGTH = 200
# Longer than this before scrubbing is refused unread: scrubbing is linear, but not free.
CHAT_RAW_MAX_LENGTH = CHAT_MAX_LENGTH * 10
CHAT_INTERVAL = dt.timedelta(seconds=2)
HISTORY_SIZE = 50
# A client that comes back after a long absence gets the newest this many, not the backlog.
CATCH_UP_MAX = 200
CLIENT_TOKEN_MAX = 32


class ChatRefused(Exception):
    """The message (or joining) was refused; `message` is the Chinese text the viewer sees."""

    def __init__(self, code: str, message: str, *, retry_after_ms: int | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.retry_after_ms = retry_after_ms

    def as_event(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.retry_after_ms is not None:
            data["retry_after_ms"] = self.retry_after_ms
        return {"kind": "error", "data": data}


@dataclass(frozen=True)
class ChatJoin:
    """What a socket learns when it joins: the room and its state."""

    room_id: int
    state: str


def _display_name(*, user: Any, role: str) -> str:
    # Viewers are shown half-hidden: chat is public and a seeker's full name is personal data.
    if role != ChatMessage.Role.VIEWER and user.name:
        return user.name
    if user.name:
        return user.name[0] + "*" * max(1, len(user.name) - 1)
    return _("用户") + user.phone[-4:]


def _roles(*, room: Room, users: list[Any]) -> dict[int, str]:
    """Each user's role in the room: anchors and organisation members, staff, the rest."""
    ids = [user.pk for user in users]
    anchors = set(room.anchors.filter(pk__in=ids).values_list("pk", flat=True))
    anchors |= members_with(
        organisation_id=room.organisation_id, user_ids=ids, power=Power.ORGANISATION_SEE
    )
    roles: dict[int, str] = {}
    for user in users:
        if user.pk in anchors:
            roles[user.pk] = ChatMessage.Role.ANCHOR
        elif user.is_staff:
            roles[user.pk] = ChatMessage.Role.MODERATOR
        else:
            roles[user.pk] = ChatMessage.Role.VIEWER
    return roles


def chat_role_of(*, room: Room, user: Any) -> str:
    """`anchor` for the room's anchors and its organisation's members, `moderator` for staff."""
    return _roles(room=room, users=[user])[user.pk]


def chat_message_payload(message: ChatMessage) -> dict[str, Any]:
    """The `chat` event's data. Text goes out exactly as stored; clients render it as text."""
    data: dict[str, Any] = {
        "id": message.pk,
        "text": message.text,
        "role": message.role,
        "name": _display_name(user=message.user, role=message.role),
        "at": message.created_at.isoformat(),
    }
    if message.client_token:
        data["token"] = message.client_token
    return data


def chat_text_clean(text: Any) -> str:
    """The text as it will be shown (daigang.live.chat_text), or ChatRefused when nothing
    visible is left or it is longer than CHAT_MAX_LENGTH."""
    if not isinstance(text, str):
        raise ChatRefused("invalid", _("消息格式不正确"))
    if len(text) > CHAT_RAW_MAX_LENGTH:
        raise _too_long(len(text))
    given = text
    text = chat_text_scrub(text)
    if not text:
        if given.strip():
            raise ChatRefused("empty", _("消息里没有可以显示的文字"))
        raise ChatRefused("empty", _("请输入内容"))
    if len(text) > CHAT_MAX_LENGTH:
        raise _too_long(len(text))
    return text


def _too_long(count: int) -> ChatRefused:
    return ChatRefused(
        "too_long",
        _("消息最多 %(max)d 个字，当前 %(count)d 个字") % {"max": CHAT_MAX_LENGTH, "count": count},
    )


def _room_for_chat(room_id: int) -> Room:
    room = Room.objects.filter(pk=room_id).only("id", "state", "organisation_id").first()
    if room is None:
        raise ChatRefused("room_not_found", _("直播间不存在"))
    return room


def chat_join(*, room_id: int) -> ChatJoin:
    """The room a socket joins (ChatRefused `room_not_found` if there is none)."""
    room = _room_for_chat(room_id)
    return ChatJoin(room_id=room.pk, state=room.state)


def chat_can_send(*, user: Any, state: str) -> bool:
    """Logged-in viewers may chat until the room has ended."""
    return bool(getattr(user, "is_authenticated", False)) and state != Room.State.ENDED


def chat_join_with_history(*, room_id: int, after: int | None) -> tuple[ChatJoin, dict[str, Any]]:
    """`chat_join` and `chat_history` together: what a socket gets when it joins."""
    return chat_join(room_id=room_id), chat_history(room_id=room_id, after=after)


@dataclass(frozen=True)
class ChatSend:
    """One message a viewer asked to send."""

    user: Any
    text: Any
    client_token: str = ""


def _rate_limited(wait: dt.timedelta) -> ChatRefused:
    return ChatRefused(
        "rate_limited",
        _("发言太快了，请 %(seconds)d 秒后再发") % {"seconds": CHAT_INTERVAL.seconds},
        retry_after_ms=max(1, int(wait.total_seconds() * 1000)),
    )


def _clean(send: ChatSend) -> tuple[str, str]:
    """(text, client token) of a send, or ChatRefused; no database needed."""
    if not getattr(send.user, "is_authenticated", False):
        raise ChatRefused("login_required", _("登录后才能发言"))
    token = send.client_token
    if not isinstance(token, str) or len(token) > CLIENT_TOKEN_MAX:
        token = ""
    return chat_text_clean(send.text), token


def _store(
    *, room: Room, sends: list[tuple[int, ChatSend, str, str]], now: dt.datetime
) -> dict[int, ChatMessage | ChatRefused]:
    """One transaction: rate limit, resent tokens, the messages, and their publishing."""
    results: dict[int, ChatMessage | ChatRefused] = {}
    users = {send.user.pk: send.user for _, send, _, _ in sends}
    roles = _roles(room=room, users=list(users.values()))
    tokens = {token for _, _, _, token in sends if token}
    resent: dict[tuple[int, str], ChatMessage] = {}
    if tokens:
        for message in ChatMessage.objects.filter(
            room=room, user_id__in=users, client_token__in=tokens
        ).select_related("user"):
            resent[(message.user_id, message.client_token)] = message
    with transaction.atomic():
        # Row locks (PostgreSQL) make a second process's batch for the same people wait for
        # this one and then see its times; SQLite serialises writing transactions anyway.
        senders = {
            row.user_id: row
            for row in ChatSender.objects.select_for_update().filter(room=room, user_id__in=users)
        }
        claimed: set[int] = set()
        new_senders, moved_senders, new_messages = [], [], []
        for index, send, text, token in sends:
            user_id = send.user.pk
            if token and (user_id, token) in resent:
                # Sent before (or earlier in this batch): answer with that message.
                results[index] = resent[(user_id, token)]
                continue
            row = senders.get(user_id)
            if user_id in claimed:
                results[index] = _rate_limited(CHAT_INTERVAL)
                continue
            if row is not None and row.last_sent_at > now - CHAT_INTERVAL:
                results[index] = _rate_limited(row.last_sent_at + CHAT_INTERVAL - now)
                continue
            claimed.add(user_id)
            if row is None:
                new_senders.append(ChatSender(room=room, user_id=user_id, last_sent_at=now))
            else:
                moved_senders.append(row)
            message = ChatMessage(
                room=room,
                user=send.user,
                text=text,
                role=roles[user_id],
                client_token=token,
                created_at=now,
            )
            new_messages.append((index, message))
            if token:
                resent[(user_id, token)] = message
        if moved_senders:
            ChatSender.objects.filter(pk__in=[row.pk for row in moved_senders]).update(
                last_sent_at=now
            )
        if new_senders:
            ChatSender.objects.bulk_create(new_senders)
        if new_messages:
            ChatMessage.objects.bulk_create([message for _, message in new_messages])
            room_events_publish(
                room_id=room.pk,
                events=[("chat", chat_message_payload(message)) for _, message in new_messages],
            )
        for index, message in new_messages:
            results[index] = message
    return results


def chat_messages_send(
    *, room_id: int, sends: list[ChatSend], now: dt.datetime | None = None
) -> list[ChatMessage | ChatRefused]:
    """Store several messages for one room in one transaction and publish them after commit.

    Each send gets back its stored message or the ChatRefused (Chinese message) saying why not:
    anonymous user, empty or over-long text, no such room or an ended room, or a second message
    from the same user in the same room within CHAT_INTERVAL (kept in the database, so it holds
    across processes). Idempotent per client token: a resend returns the stored message and
    publishes nothing again. Storing many at once is what lets a busy room's chat cost a few
    statements per batch rather than per message (see daigang.live.chat_writer).
    """
    now = now or timezone.now()
    results: list[ChatMessage | ChatRefused | None] = [None] * len(sends)
    valid = []
    for index, send in enumerate(sends):
        try:
            text, token = _clean(send)
        except ChatRefused as refused:
            results[index] = refused
            continue
        valid.append((index, send, text, token))
    if valid:
        try:
            room = _room_for_chat(room_id)
            if room.state == Room.State.ENDED:
                raise ChatRefused("room_ended", _("直播已结束，不能再发言"))
        except ChatRefused as refused:
            for index, _send, _text, _token in valid:
                results[index] = refused
            valid = []
    if valid:
        for attempt in range(3):
            try:
                stored = _store(room=room, sends=valid, now=now)
                break
            except IntegrityError:
                # Another process stored a first message (or the same token) for one of these
                # people between our read and our write; nothing was kept or published, so
                # doing it again sees their row and decides correctly.
                if attempt == 2:
                    raise
        for index, result in stored.items():
            results[index] = result
    # Every send was answered above: refused while cleaning, refused with its room, or stored.
    return cast("list[ChatMessage | ChatRefused]", results)


def chat_message_send(
    *,
    room_id: int,
    user: Any,
    text: Any,
    client_token: str = "",
    now: dt.datetime | None = None,
) -> ChatMessage:
    """Store one chat message and publish it (event `chat`) once it commits.

    Raises ChatRefused for the reasons `chat_messages_send` gives.
    """
    (result,) = chat_messages_send(
        room_id=room_id, sends=[ChatSend(user=user, text=text, client_token=client_token)], now=now
    )
    if isinstance(result, ChatRefused):
        raise result
    return result


def chat_history(*, room_id: int, after: int | None = None) -> dict[str, Any]:
    """The `history` event's data: the last HISTORY_SIZE messages, oldest first.

    With `after` (the last id a reconnecting client saw) it is the messages newer than that
    instead, at most CATCH_UP_MAX of the newest; `complete` is false when some were left out.
    """
    messages = ChatMessage.objects.filter(room_id=room_id).select_related("user")
    limit = HISTORY_SIZE
    if after is not None:
        messages = messages.filter(pk__gt=after)
        limit = CATCH_UP_MAX
    newest = list(messages.order_by("-pk")[: limit + 1])
    complete = len(newest) <= limit
    newest = newest[:limit]
    newest.reverse()
    return {
        "messages": [chat_message_payload(m) for m in newest],
        "after": after,
        "complete": complete,
    }
