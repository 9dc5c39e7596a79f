"""Guidance calls (职业指导): a one-to-one call between a member of an organisation (the host,
a matchmaker) and a seeker (the guest), on the interview call page, with no application.

daigang.matchmaking decides who may book whom and tells the seeker; this module only makes
and ends the call. A guidance call never moves an application, has no verdicts and does not
appear among the organisation's interviews.
"""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.refused import Refused
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.interviews.services.common import interview_locked, refusal_not_member
from daigang.interviews.services.scheduling import Scheduled, check_time
from daigang.interviews.signalling import interview_event_publish


def guidance_call_schedule(
    *,
    organisation: Organisation,
    host: User,
    guest: User,
    starts_at: dt.datetime,
    length_minutes: int,
    title: str,
    idempotency_key: str,
    now: dt.datetime | None = None,
) -> Scheduled:
    """Make the guidance call: an Interview of kind GUIDANCE with `host` as the interviewer
    and `guest` as the candidate, each with a personal link. Tells nobody (the caller does).
    A second call with the same `idempotency_key` returns the first call."""
    now = now or timezone.now()
    existing = Interview.objects.filter(
        organisation=organisation, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return Scheduled(interview=existing, created=False)
    if not membership_has(user=host, organisation_id=organisation.pk, power=Power.ORGANISATION_SEE):
        raise refusal_not_member()
    if guest.pk == host.pk:
        raise Refused("self", _("不能预约自己的职业指导"))
    check_time(starts_at=starts_at, length_minutes=length_minutes, now=now)
    try:
        with transaction.atomic():
            interview = Interview.objects.create(
                organisation=organisation,
                kind=Interview.Kind.GUIDANCE,
                title=title[:60],
                starts_at=starts_at,
                length_minutes=int(length_minutes),
                created_by=guest,
                idempotency_key=idempotency_key,
                created_at=now,
            )
            InterviewParticipant.objects.create(
                interview=interview, role=InterviewParticipant.Role.INTERVIEWER, user=host
            )
            InterviewParticipant.objects.create(
                interview=interview, role=InterviewParticipant.Role.CANDIDATE, user=guest
            )
    except IntegrityError:
        existing = Interview.objects.filter(
            organisation=organisation, idempotency_key=idempotency_key
        ).first()
        if existing is None:
            raise
        return Scheduled(interview=existing, created=False)
    return Scheduled(interview=interview, created=True)


def guidance_seat(*, interview: Interview, user: User) -> InterviewParticipant | None:
    """`user`'s seat in the guidance call (host or guest), or None."""
    return (
        interview.participants.filter(user=user, removed=False)
        .select_related("interview__organisation", "user")
        .first()
    )


def guidance_call_cancel(
    *, interview: Interview, by: User, now: dt.datetime | None = None
) -> Interview:
    """Either side cancels the guidance call: an open call page closes. Idempotent; a call
    that has ended is left as it is."""
    if not interview.is_guidance or guidance_seat(interview=interview, user=by) is None:
        raise Refused("not_found", _("没有找到"), status=404)
    now = now or timezone.now()
    with transaction.atomic():
        locked = interview_locked(interview)
        if locked.state != Interview.State.SCHEDULED:
            return locked
        locked.state = Interview.State.CANCELLED
        locked.ended_at = now
        locked.save(update_fields=["state", "ended_at"])
        interview_event_publish(interview_id=locked.pk, kind="ended", data={"state": locked.state})
    return locked
