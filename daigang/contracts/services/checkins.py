"""Onboarding (入职) and the day-7 / day-30 "as described?" check-ins (入职回访)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.contracts.models import CHECKIN_DAYS, CheckIn, Onboarding
from daigang.contracts.services.stages import application_move
from daigang.core.languages import site_language
from daigang.hiring.models import Application, Stage
from daigang.hiring.notifications import notification_send

STARTED_ON_MAX_AGO = dt.timedelta(days=366)

# Called with the check-in once a first answer commits. Apps above contracts add to it from
# their AppConfig.ready() (safety: "not as described" counts as a report against the
# organisation), so contracts records answers without importing them.
checkin_answered_hooks: list[Callable[[CheckIn], None]] = []
COMMENT_MAX = 500


def onboarding_mark(
    *,
    application: Application,
    by: User,
    started_on: dt.date,
    now: dt.datetime | None = None,
) -> tuple[Onboarding, bool]:
    """The organisation says the seeker started on `started_on`: stage 已入职, and check-ins
    due on day 7 and day 30. Idempotent: marking again returns the first record unchanged."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if started_on > today:
        raise ValidationError(
            {"started_on": [ValidationError(_("入职日期不能晚于今天"), code="start_in_future")]}
        )
    if started_on < today - STARTED_ON_MAX_AGO:
        raise ValidationError(
            {"started_on": [ValidationError(_("入职日期太早了，请检查"), code="start_too_early")]}
        )
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("organisation", "seeker")
            .get(pk=application.pk)
        )
        existing = Onboarding.objects.filter(application=locked).first()
        if existing is not None:
            return existing, False
        application_move(application=locked, to_stage=Stage.ONBOARDED, by=by, now=now)
        onboarding = Onboarding.objects.create(
            application=locked,
            organisation=locked.organisation,
            seeker=locked.seeker,
            started_on=started_on,
            marked_by=by,
            marked_at=now,
        )
        CheckIn.objects.bulk_create(
            CheckIn(
                onboarding=onboarding,
                organisation=locked.organisation,
                seeker=locked.seeker,
                day=day,
                due_on=started_on + dt.timedelta(days=day),
            )
            for day in CHECKIN_DAYS
        )
    return onboarding, True


def checkins_send_due(*, now: dt.datetime | None = None) -> int:
    """Tell each seeker whose check-in is due (and unanswered) about it, once; return how many
    were sent. Safe to run as often as you like and from several machines: each check-in is
    claimed by a conditional UPDATE before its notification is written."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due_ids = list(
        CheckIn.objects.filter(
            due_on__lte=today, notified_at__isnull=True, answered_at__isnull=True
        )
        .order_by("due_on", "id")
        .values_list("pk", flat=True)
    )
    sent = 0
    for checkin_id in due_ids:
        with transaction.atomic():
            claimed = CheckIn.objects.filter(pk=checkin_id, notified_at__isnull=True).update(
                notified_at=now
            )
            if not claimed:
                continue
            checkin = CheckIn.objects.select_related("seeker", "organisation").get(pk=checkin_id)
            with site_language():
                notification_send(
                    user=checkin.seeker,
                    text=_(
                        "入职第%(day)d天回访：您在%(organisation)s的工资、吃住和工作内容"
                        "和招聘时说的一样吗？请花1分钟回答3个问题。"
                    )
                    % {"day": checkin.day, "organisation": checkin.organisation.name},
                    url=reverse("contracts:seeker_checkin", args=[checkin.pk]),
                )
            sent += 1
    return sent


@dataclass(frozen=True)
class CheckInAnswers:
    wage: str
    board: str
    work: str
    wage_comment: str = ""
    board_comment: str = ""
    work_comment: str = ""


QUESTION_FIELDS = ("wage", "board", "work")


def checkin_answers_check(*, answers: CheckInAnswers) -> None:
    errors: dict[str, list[ValidationError]] = {}
    for field in QUESTION_FIELDS:
        if getattr(answers, field) not in CheckIn.Answer.values:
            errors[field] = [ValidationError(_("请选择一个回答"), code="answer_required")]
        if len(getattr(answers, f"{field}_comment")) > COMMENT_MAX:
            errors[f"{field}_comment"] = [
                ValidationError(
                    _("补充说明最多%(max)d个字") % {"max": COMMENT_MAX}, code="comment_too_long"
                )
            ]
    if errors:
        raise ValidationError(errors)


def checkin_answer(
    *,
    checkin: CheckIn,
    seeker: User,
    answers: CheckInAnswers,
    now: dt.datetime | None = None,
) -> tuple[CheckIn, bool]:
    """The seeker answers a due check-in; (checkin, created). The first answer stands: a
    retried or repeated submission changes nothing."""
    now = now or timezone.now()
    checkin_answers_check(answers=answers)
    with transaction.atomic():
        locked = CheckIn.objects.select_for_update().get(pk=checkin.pk)
        if locked.seeker_id != seeker.pk:
            raise ValidationError(_("这不是您的回访"), code="not_yours")
        if locked.answered_at is not None:
            return locked, False
        if not locked.is_due(timezone.localdate(now)):
            raise ValidationError(_("还没到回访的日子"), code="not_due")
        for field in QUESTION_FIELDS:
            setattr(locked, f"{field}_answer", getattr(answers, field))
            setattr(locked, f"{field}_comment", getattr(answers, f"{field}_comment").strip())
        locked.answered_at = now
        locked.save()
        transaction.on_commit(lambda: [hook(locked) for hook in checkin_answered_hooks])
    return locked, True
