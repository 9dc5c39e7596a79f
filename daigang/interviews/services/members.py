"""What an interview panel does when one of its interviewers leaves the organisation."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.interviews.models import JOIN_LATE, LENGTH_MAX_MINUTES, Interview, InterviewParticipant
from daigang.interviews.signalling import interview_event_publish


def panels_member_removed(membership: Membership, *, now: dt.datetime | None = None) -> None:
    """A member left the organisation (accounts.services.membership_removed_hooks, inside the
    removing transaction): their seats on its panels still to come, or in a call open now,
    are removed, and each call is told (event `removed`), which closes their socket there.

    Past interviews keep their panel as it was: the verdicts given then still count. Their
    links open nothing either way: an interviewer's seat needs a membership
    (selectors.seat_holds).
    """
    now = now or timezone.now()
    # Any interview whose call may still be open started after this.
    horizon = now - dt.timedelta(minutes=LENGTH_MAX_MINUTES) - JOIN_LATE
    seats = [
        seat
        for seat in InterviewParticipant.objects.select_for_update()
        .filter(
            user_id=membership.user_id,
            role=InterviewParticipant.Role.INTERVIEWER,
            removed=False,
            interview__organisation_id=membership.organisation_id,
            interview__state=Interview.State.SCHEDULED,
            interview__starts_at__gte=horizon,
        )
        .select_related("interview")
        .order_by("pk")
        if seat.interview.closes_at > now
    ]
    InterviewParticipant.objects.filter(pk__in=[seat.pk for seat in seats]).update(
        removed=True, removed_at=now
    )
    for seat in seats:
        interview_event_publish(
            interview_id=seat.interview_id, kind="removed", data={"participant": seat.pk}
        )
