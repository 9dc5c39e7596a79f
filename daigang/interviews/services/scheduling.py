"""Scheduling an interview (one candidate or a group), cancelling it, ending it.

Stage moves go through daigang.hiring.pipeline.services.application_advance (never Application.stage
directly); candidates are told through daigang.hiring.notifications.notification_send; open
video calls hear about changes through signalling.interview_event_publish, on commit.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import members_with, membership_has
from daigang.core.languages import site_language
from daigang.core.refused import Refused
from daigang.core.times import local_time_text
from daigang.hiring.models import STAGE_ROAD, Application, Stage, stage_rank
from daigang.hiring.notifications import notification_send
from daigang.hiring.pipeline.services import application_advance
from daigang.interviews.models import (
    LENGTH_MAX_MINUTES,
    LENGTH_MIN_MINUTES,
    MAX_PARTICIPANTS,
    Interview,
    InterviewParticipant,
)
from daigang.interviews.services.common import (
    clean_text,
    interview_link_path,
    interview_locked,
    refusal_not_member,
)
from daigang.interviews.signalling import interview_event_publish

TITLE_MAX = 60
NOTES_MAX = 1000
# A form may be filled in a few minutes before it is sent: a start just past is allowed.
START_PAST_TOLERANCE = dt.timedelta(minutes=5)
START_MAX_AHEAD = dt.timedelta(days=180)


def check_time(*, starts_at: dt.datetime | None, length_minutes: int, now: dt.datetime) -> None:
    if starts_at is None:
        raise Refused("start_required", _("请填写面试时间"), field="starts_at")
    if starts_at < now - START_PAST_TOLERANCE:
        raise Refused("start_past", _("面试时间已经过去了，请选择以后的时间"), field="starts_at")
    if starts_at > now + START_MAX_AHEAD:
        raise Refused("start_too_far", _("面试时间不能晚于半年以后"), field="starts_at")
    if not (LENGTH_MIN_MINUTES <= int(length_minutes or 0) <= LENGTH_MAX_MINUTES):
        raise Refused(
            "length_range",
            _("面试时长应在%(min)d到%(max)d分钟之间")
            % {"min": LENGTH_MIN_MINUTES, "max": LENGTH_MAX_MINUTES},
            field="length_minutes",
        )


def _interviewers(*, organisation: Organisation, user_ids: list[int]) -> list[User]:
    if not user_ids:
        raise Refused("interviewer_required", _("请至少选择一位面试官"), field="interviewers")
    # Any member may sit on a panel (anchors too).
    allowed = members_with(
        organisation_id=organisation.pk, user_ids=user_ids, power=Power.ORGANISATION_SEE
    )
    if set(user_ids) - allowed:
        raise Refused("interviewer_not_member", _("面试官只能是本单位的成员"), field="interviewers")
    users = User.objects.in_bulk(user_ids)
    return [users[user_id] for user_id in user_ids]


def _candidates(
    *, organisation: Organisation, application_ids: list[int], interviewers: list[User]
) -> list[Application]:
    if not application_ids:
        raise Refused("candidate_required", _("请至少选择一位面试者"), field="applications")
    found = {
        application.pk: application
        for application in Application.objects.filter(
            organisation=organisation, pk__in=application_ids
        ).select_related("seeker", "job", "organisation", "custom_stage")
    }
    if set(application_ids) - set(found):
        # Another organisation's application, or none at all: the same answer for both.
        raise Refused(
            "candidate_not_ours", _("所选报名中有不属于本单位的报名"), field="applications"
        )
    applications = [found[application_id] for application_id in application_ids]
    seekers: set[int] = set()
    interviewer_ids = {user.pk for user in interviewers}
    for application in applications:
        if application.is_closed():
            raise Refused(
                "candidate_closed",
                _("%(name)s的报名已是“%(stage)s”，不能安排面试")
                % {"name": application.name, "stage": application.stage_label},
                field="applications",
            )
        if application.seeker_id in seekers:
            raise Refused(
                "candidate_twice",
                _("%(name)s被选了两次（报了多个岗位），同一场面试只需选一次")
                % {"name": application.name},
                field="applications",
            )
        if application.seeker_id in interviewer_ids:
            raise Refused(
                "candidate_is_interviewer",
                _("%(name)s不能既是面试官又是面试者") % {"name": application.name},
                field="applications",
            )
        seekers.add(application.seeker_id)
    return applications


def _before_interview(application: Application) -> bool:
    """Before 面试 on the road (an organisation's own stage counts as the one it follows)."""
    return application.stage in STAGE_ROAD and stage_rank(application.stage) < stage_rank(
        Stage.INTERVIEW
    )


def _invite_text(*, interview: Interview, application: Application, link: str) -> str:
    return _(
        "%(organisation)s邀请您参加“%(job)s”视频面试：%(time)s（北京时间）开始，约%(minutes)d分钟。"
        "请用手机浏览器打开 %(link)s 进入面试（可提前15分钟进入，请允许使用摄像头和麦克风）。"
    ) % {
        "organisation": interview.organisation.name,
        "job": application.job.title,
        "time": local_time_text(interview.starts_at),
        "minutes": interview.length_minutes,
        "link": link,
    }


@dataclass(frozen=True)
class Scheduled:
    interview: Interview
    created: bool


def interview_schedule(
    *,
    organisation: Organisation,
    by: User,
    title: str,
    starts_at: dt.datetime | None,
    length_minutes: int,
    interviewer_ids: Iterable[int],
    application_ids: Iterable[int],
    idempotency_key: str,
    notes: str = "",
    link_base: str = "",
    now: dt.datetime | None = None,
) -> Scheduled:
    """Schedule a (group) interview, move its candidates to 面试 and send them their links.

    One transaction: the interview, one participant per interviewer and per candidate (each
    with a personal token), each application moved to 面试 unless it is there or past it, and
    each candidate's notification (its SMS on commit). Anything refused (a Refused,
    also for the pipeline's) leaves nothing behind. A second call with the same
    `idempotency_key` returns the interview the first one made.

    `link_base` ("https://host") makes the link in the SMS absolute.
    """
    now = now or timezone.now()
    existing = Interview.objects.filter(
        organisation=organisation, idempotency_key=idempotency_key
    ).first()
    if existing is not None:
        return Scheduled(interview=existing, created=False)
    if not membership_has(user=by, organisation_id=organisation.pk, power=Power.INTERVIEWS):
        raise refusal_not_member()
    title = clean_text(title, limit=TITLE_MAX, field="title", label=_("面试名称"))
    if not title:
        raise Refused("title_required", _("请填写面试名称"), field="title")
    notes = clean_text(notes, limit=NOTES_MAX, field="notes", label=_("面试说明"))
    if starts_at is not None and timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    check_time(starts_at=starts_at, length_minutes=length_minutes, now=now)
    assert starts_at is not None  # check_time refuses a missing time
    interviewer_ids = list(dict.fromkeys(int(user_id) for user_id in interviewer_ids))
    application_ids = list(dict.fromkeys(int(app_id) for app_id in application_ids))
    interviewers = _interviewers(organisation=organisation, user_ids=interviewer_ids)
    candidates = _candidates(
        organisation=organisation, application_ids=application_ids, interviewers=interviewers
    )
    if len(interviewers) + len(candidates) > MAX_PARTICIPANTS:
        raise Refused(
            "too_many",
            _("一场视频面试最多%(max)d人（面试官和面试者合计），请分场安排")
            % {"max": MAX_PARTICIPANTS},
            field="applications",
        )
    try:
        with transaction.atomic():
            interview = Interview.objects.create(
                organisation=organisation,
                title=title,
                notes=notes,
                starts_at=starts_at,
                length_minutes=int(length_minutes),
                created_by=by,
                idempotency_key=idempotency_key,
                created_at=now,
            )
            for user in interviewers:
                InterviewParticipant.objects.create(
                    interview=interview, role=InterviewParticipant.Role.INTERVIEWER, user=user
                )
            for application in candidates:
                participant = InterviewParticipant.objects.create(
                    interview=interview,
                    role=InterviewParticipant.Role.CANDIDATE,
                    user=application.seeker,
                    application=application,
                )
                if _before_interview(application):
                    try:
                        # The invitation below tells the candidate, with their link: one
                        # message, not a stage notice and an invitation.
                        application_advance(
                            application=application,
                            to_stage=Stage.INTERVIEW,
                            by=by,
                            now=now,
                            notify=False,
                        )
                    except Refused as error:
                        raise Refused(
                            "pipeline", f"{application.name}：{error.message}", field="applications"
                        ) from error
                link = interview_link_path(participant)
                with site_language():
                    notification_send(
                        user=application.seeker,
                        about=application,
                        text=_invite_text(
                            interview=interview,
                            application=application,
                            link=link_base.rstrip("/") + link,
                        ),
                        url=link,
                    )
    except IntegrityError:
        # The same form sent twice at once: the other request made the interview.
        existing = Interview.objects.filter(
            organisation=organisation, idempotency_key=idempotency_key
        ).first()
        if existing is None:
            raise
        return Scheduled(interview=existing, created=False)
    return Scheduled(interview=interview, created=True)


def _member_check(*, interview: Interview, by: User) -> None:
    if interview.is_guidance:
        # A guidance call is the host's own: nobody else in the organisation runs it.
        if not interview.participants.filter(
            user=by, role=InterviewParticipant.Role.INTERVIEWER, removed=False
        ).exists() or not membership_has(
            user=by, organisation_id=interview.organisation_id, power=Power.ORGANISATION_SEE
        ):
            raise refusal_not_member()
        return
    if not membership_has(
        user=by, organisation_id=interview.organisation_id, power=Power.INTERVIEWS
    ):
        raise refusal_not_member()


def interview_cancel(
    *, interview: Interview, by: User, now: dt.datetime | None = None
) -> Interview:
    """Cancel a scheduled interview: candidates are told, open calls close. Idempotent.

    The applications stay at 面试: the organisation may schedule another interview.
    """
    now = now or timezone.now()
    _member_check(interview=interview, by=by)
    with transaction.atomic():
        locked = interview_locked(interview)
        if locked.state == Interview.State.CANCELLED:
            return locked
        if locked.state == Interview.State.DONE:
            raise Refused("already_done", _("面试已结束，不能取消"), status=409)
        locked.state = Interview.State.CANCELLED
        locked.ended_at = now
        locked.save(update_fields=["state", "ended_at"])
        candidates = locked.participants.filter(
            role=InterviewParticipant.Role.CANDIDATE, removed=False
        ).select_related("user", "application__job", "interview__organisation")
        for participant in candidates:
            if participant.application is None:
                continue  # a guidance call: daigang.matchmaking tells its seeker
            with site_language():
                notification_send(
                    user=participant.user,
                    about=participant.application,
                    text=_(
                        "%(organisation)s取消了原定%(time)s的“%(job)s”视频面试，请留意后续通知。"
                    )
                    % {
                        "organisation": participant.interview.organisation.name,
                        "time": local_time_text(locked.starts_at),
                        "job": participant.application.job.title,
                    },
                    url=reverse("hiring:my_applications"),
                )
        interview_event_publish(interview_id=locked.pk, kind="ended", data={"state": locked.state})
    return locked


def interview_finish(
    *, interview: Interview, by: User, now: dt.datetime | None = None
) -> Interview:
    """结束面试: the call closes for everyone; verdicts can still be recorded. Idempotent."""
    now = now or timezone.now()
    _member_check(interview=interview, by=by)
    with transaction.atomic():
        locked = interview_locked(interview)
        if locked.state != Interview.State.SCHEDULED:
            return locked
        locked.state = Interview.State.DONE
        locked.ended_at = now
        locked.save(update_fields=["state", "ended_at"])
        interview_event_publish(interview_id=locked.pk, kind="ended", data={"state": locked.state})
    return locked
