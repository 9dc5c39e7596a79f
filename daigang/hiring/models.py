from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation
from daigang.core.phones import phone_mask
from daigang.jobs.models import Job
from daigang.live.models import Room

IDEMPOTENCY_KEY_MAX_LENGTH = 64


class Stage(models.TextChoices):
    """Where an application stands (the pipeline, daigang.hiring.pipeline.services, moves it).

    The first seven are the road to a hire, in order; "rejected" and "withdrawn" end it.
    An organisation's own stages (OrganisationStage) sit between these: an application in one
    keeps `stage` = the built-in stage it comes after, so "reached intention" stays countable.
    """

    APPLIED = "applied", _("已报名")
    CONTACTED = "contacted", _("已联系")
    INTENTION = "intention", _("达成意向")
    INTERVIEW = "interview", _("面试")
    OFFER = "offer", _("录用")
    SIGNED = "signed", _("已签约")
    ONBOARDED = "onboarded", _("已入职")
    REJECTED = "rejected", _("不合适")
    WITHDRAWN = "withdrawn", _("已撤回")


# The road to a hire, in order; an application's `stage_reached` is an index into it.
STAGE_ROAD: tuple[str, ...] = (
    Stage.APPLIED,
    Stage.CONTACTED,
    Stage.INTENTION,
    Stage.INTERVIEW,
    Stage.OFFER,
    Stage.SIGNED,
    Stage.ONBOARDED,
)
STAGE_ENDS: tuple[str, ...] = (Stage.REJECTED, Stage.WITHDRAWN)


def stage_rank(stage: str) -> int:
    """Position of a built-in road stage (applied = 0 … onboarded = 6); ValueError otherwise."""
    return STAGE_ROAD.index(stage)


# A referred application's source: "ref:<membership id>" of the matchmaker or labour broker
# (劳务经纪人) who recommended the job (daigang.matchmaking writes it); the employer's numbers
# and the broker's own bureau or agency count the referral for them.
REFERRAL_SOURCE_PREFIX = "ref:"


def referral_source(*, membership_id: int) -> str:
    return f"{REFERRAL_SOURCE_PREFIX}{membership_id}"


def referral_membership_id(source: str) -> int | None:
    """The referrer's membership id in a source written by referral_source; None otherwise."""
    if not source.startswith(REFERRAL_SOURCE_PREFIX):
        return None
    rest = source[len(REFERRAL_SOURCE_PREFIX) :]
    return int(rest) if rest.isdigit() else None


class Application(models.Model):
    """One seeker applying to one job (报名), stored exactly once.

    Two unique constraints make "exactly once" a property of the database, not of the code
    path: one application per (job, seeker), and one per (seeker, idempotency key) so a
    retried request finds the row its first attempt wrote. The key is scoped to the seeker so
    another user sending the same key can neither collide with nor read someone's application.

    `organisation` is copied from the job so the back office filters and authorises on one
    column; `phone` is the seeker's number at apply time (what they consented to share).
    """

    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("求职者"),
        # Covered by the (seeker, idempotency_key) unique index: one index less per insert.
        db_index=False,
    )
    job = models.ForeignKey(
        Job,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("岗位"),
        db_index=False,  # covered by the (job, seeker) unique index
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="applications",
        verbose_name=_("用人单位"),
        db_index=False,  # covered by the (organisation, id) index
    )
    room = models.ForeignKey(
        Room,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="applications",
        verbose_name=_("来源直播间"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("手机号"), max_length=11)
    consent_text = models.TextField(_("同意条款"))
    consented_at = models.DateTimeField(_("同意时间"))
    # Set once when the seeker withdraws consent (我的报名): from then on the organisation sees
    # the phone masked and its actions send the seeker nothing about this application.
    consent_withdrawn_at = models.DateTimeField(_("撤回同意时间"), null=True, blank=True)
    idempotency_key = models.CharField(max_length=IDEMPOTENCY_KEY_MAX_LENGTH)
    stage = models.CharField(_("阶段"), max_length=20, choices=Stage.choices, default=Stage.APPLIED)
    created_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    # Where the seeker came from besides a room, as "<kind>:<id>[:<sub>]": "fair:12" (a job
    # fair's page), "fair:12:3" (its invite link 3), "ref:7" (referred by membership 7, see
    # referral_source). Read by the app that wrote it (fairs), and referrals by the pipeline.
    source = models.CharField(_("来源"), max_length=40, blank=True, default="")
    # The organisation's own stage the application is in, if any (then `stage` is the
    # built-in stage it comes after).
    custom_stage = models.ForeignKey(
        "OrganisationStage",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("自定义阶段"),
    )
    # The furthest road stage ever reached (index into STAGE_ROAD), kept when the application
    # is later rejected or withdrawn: conversion figures and "intention reached" counts are
    # one aggregate over this column.
    stage_reached = models.PositiveSmallIntegerField(_("到达过的最远阶段"), default=0)
    stage_changed_at = models.DateTimeField(_("阶段变更时间"), null=True, blank=True)
    # When the seeker attached their profile (求职资料) to this application, with consent: the
    # organisation reads it with the application while consent lasts (consent_active).
    profile_shared_at = models.DateTimeField(_("附上求职资料时间"), null=True, blank=True)
    # The last time the seeker applied again after withdrawing (重新报名): the same row is
    # re-opened, its history keeps both moves (apply.services.application_reopen).
    reopened_at = models.DateTimeField(_("重新报名时间"), null=True, blank=True)
    tags: models.ManyToManyField[Tag, Any] = models.ManyToManyField(
        "Tag", blank=True, related_name="applications"
    )

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        # Newest first by id: ids grow with insert order, and "after=<id>" polling relies on it.
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["job", "seeker"], name="application_once_per_job"),
            models.UniqueConstraint(
                fields=["seeker", "idempotency_key"], name="application_once_per_key"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "-id"], name="application_org_newest"),
            models.Index(fields=["organisation", "stage"], name="application_org_stage"),
            # "该求职者还报名了": the same phone's other applications to this organisation.
            models.Index(fields=["organisation", "phone"], name="application_org_phone"),
            models.Index(fields=["source"], name="application_source"),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.masked_phone} → {self.job_id}"

    @property
    def masked_phone(self) -> str:
        return phone_mask(self.phone)

    @property
    def consent_active(self) -> bool:
        """The seeker still lets the organisation have their number (and contact them)."""
        return self.consent_withdrawn_at is None and bool(self.phone)

    @property
    def phone_for_organisation(self) -> str:
        """What the organisation's pages and API show: the full number while consent lasts."""
        return self.phone if self.consent_active else self.masked_phone

    @property
    def stage_key(self) -> str:
        """The key "custom:<id>" in an organisation's own stage, else the built-in stage."""
        if self.custom_stage_id is not None:
            return f"custom:{self.custom_stage_id}"
        return self.stage

    @property
    def stage_label(self) -> str:
        if self.custom_stage_id is not None and self.custom_stage is not None:
            return self.custom_stage.name
        return str(self.get_stage_display())

    def is_closed(self) -> bool:
        """Ended (rejected, withdrawn) or done (onboarded): no further moves."""
        return self.stage in (Stage.REJECTED, Stage.WITHDRAWN, Stage.ONBOARDED)


class OrganisationStage(models.Model):
    """A stage an organisation adds between two built-in ones, e.g. 体检 after 录用.

    It sits after `after_stage` (a road stage before 已入职), ordered by `order` among the
    organisation's stages after the same one. Archived rather than deleted once used, so the
    history that mentions it keeps its name.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="pipeline_stages"
    )
    name = models.CharField(_("阶段名称"), max_length=20)
    after_stage = models.CharField(
        _("位于哪个阶段之后"),
        max_length=20,
        choices=[(stage.value, stage.label) for stage in Stage if stage in STAGE_ROAD[:-1]],
    )
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("自定义阶段")
        verbose_name_plural = _("自定义阶段")
        ordering = ["organisation", "order", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def key(self) -> str:
        return f"custom:{self.pk}"

    @property
    def position(self) -> tuple[int, int, int]:
        """Sort key along the road: after its built-in stage, before the next one."""
        return (stage_rank(self.after_stage), 1, self.order * 1_000_000 + self.pk)


class RejectionReason(models.Model):
    """Why an application was not a fit, from the organisation's own editable list.

    `message_template` is what the seeker is sent; {name}, {job} and {organisation} are
    filled in. Archived (is_active False) rather than deleted, history keeps pointing at it.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="rejection_reasons"
    )
    name = models.CharField(_("原因"), max_length=30)
    message_template = models.TextField(_("发给求职者的消息"))
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("不合适原因")
        verbose_name_plural = _("不合适原因")
        ordering = ["organisation", "order", "id"]

    def __str__(self) -> str:
        return self.name


class StageChange(models.Model):
    """One move of one application: who, when, from → to, and why. Never edited."""

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="stage_changes"
    )
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    from_custom = models.ForeignKey(
        OrganisationStage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_custom = models.ForeignKey(
        OrganisationStage, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("操作人"),
    )
    reason = models.TextField(_("原因"), blank=True)
    rejection_reason = models.ForeignKey(
        RejectionReason, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("阶段变更")
        verbose_name_plural = _("阶段变更")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["application", "at"], name="stagechange_app_at")]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.from_stage} → {self.to_stage}"

    @property
    def from_label(self) -> str:
        if self.from_custom is not None:
            return self.from_custom.name
        return str(self.get_from_stage_display())

    @property
    def to_label(self) -> str:
        if self.to_custom is not None:
            return self.to_custom.name
        return str(self.get_to_stage_display())


class Note(models.Model):
    """A member's note on an application (only the organisation sees it)."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("备注"))
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.application_id}: {self.text[:30]}"


class Tag(models.Model):
    """A label an organisation puts on applications (e.g. 有经验, 夫妻工)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="tags")
    name = models.CharField(_("标签"), max_length=20)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="tag_unique_per_org")
        ]

    def __str__(self) -> str:
        return self.name


class Notification(models.Model):
    """A message to a user, shown on their pages (and also sent by SMS when it was made)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.TextField()
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="notification_user_newest")]

    def __str__(self) -> str:
        return self.text[:50]


class PhoneView(models.Model):
    """One member seeing one seeker's full phone on one page or API answer (PIPL audit).

    Written in bulk, one row per seeker shown per request (daigang.hiring.phone_views). Never
    edited; the application link is cleared if the application is later deleted, the row stays.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="phone_views", db_index=False
    )
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("查看人"),
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("求职者"),
    )
    application = models.ForeignKey(
        Application,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("报名"),
    )
    source = models.CharField(_("页面或接口"), max_length=40)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("手机号查看记录")
        verbose_name_plural = _("手机号查看记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"], name="phoneview_org_newest")]

    def __str__(self) -> str:
        return f"{self.viewer_id} → {self.seeker_id} ({self.source})"
