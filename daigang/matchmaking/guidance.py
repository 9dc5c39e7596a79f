"""Writes for career guidance (职业指导): a matchmaker's slots and the seekers' bookings.

A matchmaker opens slots on their caseload page; a seeker they follow (consent active) books
one at /me/matchmakers/. The booking makes the call through daigang.interviews (an interview
of kind guidance: the matchmaker as interviewer, the seeker as candidate, no application),
tells the seeker by notice and SMS with the time and their link, and logs a follow-up of kind
职业指导 on the case. Every write locks the slot, so two seekers racing for one slot get one
booking and one clear refusal; repeating a write changes nothing.
"""

from __future__ import annotations

import datetime as dt
import uuid

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.languages import site_language
from daigang.core.refused import Refused
from daigang.core.times import local_time_text
from daigang.hiring.notifications import notification_send
from daigang.interviews.models import InterviewParticipant
from daigang.interviews.services import (
    guidance_call_cancel,
    guidance_call_schedule,
    interview_link_path,
)
from daigang.matchmaking.models import CLIENT_KEY_MAX_LENGTH, Case, FollowUp, GuidanceSlot
from daigang.matchmaking.services import CASELOAD_KINDS

SLOT_LENGTH_MIN = 10
SLOT_LENGTH_MAX = 120
SLOTS_PER_BATCH_MAX = 8
SLOT_MAX_AHEAD = dt.timedelta(days=90)


def _refusal_not_found() -> Refused:
    return Refused("not_found", _("没有找到"), status=404)


def _matchmaker_self_check(*, membership: Membership, by: User) -> None:
    """Only the matchmaker themself, still a matchmaker of a bureau or labour agency."""
    if (
        membership.user_id != by.pk
        or membership.organisation.kind not in CASELOAD_KINDS
        or not membership_has(
            user=by, organisation_id=membership.organisation_id, power=Power.CASELOAD
        )
    ):
        raise _refusal_not_found()


def guidance_slots_open(
    *,
    membership: Membership,
    by: User,
    starts_at: dt.datetime,
    length_minutes: int,
    count: int,
    batch_key: str,
    now: dt.datetime | None = None,
) -> list[GuidanceSlot]:
    """Open `count` back-to-back slots of `length_minutes` from `starts_at`.

    None may overlap a slot the matchmaker already offers. The same `batch_key` again (a
    resubmitted form) returns the slots the first request made and opens none."""
    _matchmaker_self_check(membership=membership, by=by)
    batch_key = batch_key.strip()
    if not batch_key or len(batch_key) > CLIENT_KEY_MAX_LENGTH:
        raise Refused("invalid_key", _("请刷新页面后重试"), field="batch_key")
    earlier = list(GuidanceSlot.objects.filter(membership=membership, batch_key=batch_key))
    if earlier:
        return earlier
    if not SLOT_LENGTH_MIN <= length_minutes <= SLOT_LENGTH_MAX:
        raise Refused(
            "length_range",
            _("每个时段应在%(min)d到%(max)d分钟之间")
            % {"min": SLOT_LENGTH_MIN, "max": SLOT_LENGTH_MAX},
            field="length_minutes",
        )
    if not 1 <= count <= SLOTS_PER_BATCH_MAX:
        raise Refused(
            "count_range",
            _("一次最多开放%(max)d个时段") % {"max": SLOTS_PER_BATCH_MAX},
            field="count",
        )
    now = now or timezone.now()
    if starts_at <= now:
        raise Refused("start_past", _("开始时间已经过去了，请选择以后的时间"), field="start")
    if starts_at > now + SLOT_MAX_AHEAD:
        raise Refused("start_too_far", _("只能开放三个月以内的时段"), field="day")
    length = dt.timedelta(minutes=length_minutes)
    times = [starts_at + length * i for i in range(count)]
    try:
        with transaction.atomic():
            # One batch at a time per matchmaker: the overlap check below stays true.
            Membership.objects.select_for_update().filter(pk=membership.pk).first()
            nearby = GuidanceSlot.objects.filter(
                membership=membership,
                cancelled_at__isnull=True,
                starts_at__lt=times[-1] + length,
                starts_at__gt=starts_at - dt.timedelta(minutes=SLOT_LENGTH_MAX),
            )
            for other in nearby:
                if other.starts_at < times[-1] + length and other.ends_at > starts_at:
                    raise Refused(
                        "overlap",
                        _("与您已开放的%(time)s时段重叠")
                        % {"time": local_time_text(other.starts_at)},
                        field="start",
                    )
            return [
                GuidanceSlot.objects.create(
                    membership=membership,
                    starts_at=at,
                    length_minutes=length_minutes,
                    batch_key=batch_key,
                    created_at=now,
                )
                for at in times
            ]
    except IntegrityError:
        # The same form sent twice at once: the other request opened the slots.
        earlier = list(GuidanceSlot.objects.filter(membership=membership, batch_key=batch_key))
        if not earlier:
            raise
        return earlier


def guidance_slot_cancel(
    *, slot: GuidanceSlot, by: User, now: dt.datetime | None = None
) -> GuidanceSlot:
    """The matchmaker withdraws an unbooked slot. Again changes nothing; a booked slot is
    refused (the seeker is expecting the call: they cancel, or the matchmaker calls them)."""
    _matchmaker_self_check(membership=slot.membership, by=by)
    with transaction.atomic():
        locked = GuidanceSlot.objects.select_for_update().get(pk=slot.pk)
        if locked.cancelled_at is not None:
            return locked
        if locked.case_id is not None:
            raise Refused(
                "booked", _("已有求职者预约这个时段，不能取消；请与求职者联系"), status=409
            )
        locked.cancelled_at = now or timezone.now()
        locked.save(update_fields=["cancelled_at"])
    return locked


def _matchmaker_name(membership: Membership) -> str:
    return membership.user.name or membership.user.masked_phone


def _booked_text(*, slot: GuidanceSlot, link: str) -> str:
    return _(
        "您已预约%(organisation)s就业服务专员%(matchmaker)s的职业指导：%(time)s（北京时间）开始，"
        "约%(minutes)d分钟。请用手机浏览器打开 %(link)s 进入职业指导"
        "（可提前15分钟进入，请允许使用摄像头和麦克风）。"
    ) % {
        "organisation": slot.membership.organisation.name,
        "matchmaker": _matchmaker_name(slot.membership),
        "time": local_time_text(slot.starts_at),
        "minutes": slot.length_minutes,
        "link": link,
    }


def guidance_slot_book(
    *, slot: GuidanceSlot, seeker: User, link_base: str = "", now: dt.datetime | None = None
) -> GuidanceSlot:
    """The seeker books the slot of a matchmaker who follows them (consent active).

    One transaction with the slot locked: the call (daigang.interviews), the booking, a
    职业指导 follow-up on the case, the seeker's notice (its SMS on commit, with the time and
    their link) and a notice to the matchmaker. Booking it again returns it; a slot another
    seeker holds is refused, as is a second upcoming booking with the same matchmaker.
    `link_base` ("https://host") makes the link in the SMS absolute."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            GuidanceSlot.objects.select_for_update(of=("self",))
            .select_related("membership__organisation", "membership__user")
            .get(pk=slot.pk)
        )
        case = Case.objects.filter(membership=locked.membership, seeker=seeker).first()
        if case is None or not case.consent_active:
            raise _refusal_not_found()
        if locked.case_id == case.pk:
            return locked
        if locked.cancelled_at is not None:
            raise Refused("cancelled", _("专员已取消这个时段，请选择其他时段"), status=409)
        if locked.case_id is not None:
            raise Refused("taken", _("这个时段刚刚被其他人预约了，请选择其他时段"), status=409)
        if locked.starts_at <= now:
            raise Refused("started", _("这个时段已经开始，请选择其他时段"), status=409)
        other = GuidanceSlot.objects.filter(case=case, starts_at__gt=now).first()
        if other is not None:
            raise Refused(
                "already_booked",
                _("您已预约了%(time)s的职业指导；如需改时间，请先取消原预约")
                % {"time": local_time_text(other.starts_at)},
                status=409,
            )
        membership = locked.membership
        scheduled = guidance_call_schedule(
            organisation=membership.organisation,
            host=membership.user,
            guest=seeker,
            starts_at=locked.starts_at,
            length_minutes=locked.length_minutes,
            title=_("职业指导 · %(matchmaker)s") % {"matchmaker": _matchmaker_name(membership)},
            # A fresh key per booking: a slot freed by a cancellation is booked again.
            idempotency_key=f"guidance-{locked.pk}-{uuid.uuid4().hex}",
            now=now,
        )
        locked.case, locked.booked_at, locked.interview = case, now, scheduled.interview
        locked.save(update_fields=["case", "booked_at", "interview"])
        FollowUp.objects.create(
            case=case,
            kind=FollowUp.Kind.GUIDANCE,
            note=_("求职者预约了职业指导：%(time)s，%(minutes)d分钟")
            % {"time": local_time_text(locked.starts_at), "minutes": locked.length_minutes},
            by=seeker,
            at=now,
            client_key=f"guidance-booked-{scheduled.interview.pk}",
        )
        case.last_contact_at = now
        case.save(update_fields=["last_contact_at"])
        seat = scheduled.interview.participants.get(
            user=seeker, role=InterviewParticipant.Role.CANDIDATE
        )
        link = interview_link_path(seat)
        with site_language():
            notification_send(
                user=seeker,
                text=_booked_text(slot=locked, link=link_base.rstrip("/") + link),
                url=link,
            )
            notification_send(
                user=membership.user,
                text=_("%(seeker)s预约了您%(time)s的职业指导")
                % {
                    "seeker": seeker.name or seeker.masked_phone,
                    "time": local_time_text(locked.starts_at),
                },
                url=reverse("matchmaking:case", args=[membership.organisation_id, case.pk]),
                sms=False,
            )
    return locked


def _release(locked: GuidanceSlot, *, by: User, now: dt.datetime, note: str) -> None:
    """Cancel the booked call and open the slot again; the case keeps a follow-up saying so."""
    interview = locked.interview
    case = locked.case
    assert case is not None
    if interview is not None:
        guidance_call_cancel(interview=interview, by=by, now=now)
    FollowUp.objects.create(
        case=case,
        kind=FollowUp.Kind.GUIDANCE,
        note=note,
        by=by,
        at=now,
        client_key=f"guidance-cancelled-{interview.pk if interview else uuid.uuid4().hex}",
    )
    locked.case, locked.booked_at, locked.interview = None, None, None
    locked.save(update_fields=["case", "booked_at", "interview"])


def guidance_booking_cancel(
    *, slot: GuidanceSlot, seeker: User, now: dt.datetime | None = None
) -> GuidanceSlot:
    """The seeker cancels their booking before it starts: the call is cancelled, the slot is
    open again and the matchmaker is told. Cancelling again (or a slot not theirs to hold
    now) changes nothing; another seeker's booking is not theirs to see."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            GuidanceSlot.objects.select_for_update(of=("self",))
            .select_related("membership__organisation", "membership__user", "case", "interview")
            .get(pk=slot.pk)
        )
        if locked.case is None:
            return locked
        if locked.case.seeker_id != seeker.pk:
            raise _refusal_not_found()
        if locked.starts_at <= now:
            raise Refused("started", _("职业指导已经开始，不能再取消"), status=409)
        time = local_time_text(locked.starts_at)
        case_id = locked.case.pk
        _release(
            locked, by=seeker, now=now, note=_("求职者取消了%(time)s的职业指导") % {"time": time}
        )
        membership = locked.membership
        with site_language():
            notification_send(
                user=membership.user,
                text=_("%(seeker)s取消了%(time)s的职业指导，该时段已重新开放")
                % {"seeker": seeker.name or seeker.masked_phone, "time": time},
                url=reverse("matchmaking:case", args=[membership.organisation_id, case_id]),
                sms=False,
            )
    return locked


def guidance_bookings_release(*, case: Case, by: User, now: dt.datetime) -> None:
    """The seeker left the caseload: their upcoming bookings with this matchmaker are
    cancelled (the matchmaker may no longer see them) and the slots open again. Called
    inside case_leave's transaction."""
    slots = GuidanceSlot.objects.select_for_update(of=("self",)).filter(
        case=case, starts_at__gt=now
    )
    for locked in slots.select_related("case", "interview"):
        _release(locked, by=by, now=now, note=_("求职者退出，职业指导预约已取消"))
