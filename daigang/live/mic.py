"""Mic link (连麦): a viewer raises a hand, the anchor accepts, the guest is heard on air.

    raised ──accept──► accepted ──guest consents──► on_air ──end / turn over──► ended
       │                  │                           ▲ mute / unmute
       └─decline/cancel───┴─► declined / cancelled

Every write locks the request's row (or, to count who is on air, the room's), is idempotent (a
repeat changes nothing and publishes nothing) and publishes once the write commits:
- `mic` to the whole room: who is on air and how many wait, names masked (张** / 138****5678);
  the console redraws its queue on it, viewers see who is on air;
- `mic_you` to the person whose request changed alone: the guest's page opens the consent
  dialog on `accepted`, and stops publishing on `ended` (or mutes on `muted`).

The relay (daigang.streaming, above live) hears of a turn that ended or a guest muted through
mic_guest_hooks, so live never imports it. A turn has a limit (turn_seconds, set by the anchor
on accept); the relay ends the guest's media at the limit and calls mic_turn_expire, and
mic_turns_expire (manage.py end_overdue_rooms) ends any turn the relay could not.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.core.hooks import hooks_on_commit
from daigang.core.phones import phone_mask
from daigang.core.realtime import room_event_publish, room_user_events_publish
from daigang.core.refused import Refused
from daigang.jobs.models import Job
from daigang.live import moderation, selectors
from daigang.live.models import MicRequest, Room

# At most this many guests beside the anchor at once (accepted or on air).
MIC_GUESTS_MAX = 2
# The turn lengths the console offers, in seconds; the first that is not shorter is the default.
MIC_TURN_CHOICES = (60, 180, 300, 600)
MIC_TURN_DEFAULT = 180
# A queue longer than this is not shown in full on the console (the oldest come first).
MIC_QUEUE_SHOWN = 20

# Called as hook(room_id, request_id, action) once a write commits, action "end" (the guest's
# media must stop: turn ended, declined after acceptance, room ended) or "mute" / "unmute".
# daigang.streaming fills it from its AppConfig.ready().
mic_guest_hooks: list[Callable[[int, int, str], None]] = []

State = MicRequest.State


def mic_display_name(user: User) -> str:
    """What anyone else sees of a guest: 张** for a name, 138****5678 without one."""
    if user.is_deleted:
        return _("已注销用户")
    if user.name:
        return user.name[0] + "*" * max(1, len(user.name) - 1)
    return phone_mask(user.phone)


def _open_requests(room_id: int) -> Any:
    return MicRequest.objects.filter(room_id=room_id, state__in=MicRequest.OPEN_STATES)


def mic_room_summary(*, room_id: int) -> dict[str, Any]:
    """The `mic` event's data: who is on air (masked) and how many wait. Never a phone."""
    on_air = [
        {"id": request.pk, "name": mic_display_name(request.account), "muted": request.muted}
        for request in _open_requests(room_id)
        .filter(state=State.ON_AIR)
        .select_related("account")
        .order_by("on_air_at", "pk")
    ]
    waiting = _open_requests(room_id).filter(state=State.RAISED).count()
    return {"on_air": on_air, "waiting": waiting}


def _you(request: MicRequest) -> dict[str, Any]:
    """The `mic_you` event's data: the viewer's own request."""
    deadline = None
    if request.state == State.ON_AIR and request.on_air_at is not None:
        deadline = (request.on_air_at + dt.timedelta(seconds=request.turn_seconds)).isoformat()
    return {
        "id": request.pk,
        "state": request.state,
        "turn_seconds": request.turn_seconds,
        "muted": request.muted,
        "ends_at": deadline,
    }


def _publish(request: MicRequest, *, tell_guest: bool = True) -> None:
    room_event_publish(
        room_id=request.room_id, kind="mic", data=mic_room_summary(room_id=request.room_id)
    )
    if tell_guest:
        room_user_events_publish(
            room_id=request.room_id, user_id=request.account_id, events=[("mic_you", _you(request))]
        )


def _check_runner(*, room: Room, by: User) -> None:
    if not selectors.room_can_run(user=by, room=room):
        raise Refused("not_runner", _("只有本场主播或单位管理员可以操作连麦"), status=404)


def mic_hand_raise(*, room: Room, by: User, job: Job | None = None) -> MicRequest:
    """The viewer asks to join the anchor on air (a button, or 连麦 typed in chat).

    Idempotent: a person with an open request in the room gets that request back, unchanged.
    Refused: login_required, room_not_live (only a live room takes guests), job_not_in_room,
    runner_cannot_raise (the room's own people are on air already).
    """
    if not by.is_authenticated:
        raise Refused("login_required", _("登录后才能申请连麦"), status=403)
    existing = _open_requests(room.pk).filter(account=by).first()
    if existing is not None:
        return existing
    if room.state != Room.State.LIVE:
        raise Refused("room_not_live", _("直播开始后才能申请连麦"), status=409)
    if selectors.room_can_run(user=by, room=room):
        raise Refused("runner_cannot_raise", _("您是本场主播，无需申请连麦"), status=409)
    refusal = _silenced(room=room, user_id=by.pk)
    if refusal is not None:
        raise refusal
    if job is not None and not room.jobs.filter(pk=job.pk).exists():
        raise Refused("job_not_in_room", _("只能就本场直播的岗位申请连麦"))
    try:
        with transaction.atomic():
            request = MicRequest.objects.create(room=room, account=by, job=job)
            _publish(request)
    except IntegrityError:
        # A second tap raced the first one past the check: theirs is the hand.
        return _open_requests(room.pk).get(account=by)
    return request


def _silenced(*, room: Room, user_id: int) -> Refused | None:
    """Why a viewer the room's chat moderation silenced (banned by the organisation, muted in
    the room) may not go on air either, or None."""
    rules = moderation.room_rules(room_id=room.pk, organisation_id=room.organisation_id)
    if user_id in rules.banned:
        return moderation.refusal_banned()
    if user_id in rules.muted:
        until, now = rules.muted[user_id], timezone.now()
        if until is None or until > now:
            return moderation.refusal_muted(until, now=now)
    return None


def mic_hand_cancel(*, room: Room, by: User) -> MicRequest | None:
    """The viewer takes their hand down, or leaves the air: raised → cancelled, accepted or on
    air → ended. None when they had nothing open (a repeat)."""
    with transaction.atomic():
        request = _open_requests(room.pk).select_for_update().filter(account=by).first()
        if request is None:
            return None
        was_heard = request.state != State.RAISED
        request.state = State.ENDED if was_heard else State.CANCELLED
        request.closed_at = timezone.now()
        request.save(update_fields=["state", "closed_at"])
        _publish(request)
        if was_heard:
            hooks_on_commit(mic_guest_hooks, request.room_id, request.pk, "end")
    return request


def _locked(*, room: Room, request_id: int) -> MicRequest:
    request = (
        MicRequest.objects.select_for_update()
        .select_related("account")
        .filter(pk=request_id, room=room)
        .first()
    )
    if request is None:
        raise Refused("mic_request_not_found", _("没有这条连麦申请"), status=404)
    return request


def mic_accept(
    *, room: Room, request_id: int, by: User, turn_seconds: int = MIC_TURN_DEFAULT
) -> MicRequest:
    """The anchor lets a raised hand on air for at most `turn_seconds`; the guest is asked to
    consent (mic_you `accepted`). At most MIC_GUESTS_MAX accepted or on air at once.

    Idempotent: accepting an accepted or on-air request changes nothing. Refused: mic_full,
    mic_request_closed (cancelled, declined or ended meanwhile), turn_invalid, room_not_live.
    """
    _check_runner(room=room, by=by)
    if turn_seconds not in MIC_TURN_CHOICES:
        raise Refused("turn_invalid", _("请选择连麦时长"))
    with transaction.atomic():
        # The room's row serialises accepts: two at once cannot both take the last place.
        locked_room = Room.objects.select_for_update().get(pk=room.pk)
        request = _locked(room=room, request_id=request_id)
        if request.state in (State.ACCEPTED, State.ON_AIR):
            return request
        if request.state != State.RAISED:
            raise Refused("mic_request_closed", _("对方已取消或已结束连麦"), status=409)
        if locked_room.state != Room.State.LIVE:
            raise Refused("room_not_live", _("直播中才能连麦"), status=409)
        if _silenced(room=room, user_id=request.account_id) is not None:
            raise Refused(
                "mic_request_silenced", _("该观众已被禁言或禁止发言，不能连麦"), status=409
            )
        heard = _open_requests(room.pk).exclude(state=State.RAISED).count()
        if heard >= MIC_GUESTS_MAX:
            raise Refused(
                "mic_full",
                _("最多同时连麦 %(n)d 人，请先结束一位的连麦") % {"n": MIC_GUESTS_MAX},
                status=409,
            )
        request.state = State.ACCEPTED
        request.turn_seconds = turn_seconds
        request.accepted_at = timezone.now()
        request.save(update_fields=["state", "turn_seconds", "accepted_at"])
        _publish(request)
    return request


def mic_decline(*, room: Room, request_id: int, by: User) -> MicRequest:
    """The anchor says no to a raised hand (or takes back an acceptance not yet consented to).
    Idempotent; a request on air is ended with mic_turn_end instead."""
    _check_runner(room=room, by=by)
    with transaction.atomic():
        request = _locked(room=room, request_id=request_id)
        if request.state not in (State.RAISED, State.ACCEPTED):
            return request
        was_accepted = request.state == State.ACCEPTED
        request.state = State.DECLINED
        request.closed_at = timezone.now()
        request.save(update_fields=["state", "closed_at"])
        _publish(request)
        if was_accepted:
            hooks_on_commit(mic_guest_hooks, request.room_id, request.pk, "end")
    return request


def mic_consent(*, room: Room, by: User) -> MicRequest:
    """The accepted guest agreed, in the dialog that says every viewer will hear them: on air
    from now, and the turn's clock starts. Idempotent (on air stays on air).
    Refused mic_not_accepted when they have no accepted request."""
    with transaction.atomic():
        request = _open_requests(room.pk).select_for_update().filter(account=by).first()
        if request is None or request.state == State.RAISED:
            raise Refused("mic_not_accepted", _("主播还没有接受您的连麦申请"), status=409)
        if request.state == State.ON_AIR:
            return request
        request.state = State.ON_AIR
        request.on_air_at = timezone.now()
        request.save(update_fields=["state", "on_air_at"])
        _publish(request)
    return request


def _end(request: MicRequest) -> MicRequest:
    request.state = State.ENDED
    request.closed_at = timezone.now()
    request.save(update_fields=["state", "closed_at"])
    _publish(request)
    hooks_on_commit(mic_guest_hooks, request.room_id, request.pk, "end")
    return request


def mic_turn_end(*, room: Room, request_id: int, by: User) -> MicRequest:
    """The anchor ends a guest's turn (accepted or on air): the relay stops mixing them at
    once. Idempotent: a closed request is returned as it is."""
    _check_runner(room=room, by=by)
    with transaction.atomic():
        request = _locked(room=room, request_id=request_id)
        if request.state not in (State.ACCEPTED, State.ON_AIR):
            return request
        return _end(request)


def mic_mute(*, room: Room, request_id: int, by: User, muted: bool) -> MicRequest:
    """The anchor mutes (or unmutes) a guest on air: the relay stops (or resumes) mixing them.
    Idempotent. Refused mic_not_on_air for a request not on air."""
    _check_runner(room=room, by=by)
    with transaction.atomic():
        request = _locked(room=room, request_id=request_id)
        if request.state != State.ON_AIR:
            raise Refused("mic_not_on_air", _("对方不在连麦中"), status=409)
        if request.muted == muted:
            return request
        request.muted = muted
        request.save(update_fields=["muted"])
        _publish(request)
        hooks_on_commit(mic_guest_hooks, request.room_id, request.pk, "mute" if muted else "unmute")
    return request


def mic_turn_deadline(request: MicRequest) -> dt.datetime | None:
    if request.on_air_at is None:
        return None
    return request.on_air_at + dt.timedelta(seconds=request.turn_seconds)


def mic_turn_expire(*, request_id: int, now: dt.datetime | None = None) -> bool:
    """End one turn if it is past its limit (the relay calls this at the limit). True if it
    ended it now; a turn already over, or not yet due, is left alone."""
    now = now or timezone.now()
    with transaction.atomic():
        request = MicRequest.objects.select_for_update().filter(pk=request_id).first()
        if request is None or request.state != State.ON_AIR:
            return False
        deadline = mic_turn_deadline(request)
        if deadline is None or deadline > now:
            return False
        _end(request)
    return True


def mic_turns_expire(*, now: dt.datetime | None = None) -> int:
    """End every turn past its limit (manage.py end_overdue_rooms); how many it ended."""
    now = now or timezone.now()
    ended = 0
    for request_id, on_air_at, seconds in MicRequest.objects.filter(
        state=State.ON_AIR, on_air_at__lt=now
    ).values_list("pk", "on_air_at", "turn_seconds"):
        if on_air_at is not None and on_air_at + dt.timedelta(seconds=seconds) <= now:
            ended += mic_turn_expire(request_id=request_id, now=now)
    return ended


def mic_room_ended(room_id: int) -> None:
    """The room ended (room_end_hooks): every open request closes; the guests' media stops."""
    with transaction.atomic():
        requests = list(_open_requests(room_id).select_for_update().order_by("pk"))
        if not requests:
            return
        now = timezone.now()
        for request in requests:
            heard = request.state != State.RAISED
            request.state = State.ENDED if heard else State.CANCELLED
            request.closed_at = now
            request.save(update_fields=["state", "closed_at"])
            room_user_events_publish(
                room_id=room_id, user_id=request.account_id, events=[("mic_you", _you(request))]
            )
            if heard:
                hooks_on_commit(mic_guest_hooks, room_id, request.pk, "end")
        room_event_publish(room_id=room_id, kind="mic", data=mic_room_summary(room_id=room_id))


def mic_queue(*, room: Room) -> list[dict[str, Any]]:
    """The console's queue: on air and accepted first, then raised hands oldest first; names
    masked, the job asked about if any. For the room's runners (the caller checks)."""
    open_requests = _open_requests(room.pk).select_related("account", "job")
    heard = open_requests.exclude(state=State.RAISED).order_by("-state", "accepted_at", "pk")
    raised = open_requests.filter(state=State.RAISED).order_by("raised_at", "pk")
    requests = [*heard, *raised[:MIC_QUEUE_SHOWN]]
    return [
        {
            "id": request.pk,
            "name": mic_display_name(request.account),
            "job": request.job.title if request.job else "",
            "state": request.state,
            "state_label": request.get_state_display(),
            "muted": request.muted,
            "turn_seconds": request.turn_seconds,
            "ends_at": mic_turn_deadline(request) if request.state == State.ON_AIR else None,
        }
        for request in requests
    ]


def mic_mine(*, room: Room, user: User | AnonymousUser) -> MicRequest | None:
    """The viewer's open request in the room, if any."""
    if not user.is_authenticated:
        return None
    return _open_requests(room.pk).filter(account=user).first()


def mic_you_data(request: MicRequest | None) -> dict[str, Any] | None:
    return None if request is None else _you(request)
