"""The video call's controls: joining, and what an interviewer does to a candidate there
(mute, remove, make them 当前面试者). Each write publishes its event to the call on commit;
the consumers only pass the request in and the event out.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.refused import Refused
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.interviews.services.common import (
    interview_locked,
    refusal_candidate_removed,
    refusal_no_such_candidate,
)
from daigang.interviews.signalling import interview_event_publish


def participant_join(
    *, participant: InterviewParticipant, now: dt.datetime | None = None
) -> InterviewParticipant:
    """Record the first time a participant came into the call (shown on the interview page)."""
    if participant.joined_at is None:
        participant.joined_at = now or timezone.now()
        InterviewParticipant.objects.filter(pk=participant.pk, joined_at__isnull=True).update(
            joined_at=participant.joined_at
        )
    return participant


def interviewer_check(*, interview_id: int, by: User) -> InterviewParticipant:
    """`by`'s interviewer seat in the interview, or Refused. The seat counts only while
    `by` is a member of the interview's organisation (checked now, like every power)."""
    seat = (
        InterviewParticipant.objects.filter(
            interview_id=interview_id,
            user=by,
            role=InterviewParticipant.Role.INTERVIEWER,
            removed=False,
        )
        .select_related("interview")
        .first()
    )
    if seat is None or not membership_has(
        user=by, organisation_id=seat.interview.organisation_id, power=Power.ORGANISATION_SEE
    ):
        raise Refused("not_interviewer", _("只有本场面试的面试官可以这样做"), status=403)
    return seat


def _candidate_locked(*, interview_id: int, participant_id: int) -> InterviewParticipant:
    target = (
        InterviewParticipant.objects.select_for_update()
        .filter(
            pk=participant_id,
            interview_id=interview_id,
            role=InterviewParticipant.Role.CANDIDATE,
        )
        .first()
    )
    if target is None:
        raise refusal_no_such_candidate()
    return target


def participant_mute_set(
    *, interview: Interview, participant_id: int, muted: bool, by: User
) -> InterviewParticipant:
    """An interviewer mutes (or unmutes) a candidate. The candidate's page turns the
    microphone off and keeps it off, also when they rejoin. Idempotent."""
    with transaction.atomic():
        interviewer_check(interview_id=interview.pk, by=by)
        target = _candidate_locked(interview_id=interview.pk, participant_id=participant_id)
        if target.removed:
            raise refusal_candidate_removed()
        if target.muted != muted:
            target.muted = muted
            target.save(update_fields=["muted"])
        interview_event_publish(
            interview_id=interview.pk,
            kind="muted",
            data={"participant": target.pk, "muted": target.muted},
        )
    return target


def participant_remove(
    *, interview: Interview, participant_id: int, by: User, now: dt.datetime | None = None
) -> InterviewParticipant:
    """An interviewer removes a candidate: their socket closes and their link no longer lets
    them in. Idempotent."""
    now = now or timezone.now()
    with transaction.atomic():
        interviewer_check(interview_id=interview.pk, by=by)
        target = _candidate_locked(interview_id=interview.pk, participant_id=participant_id)
        if not target.removed:
            target.removed = True
            target.removed_at = now
            target.save(update_fields=["removed", "removed_at"])
        if Interview.objects.filter(pk=interview.pk, focus=target).update(focus=None):
            interview_event_publish(
                interview_id=interview.pk, kind="focus", data={"participant": None}
            )
        interview_event_publish(
            interview_id=interview.pk, kind="removed", data={"participant": target.pk}
        )
    return target


def interview_focus_set(*, interview: Interview, participant_id: int | None, by: User) -> Interview:
    """当前面试者: put one candidate first and large on everyone's screen (None: nobody)."""
    with transaction.atomic():
        interviewer_check(interview_id=interview.pk, by=by)
        locked = interview_locked(interview)
        target = None
        if participant_id is not None:
            target = _candidate_locked(interview_id=interview.pk, participant_id=participant_id)
            if target.removed:
                raise refusal_candidate_removed()
        if locked.focus_id != (target.pk if target else None):
            locked.focus = target
            locked.save(update_fields=["focus"])
        interview_event_publish(
            interview_id=interview.pk,
            kind="focus",
            data={"participant": target.pk if target else None},
        )
    return locked
