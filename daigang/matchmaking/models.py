"""Matchmakers (就业服务专员) and the seekers they follow.

A bureau's (or a labour agency's) member with the matchmaker role has a caseload: one Case
per seeker, made by the organisation's assignment or by the seeker opening the matchmaker's
invite link. The matchmaker sees the seeker's details only while the seeker's consent stands
(Case.consent_active); the seeker withdraws it at /me/matchmakers/. A matchmaker opens
GuidanceSlots (职业指导); a seeker they follow books one, and the call is an interview of kind
guidance (daigang.interviews).
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Membership, Organisation
from daigang.interviews.models import Interview
from daigang.jobs.models import Job

CLIENT_KEY_MAX_LENGTH = 64


def new_invite_token() -> str:
    return secrets.token_urlsafe(12)


class InviteLink(models.Model):
    """A matchmaker's invite link (/m/<token>/): a seeker who opens it and consents joins."""

    membership = models.OneToOneField(
        Membership, on_delete=models.CASCADE, related_name="invite_link"
    )
    token = models.CharField(max_length=32, unique=True, default=new_invite_token)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.membership_id}: {self.token}"


class Case(models.Model):
    """One seeker in one matchmaker's caseload."""

    class Via(models.TextChoices):
        ASSIGNED = "assigned", _("机构分配")
        INVITE = "invite", _("邀请链接")

    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="cases", verbose_name=_("就业服务专员")
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="cases",
        verbose_name=_("求职者"),
    )
    via = models.CharField(_("来源"), max_length=10, choices=Via.choices)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("分配人"),
    )
    created_at = models.DateTimeField(_("加入时间"), default=timezone.now)
    # The seeker's consent: given (with the text they saw) and, perhaps, withdrawn.
    consent_text = models.TextField(_("同意条款"), blank=True)
    consented_at = models.DateTimeField(_("同意时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("退出时间"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("最近联系"), null=True, blank=True)
    next_follow_up_on = models.DateField(_("下次跟进"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务对象")
        verbose_name_plural = _("服务对象")
        constraints = [models.UniqueConstraint(fields=["membership", "seeker"], name="case_once")]
        indexes = [models.Index(fields=["seeker"], name="case_seeker")]

    def __str__(self) -> str:
        return f"{self.membership_id} → {self.seeker_id}"

    @property
    def consent_active(self) -> bool:
        return self.consented_at is not None and self.withdrawn_at is None

    @property
    def awaiting_consent(self) -> bool:
        return self.consented_at is None and self.withdrawn_at is None


class FollowUp(models.Model):
    """A contact the matchmaker logs (call, visit, message, note), with the next date."""

    class Kind(models.TextChoices):
        CALL = "call", _("电话")
        VISIT = "visit", _("走访")
        MESSAGE = "message", _("消息")
        NOTE = "note", _("备注")
        # Logged by the booking itself (daigang.matchmaking.guidance), not by the form.
        GUIDANCE = "guidance", _("职业指导")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="follow_ups")
    kind = models.CharField(_("方式"), max_length=10, choices=Kind.choices)
    note = models.TextField(_("内容"), blank=True)
    next_on = models.DateField(_("下次跟进"), null=True, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    client_key = models.CharField(max_length=CLIENT_KEY_MAX_LENGTH)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "client_key"], name="follow_up_once")
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.at:%Y-%m-%d}"


class Recommendation(models.Model):
    """A job the matchmaker recommended to a seeker (a notice and an SMS with an apply link)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="recommendations")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    note = models.CharField(_("推荐理由"), max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "job"], name="recommendation_once")]

    def __str__(self) -> str:
        return f"{self.case_id} → {self.job_id}"


# The assistance list's thresholds when a bureau has set none (issue #14: 5 applications or
# 2 interviews in 30 days, and no offer).
ASSISTANCE_APPLICATIONS_DEFAULT = 5
ASSISTANCE_INTERVIEWS_DEFAULT = 2
ASSISTANCE_WINDOW_DEFAULT = 30


class AssistanceSettings(models.Model):
    """A bureau's thresholds for its assistance list (帮扶): a seeker is listed who, within the
    last `window_days`, applied at least `applications_min` times or was interviewed at least
    `interviews_min` times, and had no offer. No row: the defaults above."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="assistance_settings"
    )
    applications_min = models.PositiveSmallIntegerField(
        _("报名次数"), default=ASSISTANCE_APPLICATIONS_DEFAULT
    )
    interviews_min = models.PositiveSmallIntegerField(
        _("面试次数"), default=ASSISTANCE_INTERVIEWS_DEFAULT
    )
    window_days = models.PositiveSmallIntegerField(_("统计天数"), default=ASSISTANCE_WINDOW_DEFAULT)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("帮扶条件")
        verbose_name_plural = _("帮扶条件")

    def __str__(self) -> str:
        return (
            f"{self.organisation_id}: {self.applications_min}/{self.interviews_min}"
            f" in {self.window_days}d"
        )


class Assistance(models.Model):
    """A seeker from a bureau's assistance list whom the bureau assigned to one of its
    matchmakers (帮扶): once per bureau and seeker. The case is the matchmaker's, made by
    matchmaking.services.case_assign (the seeker still consents there)."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="assistances", db_index=False
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="assistances",
        verbose_name=_("求职者"),
    )
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="assistances")
    # Why the seeker was listed, in words, as the bureau saw it when assigning.
    reason = models.CharField(_("帮扶原因"), max_length=200)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_at = models.DateTimeField(_("帮扶开始"), default=timezone.now)

    class Meta:
        verbose_name = _("帮扶")
        verbose_name_plural = _("帮扶")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "seeker"], name="assistance_once")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} → {self.seeker_id}"


class Dismissal(models.Model):
    """A job the seeker said 不感兴趣 to: never recommended to them again (once per job)."""

    seeker = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seeker", "job"], name="dismissal_once")]

    def __str__(self) -> str:
        return f"{self.seeker_id} ✕ {self.job_id}"


class GuidanceSlot(models.Model):
    """A time a matchmaker offers for a 1:1 guidance call (职业指导). Open until a seeker they
    follow books it (case, booked_at and the call's interview set); a seeker's cancellation
    opens it again. The matchmaker may cancel it while nobody has booked it."""

    membership = models.ForeignKey(
        Membership,
        on_delete=models.CASCADE,
        related_name="guidance_slots",
        verbose_name=_("就业服务专员"),
    )
    starts_at = models.DateTimeField(_("开始时间"))
    length_minutes = models.PositiveSmallIntegerField(_("时长（分钟）"))
    # The form's random key: a resubmitted form finds the slots it made.
    batch_key = models.CharField(max_length=CLIENT_KEY_MAX_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    case = models.ForeignKey(
        Case,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="guidance_slots",
        verbose_name=_("预约人"),
    )
    booked_at = models.DateTimeField(_("预约时间"), null=True, blank=True)
    interview = models.OneToOneField(
        Interview, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("职业指导时段")
        verbose_name_plural = _("职业指导时段")
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["membership", "starts_at"],
                condition=Q(cancelled_at__isnull=True),
                name="guidance_slot_once_per_time",
            ),
            models.CheckConstraint(
                condition=Q(case__isnull=True) | Q(cancelled_at__isnull=True),
                name="guidance_slot_booked_not_cancelled",
            ),
        ]
        indexes = [
            models.Index(fields=["membership", "starts_at"], name="guidance_slot_start"),
            models.Index(fields=["membership", "batch_key"], name="guidance_slot_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.membership_id} @ {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def ends_at(self) -> dt.datetime:
        return self.starts_at + dt.timedelta(minutes=self.length_minutes)

    @property
    def is_booked(self) -> bool:
        return self.case_id is not None
