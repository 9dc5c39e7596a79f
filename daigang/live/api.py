"""Rooms in the JSON API: what is live and upcoming, one room's state for a player, and its
chat moderation."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status

from daigang.accounts.api_auth import session_auth
from daigang.accounts.http import AuthenticatedApiRequest
from daigang.core.api import ObjectBody, api_error, api_errors
from daigang.core.ids import ObjectId
from daigang.live import moderation, selectors
from daigang.live.models import Room

router = Router(tags=["rooms"])


class OrganisationOut(Schema):
    id: int
    name: str


class JobCardOut(Schema):
    id: int
    title: str
    organisation: str
    wage: str
    place: str
    tags: list[str]
    url: str
    apply_url: str


class RoomOut(Schema):
    id: int
    title: str
    state: Literal["scheduled", "live", "interrupted", "ended"]
    state_display: str
    planned_start: dt.datetime
    started_at: dt.datetime | None
    organisation: OrganisationOut
    url: str


class RoomDetailOut(RoomOut):
    ended_at: dt.datetime | None
    viewers: int | None = Field(
        description="Viewers now; null when the count cannot be read just now (cache down)."
    )
    pinned_job: JobCardOut | None
    jobs: list[JobCardOut]
    whep_url: str


def _room_out(room: Room, request: HttpRequest) -> dict:
    return {
        "id": room.pk,
        "title": room.title,
        "state": room.state,
        "state_display": str(room.get_state_display()),
        "planned_start": room.planned_start,
        "started_at": room.started_at,
        "organisation": {"id": room.organisation_id, "name": room.organisation.name},
        "url": request.build_absolute_uri(reverse("live:room", args=[room.pk])),
    }


@router.get(
    "", response={200: list[RoomOut], **api_errors(422)}, summary="直播间列表：直播中 / 即将开播"
)
def rooms_list(
    request: HttpRequest, state: Literal["live", "scheduled"] | None = None
) -> list[dict]:
    """Live rooms first, then upcoming ones by planned start (verified organisations only)."""
    return [_room_out(room, request) for room in selectors.rooms_by_state(state=state)]


@router.get(
    "/{room_id}", response={200: RoomDetailOut, **api_errors(404, 422)}, summary="直播间详情"
)
def room_detail(request: HttpRequest, room_id: ObjectId) -> dict:
    """State, viewers now, the pinned job and the WHEP URL a player needs."""
    room = selectors.room_get_public(room_id=room_id)
    return {
        **_room_out(room, request),
        "ended_at": room.ended_at,
        "viewers": selectors.room_viewer_count(room=room),
        "pinned_job": selectors.room_pinned_card(room=room),
        "jobs": [selectors.job_card(job=job, room=room) for job in selectors.room_jobs(room=room)],
        "whep_url": selectors.room_whep_url(room=room, request=request),
    }


# --- chat moderation (session cookie + CSRF; see daigang.live.moderation) -------------------
#
# GET  /api/v1/rooms/{room_id}/moderation                    mutes, bans, settings, the log
# POST /api/v1/rooms/{room_id}/chat/{message_id}/delete      {reason}
# POST /api/v1/rooms/{room_id}/chat/{message_id}/mute        {duration: 10m|1h|session, reason}
# POST /api/v1/rooms/{room_id}/chat/{message_id}/ban         {reason}
# POST /api/v1/rooms/{room_id}/mutes/{user_id}/lift
# POST /api/v1/rooms/{room_id}/bans/{user_id}/lift
# POST /api/v1/rooms/{room_id}/chat-settings                 {slow_seconds, blocked_words}
#
# Room moderators only (roles.CHAT_MODERATE; chat-settings roles.CHAT_SETTINGS); anyone else
# gets 404, anonymous requests 401. Every action is idempotent: a repeat answers 200 and
# changes nothing.


class PersonOut(Schema):
    user_id: int
    name: str


class MuteOut(PersonOut):
    duration: Literal["10m", "1h", "session"]
    until: dt.datetime | None = Field(description="null: until the session ends")


class BanOut(PersonOut):
    since: dt.datetime


class ModerationLogOut(Schema):
    action: str
    action_display: str
    by: str
    target: str | None
    room_id: int | None
    detail: str
    reason: str
    at: dt.datetime


class ModerationOut(Schema):
    room_id: int
    can_configure: bool = Field(description="Whether you may change slow mode and blocked words")
    slow_seconds: int
    blocked_words: list[str]
    mutes: list[MuteOut]
    bans: list[BanOut]
    log: list[ModerationLogOut]


class ReasonIn(ObjectBody):
    reason: str = Field("", max_length=moderation.REASON_MAX)


class MuteIn(ReasonIn):
    duration: Literal["10m", "1h", "session"]


class ChatSettingsIn(ObjectBody):
    slow_seconds: int | None = Field(None, ge=0, le=moderation.SLOW_SECONDS_MAX)
    blocked_words: list[str] | None = Field(None, max_length=moderation.BLOCKED_WORDS_MAX)


class DoneOut(Schema):
    ok: bool


def _moderation_out(room: Room, user: Any) -> dict:
    overview = moderation.moderation_overview(room=room)
    return {
        "room_id": room.pk,
        "can_configure": moderation.room_can_configure(user=user, room=room),
        "slow_seconds": room.chat_slow_seconds,
        "blocked_words": overview.words,
        "mutes": [
            {
                "user_id": mute.user_id,
                "name": moderation.person_label(mute.user),
                "duration": mute.duration,
                "until": mute.until,
            }
            for mute in overview.mutes
        ],
        "bans": [
            {
                "user_id": ban.user_id,
                "name": moderation.person_label(ban.user),
                "since": ban.created_at,
            }
            for ban in overview.bans
        ],
        "log": [
            {
                "action": entry.action,
                "action_display": str(entry.get_action_display()),
                "by": moderation.person_label(entry.by),
                "target": moderation.person_label(entry.target) if entry.target else None,
                "room_id": entry.room_id,
                "detail": entry.detail,
                "reason": entry.reason,
                "at": entry.created_at,
            }
            for entry in overview.log
        ],
    }


def _moderated(request: AuthenticatedApiRequest, room_id: int) -> Room | Status:
    try:
        return moderation.room_for_moderator(user=request.auth, room_id=room_id)
    except Http404:
        return Status(404, api_error("not_found", _("直播间不存在")))


@router.get(
    "/{room_id}/moderation",
    response={200: ModerationOut, **api_errors(401, 404, 422)},
    auth=session_auth,
    summary="A room's chat moderation: mutes, bans, slow mode, blocked words, the log",
    url_name="room_moderation",
)
def room_moderation(request: AuthenticatedApiRequest, room_id: ObjectId):
    room = _moderated(request, room_id)
    if isinstance(room, Status):
        return room
    return _moderation_out(room, request.auth)


@router.post(
    "/{room_id}/chat/{message_id}/delete",
    response={200: DoneOut, **api_errors(400, 401, 403, 404, 422)},
    auth=session_auth,
    summary="Delete a chat message (gone from every screen and from history; idempotent)",
    url_name="chat_message_delete",
)
def chat_message_delete_endpoint(
    request: AuthenticatedApiRequest,
    room_id: ObjectId,
    message_id: ObjectId,
    payload: ReasonIn | None = None,
):
    room = _moderated(request, room_id)
    if isinstance(room, Status):
        return room
    moderation.chat_message_delete(
        room=room, message_id=message_id, by=request.auth, reason=payload.reason if payload else ""
    )
    return {"ok": True}


@router.post(
    "/{room_id}/chat/{message_id}/mute",
    response={200: MuteOut, **api_errors(400, 401, 403, 404, 422)},
    auth=session_auth,
    summary="Mute the sender of a message in this room (10m, 1h or the session; idempotent)",
    url_name="chat_viewer_mute",
)
def chat_viewer_mute_endpoint(
    request: AuthenticatedApiRequest, room_id: ObjectId, message_id: ObjectId, payload: MuteIn
):
    """Muting again for the same duration, or for less than the mute in force, changes
    nothing; a longer one replaces it. The viewer is told at once on their socket."""
    room = _moderated(request, room_id)
    if isinstance(room, Status):
        return room
    mute = moderation.viewer_mute(
        room=room,
        message_id=message_id,
        by=request.auth,
        duration=payload.duration,
        reason=payload.reason,
    )
    return {
        "user_id": mute.user_id,
        "name": moderation.person_label(mute.user),
        "duration": mute.duration,
        "until": mute.until,
    }


@router.post(
    "/{room_id}/chat/{message_id}/ban",
    response={200: BanOut, **api_errors(400, 401, 403, 404, 422)},
    auth=session_auth,
    summary="Ban the sender of a message from all the organisation's rooms (idempotent)",
    url_name="chat_viewer_ban",
)
def chat_viewer_ban_endpoint(
    request: AuthenticatedApiRequest,
    room_id: ObjectId,
    message_id: ObjectId,
    payload: ReasonIn | None = None,
):
    room = _moderated(request, room_id)
    if isinstance(room, Status):
        return room
    ban = moderation.viewer_ban(
        room=room, message_id=message_id, by=request.auth, reason=payload.reason if payload else ""
    )
    return {
        "user_id": ban.user_id,
        "name": moderation.person_label(ban.user),
        "since": ban.created_at,
    }


@router.post(
    "/{room_id}/mutes/{user_id}/lift",
    response={200: DoneOut, **api_errors(401, 403, 404, 422)},
    auth=session_auth,
    summary="Lift a viewer's mute in this room (idempotent)",
    url_name="chat_mute_lift",
)
def chat_mute_lift_endpoint(request: AuthenticatedApiRequest, room_id: ObjectId, user_id: ObjectId):
    room = _moderated(request, room_id)
    if isinstance(room, Status):
        return room
    moderation.mute_lift(room=room, user_id=user_id, by=request.auth)
    return {"ok": True}


@router.post(
    "/{room_id}/bans/{user_id}/lift",
    response={200: DoneOut, **api_errors(401, 403, 404, 422)},
    auth=session_auth,
    summary="Lift a viewer's ban from the organisation's rooms (idempotent)",
    url_name="chat_ban_lift",
)
def chat_ban_lift_endpoint(request: AuthenticatedApiRequest, room_id: ObjectId, user_id: ObjectId):
    room = _moderated(request, room_id)
    if isinstance(room, Status):
        return room
    moderation.ban_lift(room=room, user_id=user_id, by=request.auth)
    return {"ok": True}


@router.post(
    "/{room_id}/chat-settings",
    response={200: ModerationOut, **api_errors(400, 401, 403, 404, 422)},
    auth=session_auth,
    summary="Set the room's slow mode and the organisation's blocked words (owner, HR)",
    url_name="chat_settings",
)
def chat_settings_endpoint(
    request: AuthenticatedApiRequest, room_id: ObjectId, payload: ChatSettingsIn
):
    """`slow_seconds`: a viewer may send one message per this many seconds (0: off).
    `blocked_words`: the organisation's whole list (a viewer's message with one is held back).
    Either may be left out; setting what is already so changes nothing."""
    try:
        room = moderation.room_for_configurer(user=request.auth, room_id=room_id)
    except Http404:
        return Status(404, api_error("not_found", _("直播间不存在")))
    room = moderation.chat_settings_set(
        room=room,
        by=request.auth,
        slow_seconds=payload.slow_seconds,
        blocked_words=payload.blocked_words,
    )
    return _moderation_out(room, request.auth)
