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
from django.utils.translation import gettext_noop

from daigang.accounts.roles import Power
from daigang.accounts.selectors import members_with
from daigang.core.realtime import room_events_publish
from daigang.core.refused import Refused, Throttled
from daigang.live.chat_text import chat_text_scrub
from daigang.live.mic import mic_hand_raise
from daigang.live.models import ChatMessage, ChatSender, Room
from daigang.live.moderation import (
    RoomRules,
    refusal_banned,
    refusal_blocked_word,
    refusal_muted,
    room_rules,
)
from daigang.rules.contact import contact_found
from daigang.rules.engine import text_matches
from daigang.rules.normalise import normalise
from daigang.rules.refusals import RULE_LABELS, RULE_LAWS
from daigang.rules.terms import MONEY_RULES

CHAT_MAX_LENGTH = 200
# Longer than this before scrubbing is refused unread: scrubbing is linear, but not free.
CHAT_RAW_MAX_LENGTH = CHAT_MAX_LENGTH * 10
CHAT_INTERVAL = dt.timedelta(seconds=2)
# The organisation's people (its anchors above all) answer many viewers at once: they are not
# slowed like viewers (neither this interval nor slow mode); this is only a guard against a
# stuck key or a script.
ANCHOR_CHAT_INTERVAL = dt.timedelta(milliseconds=500)
HISTORY_SIZE = 50
# A client that comes back after a long absence gets the newest this many, not the backlog.
CATCH_UP_MAX = 200
CLIENT_TOKEN_MAX = 32
# A viewer's message that is one of these raises their hand for the mic link (连麦).
MIC_CHAT_WORDS = frozenset({"连麦", "申请连麦", "我要连麦", "我想连麦", "可以连麦吗"})


# Said by both the service and the consumer; written once.
MESSAGE_INVALID = gettext_noop("消息格式不正确")
MESSAGE_LOGIN_TO_CHAT = gettext_noop("登录后才能发言")


def chat_error_event(refused: Refused) -> dict[str, Any]:
    """The `error` event telling the sender alone why (and, if throttled, when to retry)."""
    data = refused.as_data()
    if isinstance(refused, Throttled):
        data["retry_after_ms"] = max(1, int(refused.retry_after * 1000))
    return {"kind": "error", "data": data}


@dataclass(frozen=True)
class ChatJoin:
    """What a socket learns when it joins: the room and its state."""

    room_id: int
    state: str


def _display_name(*, user: Any, role: str) -> str:
    if user.is_deleted:
        return _("已注销用户")
    # Viewers are shown half-hidden: chat is public and a seeker's full name is personal data.
    if role != ChatMessage.Role.VIEWER and user.name:
        return user.name
    if user.name:
        return user.name[0] + "*" * max(1, len(user.name) - 1)
    return _("用户") + user.phone[-4:]


def _roles(*, room: Room, users: list[Any]) -> dict[int, str]:
    """Each user's role in the room: the organisation's members now (its anchors among them;
    an anchor no longer a member speaks as a viewer), staff, the rest."""
    ids = [user.pk for user in users]
    anchors = members_with(
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
    """`anchor` for its organisation's members (anchors included), `moderator` for staff."""
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
    """The text as it will be shown (daigang.live.chat_text), or Refused when nothing
    visible is left or it is longer than CHAT_MAX_LENGTH."""
    if not isinstance(text, str):
        raise Refused("invalid", _(MESSAGE_INVALID))
    if len(text) > CHAT_RAW_MAX_LENGTH:
        raise _too_long(len(text))
    given = text
    text = chat_text_scrub(text)
    if not text:
        if given.strip():
            raise Refused("empty", _("消息里没有可以显示的文字"))
        raise Refused("empty", _("请输入内容"))
    if len(text) > CHAT_MAX_LENGTH:
        raise _too_long(len(text))
    return text


def _too_long(count: int) -> Refused:
    return Refused(
        "too_long",
        _("消息最多 %(max)d 个字，当前 %(count)d 个字") % {"max": CHAT_MAX_LENGTH, "count": count},
    )


def _room_for_chat(room_id: int) -> Room:
    room = Room.objects.filter(pk=room_id).only("id", "state", "organisation_id").first()
    if room is None:
        raise Refused("room_not_found", _("直播间不存在"), status=404)
    return room


def chat_join(*, room_id: int) -> ChatJoin:
    """The room a socket joins (Refused `room_not_found` if there is none)."""
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
    # When the server received it. The rate limit counts messages as they were sent, not as
    # they were stored: after a stall, a backlog stored at once is not a burst of the sender's.
    sent_at: dt.datetime | None = None


def _interval_of(role: str, slow: dt.timedelta) -> dt.timedelta:
    if role == ChatMessage.Role.VIEWER:
        return slow
    if role == ChatMessage.Role.ANCHOR:
        return ANCHOR_CHAT_INTERVAL
    return CHAT_INTERVAL


def _rate_limited(wait: dt.timedelta, interval: dt.timedelta) -> Throttled:
    if interval > CHAT_INTERVAL:
        message = _("慢速模式：每 %(seconds)d 秒可以发一条") % {"seconds": interval.seconds}
    else:
        message = _("发言太快了，请 %(seconds)d 秒后再发") % {
            "seconds": max(1, round(interval.total_seconds()))
        }
    return Throttled("rate_limited", message, retry_after=wait.total_seconds())


def _clean(send: ChatSend) -> tuple[str, str]:
    """(text, client token) of a send, or Refused; no database needed."""
    if not getattr(send.user, "is_authenticated", False):
        raise Refused("login_required", _(MESSAGE_LOGIN_TO_CHAT))
    token = send.client_token
    if not isinstance(token, str) or len(token) > CLIENT_TOKEN_MAX:
        token = ""
    text = chat_text_clean(send.text)
    return text, token


def chat_content_check(text: str) -> None:
    """Refused `content_rule` when the message asks for money, a loan or papers
    (daigang.rules): it is held back and only its sender is told why."""
    matches = text_matches(text, rules=MONEY_RULES)
    if matches:
        match = matches[0]
        raise Refused(
            "content_rule",
            _("消息含有%(rule)s的内容（“%(found)s”），不符合%(law)s，未发出。")
            % {
                "rule": RULE_LABELS[match.rule],
                "found": match.found,
                "law": RULE_LAWS[match.rule],
            },
        )


def chat_moderation_check(
    *, rules: RoomRules, user_id: int, role: str, text: str, now: Any
) -> None:
    """Refused when the room's moderation holds the message back (daigang.live.moderation):
    a banned or muted viewer, contact details (daigang.rules.contact: held back for a viewer,
    refused to the organisation's people), or a viewer's message with a blocked word."""
    viewer = role == ChatMessage.Role.VIEWER
    if viewer and user_id in rules.banned:
        raise refusal_banned()
    if viewer and user_id in rules.muted:
        until = rules.muted[user_id]
        if until is None or until > now:
            raise refusal_muted(until, now=now)
    if contact_found(text) is not None:
        if viewer:
            raise Refused(
                "contact_held",
                _(
                    "消息含有联系方式（手机号、微信、QQ 等），没有显示给其他人。"
                    "想联系企业，请点岗位卡片上的「一键报名」。"
                ),
            )
        raise Refused(
            "contact_refused",
            _("单位成员不能在聊天中发布联系方式，求职者会通过「一键报名」留下联系方式。"),
        )
    if viewer and rules.words:
        normal = normalise(text).text
        if any(word in normal for word in rules.words):
            raise refusal_blocked_word()


def _store(
    *, room: Room, sends: list[tuple[int, ChatSend, str, str]], now: dt.datetime
) -> dict[int, ChatMessage | Refused]:
    """One transaction: rate limit, resent tokens, the messages, and their publishing."""
    results: dict[int, ChatMessage | Refused] = {}
    users = {send.user.pk: send.user for _, send, _, _ in sends}
    roles = _roles(room=room, users=list(users.values()))
    rules = room_rules(room_id=room.pk, organisation_id=room.organisation_id)
    slow = max(CHAT_INTERVAL, dt.timedelta(seconds=rules.slow_seconds))
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
        # Each sender's last accepted message so far: the stored one, then this batch's.
        last_sent = {user_id: row.last_sent_at for user_id, row in senders.items()}
        new_senders: dict[int, ChatSender] = {}
        moved_senders: dict[int, ChatSender] = {}
        new_messages = []
        for index, send, text, token in sends:
            user_id = send.user.pk
            if token and (user_id, token) in resent:
                # Sent before (or earlier in this batch): answer with that message.
                results[index] = resent[(user_id, token)]
                continue
            try:
                chat_moderation_check(
                    rules=rules, user_id=user_id, role=roles[user_id], text=text, now=now
                )
                if roles[user_id] != ChatMessage.Role.VIEWER:
                    # The money rules bind whoever speaks for the organisation: a seeker asking
                    # "要交押金吗？" is asking exactly what they should, and is not held back.
                    chat_content_check(text)
            except Refused as refused:
                results[index] = refused
                continue
            # Slow mode slows viewers; the organisation's people answer at the pace they type.
            interval = _interval_of(roles[user_id], slow)
            sent_at = min(send.sent_at or now, now)
            last = last_sent.get(user_id)
            if last is not None and last > sent_at - interval:
                results[index] = _rate_limited(last + interval - sent_at, interval)
                continue
            last_sent[user_id] = sent_at
            row = senders.get(user_id)
            if row is None:
                new_senders[user_id] = ChatSender(room=room, user_id=user_id, last_sent_at=sent_at)
            else:
                row.last_sent_at = sent_at
                moved_senders[user_id] = row
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
            ChatSender.objects.bulk_update(list(moved_senders.values()), ["last_sent_at"])
        if new_senders:
            ChatSender.objects.bulk_create(list(new_senders.values()))
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
) -> list[ChatMessage | Refused]:
    """Store several messages for one room in one transaction and publish them after commit.

    Each send gets back its stored message or the Refused (Chinese message) saying why not:
    anonymous user, empty or over-long text, text breaking a content rule (money, loans or
    papers asked: daigang.rules), the room's moderation (a muted or banned viewer, contact
    details, a blocked word: chat_moderation_check), no such room or an ended room, or a second
    message from the same user in the same room within CHAT_INTERVAL (the room's slow mode for
    viewers; kept in the database, so it holds across processes). Idempotent per client token: a resend returns the stored message and
    publishes nothing again. Storing many at once is what lets a busy room's chat cost a few
    statements per batch rather than per message (see daigang.live.chat_writer).
    """
    now = now or timezone.now()
    results: list[ChatMessage | Refused | None] = [None] * len(sends)
    valid = []
    for index, send in enumerate(sends):
        try:
            text, token = _clean(send)
        except Refused as refused:
            results[index] = refused
            continue
        valid.append((index, send, text, token))
    if valid:
        try:
            room = _room_for_chat(room_id)
            if room.state == Room.State.ENDED:
                raise Refused("room_ended", _("直播已结束，不能再发言"), status=409)
        except Refused as refused:
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
        _mic_hands_raise(
            room=room, stored=[r for r in stored.values() if isinstance(r, ChatMessage)]
        )
    # Every send was answered above: refused while cleaning, refused with its room, or stored.
    return cast("list[ChatMessage | Refused]", results)


def _mic_hands_raise(*, room: Room, stored: list[ChatMessage]) -> None:
    """A viewer who typed 连麦 raises a hand (daigang.live.mic), as with the room's button.
    The message stays in the chat as typed; a hand that cannot be raised (the room not live)
    is simply not raised: the button says why."""
    for message in stored:
        if message.role != ChatMessage.Role.VIEWER or message.text.strip() not in MIC_CHAT_WORDS:
            continue
        try:
            mic_hand_raise(room=room, by=message.user)
        except Refused:
            continue


def chat_message_send(
    *,
    room_id: int,
    user: Any,
    text: Any,
    client_token: str = "",
    now: dt.datetime | None = None,
) -> ChatMessage:
    """Store one chat message and publish it (event `chat`) once it commits.

    Raises Refused for the reasons `chat_messages_send` gives.
    """
    (result,) = chat_messages_send(
        room_id=room_id, sends=[ChatSend(user=user, text=text, client_token=client_token)], now=now
    )
    if isinstance(result, Refused):
        raise result
    return result


def chat_history(*, room_id: int, after: int | None = None) -> dict[str, Any]:
    """The `history` event's data: the last HISTORY_SIZE messages, oldest first.

    With `after` (the last id a reconnecting client saw) it is the messages newer than that
    instead, at most CATCH_UP_MAX of the newest; `complete` is false when some were left out.
    """
    messages = ChatMessage.objects.filter(room_id=room_id, deleted_at__isnull=True).select_related(
        "user"
    )
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
