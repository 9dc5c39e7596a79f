"""Verdicts (面试评定): each interviewer's pass / fail / hold with a 1–5 score and a comment.

When the verdicts on a candidate add up to a unanimous "fail" (see outcomes.py), the
application is rejected with the reason "面试未通过" in the same transaction; a unanimous "pass"
leaves it at 面试, ready for the organisation's offer.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.core.refused import Refused
from daigang.hiring.models import Application, Stage
from daigang.hiring.pipeline.services import application_advance
from daigang.interviews.models import (
    SCORE_MAX,
    SCORE_MIN,
    Interview,
    InterviewParticipant,
    Verdict,
)
from daigang.interviews.outcomes import Outcome, verdict_outcome
from daigang.interviews.services.call import interviewer_check
from daigang.interviews.services.common import (
    clean_text,
    interview_locked,
    refusal_no_such_candidate,
)

REJECT_REASON = "面试未通过"
COMMENT_MAX = 1000


def candidate_outcome(*, interview: Interview, application: Application) -> str:
    """What the panel's verdicts on this candidate add up to now (an Outcome)."""
    panel = set(
        interview.participants.filter(
            role=InterviewParticipant.Role.INTERVIEWER, removed=False
        ).values_list("user_id", flat=True)
    )
    decisions = [
        decision
        for user_id, decision in Verdict.objects.filter(
            interview=interview, application=application
        ).values_list("interviewer_id", "decision")
        if user_id in panel
    ]
    return verdict_outcome(decisions=decisions, interviewers=len(panel))


def _score_clean(score: int | str | None) -> int:
    try:
        value = int(score)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        value = 0
    if not (SCORE_MIN <= value <= SCORE_MAX):
        raise Refused(
            "score_range",
            _("评分请选择%(min)d到%(max)d分") % {"min": SCORE_MIN, "max": SCORE_MAX},
            field="score",
        )
    return value


def verdict_record(
    *,
    interview: Interview,
    application_id: int,
    interviewer: User,
    decision: str,
    score: int | str | None,
    comment: str = "",
    now: dt.datetime | None = None,
) -> Verdict:
    """Record (or change) `interviewer`'s verdict on one candidate, then act on the outcome.

    When this verdict completes a unanimous "fail", the application is rejected ("面试未通过")
    in the same transaction. A rejection is not undone by a later change of verdict (the
    pipeline only moves forwards). Sending the same verdict again is harmless.
    """
    now = now or timezone.now()
    if decision not in Verdict.Decision.values:
        raise Refused("decision_required", _("请选择面试结论"), field="decision")
    score = _score_clean(score)
    comment = clean_text(comment, limit=COMMENT_MAX, field="comment", label=_("评语"))
    if interview.state == Interview.State.CANCELLED:
        raise Refused("cancelled", _("面试已取消，不能评定"), status=409)
    with transaction.atomic():
        # One verdict of an interview at a time: two interviewers completing a unanimous
        # "fail" together must not each miss the other's verdict.
        interview_locked(interview)
        interviewer_check(interview_id=interview.pk, by=interviewer)
        seat = (
            InterviewParticipant.objects.filter(
                interview=interview,
                role=InterviewParticipant.Role.CANDIDATE,
                application_id=application_id,
            )
            .select_related("application__job", "application__organisation")
            .first()
        )
        if seat is None or seat.application is None:
            raise refusal_no_such_candidate()
        verdict, created = Verdict.objects.select_for_update().get_or_create(
            interview=interview,
            application_id=application_id,
            interviewer=interviewer,
            defaults={
                "decision": decision,
                "score": score,
                "comment": comment,
                "created_at": now,
                "updated_at": now,
            },
        )
        if not created:
            verdict.decision = decision
            verdict.score = score
            verdict.comment = comment
            verdict.updated_at = now
            verdict.save(update_fields=["decision", "score", "comment", "updated_at"])
        application = seat.application
        outcome = candidate_outcome(interview=interview, application=application)
        if outcome == Outcome.FAILED and not application.is_closed():
            try:
                application_advance(
                    application=application,
                    to_stage=Stage.REJECTED,
                    by=interviewer,
                    reason=REJECT_REASON,
                    now=now,
                )
            except Refused as error:
                raise Refused("pipeline", error.message) from error
    return verdict
