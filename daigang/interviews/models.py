"""Video interviews (面试 / 群面): who meets when, each person's link, and the verdicts.

An Interview belongs to one organisation. Its participants are interviewers (members of the
organisation) and candidates (one application each). A guidance call (职业指导, kind GUIDANCE,
booked by a seeker from a matchmaker's slot in daigang.matchmaking) uses the same call page:
the matchmaker sits as the interviewer, the seeker as the candidate, with no application, and
no verdicts or pipeline. Every participant has a personal,
unguessable token: /interviews/<token>/ is their video call and /interviews/<token>/invite.ics
their calendar invite. A Verdict is one interviewer's pass / fail / hold on one candidate.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation
from daigang.hiring.models import Application

# Everyone may come in this long before the start (to check camera and microphone) ...
JOIN_EARLY = dt.timedelta(minutes=15)
# ... and stay this long after the planned end: interviews overrun.
JOIN_LATE = dt.timedelta(minutes=60)
LENGTH_MIN_MINUTES = 5
LENGTH_MAX_MINUTES = 240
# A peer-to-peer mesh sends every camera to every other browser: beyond ~6 a phone's uplink
# and CPU give out.
MAX_PARTICIPANTS = 6
SCORE_MIN = 1
SCORE_MAX = 5
TOKEN_BYTES = 24  # 32 URL-safe characters, 192 bits


def participant_token_new() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


class Interview(models.Model):
    class Kind(models.TextChoices):
        INTERVIEW = "interview", _("面试")
        GUIDANCE = "guidance", _("职业指导")

    class State(models.TextChoices):
        SCHEDULED = "scheduled", _("已安排")
        DONE = "done", _("已结束")
        CANCELLED = "cancelled", _("已取消")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="interviews", db_index=False
    )
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices, default=Kind.INTERVIEW)
    title = models.CharField(_("面试名称"), max_length=60)
    notes = models.TextField(_("面试说明"), blank=True)
    starts_at = models.DateTimeField(_("开始时间"))
    length_minutes = models.PositiveSmallIntegerField(
        _("时长（分钟）"),
        validators=[MinValueValidator(LENGTH_MIN_MINUTES), MaxValueValidator(LENGTH_MAX_MINUTES)],
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.SCHEDULED
    )
    # The candidate everyone's screen puts first and large (当前面试者); chosen by an interviewer.
    focus = models.ForeignKey(
        "InterviewParticipant",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("当前面试者"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("安排人"),
    )
    # The scheduling form's random key: a resubmitted form finds the interview it made.
    idempotency_key = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("面试")
        verbose_name_plural = _("面试")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "idempotency_key"], name="interview_once_per_key"
            ),
            models.CheckConstraint(
                condition=Q(length_minutes__gte=LENGTH_MIN_MINUTES)
                & Q(length_minutes__lte=LENGTH_MAX_MINUTES),
                name="interview_length_range",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-starts_at"], name="interview_org_start"),
        ]

    def __str__(self) -> str:
        return f"{self.title} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.length_minutes)

    @property
    def opens_at(self) -> dt.datetime:
        return self.starts_at - JOIN_EARLY

    @property
    def closes_at(self) -> dt.datetime:
        return self.ends_at + JOIN_LATE

    @property
    def is_guidance(self) -> bool:
        return self.kind == self.Kind.GUIDANCE

    def is_open(self, now: dt.datetime | None = None) -> bool:
        """May participants be in the video call now?"""
        now = now or timezone.now()
        return self.state == self.State.SCHEDULED and self.opens_at <= now < self.closes_at


class InterviewParticipant(models.Model):
    class Role(models.TextChoices):
        INTERVIEWER = "interviewer", _("面试官")
        CANDIDATE = "candidate", _("面试者")

    interview = models.ForeignKey(
        Interview, on_delete=models.CASCADE, related_name="participants", db_index=False
    )
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="interview_seats"
    )
    application = models.ForeignKey(
        Application,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="interview_seats",
        verbose_name=_("报名"),
    )
    token = models.CharField(max_length=64, unique=True, default=participant_token_new)
    joined_at = models.DateTimeField(_("首次进入时间"), null=True, blank=True)
    # Muted by an interviewer: the candidate's page keeps its microphone off, also on rejoin.
    muted = models.BooleanField(_("已被静音"), default=False)
    removed = models.BooleanField(_("已移出"), default=False)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("面试参与人")
        verbose_name_plural = _("面试参与人")
        ordering = ["interview", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["interview", "user"], name="participant_once"),
            # A hiring interview's candidate has an application (the services see to it: a
            # guidance call's has none, and the kind lives on the interview's row).
            models.CheckConstraint(
                condition=Q(role="candidate") | Q(application__isnull=True),
                name="participant_interviewer_no_application",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.get_role_display()})"

    @property
    def is_interviewer(self) -> bool:
        return self.role == self.Role.INTERVIEWER

    @property
    def is_candidate(self) -> bool:
        return self.role == self.Role.CANDIDATE

    @property
    def display_name(self) -> str:
        """The name shown on the video tile: the name the candidate applied with."""
        if self.application_id is not None and self.application is not None:
            return self.application.name
        if self.is_candidate:
            return self.user.name or str(_("求职者"))
        return self.user.name or str(_("面试官"))


class Verdict(models.Model):
    """One interviewer's decision on one candidate of one interview; updated, never doubled."""

    class Decision(models.TextChoices):
        PASS = "pass", _("通过")
        FAIL = "fail", _("不通过")
        HOLD = "hold", _("待定")

    interview = models.ForeignKey(Interview, on_delete=models.CASCADE, related_name="verdicts")
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="interview_verdicts"
    )
    interviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    decision = models.CharField(_("结论"), max_length=4, choices=Decision.choices)
    score = models.PositiveSmallIntegerField(
        _("评分（1–5）"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )
    comment = models.TextField(_("评语"), blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("面试评定")
        verbose_name_plural = _("面试评定")
        ordering = ["interview", "application", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["interview", "application", "interviewer"], name="verdict_once"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN) & Q(score__lte=SCORE_MAX),
                name="verdict_score_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.get_decision_display()} ({self.score})"
