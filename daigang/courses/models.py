"""Free skills courses (技能课程) published by a bureau: lessons in order, each seeker's
enrolment and progress, and the completion certificate (结业证书) with its hashed PDF."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation, private_storage


class Course(models.Model):
    """A course is free of charge: it has no price, and its texts go through the fee rules
    (daigang.rules) so nothing in it asks a seeker for money or offers a loan."""

    class Category(models.TextChoices):
        PUBLIC = "public", _("公共课")
        PROFESSIONAL = "professional", _("专业课")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")

    bureau = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="courses", verbose_name=_("发布机构")
    )
    # A training organisation's course, published under the bureau (above) that approved it;
    # empty for the bureau's own courses.
    provider = models.ForeignKey(
        "CourseProvider",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="courses",
        verbose_name=_("培训机构"),
    )
    title = models.CharField(_("课程名称"), max_length=80)
    category = models.CharField(_("类别"), max_length=20, choices=Category.choices)
    # 工种 (电工, 叉车, 育婴, 电商直播…): free words, as on a seeker's profile and a job.
    kind_of_work = models.CharField(_("工种"), max_length=30, blank=True)
    description = models.TextField(_("课程简介"), blank=True)
    status = models.CharField(
        _("状态"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")
        indexes = [models.Index(fields=["status", "category"])]

    def __str__(self) -> str:
        return self.title

    def is_public(self) -> bool:
        return self.status == self.Status.PUBLISHED


class CourseProvider(models.Model):
    """A training organisation (Organisation.Kind.TRAINING) approved by a bureau to publish
    free courses under it. Asked for by the organisation, decided by the bureau's staff; every
    step is a CourseProviderChange (who, when, reason)."""

    class State(models.TextChoices):
        REQUESTED = "requested", _("待审核")
        APPROVED = "approved", _("已批准")
        REFUSED = "refused", _("未通过")
        REVOKED = "revoked", _("已撤销")

    bureau = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="course_providers"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="course_approvals"
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.REQUESTED
    )
    note = models.TextField(_("申请说明"), blank=True)
    reason = models.TextField(_("原因"), blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("培训机构")
        verbose_name_plural = _("培训机构")
        constraints = [
            models.UniqueConstraint(
                fields=["bureau", "organisation"], name="course_provider_once_per_bureau"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} @ {self.bureau_id}: {self.state}"

    @property
    def is_approved(self) -> bool:
        return self.state == self.State.APPROVED


class CourseProviderChange(models.Model):
    """One step of a provider's approval: requested, approved, refused, revoked."""

    provider = models.ForeignKey(CourseProvider, on_delete=models.CASCADE, related_name="changes")
    to_state = models.CharField(max_length=10, choices=CourseProvider.State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.provider_id} → {self.to_state}"


def _lesson_file_path(instance: Lesson, filename: str) -> str:
    return f"course-lessons/{instance.course_id}/{filename}"


class Lesson(models.Model):
    class Kind(models.TextChoices):
        VIDEO = "video", _("视频")
        TEXT = "text", _("图文")
        LIVE = "live", _("直播（结束后可看回放）")

    class VideoState(models.TextChoices):
        NONE = "", _("无视频")
        PROCESSING = "processing", _("处理中")
        READY = "ready", _("已就绪")
        FAILED = "failed", _("失败")

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="lessons")
    order = models.PositiveIntegerField(_("顺序"), default=0)
    title = models.CharField(_("课时名称"), max_length=80)
    kind = models.CharField(_("类型"), max_length=10, choices=Kind.choices)
    body = models.TextField(_("正文"), blank=True)
    # A live lesson's room: its page links to the room until it ends, then plays the room's
    # replay (daigang.courses.selectors.lesson_live); not playable while the replay is not.
    room = models.ForeignKey(
        "live.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    video_state = models.CharField(
        max_length=20, choices=VideoState.choices, default=VideoState.NONE, blank=True
    )
    video_error = models.CharField(max_length=200, blank=True)
    # The file as uploaded, until `manage.py transcode_lessons` has made the 480p MP4 (then
    # it is deleted).
    original = models.FileField(
        storage=private_storage, upload_to=_lesson_file_path, max_length=200, blank=True
    )
    video = models.FileField(
        storage=private_storage, upload_to=_lesson_file_path, max_length=200, blank=True
    )
    poster = models.FileField(
        storage=private_storage, upload_to=_lesson_file_path, max_length=200, blank=True
    )
    # Version of the video (its SHA-256's head): in its URL, so caches never serve an old one.
    video_sha = models.CharField(max_length=16, blank=True)
    duration_ms = models.PositiveIntegerField(_("时长（毫秒）"), default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("课时")
        verbose_name_plural = _("课时")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.title

    def is_watchable(self) -> bool:
        if self.kind == self.Kind.TEXT:
            return True
        return self.video_state == self.VideoState.READY


class Enrolment(models.Model):
    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="enrolments")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    enrolled_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("报名学习")
        verbose_name_plural = _("报名学习")
        constraints = [
            models.UniqueConstraint(fields=["course", "user"], name="enrolment_once_per_course")
        ]

    def __str__(self) -> str:
        return f"{self.course_id}/{self.user_id}"


class LessonProgress(models.Model):
    """Where a seeker is in one lesson, written by the player's beacon (any device)."""

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="progress")
    lesson = models.ForeignKey(Lesson, on_delete=models.CASCADE, related_name="progress")
    position_ms = models.PositiveIntegerField(default=0)
    furthest_ms = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "lesson"], name="progress_once_per_lesson")
        ]

    def __str__(self) -> str:
        return f"{self.enrolment_id}/{self.lesson_id}"


def _certificate_path(instance: Certificate, filename: str) -> str:
    return f"course-certificates/{instance.number}.pdf"


class Certificate(models.Model):
    """The completion certificate (结业证书): issued once, when every lesson is done. Its facts
    are copied at issue time, so the PDF and the verification page stay as they were."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.CASCADE, related_name="certificate"
    )
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    holder_name = models.CharField(_("姓名"), max_length=50)
    holder_phone = models.CharField(max_length=20)
    course_title = models.CharField(_("课程"), max_length=80)
    kind_of_work = models.CharField(_("工种"), max_length=30, blank=True)
    bureau_name = models.CharField(_("发证机构"), max_length=100)
    bureau_uscc = models.CharField(max_length=18, blank=True)
    # The training organisation that provided the course (empty: the bureau's own course).
    provider_name = models.CharField(_("培训机构"), max_length=100, blank=True)
    provider_uscc = models.CharField(max_length=18, blank=True)
    lessons = models.PositiveIntegerField(default=0)
    issued_at = models.DateTimeField(_("发证时间"), default=timezone.now)
    content_sha256 = models.CharField(max_length=64)
    pdf = models.FileField(storage=private_storage, upload_to=_certificate_path, max_length=200)
    pdf_sha256 = models.CharField(max_length=64, db_index=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")

    def __str__(self) -> str:
        return self.number

    def is_valid(self) -> bool:
        return self.revoked_at is None


class CertificateAttachment(models.Model):
    """A seeker attached a certificate to one of their applications, with consent: the
    organisation sees it with the application while the seeker's consent lasts."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="attachments"
    )
    application = models.ForeignKey(
        "hiring.Application", on_delete=models.CASCADE, related_name="+"
    )
    attached_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["certificate", "application"], name="certificate_attached_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.certificate_id} → {self.application_id}"
