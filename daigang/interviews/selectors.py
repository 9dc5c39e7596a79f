"""Reads about interviews that check who is asking.

- Organisation pages: `interview_for_member` — members of the owning organisation, 404 else.
- Personal links: `participant_for_user` — the token's own user only, 404 for anyone else
  (a forwarded link is useless without the phone it was sent to), and for an interviewer who
  is no longer a member of the organisation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import (
    membership_has,
    organisation_for_member,
    organisation_members,
)
from daigang.core.refused import Refused
from daigang.hiring.models import STAGE_ROAD, Application, Stage, stage_rank
from daigang.interviews.models import (
    JOIN_LATE,
    LENGTH_MAX_MINUTES,
    Interview,
    InterviewParticipant,
    Verdict,
)
from daigang.interviews.outcomes import Outcome, verdict_outcome

SCHEDULE_CHOICES_LIMIT = 50


def offer_path(application: Application) -> str:
    """The contracts app's offer page for an application."""
    return reverse("contracts:manage_offer", args=[application.organisation_id, application.pk])


def interview_for_member(
    *, user: User, organisation_id: int, interview_id: int, power: Power
) -> Interview:
    """The organisation's interview, for its members whose role has `power`; else 404.
    A guidance call is not among them: it is its matchmaker's (daigang.matchmaking)."""
    organisation = organisation_for_member(user=user, organisation_id=organisation_id, power=power)
    interview = (
        Interview.objects.filter(
            pk=interview_id, organisation=organisation, kind=Interview.Kind.INTERVIEW
        )
        .select_related("organisation", "focus", "created_by")
        .first()
    )
    if interview is None:
        raise Http404
    return interview


def _participants_prefetch() -> Prefetch:
    return Prefetch(
        "participants",
        queryset=InterviewParticipant.objects.select_related("user", "application__job").order_by(
            "role", "id"
        ),
    )


@dataclass
class InterviewLists:
    upcoming: list[Interview] = field(default_factory=list)
    past: list[Interview] = field(default_factory=list)


def interviews_of_organisation(
    *, organisation: Organisation, now: dt.datetime | None = None, past_limit: int = 50
) -> InterviewLists:
    """Scheduled interviews whose call has not closed (soonest first), then the others
    (newest first, at most `past_limit`). Four queries however many interviews."""
    now = now or timezone.now()
    # Any interview whose call may still be open started after this.
    horizon = now - dt.timedelta(minutes=LENGTH_MAX_MINUTES) - JOIN_LATE
    base = Interview.objects.filter(
        organisation=organisation, kind=Interview.Kind.INTERVIEW
    ).prefetch_related(_participants_prefetch())
    recent = [
        interview
        for interview in base.filter(
            state=Interview.State.SCHEDULED, starts_at__gte=horizon
        ).order_by("starts_at", "id")
        if interview.closes_at > now
    ]
    past = base.exclude(pk__in=[interview.pk for interview in recent]).order_by(
        "-starts_at", "-id"
    )[:past_limit]
    return InterviewLists(upcoming=recent, past=list(past))


def interview_detail(*, interview: Interview) -> list[InterviewParticipant]:
    return list(
        interview.participants.select_related("user", "application__job").order_by("role", "id")
    )


def schedule_choices(
    *, organisation: Organisation, selected_ids: list[int]
) -> tuple[list[Membership], list[Application]]:
    """Who may interview (the members) and whom (the organisation's open applications).

    The applications are the selected ones (those of other organisations are left out) and
    then the newest open applications not yet past 面试.
    """
    members = organisation_members(organisation=organisation)
    open_stages = [
        stage for stage in STAGE_ROAD if stage_rank(stage) <= stage_rank(Stage.INTERVIEW)
    ]
    selected = list(
        Application.objects.filter(organisation=organisation, pk__in=selected_ids)
        .select_related("job", "custom_stage")
        .order_by("-id")
    )
    others = list(
        Application.objects.filter(organisation=organisation, stage__in=open_stages)
        .exclude(pk__in=[application.pk for application in selected])
        .select_related("job", "custom_stage")
        .order_by("-id")[:SCHEDULE_CHOICES_LIMIT]
    )
    return members, selected + others


def seat_holds(participant: InterviewParticipant) -> bool:
    """Whether the seat still speaks for its user: a candidate's always (removal aside, which
    call_state says), an interviewer's only while they are a member of the organisation."""
    if not participant.is_interviewer:
        return True
    return membership_has(
        user=participant.user,
        organisation_id=participant.interview.organisation_id,
        power=Power.ORGANISATION_SEE,
    )


def participant_for_user(*, user: User, token: str) -> InterviewParticipant:
    """The participant whose personal link this is, if `user` is that participant (and, for an
    interviewer, still a member of the organisation: seat_holds); else 404."""
    if not user.is_authenticated:
        raise Http404
    participant = (
        InterviewParticipant.objects.filter(token=token, user=user)
        .select_related("interview__organisation", "interview__focus", "application__job", "user")
        .first()
    )
    if participant is None or not seat_holds(participant):
        raise Http404
    return participant


def call_state(*, participant: InterviewParticipant, now: dt.datetime) -> str:
    """ "open", or why not: "removed", "cancelled", "ended", "early"."""
    interview = participant.interview
    if participant.removed:
        return "removed"
    if interview.state == Interview.State.CANCELLED:
        return "cancelled"
    if interview.state == Interview.State.DONE or now >= interview.closes_at:
        return "ended"
    if now < interview.opens_at:
        return "early"
    return "open"


_REFUSALS = {
    "removed": gettext_noop("您已被面试官移出本场面试"),
    "cancelled": gettext_noop("本场面试已取消"),
    "ended": gettext_noop("本场面试已结束"),
    "early": gettext_noop("面试还没开始，可在开始前15分钟进入"),
}


def participant_for_socket(
    *, user: User | None, token: str, now: dt.datetime | None = None
) -> InterviewParticipant:
    """The participant a call socket speaks for, or Refused (not theirs, an interviewer no
    longer a member, removed, closed)."""
    participant = None
    if user is not None and user.is_authenticated:
        participant = (
            InterviewParticipant.objects.filter(token=token, user=user)
            .select_related("interview__organisation", "application", "user")
            .first()
        )
    if participant is None or not seat_holds(participant):
        raise Refused("not_found", _("没有这场面试，或这不是您的面试链接"), status=404)
    state = call_state(participant=participant, now=now or timezone.now())
    if state != "open":
        raise Refused(state, _(_REFUSALS[state]), status=409)
    return participant


def participant_public(participant: InterviewParticipant) -> dict:
    """What the other participants learn about someone: no phone, no user id."""
    return {
        "id": participant.pk,
        "role": participant.role,
        "name": participant.display_name,
        "muted": participant.muted,
    }


def name_mask(name: str) -> str:
    """王小明 → 王**, 张三 → 张*: the first character, a star for each of the others (at least
    one, so a one-character name is not shown whole either)."""
    name = name.strip()
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def peer_as_seen(peer: dict, *, viewer: InterviewParticipant) -> dict:
    """`peer` (from participant_public) as `viewer` may see it. Candidates of one group
    interview are strangers to each other, often from the same town: each sees the others
    masked. Interviewers see everyone whole; everyone sees themselves and the interviewers."""
    if (
        viewer.is_candidate
        and peer["role"] == InterviewParticipant.Role.CANDIDATE
        and peer["id"] != viewer.pk
    ):
        return {**peer, "name": name_mask(peer["name"])}
    return peer


def call_roster(*, interview: Interview, viewer: InterviewParticipant) -> list[dict]:
    """Everyone still invited to the call, interviewers first, as `viewer` may see them."""
    participants = (
        interview.participants.filter(removed=False)
        .select_related("user", "application")
        .order_by("role", "id")
    )
    # "candidate" < "interviewer": put interviewers first for the page.
    ordered = sorted(participants, key=lambda p: (not p.is_interviewer, p.pk))
    return [peer_as_seen(participant_public(participant), viewer=viewer) for participant in ordered]


@dataclass
class CandidatePanel:
    """One candidate of an interview with the verdicts on them, for an interviewer's page."""

    participant: InterviewParticipant
    application: Application
    verdicts: list[Verdict]
    mine: Verdict | None
    outcome: str
    offer_url: str = ""
    # The viewer's verdict form, attached by the view for interviewers.
    form: Any = None

    @property
    def outcome_label(self) -> str:
        return {
            Outcome.PENDING: _("待全部面试官评定"),
            Outcome.PASSED: _("面试通过，可发放录用"),
            Outcome.FAILED: _("面试未通过"),
            Outcome.UNDECIDED: _("待定：请在报名流程中决定"),
        }[self.outcome]


def candidate_panels(*, interview: Interview, viewer: User) -> list[CandidatePanel]:
    """Each candidate with every interviewer's verdict, the viewer's own, and the outcome
    (none for a guidance call: nobody is judged there)."""
    if interview.is_guidance:
        return []
    participants = list(
        interview.participants.select_related(
            "user", "application__job", "application__custom_stage"
        ).order_by("id")
    )
    panel_ids = {p.user_id for p in participants if p.is_interviewer and not p.removed}
    verdicts = list(
        Verdict.objects.filter(interview=interview).select_related("interviewer").order_by("id")
    )
    panels = []
    for participant in participants:
        if not participant.is_candidate:
            continue
        application = participant.application
        if application is None:
            continue
        theirs = [v for v in verdicts if v.application_id == application.pk]
        outcome = verdict_outcome(
            decisions=[v.decision for v in theirs if v.interviewer_id in panel_ids],
            interviewers=len(panel_ids),
        )
        panels.append(
            CandidatePanel(
                participant=participant,
                application=application,
                verdicts=theirs,
                mine=next((v for v in theirs if v.interviewer_id == viewer.pk), None),
                outcome=outcome,
                offer_url=(
                    offer_path(application)
                    if outcome == Outcome.PASSED and not application.is_closed()
                    else ""
                ),
            )
        )
    return panels


def interviews_of_seeker(*, user: User) -> QuerySet[InterviewParticipant]:
    """The seeker's own interview seats (我的面试), soonest first; removed ones left out."""
    if not user.is_authenticated:
        return InterviewParticipant.objects.none()
    return (
        InterviewParticipant.objects.filter(
            user=user, role=InterviewParticipant.Role.CANDIDATE, removed=False
        )
        .select_related("interview__organisation", "application__job")
        .order_by("-interview__starts_at", "-id")
    )


def is_interviewer(*, interview: Interview, user: User) -> bool:
    return interview.participants.filter(
        user=user, role=InterviewParticipant.Role.INTERVIEWER, removed=False
    ).exists()


def interviewer_seat(*, interview: Interview, user: User) -> InterviewParticipant | None:
    return interview.participants.filter(
        user=user, role=InterviewParticipant.Role.INTERVIEWER, removed=False
    ).first()
