"""Writes about rooms: scheduling and pinning. Events go out after the write commits."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, User
from daigang.core.languages import site_language
from daigang.core.realtime import room_event_publish, room_user_sockets_close
from daigang.jobs.models import Job
from daigang.live import selectors
from daigang.live.lifecycle import (
    room_card_open_hooks,
    room_end,
    room_pin_on_commit,
    room_publisher_drop_on_commit,
)
from daigang.live.models import Room, RoomPinEvent, new_stream_key
from daigang.rules.refusals import fields_check
from daigang.rules.terms import PUBLIC_RULES

# A room may be scheduled to start a little in the past: the anchor who fills the form in
# at 14:00 for a 14:00 start should not be turned away because the form took a minute.
PLANNED_START_SLACK = dt.timedelta(minutes=10)


def room_schedule(
    *,
    organisation: Organisation,
    by: User,
    title: str,
    planned_start: dt.datetime,
    jobs: Iterable[Job],
    anchors: Iterable[User],
) -> Room:
    """Create a room for a verified organisation, with its jobs and anchors.

    Raises ValidationError (Chinese message) when the organisation is not verified, when the
    title breaks a content rule (daigang.rules), or when a job or an anchor does not belong
    to it.
    """
    if not organisation.is_verified():
        raise ValidationError(
            _("单位尚未通过认证（或认证已过期），不能安排直播。请先提交营业执照等待审核。"),
            code="organisation_unverified",
        )
    title = (title or "").strip()
    if not title:
        raise ValidationError(_("请填写直播标题"), code="title_required")
    # The title is what every viewer reads first, like a job card: the same rules apply.
    fields_check(fields={"title": (_("直播标题"), title)}, rules=PUBLIC_RULES)
    if planned_start < timezone.now() - PLANNED_START_SLACK:
        raise ValidationError(_("开播时间不能早于现在"), code="planned_start_past")

    jobs = list(jobs)
    allowed_jobs = set(
        selectors.jobs_schedulable(organisation=organisation).values_list("pk", flat=True)
    )
    if any(job.pk not in allowed_jobs for job in jobs):
        raise ValidationError(_("只能选择本单位正在招聘中的岗位"), code="job_not_schedulable")
    anchors = list(anchors)
    if not anchors:
        raise ValidationError(_("请至少选择一位主播"), code="anchor_required")
    allowed_anchors = set(
        selectors.anchors_possible(organisation=organisation).values_list("pk", flat=True)
    )
    if any(anchor.pk not in allowed_anchors for anchor in anchors):
        raise ValidationError(_("主播必须是本单位成员"), code="anchor_not_member")

    with transaction.atomic():
        room = Room.objects.create(
            organisation=organisation, title=title, planned_start=planned_start
        )
        room.jobs.set(jobs)
        room.anchors.set(anchors)
    return room


def _check_runner(*, room: Room, by: User) -> None:
    if not selectors.room_can_run(user=by, room=room):
        raise PermissionDenied(_("只有本场主播或单位管理员可以操作"))


def room_pin(*, room: Room, job: Job, by: User) -> Room:
    """Pin one of the room's jobs; every viewer's screen shows its card (event `pin`).

    Idempotent: pinning the job that is already pinned changes nothing and sends nothing.
    """
    _check_runner(room=room, by=by)
    if room.state == Room.State.ENDED:
        raise ValidationError(_("直播已结束，不能再置顶岗位"), code="room_ended")
    if not room.jobs.filter(pk=job.pk).exists():
        raise ValidationError(_("只能置顶本场直播的岗位"), code="job_not_in_room")
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        if locked.pinned_job_id == job.pk:
            room.pinned_job = job
            return room
        locked.pinned_job = job
        locked.save(update_fields=["pinned_job"])
        RoomPinEvent.objects.create(room=locked, job=job)  # the replay's chapters
        room.pinned_job = job
        with site_language():  # every viewer sees this card, not only the anchor
            card = selectors.job_card(job=job, room=room)
        room_event_publish(room_id=room.pk, kind="pin", data={"job": card})
        room_pin_on_commit(room_id=room.pk, job_id=job.pk)
    return room


def room_end_confirmed(*, room: Room, by: User) -> Room:
    """Someone who runs the room confirmed 结束直播 in the console: the room ends for good
    (lifecycle.room_end; the relay lets its publisher and viewers go). Idempotent."""
    _check_runner(room=room, by=by)
    return room_end(room=room)


def room_card_opened(*, room: Room, job_id: int, viewer: str) -> None:
    """A viewer (daigang.live.viewers key) tapped a job's card in the room: room_card_open_hooks
    hear it with the job pinned now, and decide what counts (a repeat is theirs to ignore)."""
    if not viewer:
        return
    for hook in room_card_open_hooks:
        hook(room.pk, job_id, room.pinned_job_id, viewer)


def room_unpin(*, room: Room, by: User) -> Room:
    """Take the pinned card down on every screen (event `pin` with job null). Idempotent."""
    _check_runner(room=room, by=by)
    with transaction.atomic():
        locked = Room.objects.select_for_update().get(pk=room.pk)
        room.pinned_job = None
        if locked.pinned_job_id is None:
            return room
        locked.pinned_job = None
        locked.save(update_fields=["pinned_job"])
        RoomPinEvent.objects.create(room=locked, job=None)
        room_event_publish(room_id=room.pk, kind="pin", data={"job": None})
    return room


def room_stream_key_rotate(*, room: Room) -> str:
    """Give the room a new stream key and return it; the old key no longer starts a session.

    A publisher already live keeps its session: rotating the key in the console while on air
    must not cut the anchor off. To stop a publisher, end the room.
    """
    room.stream_key = new_stream_key()
    room.save(update_fields=["stream_key"])
    return room.stream_key


def rooms_member_removed(membership: Membership) -> None:
    """A member left the organisation (accounts.services.membership_removed_hooks, inside the
    removing transaction): take them off every room's anchors, give each room they anchored a
    new stream key (they could read it in the console) and drop the publisher of those live
    now, and close their sockets in the organisation's rooms still to come or on air.

    Their chat role and the console already follow the membership (room_can_run, chat); this
    takes back what outlives a request: the key they knew, a WHIP session, an open socket.
    """
    user_id, organisation_id = membership.user_id, membership.organisation_id
    anchored = list(
        Room.objects.select_for_update()
        .filter(organisation_id=organisation_id, anchors=user_id)
        .order_by("pk")
    )
    Room.anchors.through.objects.filter(
        room__organisation_id=organisation_id, user_id=user_id
    ).delete()
    for room in anchored:
        room_stream_key_rotate(room=room)
        if room.state != Room.State.ENDED:
            # Also a publisher connected but not yet on air, or one the room waits for.
            room_publisher_drop_on_commit(room_id=room.pk)
    open_rooms = Room.objects.filter(organisation_id=organisation_id).exclude(
        state=Room.State.ENDED
    )
    for room_id in open_rooms.values_list("pk", flat=True):
        room_user_sockets_close(room_id=room_id, user_id=user_id)
