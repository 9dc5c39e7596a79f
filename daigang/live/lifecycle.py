"""Room state transitions: scheduled → live ⇄ interrupted → ended.

A room is live only while the relay receives its publisher's media (daigang.streaming calls
room_go_live on the first frame, not when the WHIP POST is answered). A publisher that goes
away (lost connection, a reload of the console, OBS stopped or restarted: WHIP DELETE) makes
the room interrupted, never ended: publishing again puts it back on air. A room ends when
someone who runs it confirms the end in the console, when it is taken down, or when it is
still interrupted LIVE_ROOM_END_AFTER_HOURS after its planned start (rooms_overdue_end, run by
the `end_overdue_rooms` command).

Every transition locks the room row, is idempotent (going live twice, or ending twice, changes
nothing and publishes nothing the second time) and publishes a `state` event once the write
commits, so a retried WHIP request or a double click never announces a room twice.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation
from daigang.core.hooks import hooks_on_commit
from daigang.core.realtime import room_event_publish
from daigang.live.models import Room

# Called with the room's id once a room_end commits. Apps built on live add to it from their
# AppConfig.ready() (streaming: drop the relay's publisher and viewers), so live ends a room
# without importing them.
room_end_hooks: list[Callable[[int], None]] = []

# Called with the room's id once a write that replaced its stream key for want of trust
# commits (a member who could see the key was removed): streaming drops the relay's publisher,
# whoever it is, since a WHIP session carries no user. The room then waits its publisher grace
# for someone with the new key, as after a dropped connection, and ends if nobody comes.
room_publisher_drop_hooks: list[Callable[[int], None]] = []


# Called with (room id, job id) once a pin of a new job commits (daigang.live.services.room_pin):
# daigang.fairs counts pins and the viewers present for its funnels.
room_pin_hooks: list[Callable[[int, int], None]] = []


# Called with (room id, job id, pinned job id or None, viewer key) when a viewer taps the card of
# a room's job (the room page's beacon): daigang.fairs counts card opens once per viewer per pin.
room_card_open_hooks: list[Callable[[int, int, int | None, str], None]] = []


# Called with (request, room) when the console of a room is drawn, by someone who runs it; each
# returns HTML to show beside the picture, chat and pins (or "" for nothing). daigang.hiring
# adds the room's arriving applicants, so live draws them without importing hiring.
console_panel_hooks: list[Callable[[HttpRequest, Room], str]] = []

# Called with (request, room) when a room's public page is drawn; each returns HTML to lay over
# the picture beside the pinned job's card (or "" for nothing). daigang.policies adds a 宣策
# room's pinned policy card and its sheet.
room_page_overlay_hooks: list[Callable[[HttpRequest, Room], str]] = []


def room_pin_on_commit(*, room_id: int, job_id: int) -> None:
    """Have room_pin_hooks hear of the pin once the write commits."""
    hooks_on_commit(room_pin_hooks, room_id, job_id)


def room_publisher_drop_on_commit(*, room_id: int) -> None:
    """Have room_publisher_drop_hooks drop the room's publisher once the write commits."""
    transaction.on_commit(lambda: _hooks_call(room_publisher_drop_hooks, room_id))


def room_go_live(*, room: Room, now: dt.datetime | None = None) -> Room:
    """Mark the room live (its publisher's media reaches the relay) and tell its viewers.

    From scheduled (started_at is set) or interrupted (started_at is kept: the same session
    goes on).

    Raises ValidationError with code `room_ended` for a room that has already ended (an ended
    room is final: its figures and replay belong to that session) and `organisation_unverified`
    when the organisation is not (or no longer) verified.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if locked.state == Room.State.LIVE:
            _copy_state(locked, room)
            return room
        if locked.state == Room.State.ENDED:
            raise ValidationError(
                _("本场直播已结束，不能再次开播。请新建一场直播。"), code="room_ended"
            )
        organisation = Organisation.objects.get(pk=locked.organisation_id)
        if not organisation.is_verified(now):
            raise ValidationError(
                _("单位尚未通过认证（或认证已过期），不能开播。"),
                code="organisation_unverified",
            )
        if locked.state == Room.State.SCHEDULED or locked.started_at is None:
            locked.started_at = now
        locked.state = Room.State.LIVE
        locked.ended_at = None
        locked.save(update_fields=["state", "started_at", "ended_at"])
        room_event_publish(room_id=locked.pk, kind="state", data={"state": locked.state})
    _copy_state(locked, room)
    return room


def room_interrupt(*, room: Room) -> Room:
    """The live room's publisher went away: the room waits for it (state `interrupted`).

    Only a live room is interrupted: a scheduled room whose publisher never got media on air
    stays scheduled, an ended one stays ended. Idempotent.
    """
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if locked.state != Room.State.LIVE:
            _copy_state(locked, room)
            return room
        locked.state = Room.State.INTERRUPTED
        locked.save(update_fields=["state"])
        room_event_publish(room_id=locked.pk, kind="state", data={"state": locked.state})
    _copy_state(locked, room)
    return room


def room_end_deadline(room: Room) -> dt.datetime:
    """After this an interrupted room ends by itself (rooms_overdue_end)."""
    return room.planned_start + dt.timedelta(hours=settings.LIVE_ROOM_END_AFTER_HOURS)


def rooms_overdue_end(*, now: dt.datetime | None = None) -> int:
    """End the rooms still interrupted past room_end_deadline; how many were ended."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.LIVE_ROOM_END_AFTER_HOURS)
    overdue = Room.objects.filter(state=Room.State.INTERRUPTED, planned_start__lt=cutoff)
    ended = 0
    for room in overdue.order_by("pk"):
        room_end(room=room, now=now)
        ended += 1
    return ended


def room_end(*, room: Room, now: dt.datetime | None = None) -> Room:
    """End the room (from live, or cancel it while scheduled) and tell its viewers.

    Once the write commits, each of room_end_hooks is called, whoever ended the room (WHIP
    DELETE, the console, …): the built-in relay, if it serves this room in this process, drops
    the publisher and the viewers.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if locked.state == Room.State.ENDED:
            _copy_state(locked, room)
            return room
        locked.state = Room.State.ENDED
        locked.ended_at = now
        locked.save(update_fields=["state", "ended_at"])
        room_event_publish(room_id=locked.pk, kind="state", data={"state": locked.state})
        transaction.on_commit(lambda: _hooks_call(room_end_hooks, locked.pk))
    _copy_state(locked, room)
    return room


def _copy_state(source: Room, target: Room) -> None:
    # The caller's instance reflects the committed state, like a refresh_from_db of these fields.
    target.state = source.state
    target.started_at = source.started_at
    target.ended_at = source.ended_at


def _hooks_call(hooks: list[Callable[[int], None]], room_id: int) -> None:
    for hook in hooks:
        hook(room_id)
