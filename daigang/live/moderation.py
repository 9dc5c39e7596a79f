"""Chat moderation: who moderates a room, what they may do, and the rules chat reads.

Room moderators are the organisation's owner and HR, the room's own anchors (while members),
and platform moderators (roles.CHAT_MODERATE); the owner and HR also set the room's slow mode
and the organisation's blocked words (roles.CHAT_SETTINGS). Actions:

- `chat_message_delete`: the message leaves history and every screen (event `chat_deleted`);
- `viewer_mute` for 10 minutes, an hour or the session, in this room; `viewer_ban` from all
  the organisation's rooms; `mute_lift` and `ban_lift` undo them;
- `chat_settings_set`: slow mode (a viewer sends one message per N seconds) and blocked words
  (a viewer's message with one is held back, as contact details are).

Each is idempotent (a repeat changes nothing and logs nothing), logged in ChatModeration
(who, what, on whom, why, when) and told: the muted or banned viewer's sockets get a notice
(event `muted` / `banned`), and every affected room gets a `moderation` event.

Chat is a hot path, so the rules it reads (mutes, bans, slow mode, blocked words) are held per
room in the process (`room_rules`): loaded once, dropped when a `moderation` event passes
through the room's hub (daigang.live.hub.log) or commits in this process, and at most
RULES_MAX_AGE seconds old in any case.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from daigang.accounts.models import Membership, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import members_with, membership_get, membership_has
from daigang.core.realtime import room_event_publish, room_user_events_publish
from daigang.core.refused import Refused
from daigang.live.models import (
    ChatBan,
    ChatBlockedWord,
    ChatMessage,
    ChatModeration,
    ChatMute,
    Room,
)
from daigang.rules.normalise import normalise

RULES_MAX_AGE = 60.0
MUTE_DURATIONS: dict[str, dt.timedelta | None] = {
    ChatMute.Duration.TEN_MINUTES: dt.timedelta(minutes=10),
    ChatMute.Duration.ONE_HOUR: dt.timedelta(hours=1),
    ChatMute.Duration.SESSION: None,
}
SLOW_SECONDS_MAX = 300
BLOCKED_WORDS_MAX = 200
BLOCKED_WORD_LENGTH = 30
REASON_MAX = 200
LOG_SIZE = 50


# --- the rules chat reads, cached per room in the process ------------------------------------


@dataclass(frozen=True)
class RoomRules:
    """What a room's chat must know about moderation, as of `loaded_at`."""

    organisation_id: int
    slow_seconds: int
    muted: dict[int, dt.datetime | None]  # user id -> until (None: the session)
    banned: frozenset[int]
    words: tuple[str, ...]  # blocked words in the normal form
    loaded_at: float


_rules: dict[int, RoomRules] = {}
# Bumped by every forget: a load that raced a change does not store what it read.
_version = 0


def room_rules_forget(room_id: int | None = None) -> None:
    """Drop a room's cached rules (every room's with None); the next message reads them again."""
    global _version
    _version += 1
    if room_id is None:
        _rules.clear()
    else:
        _rules.pop(room_id, None)


def room_rules(*, room_id: int, organisation_id: int) -> RoomRules:
    """The room's moderation rules: from memory, or read (four queries) when not cached."""
    cached = _rules.get(room_id)
    if cached is not None and time.monotonic() - cached.loaded_at < RULES_MAX_AGE:
        return cached
    version = _version
    now = timezone.now()
    slow = Room.objects.filter(pk=room_id).values_list("chat_slow_seconds", flat=True).first()
    muted = dict(
        ChatMute.objects.filter(room_id=room_id)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .values_list("user_id", "until")
    )
    banned = frozenset(
        ChatBan.objects.filter(organisation_id=organisation_id).values_list("user_id", flat=True)
    )
    words = tuple(
        normalise(word).text
        for word in ChatBlockedWord.objects.filter(organisation_id=organisation_id).values_list(
            "word", flat=True
        )
    )
    rules = RoomRules(
        organisation_id=organisation_id,
        slow_seconds=slow or 0,
        muted=muted,
        banned=banned,
        words=tuple(word for word in words if word),
        loaded_at=time.monotonic(),
    )
    if version == _version:
        _rules[room_id] = rules
    return rules


def refusal_muted(until: dt.datetime | None, *, now: dt.datetime) -> Refused:
    """What a muted viewer is told, with the time left."""
    if until is None:
        message = _("您已被禁言，本场直播内不能发言")
    else:
        minutes = max(1, -int(-(until - now).total_seconds() // 60))
        message = ngettext(
            "您已被禁言，%(minutes)d 分钟后可以再发言",
            "您已被禁言，%(minutes)d 分钟后可以再发言",
            minutes,
        ) % {"minutes": minutes}
    return Refused("muted", message, status=403)


def refusal_banned() -> Refused:
    return Refused("banned", _("您已被该单位禁止在其直播间发言"), status=403)


def refusal_blocked_word() -> Refused:
    return Refused("held", _("消息含有本直播间不允许的词语，未发出"))


# --- who moderates ----------------------------------------------------------------------------


def room_can_moderate(*, user: Any, room: Room) -> bool:
    """Owner and HR of the room's organisation, the room's own anchors while members, and
    platform moderators (roles.CHAT_MODERATE)."""
    if not getattr(user, "is_authenticated", False):
        return False
    membership = membership_get(
        user=user, organisation_id=room.organisation_id, power=Power.CHAT_MODERATE
    )
    if membership is None:
        return membership_has(
            user=user, organisation_id=room.organisation_id, power=Power.CHAT_MODERATE
        )
    if membership.role != Membership.Role.ANCHOR:
        return True
    return room.anchors.filter(pk=user.pk).exists()


def room_can_configure(*, user: Any, room: Room) -> bool:
    """Owner and HR: the room's slow mode, the organisation's blocked words."""
    return membership_has(
        user=user, organisation_id=room.organisation_id, power=Power.CHAT_SETTINGS
    )


def room_for_moderator(*, user: Any, room_id: int) -> Room:
    """The room if `user` moderates it; 404 otherwise, so outsiders learn nothing."""
    room = Room.objects.select_related("organisation").filter(pk=room_id).first()
    if room is None or not room_can_moderate(user=user, room=room):
        raise Http404
    return room


def room_for_configurer(*, user: Any, room_id: int) -> Room:
    """The room if `user` may change its chat settings; 404 otherwise."""
    room = Room.objects.select_related("organisation").filter(pk=room_id).first()
    if room is None or not room_can_configure(user=user, room=room):
        raise Http404
    return room


# --- what the moderation page and the API show ----------------------------------------------


@dataclass(frozen=True)
class Overview:
    room: Room
    mutes: list[ChatMute]
    bans: list[ChatBan]
    words: list[str]
    log: list[ChatModeration]


def moderation_overview(*, room: Room, now: dt.datetime | None = None) -> Overview:
    now = now or timezone.now()
    mutes = list(
        ChatMute.objects.filter(room=room)
        .filter(Q(until__isnull=True) | Q(until__gt=now))
        .select_related("user")
        .order_by("-created_at")
    )
    bans = list(
        ChatBan.objects.filter(organisation_id=room.organisation_id)
        .select_related("user")
        .order_by("-created_at")
    )
    words = list(
        ChatBlockedWord.objects.filter(organisation_id=room.organisation_id).values_list(
            "word", flat=True
        )
    )
    log = list(
        ChatModeration.objects.filter(organisation_id=room.organisation_id)
        .select_related("by", "target", "room")
        .order_by("-created_at", "-id")[:LOG_SIZE]
    )
    return Overview(room=room, mutes=mutes, bans=bans, words=words, log=log)


def person_label(user: User | None) -> str:
    """How the moderation page names a person: their name, else their masked phone."""
    if user is None:
        return "—"
    return user.name or user.masked_phone


# --- actions ----------------------------------------------------------------------------------


def _reason(reason: Any) -> str:
    return str(reason or "").strip()[:REASON_MAX]


def _log(
    *,
    room: Room,
    by: User,
    action: str,
    target: User | None = None,
    message: ChatMessage | None = None,
    detail: str = "",
    reason: str = "",
) -> ChatModeration:
    return ChatModeration.objects.create(
        organisation_id=room.organisation_id,
        room=room,
        by=by,
        action=action,
        target=target,
        message=message,
        detail=detail[:500],
        reason=reason,
    )


def _rooms_open(organisation_id: int) -> QuerySet[Room]:
    """The organisation's rooms that may still have chat: where a ban or a word must reach."""
    return Room.objects.filter(organisation_id=organisation_id).exclude(state=Room.State.ENDED)


def _changed(room_ids: list[int]) -> None:
    """Once the change commits: this process forgets the rooms' rules at once, and every
    process's hub of each room does when its `moderation` event passes through."""
    for room_id in room_ids:
        room_event_publish(room_id=room_id, kind="moderation", data={})

    def forget() -> None:
        for room_id in room_ids:
            room_rules_forget(room_id)

    transaction.on_commit(forget, robust=True)


def _viewer_of(*, message: ChatMessage, room: Room) -> User:
    """The message's sender if moderators may act on them: not staff, not a member."""
    user = message.user
    members = members_with(
        organisation_id=room.organisation_id, user_ids=[user.pk], power=Power.ORGANISATION_SEE
    )
    if user.is_staff or user.pk in members:
        raise Refused("not_a_viewer", _("不能对本单位成员或审核员执行此操作"), status=400)
    return user


def _message_of(*, room: Room, message_id: int) -> ChatMessage:
    message = ChatMessage.objects.select_related("user").filter(pk=message_id, room=room).first()
    if message is None:
        raise Refused("message_not_found", _("消息不存在"), status=404)
    return message


def chat_message_delete(*, room: Room, message_id: int, by: User, reason: str = "") -> ChatMessage:
    """Delete a message: gone from history and, at once, from every viewer's screen (event
    `chat_deleted` {id}). Deleting a deleted message changes nothing."""
    with transaction.atomic():
        message = _message_of(room=room, message_id=message_id)
        message = ChatMessage.objects.select_for_update().get(pk=message.pk)
        if message.deleted_at is not None:
            return message
        message.deleted_at = timezone.now()
        message.save(update_fields=["deleted_at"])
        _log(
            room=room,
            by=by,
            action=ChatModeration.Action.DELETE,
            target=message.user,
            message=message,
            detail=message.text,
            reason=_reason(reason),
        )
        room_event_publish(room_id=room.pk, kind="chat_deleted", data={"id": message.pk})
    return message


def viewer_mute(
    *, room: Room, message_id: int, by: User, duration: str, reason: str = "", now: Any = None
) -> ChatMute:
    """Mute the sender of a message in this room for `duration` (10m, 1h, session).

    Muting someone already muted at least as long (or for the same duration) changes nothing;
    a longer mute replaces a shorter one. The viewer's sockets are told at once (`muted`).
    """
    if duration not in MUTE_DURATIONS:
        raise Refused("invalid_duration", _("禁言时长不正确"), field="duration")
    now = now or timezone.now()
    length = MUTE_DURATIONS[duration]
    until = None if length is None else now + length
    with transaction.atomic():
        target = _viewer_of(message=_message_of(room=room, message_id=message_id), room=room)
        mute = ChatMute.objects.select_for_update().filter(room=room, user=target).first()
        active = mute is not None and (mute.until is None or mute.until > now)
        if mute is not None and active:
            covered = mute.until is None or (until is not None and mute.until >= until)
            if covered or mute.duration == duration:
                return mute
        if mute is None:
            mute = ChatMute(room=room, user=target)
        mute.duration = duration
        mute.until = until
        mute.created_at = now
        mute.save()
        _log(
            room=room,
            by=by,
            action=ChatModeration.Action.MUTE,
            target=target,
            detail=str(ChatMute.Duration(duration).label),
            reason=_reason(reason),
        )
        refused = refusal_muted(until, now=now)
        room_user_events_publish(
            room_id=room.pk,
            user_id=target.pk,
            events=[
                (
                    "muted",
                    {
                        "message": refused.message,
                        "until": until.isoformat() if until else None,
                    },
                )
            ],
        )
        _changed([room.pk])
    return mute


def mute_lift(*, room: Room, user_id: int, by: User) -> None:
    """Let a muted viewer chat again in this room (nothing happens if they were not muted)."""
    with transaction.atomic():
        mute = ChatMute.objects.select_for_update().filter(room=room, user_id=user_id).first()
        if mute is None:
            return
        mute.delete()
        _log(room=room, by=by, action=ChatModeration.Action.UNMUTE, target=mute.user)
        room_user_events_publish(
            room_id=room.pk,
            user_id=user_id,
            events=[("unmuted", {"message": _("您已被解除禁言，可以发言了")})],
        )
        _changed([room.pk])


def viewer_ban(*, room: Room, message_id: int, by: User, reason: str = "") -> ChatBan:
    """Ban the sender of a message from chatting in every room of the organisation.

    Banning someone banned changes nothing. Their sockets in the organisation's rooms are told.
    """
    with transaction.atomic():
        target = _viewer_of(message=_message_of(room=room, message_id=message_id), room=room)
        ban, created = ChatBan.objects.get_or_create(
            organisation_id=room.organisation_id, user=target
        )
        if not created:
            return ban
        _log(
            room=room,
            by=by,
            action=ChatModeration.Action.BAN,
            target=target,
            reason=_reason(reason),
        )
        rooms = list(_rooms_open(room.organisation_id))
        room_ids = [open_room.pk for open_room in rooms]
        message = refusal_banned().message
        # Off the air too: a banned viewer's raised hand or 连麦 turn ends in every room.
        from daigang.live.mic import mic_hand_cancel

        for open_room in rooms:
            mic_hand_cancel(room=open_room, by=target)
        for room_id in room_ids:
            room_user_events_publish(
                room_id=room_id, user_id=target.pk, events=[("banned", {"message": message})]
            )
        _changed(room_ids)
    return ban


def ban_lift(*, room: Room, user_id: int, by: User) -> None:
    """Let a banned viewer chat in the organisation's rooms again (no-op if not banned)."""
    with transaction.atomic():
        ban = (
            ChatBan.objects.select_for_update()
            .filter(organisation_id=room.organisation_id, user_id=user_id)
            .first()
        )
        if ban is None:
            return
        ban.delete()
        _log(room=room, by=by, action=ChatModeration.Action.UNBAN, target=ban.user)
        _changed(list(_rooms_open(room.organisation_id).values_list("pk", flat=True)))


def _words_clean(words: Any) -> list[str]:
    if isinstance(words, str):
        words = words.replace("，", "\n").replace(",", "\n").splitlines()
    cleaned: list[str] = []
    for word in words or []:
        word = str(word).strip()
        if not word or word in cleaned:
            continue
        if len(word) > BLOCKED_WORD_LENGTH:
            raise Refused(
                "word_too_long",
                _("每个屏蔽词最多 %(max)d 个字") % {"max": BLOCKED_WORD_LENGTH},
                field="blocked_words",
            )
        cleaned.append(word)
    if len(cleaned) > BLOCKED_WORDS_MAX:
        raise Refused(
            "too_many_words",
            _("屏蔽词最多 %(max)d 个") % {"max": BLOCKED_WORDS_MAX},
            field="blocked_words",
        )
    return sorted(cleaned)


def chat_settings_set(
    *, room: Room, by: User, slow_seconds: int | None = None, blocked_words: Any = None
) -> Room:
    """Set the room's slow mode (0 turns it off) and/or the organisation's blocked words (the
    whole list). What is not given, or is already so, stays as it is and is not logged."""
    with transaction.atomic():
        room = Room.objects.select_for_update().get(pk=room.pk)
        changed_rooms: set[int] = set()
        if slow_seconds is not None:
            if not 0 <= slow_seconds <= SLOW_SECONDS_MAX:
                raise Refused(
                    "invalid_slow_mode",
                    _("慢速模式的间隔应在 0 到 %(max)d 秒之间") % {"max": SLOW_SECONDS_MAX},
                    field="slow_seconds",
                )
            if slow_seconds != room.chat_slow_seconds:
                room.chat_slow_seconds = slow_seconds
                room.save(update_fields=["chat_slow_seconds"])
                detail = (
                    _("每 %(seconds)d 秒一条") % {"seconds": slow_seconds}
                    if slow_seconds
                    else _("关闭")
                )
                _log(room=room, by=by, action=ChatModeration.Action.SLOW_MODE, detail=detail)
                changed_rooms.add(room.pk)
        if blocked_words is not None:
            words = _words_clean(blocked_words)
            existing = sorted(
                ChatBlockedWord.objects.filter(organisation_id=room.organisation_id).values_list(
                    "word", flat=True
                )
            )
            if words != existing:
                ChatBlockedWord.objects.filter(organisation_id=room.organisation_id).delete()
                ChatBlockedWord.objects.bulk_create(
                    ChatBlockedWord(organisation_id=room.organisation_id, word=word)
                    for word in words
                )
                _log(
                    room=room,
                    by=by,
                    action=ChatModeration.Action.BLOCKED_WORDS,
                    detail="、".join(words),
                )
                changed_rooms.update(_rooms_open(room.organisation_id).values_list("pk", flat=True))
        if changed_rooms:
            _changed(sorted(changed_rooms))
    return room
