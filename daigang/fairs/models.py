"""Job fairs (招聘会 / 专场) that public employment bureaus run, and who joins them.

A fair belongs to one bureau and one region. Employers register for it with the jobs they
bring (FairEntry, FairJob) and the bureau approves them; the fair's schedule is the rooms the
bureau puts in it (FairRoom); campus fairs hand out invite links (FairInvite) that tag the
applications they bring. A fair may sit inside a bigger one (三级联动: a county's fair inside its
city's inside its province's) and is then shown and counted as part of it.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation, private_storage
from daigang.jobs.models import Job
from daigang.live.models import Room
from daigang.regions.models import Region


class TargetGroup(models.TextChoices):
    GRADUATES = "graduates", _("高校毕业生")
    MIGRANT_WORKERS = "migrant_workers", _("农民工")
    VETERANS = "veterans", _("退役军人")
    DISABLED = "disabled", _("残疾人")
    LIFTED_FROM_POVERTY = "lifted", _("脱贫劳动力")
    DIFFICULTIES = "difficulties", _("就业困难人员")
    WOMEN = "women", _("妇女")
    GENERAL = "general", _("综合")


def new_invite_token() -> str:
    return secrets.token_urlsafe(12)


def _poster_path(instance: Fair, filename: str) -> str:
    ext = filename.rsplit(".", 1)[-1]
    return f"fair-posters/{instance.pk}-{instance.poster_sha256[:16]}.{ext}"


class Fair(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("未发布")
        PUBLISHED = "published", _("已发布")
        CANCELLED = "cancelled", _("已取消")

    bureau = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="fairs", verbose_name=_("主办机构")
    )
    title = models.CharField(_("招聘会名称"), max_length=80)
    target_group = models.CharField(
        _("服务对象"), max_length=20, choices=TargetGroup.choices, default=TargetGroup.GENERAL
    )
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("地区")
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    description = models.TextField(_("简介"), blank=True)
    # The poster, re-encoded on upload (daigang.accounts.uploads.image_upload_check) and served
    # by fairs:poster, which checks the fair is public; its hash names the file, so the URL
    # changes with the picture and can be cached for good.
    poster = models.FileField(
        _("海报"), storage=private_storage, upload_to=_poster_path, max_length=200, blank=True
    )
    poster_content_type = models.CharField(max_length=20, blank=True)
    poster_sha256 = models.CharField(max_length=64, blank=True)
    # 三级联动: this fair is part of a bigger one, shown and counted inside it.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        verbose_name=_("所属联动招聘会"),
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The numbers as they stood when the fair ended: what the bureau reported upward.
    report = models.JSONField(null=True, blank=True, editable=False)
    report_frozen_at = models.DateTimeField(_("报告定稿时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("招聘会")
        verbose_name_plural = _("招聘会")
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["status", "starts_at"], name="fair_status_starts")]

    def __str__(self) -> str:
        return self.title

    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED

    def phase(self, now=None) -> str:  # type: ignore[no-untyped-def]
        """ "upcoming", "running" or "ended" by the clock."""
        now = now or timezone.now()
        if now < self.starts_at:
            return "upcoming"
        if now < self.ends_at:
            return "running"
        return "ended"


class FairEntry(models.Model):
    """An employer's registration for a fair, approved or rejected by the bureau."""

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("已通过")
        REJECTED = "rejected", _("未通过")

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="entries")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="fair_entries"
    )
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    note = models.CharField(_("审核说明"), max_length=200, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("参会单位")
        verbose_name_plural = _("参会单位")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "organisation"], name="fair_entry_once")
        ]

    def __str__(self) -> str:
        return f"{self.fair_id}/{self.organisation_id}"


class FairJob(models.Model):
    """A job an employer brings to a fair, with the headcount it wants there."""

    entry = models.ForeignKey(FairEntry, on_delete=models.CASCADE, related_name="jobs")
    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="fair_jobs")
    headcount = models.PositiveIntegerField(_("招聘人数"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "job"], name="fair_job_once")]

    def __str__(self) -> str:
        return f"{self.entry_id}/{self.job_id}"


class FairRoom(models.Model):
    """A live room in a fair's schedule: an approved employer's room, or the bureau's own."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="rooms")
    room = models.OneToOneField(Room, on_delete=models.CASCADE, related_name="fair_room")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["room__planned_start", "id"]

    def __str__(self) -> str:
        return f"{self.fair_id}/{self.room_id}"


class FairInvite(models.Model):
    """A campus fair's invite link for one school or department: applications it brings are
    tagged with it (Application.source "fair:<fair>:<invite>")."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="invites")
    label = models.CharField(_("学校或院系"), max_length=60)
    token = models.CharField(max_length=32, unique=True, default=new_invite_token)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["fair", "label"], name="fair_invite_label_once")
        ]

    def __str__(self) -> str:
        return self.label


class FairReminder(models.Model):
    """A seeker asked to be told (a notice and an SMS) when an upcoming fair starts. Opt-in,
    one row per fair and person; `sent_at` is set when the reminder went out, so each is
    sent once however often `send_fair_reminders` runs."""

    fair = models.ForeignKey(Fair, on_delete=models.CASCADE, related_name="reminders")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="fair_reminders"
    )
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["fair", "user"], name="fair_reminder_once")]
        indexes = [models.Index(fields=["sent_at", "fair"], name="fair_reminder_due")]

    def __str__(self) -> str:
        return f"{self.fair_id}/{self.user_id}"


class Scope(models.TextChoices):
    """What a counter counts for: a fair (its own rooms and pages) or one room."""

    FAIR = "f", "fair"
    ROOM = "r", "room"


class FairCounter(models.Model):
    """One precomputed number: (scope, scope id, figure, bucket) -> n.

    Kept in step by daigang.fairs.counters (applies, stage changes, viewers, pins, card opens)
    with upserts `n = n + k`; `manage.py fair_counters_rebuild` recounts them from the raw
    rows. The bucket splits a figure: "" the total, "d2026-05-01" a day, "o12" an
    organisation, "i3" an invite link, "j45" a job (a room's funnel), "g<target group>".
    """

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.BigIntegerField()
    figure = models.CharField(max_length=24)
    bucket = models.CharField(max_length=24, blank=True, default="")
    n = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "figure", "bucket"], name="fair_counter_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}{self.scope_id}/{self.figure}/{self.bucket}={self.n}"


class FairSeen(models.Model):
    """Someone already counted in a unique figure of a scope (a viewer of a room or a fair,
    an applicant of a fair, a card opened once per pin): one row per person and scope, never
    per second. `person` is a keyed hash for viewers (no address or cookie is stored), "s<id>"
    for seekers. A fair's rows cover the fairs inside it too, so a person who watched or
    applied in two of its counties counts once."""

    scope = models.CharField(max_length=1, choices=Scope.choices)
    scope_id = models.BigIntegerField()
    figure = models.CharField(max_length=24)
    person = models.CharField(max_length=64)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["scope", "scope_id", "figure", "person"], name="fair_seen_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.scope}{self.scope_id}/{self.figure}/{self.person}"
