from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation, private_storage
from daigang.accounts.uscc import validate_uscc


class WageUnit(models.TextChoices):
    HOUR = "hour", _("元/小时")
    DAY = "day", _("元/天")
    MONTH = "month", _("元/月")
    PIECE = "piece", _("元/件")


class PaySchedule(models.TextChoices):
    MONTHLY = "monthly", _("月结")
    HALF_MONTHLY = "half_monthly", _("半月结")
    WEEKLY = "weekly", _("周结")
    DAILY = "daily", _("日结")
    ON_COMPLETION = "on_completion", _("完工结")


class Shift(models.TextChoices):
    DAY_ONLY = "day_only", _("长白班")
    TWO_SHIFTS = "two_shifts", _("两班倒")
    THREE_SHIFTS = "three_shifts", _("三班倒")
    NIGHT = "night", _("长夜班")
    FLEXIBLE = "flexible", _("弹性排班")


class Board(models.TextChoices):
    ROOM_AND_BOARD = "room_and_board", _("包吃住")
    LODGING = "lodging", _("包住")
    MEALS = "meals", _("包吃")
    MEAL_ALLOWANCE = "meal_allowance", _("餐补")
    NONE = "none", _("不提供")


class Arrangement(models.TextChoices):
    """How a labour agency (人力资源服务机构) fills a job for the employer it names."""

    DISPATCH = "dispatch", _("劳务派遣")
    PLACEMENT = "placement", _("职业中介")


class Job(models.Model):
    """A job post. Wages are integer fen (分) with a unit, never floats."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("招聘中")
        CLOSED = "closed", _("已关闭")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="jobs")
    title = models.CharField(_("岗位名称"), max_length=60)
    kind_of_work = models.CharField(_("工种"), max_length=30)
    headcount = models.PositiveIntegerField(_("招聘人数"))
    wage_min_fen = models.PositiveIntegerField(_("最低工价（分）"))
    wage_max_fen = models.PositiveIntegerField(_("最高工价（分）"))
    wage_unit = models.CharField(_("工价单位"), max_length=10, choices=WageUnit.choices)
    pay_schedule = models.CharField(_("结算方式"), max_length=20, choices=PaySchedule.choices)
    shift = models.CharField(_("班次"), max_length=20, choices=Shift.choices)
    board = models.CharField(_("食宿"), max_length=20, choices=Board.choices)
    couple_rooms = models.BooleanField(_("夫妻间"), default=False)
    assembly_line = models.BooleanField(_("流水线"), default=False)
    age_min = models.PositiveSmallIntegerField(_("最低年龄"), default=18)
    age_max = models.PositiveSmallIntegerField(_("最高年龄"), default=50)
    # Where the job is: a county, or a city with no county chosen (东莞 has none), by its
    # GB/T 2260 code. Filters by a region find everything below it by code prefix. Empty only
    # for jobs saved before regions whose place names matched no region.
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("地区"),
    )
    # The region's names as a person reads them (regions.selectors.region_place), kept on the
    # row for cards, search text and contracts: 广东省 / 东莞市 / "" or 北京市 / 北京市 / 朝阳区.
    province = models.CharField(_("省"), max_length=20)
    city = models.CharField(_("市"), max_length=20, db_index=True)
    district = models.CharField(_("区县"), max_length=20, blank=True)
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    benefits = models.JSONField(_("福利"), default=list, blank=True)
    # The 2026 notice asks for both on every posting. Jobs from before the split kept their one
    # description as their duties (migration complete_postings) and have no requirements until edited.
    requirements = models.TextField(_("任职要求"), blank=True)
    duties = models.TextField(_("工作内容"))
    # An agency's job names the employer (用工单位) it recruits for and how: dispatch or placement.
    # Empty for a company's own jobs.
    employer_name = models.CharField(_("用工单位"), max_length=100, blank=True)
    employer_uscc = models.CharField(
        _("用工单位统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc]
    )
    arrangement = models.CharField(
        _("用工方式"), max_length=10, choices=Arrangement.choices, blank=True
    )
    valid_until = models.DateField(_("有效期至"))
    is_flexible = models.BooleanField(_("零工/灵活用工"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    # Space-separated jieba tokens of title, kind of work, place, benefits, duties
    # and requirements.
    search_text = models.TextField(editable=False, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Taken down by a moderator after reports (daigang.safety): hidden from every list, page
    # and apply until an upheld appeal puts it back.
    taken_down_at = models.DateTimeField(_("下架时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("岗位")
        verbose_name_plural = _("岗位")
        ordering = ["-published_at", "-created_at"]
        indexes = [models.Index(fields=["status", "valid_until"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(wage_min_fen__lte=models.F("wage_max_fen")),
                name="job_wage_min_le_max",
            ),
            models.CheckConstraint(
                condition=models.Q(age_min__lte=models.F("age_max")),
                name="job_age_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today: dt.date | None = None) -> bool:
        """Published and not past its date: a job past valid_until is closed for everyone."""
        today = today or timezone.localdate()
        return (
            self.status == self.Status.PUBLISHED
            and self.valid_until >= today
            and self.taken_down_at is None
        )

    @property
    def is_dispatch(self) -> bool:
        return self.arrangement == Arrangement.DISPATCH


def _video_file_path(instance: Video, filename: str) -> str:
    return f"job-videos/{instance.organisation_id}/{filename}"


class Video(models.Model):
    """A short introduction video (≤ 60 s): the organisation's own (job empty, one per
    organisation) or one job's. Checked by content on upload (daigang.core.video), transcoded
    by `manage.py transcode_videos` (the job timer) to a 480p H.264 MP4 and a poster; the
    original is deleted then. Shown on job cards, the organisation's page and the 刷岗位 feed."""

    class State(models.TextChoices):
        PROCESSING = "processing", _("处理中")
        READY = "ready", _("已就绪")
        FAILED = "failed", _("失败")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="videos")
    job = models.OneToOneField(
        Job, null=True, blank=True, on_delete=models.CASCADE, related_name="video"
    )
    title = models.CharField(_("视频标题"), max_length=40)
    description = models.CharField(_("视频简介"), max_length=200, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.PROCESSING)
    error = models.CharField(max_length=200, blank=True)
    # The file as uploaded, until transcode_videos has made the MP4 (then it is deleted).
    original = models.FileField(
        storage=private_storage, upload_to=_video_file_path, max_length=200, blank=True
    )
    mp4 = models.FileField(
        storage=private_storage, upload_to=_video_file_path, max_length=200, blank=True
    )
    poster = models.FileField(
        storage=private_storage, upload_to=_video_file_path, max_length=200, blank=True
    )
    # Version of the upload (its SHA-256's head): in the URLs, so caches never serve an old one.
    sha = models.CharField(max_length=16)
    duration_ms = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("介绍视频")
        verbose_name_plural = _("介绍视频")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(job__isnull=True),
                name="video_one_company_video",
            )
        ]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self) -> str:
        return self.title

    def is_ready(self) -> bool:
        return self.state == self.State.READY


class CardCount(models.Model):
    """A job card's numbers for one day: shown (impressions), its video played, opened.
    `with_video`: whether the job had a ready video when counted (a job that gains one mid-day
    has two rows). Written by one UPDATE … SET n = n + k per beacon (jobs.counts)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="card_counts")
    day = models.DateField()
    with_video = models.BooleanField(default=False)
    impressions = models.PositiveIntegerField(default=0)
    plays = models.PositiveIntegerField(default=0)
    opens = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "day", "with_video"], name="card_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.job_id} {self.day} ({self.impressions}/{self.plays}/{self.opens})"
