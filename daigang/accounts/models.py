from __future__ import annotations

import datetime as dt
import os
from typing import ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.uscc import validate_uscc
from daigang.core.phones import phone_mask

VERIFICATION_VALID_FOR = dt.timedelta(days=183)  # "lapses after 6 months"
# A verified organisation may ask for renewal this long before it lapses. Earlier would take
# it off the air for nothing: a renewal request puts it back to pending.
RENEWAL_WINDOW = dt.timedelta(days=30)
PHONE_CODE_VALID_FOR = dt.timedelta(minutes=5)
PHONE_CODE_MAX_ATTEMPTS = 5


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: object) -> User:
        user = self.model(phone=phone, **extra)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: object) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(phone, password, **extra)


# A deleted account (daigang.privacy) keeps its row for the records the law requires, with its
# phone replaced by this prefix and its id: not a mobile number, so the number is free to
# register again, and unique as the column requires.
DELETED_PHONE_PREFIX = "x"
# The name a deleted account's kept records carry (stored data, not UI text).
DELETED_USER_NAME = "已注销用户"


class User(AbstractBaseUser, PermissionsMixin):
    """Everyone logs in with a mainland mobile number. Moderators are Django staff."""

    phone = models.CharField(_("手机号"), max_length=11, unique=True)
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    is_staff = models.BooleanField(_("审核员"), default=False)
    is_active = models.BooleanField(_("有效"), default=True)
    date_joined = models.DateTimeField(_("注册时间"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return f"{self.name or _('用户')} {self.masked_phone}"

    @property
    def masked_phone(self) -> str:
        return phone_mask(self.phone)

    @property
    def is_deleted(self) -> bool:
        """The account was deleted by its owner: anonymised, cannot log in."""
        return self.phone.startswith(DELETED_PHONE_PREFIX)

    @property
    def is_moderator(self) -> bool:
        return self.is_active and self.is_staff


class PhoneCode(models.Model):
    """One SMS code sent to one number. Only a salted hash of the code is stored."""

    phone = models.CharField(max_length=11, db_index=True)
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)
    # A keyed hash of the session that asked (daigang.accounts.clients): only that session may
    # use the code, so a stranger's guesses cannot spend its tries.
    session_hash = models.CharField(max_length=64, default="", blank=True)
    # A keyed hash of the client address, to count a number's codes per address.
    address_hash = models.CharField(max_length=64, default="", blank=True)
    # Asked for by a known device of the number (PhoneDevice): counted apart from strangers'.
    known_device = models.BooleanField(default=False)

    class Meta:
        indexes = [
            models.Index(fields=["phone", "created_at"]),
            models.Index(fields=["phone", "session_hash", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"{phone_mask(self.phone)} {self.created_at:%Y-%m-%d %H:%M}"

    def is_expired(self, now: dt.datetime) -> bool:
        return now >= self.expires_at

    @property
    def attempts_left(self) -> int:
        return max(0, PHONE_CODE_MAX_ATTEMPTS - self.attempts)


class PhoneDevice(models.Model):
    """A browser that has logged in with this number (a keyed hash of its device cookie)."""

    phone = models.CharField(max_length=11)
    device_hash = models.CharField(max_length=64)
    last_login_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["phone", "device_hash"], name="phone_device_once")
        ]

    def __str__(self) -> str:
        return phone_mask(self.phone)


class PhoneCodeLock(models.Model):
    """One row per number, locked while deciding whether another code may be sent.

    Two concurrent requests for the same number would otherwise both see "no code in the last
    60 s" and both send one (PostgreSQL runs them side by side; SQLite queues them anyway).
    """

    phone = models.CharField(max_length=11, unique=True)

    def __str__(self) -> str:
        return phone_mask(self.phone)


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMPANY = "company", _("企业")
        AGENCY = "agency", _("劳务派遣·人力资源服务机构")
        # 人社局 / 公共就业服务中心: runs job fairs, bound to one region (region below).
        BUREAU = "bureau", _("公共就业服务机构")
        # 职业培训机构 (培训学校): may publish free courses under a bureau that approves it
        # (daigang.courses.CourseProvider).
        TRAINING = "training", _("职业培训机构")

    class Status(models.TextChoices):
        PENDING = "pending", _("待审核")
        VERIFIED = "verified", _("已认证")
        REJECTED = "rejected", _("未通过")

    name = models.CharField(_("单位名称"), max_length=100)
    kind = models.CharField(_("单位类型"), max_length=10, choices=Kind.choices)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, unique=True, validators=[validate_uscc]
    )
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    address = models.CharField(_("地址"), max_length=200)
    # Where the organisation is (a county or a city, GB/T 2260 code); empty until it says.
    region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("所在地区"),
    )
    description = models.TextField(_("单位简介"), blank=True)
    status = models.CharField(
        _("认证状态"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    verified_at = models.DateTimeField(_("认证时间"), null=True, blank=True)
    verified_until = models.DateTimeField(_("认证有效期至"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    rejection_reason = models.TextField(_("驳回原因"), blank=True)
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now)
    # When it last went (back) to pending: moderators review the oldest submission first.
    submitted_at = models.DateTimeField(_("提交审核时间"), default=timezone.now, db_index=True)

    # A labour agency's 人力资源服务许可证: what the moderator checks against the uploaded copy
    # (OrganisationDocument.Kind.HR_SERVICE_LICENCE). Empty for companies.
    hr_licence_number = models.CharField(_("人力资源服务许可证编号"), max_length=50, blank=True)
    hr_licence_issuer = models.CharField(_("许可证发证机关"), max_length=100, blank=True)
    hr_licence_expires_on = models.DateField(_("许可证有效期至"), null=True, blank=True)

    # Suspended by a moderator after reports (daigang.safety): hidden with all its jobs and
    # rooms (verified_q / is_verified say so) until an upheld appeal lifts it.
    suspended_at = models.DateTimeField(_("暂停时间"), null=True, blank=True)
    suspension_reason = models.TextField(_("暂停原因"), blank=True)

    members: models.ManyToManyField[User, Membership] = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations"
    )

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name

    @staticmethod
    def verified_q(now: dt.datetime, prefix: str = "") -> models.Q:
        """is_verified() as a query, for lists: `prefix` is the path to the organisation
        ("organisation__" from a job or a room). The one place both are defined."""
        today = timezone.localdate(now)
        return models.Q(
            **{
                f"{prefix}status": Organisation.Status.VERIFIED,
                f"{prefix}verified_until__gt": now,
                f"{prefix}suspended_at__isnull": True,
            }
        ) & (
            ~models.Q(**{f"{prefix}kind": Organisation.Kind.AGENCY})
            | models.Q(**{f"{prefix}hr_licence_expires_on__gte": today})
        )

    def is_verified(self, now: dt.datetime | None = None) -> bool:
        """Verified, not lapsed, and for an agency with its HR service licence in force: only
        such organisations may publish jobs or go live, and only their jobs and rooms are
        listed (verified_q is the same rule as a query). A suspended organisation is not."""
        now = now or timezone.now()
        return (
            self.suspended_at is None
            and self.status == self.Status.VERIFIED
            and self.verified_until is not None
            and self.verified_until > now
            and not self.licence_expired(now)
        )

    def licence_expired(self, now: dt.datetime | None = None) -> bool:
        """An agency whose HR service licence is past its date (or was never recorded)."""
        if self.kind != self.Kind.AGENCY:
            return False
        today = timezone.localdate(now or timezone.now())
        return self.hr_licence_expires_on is None or self.hr_licence_expires_on < today

    def is_lapsed(self, now: dt.datetime | None = None) -> bool:
        """Was verified, but the six months are over or the agency's licence expired: must be
        renewed."""
        now = now or timezone.now()
        return (
            self.status == self.Status.VERIFIED
            and self.verified_until is not None
            and (self.verified_until <= now or self.licence_expired(now))
        )

    def renewal_open(self, now: dt.datetime | None = None) -> bool:
        """May the owner ask for (re)verification now? Also when the agency's licence ends
        within RENEWAL_WINDOW, so the new licence can be checked before the old one ends."""
        now = now or timezone.now()
        if self.status == self.Status.REJECTED:
            return True
        if self.status == self.Status.VERIFIED:
            if self.verified_until is None or self.verified_until - now <= RENEWAL_WINDOW:
                return True
            if self.kind == self.Kind.AGENCY:
                today = timezone.localdate(now)
                return (
                    self.hr_licence_expires_on is None
                    or self.hr_licence_expires_on - today <= RENEWAL_WINDOW
                )
        return False

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None

    def status_label(self, now: dt.datetime | None = None) -> str:
        """The status as people read it: a lapsed verification is not "verified"."""
        if self.suspended_at is not None:
            return str(_("已暂停（违规）"))
        if self.status == self.Status.VERIFIED and self.licence_expired(now):
            return str(_("人力资源服务许可证已过期"))
        if self.is_lapsed(now):
            return str(_("认证已过期"))
        return str(self.get_status_display())

    def ends(self) -> dict[str, dt.date]:
        """What will end, by VerificationReminder.Subject: the verification, and an agency's
        HR service licence (reminders and the page's notice are about these dates)."""
        ends: dict[str, dt.date] = {}
        if self.verified_until is not None:
            ends[VerificationReminder.Subject.VERIFICATION] = timezone.localdate(
                self.verified_until
            )
        if self.kind == self.Kind.AGENCY and self.hr_licence_expires_on is not None:
            ends[VerificationReminder.Subject.LICENCE] = self.hr_licence_expires_on
        return ends

    @property
    def is_agency(self) -> bool:
        return self.kind == self.Kind.AGENCY


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("管理员")
        HR = "hr", _("招聘专员")
        ANCHOR = "anchor", _("主播")
        # A bureau's own roles (roles.py says what each may do).
        OPERATOR = "operator", _("招聘会运营")
        MATCHMAKER = "matchmaker", _("就业服务专员")
        VIEWER = "viewer", _("数据查看")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="unique_membership")
        ]

    def __str__(self) -> str:
        return f"{self.user} @ {self.organisation} ({self.get_role_display()})"


class PrivateStorage(FileSystemStorage):
    """Uploads kept outside MEDIA_ROOT and STATIC_ROOT; no URL serves them directly.

    The location is read from settings on every use so tests can point it elsewhere.
    """

    def __init__(self) -> None:
        super().__init__(base_url=None)

    @property  # type: ignore[override]
    def base_location(self) -> str:
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property  # type: ignore[override]
    def location(self) -> str:
        return os.path.abspath(self.base_location)

    def url(self, name: str | None) -> str:
        # Without this the files would get MEDIA_URL links; they are served only by the
        # access-checked view accounts:document_file.
        raise ValueError("private files have no public URL; link to accounts:document_file")


private_storage = PrivateStorage()


def _document_path(instance: OrganisationDocument, filename: str) -> str:
    ext = {"image/jpeg": "jpg", "image/png": "png", "application/pdf": "pdf"}.get(
        instance.content_type, "bin"
    )
    return f"org-docs/{instance.organisation_id}/{instance.kind}-{instance.sha256[:16]}.{ext}"


def _preview_path(instance: OrganisationDocument, filename: str) -> str:
    return f"org-docs/{instance.organisation_id}/{instance.kind}-{instance.sha256[:16]}-page1.png"


class OrganisationDocument(models.Model):
    class Kind(models.TextChoices):
        BUSINESS_LICENCE = "business_licence", _("营业执照")
        HR_SERVICE_LICENCE = "hr_service_licence", _("人力资源服务许可证")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("证件类型"), max_length=20, choices=Kind.choices)
    file = models.FileField(storage=private_storage, upload_to=_document_path, max_length=200)
    # A PDF's first page as PNG, made on upload: the reviewer looks at this, not at the PDF.
    preview = models.FileField(
        storage=private_storage, upload_to=_preview_path, max_length=200, blank=True
    )
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("证件")
        verbose_name_plural = _("证件")
        ordering = ["kind", "-uploaded_at"]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.get_kind_display()}"


class VerificationReminder(models.Model):
    """One reminder sent to an organisation's owners before its verification or its HR service
    licence ends. The unique row makes the daily command send each reminder once: a renewal
    moves the date, and the new date gets its own reminders."""

    class Subject(models.TextChoices):
        VERIFICATION = "verification", _("认证")
        LICENCE = "licence", _("人力资源服务许可证")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="verification_reminders"
    )
    subject = models.CharField(max_length=12, choices=Subject.choices)
    ends_on = models.DateField()
    days_before = models.PositiveSmallIntegerField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "subject", "ends_on", "days_before"],
                name="unique_verification_reminder",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.subject} {self.ends_on} -{self.days_before}d"


class SeekerProfile(models.Model):
    """What a seeker says about themselves (求职资料): never required to apply.

    The seeker shares it one application at a time (hiring: "附上我的求职资料", with consent) and
    with a matchmaker they let follow them (matchmaking); nobody else reads it.
    """

    class Need(models.TextChoices):
        BOARD = "board", _("包吃住")
        COUPLE_ROOMS = "couple_rooms", _("夫妻间")
        DAY_SHIFT = "day_shift", _("长白班")
        NO_CLEANROOM = "no_cleanroom", _("不穿无尘服")
        SITTING = "sitting", _("坐着干活")
        WEEKLY_PAY = "weekly_pay", _("周结或日结")

    # The same values as daigang.fairs.models.TargetGroup (which sits above accounts and
    # cannot be imported here), without its "综合".
    class TargetGroup(models.TextChoices):
        GRADUATES = "graduates", _("高校毕业生")
        MIGRANT_WORKERS = "migrant_workers", _("农民工")
        VETERANS = "veterans", _("退役军人")
        DISABLED = "disabled", _("残疾人")
        LIFTED_FROM_POVERTY = "lifted", _("脱贫劳动力")
        DIFFICULTIES = "difficulties", _("就业困难人员")
        WOMEN = "women", _("妇女")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="seeker_profile",
    )
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    # A county (or a city without counties), GB/T 2260, picked province → city → district.
    home_region = models.ForeignKey(
        "regions.Region",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("家乡"),
    )
    current_city = models.CharField(_("现在所在城市"), max_length=50, blank=True)
    work_kinds = models.JSONField(_("想做的工种"), default=list, blank=True)
    # Yuan per month, the least the seeker would take; empty: not said.
    wage_wanted = models.PositiveIntegerField(_("期望月薪（元）"), null=True, blank=True)
    needs = models.JSONField(_("需求"), default=list, blank=True)
    target_groups = models.JSONField(_("人员类别"), default=list, blank=True)
    certificates = models.JSONField(_("证书"), default=list, blank=True)
    work_history = models.TextField(_("工作经历"), blank=True)
    updated_at = models.DateTimeField(_("更新时间"), default=timezone.now)

    class Meta:
        verbose_name = _("求职资料")
        verbose_name_plural = _("求职资料")

    def __str__(self) -> str:
        return f"{self.name or _('求职者')} ({self.user_id})"

    def is_empty(self) -> bool:
        return not (
            self.name
            or self.birth_year
            or self.home_region_id
            or self.current_city
            or self.work_kinds
            or self.wage_wanted
            or self.needs
            or self.target_groups
            or self.certificates
            or self.work_history
        )

    def need_labels(self) -> list[str]:
        labels = dict(self.Need.choices)
        return [str(labels[value]) for value in self.needs if value in labels]

    def target_group_labels(self) -> list[str]:
        labels = dict(self.TargetGroup.choices)
        return [str(labels[value]) for value in self.target_groups if value in labels]
