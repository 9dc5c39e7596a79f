"""Reports (举报), the case a moderator decides about each reported thing, the decisions and
appeals, and the list of suspended organisations.

One open Case per reported thing (kind + id): every report on it while it is open joins it,
so the queue shows each thing once with its count. A decided case is closed; a new report on
the same thing opens a new case.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation, private_storage


class Category(models.TextChoices):
    FEES = "fees", _("收费或押金")
    FAKE_JOB = "fake_job", _("虚假岗位")
    DIFFERS = "differs", _("工资或待遇与说的不一样")
    DISCRIMINATION = "discrimination", _("就业歧视")
    HARASSMENT = "harassment", _("骚扰")
    CONTACT = "contact", _("引流到站外联系")
    OTHER = "other", _("其他")


class Kind(models.TextChoices):
    JOB = "job", _("岗位")
    ROOM = "room", _("直播间")
    ORGANISATION = "organisation", _("单位")
    MESSAGE = "message", _("聊天消息")
    CLAUSE = "clause", _("合同条款")


class Action(models.TextChoices):
    DISMISS = "dismiss", _("驳回举报")
    WARN = "warn", _("警告")
    TAKE_DOWN_JOB = "take_down_job", _("下架岗位")
    END_ROOM = "end_room", _("结束并封禁直播间")
    SUSPEND = "suspend", _("暂停单位")


# What each action takes down (an upheld appeal undoes it).
TAKEDOWNS = frozenset({Action.TAKE_DOWN_JOB, Action.END_ROOM, Action.SUSPEND})


class Case(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("待处理")
        DECIDED = "decided", _("已处理")

    class AppealOutcome(models.TextChoices):
        UPHELD = "upheld", _("申诉成立，已撤销处置")
        REJECTED = "rejected", _("申诉驳回，维持处置")

    kind = models.CharField(_("举报对象"), max_length=15, choices=Kind.choices)
    target_id = models.PositiveBigIntegerField()
    # The organisation responsible for the thing (a chat message's: its room's organisation;
    # None for a viewer's message in no organisation's name is never the case: rooms belong
    # to an organisation).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="safety_cases"
    )
    # The job or room the thing is, or is in (so taking it down is one action away).
    job_id = models.PositiveBigIntegerField(null=True, blank=True)
    room_id = models.PositiveBigIntegerField(null=True, blank=True)
    label = models.CharField(_("对象"), max_length=200)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("首次举报时间"), default=timezone.now, db_index=True)
    # The current decision (the Decision rows are the full record).
    action = models.CharField(_("处理"), max_length=15, choices=Action.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(_("处理理由"), blank=True)
    # The organisation's one appeal.
    appeal_text = models.TextField(_("申诉理由"), blank=True)
    appeal_evidence = models.FileField(
        storage=private_storage, upload_to="safety/appeals/", max_length=200, blank=True
    )
    appeal_evidence_type = models.CharField(max_length=20, blank=True)
    # Of the stored (re-encoded) file: sending the same evidence again changes nothing.
    appeal_evidence_sha256 = models.CharField(max_length=64, blank=True)
    appealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appealed_at = models.DateTimeField(null=True, blank=True)
    appeal_outcome = models.CharField(max_length=10, choices=AppealOutcome.choices, blank=True)
    appeal_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    appeal_decided_at = models.DateTimeField(null=True, blank=True)
    appeal_reason = models.TextField(_("申诉处理理由"), blank=True)

    class Meta:
        verbose_name = _("举报案件")
        verbose_name_plural = _("举报案件")
        ordering = ["opened_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_id"],
                condition=models.Q(status="open"),
                name="safety_one_open_case_per_thing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.target_id}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN

    @property
    def appeal_pending(self) -> bool:
        return self.appealed_at is not None and not self.appeal_outcome

    @property
    def appealable(self) -> bool:
        return (
            self.status == self.Status.DECIDED
            and self.action != Action.DISMISS
            and self.appealed_at is None
        )


def _screenshot_path(instance: Report, filename: str) -> str:
    ext = "jpg" if instance.screenshot_type == "image/jpeg" else "png"
    return f"safety/reports/{instance.case_id}/{instance.screenshot_sha256[:16]}.{ext}"


class Report(models.Model):
    class Source(models.TextChoices):
        SEEKER = "seeker", _("用户举报")
        CHECKIN = "checkin", _("入职回访：与招聘时说的不一样")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="safety_reports"
    )
    category = models.CharField(_("举报类型"), max_length=15, choices=Category.choices)
    text = models.TextField(_("补充说明"), blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.SEEKER)
    # The reported thing as it was at that moment: its text and version.
    snapshot_text = models.TextField(_("被举报内容"))
    snapshot_version = models.CharField(max_length=64)
    screenshot = models.FileField(
        storage=private_storage, upload_to=_screenshot_path, max_length=200, blank=True
    )
    screenshot_type = models.CharField(max_length=20, blank=True)
    screenshot_sha256 = models.CharField(max_length=64, blank=True)
    idempotency_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("举报时间"), default=timezone.now)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "reporter"], name="safety_report_once"),
            models.UniqueConstraint(
                fields=["reporter", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="safety_report_idempotency_key",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_category_display()}"


class Decision(models.Model):
    """Every moderator's decision, with who, why and when: the record of a case."""

    class Step(models.TextChoices):
        DECISION = "decision", _("处理")
        APPEAL = "appeal", _("申诉")
        APPEAL_DECISION = "appeal_decision", _("申诉处理")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    step = models.CharField(max_length=20, choices=Step.choices)
    # An Action for a decision, an AppealOutcome for an appeal's.
    outcome = models.CharField(max_length=15, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    reason = models.TextField(blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.step} {self.outcome}"

    @property
    def outcome_label(self) -> str:
        if self.outcome in Action.values:
            return str(Action(self.outcome).label)
        if self.outcome in Case.AppealOutcome.values:
            return str(Case.AppealOutcome(self.outcome).label)
        return ""


class SuspensionListing(models.Model):
    """A suspended organisation on the list moderators and bureaus see; lifted when an
    appeal against the suspension is upheld. Registering again with the same USCC or HR
    licence number is flagged on the review page."""

    # The list outlives the organisation's row: registering again after it was deleted, with
    # the same USCC, is still flagged.
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        on_delete=models.SET_NULL,
        related_name="suspension_listings",
    )
    case = models.ForeignKey(Case, null=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(max_length=100)
    uscc = models.CharField(max_length=18, db_index=True)
    hr_licence_number = models.CharField(max_length=50, blank=True, db_index=True)
    reason = models.TextField()
    listed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    listed_at = models.DateTimeField(default=timezone.now)
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-listed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} {self.uscc}"


class SuspendedDocument(models.Model):
    """The fingerprint (sha256 of the stored file) of a licence a suspended organisation had
    uploaded: the same file uploaded by another organisation is flagged on the review page,
    whatever name and USCC it registers under."""

    listing = models.ForeignKey(
        SuspensionListing, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64, db_index=True)

    def __str__(self) -> str:
        return f"{self.kind} {self.sha256[:16]}"
