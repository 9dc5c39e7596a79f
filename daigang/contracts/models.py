"""Offers, e-contracts with their signatures, onboarding and the day-7/day-30 check-ins.

Each offer and contract keeps a snapshot of what was agreed (copied, not linked): a job edited
after the offer, or an organisation renamed after signing, must not change a signed text.
Wages are integer fen with a unit, never floats.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from daigang.accounts.models import Organisation, private_storage
from daigang.core.phones import phone_mask
from daigang.hiring.models import Application
from daigang.jobs.models import Board, PaySchedule, Shift, WageUnit
from daigang.jobs.wages import wage_display

TERM_MONTHS_MAX = 120
CHECKIN_DAYS = (7, 30)


class ContractKind(models.TextChoices):
    EMPLOYMENT = "employment", _("劳动合同")
    DISPATCH = "dispatch", _("劳务派遣协议")


def contract_kind_for(organisation: Organisation) -> str:
    """A labour agency signs a dispatch agreement with the worker; a company, a contract."""
    if organisation.kind == Organisation.Kind.AGENCY:
        return ContractKind.DISPATCH
    return ContractKind.EMPLOYMENT


class Offer(models.Model):
    """录用通知: the terms an organisation offers one applicant, as sent (a snapshot).

    At most one offer per application is open (sent or accepted) at a time; after a decline
    the organisation may send a revised one.
    """

    class Status(models.TextChoices):
        SENT = "sent", _("待答复")
        ACCEPTED = "accepted", _("已接受")
        DECLINED = "declined", _("已拒绝")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="offers")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="offers")
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offers"
    )
    job_title = models.CharField(_("岗位名称"), max_length=60)
    kind_of_work = models.CharField(_("工种"), max_length=30, blank=True)
    wage_min_fen = models.PositiveIntegerField(_("最低工价（分）"))
    wage_max_fen = models.PositiveIntegerField(_("最高工价（分）"))
    wage_unit = models.CharField(_("工价单位"), max_length=10, choices=WageUnit.choices)
    pay_schedule = models.CharField(_("结算方式"), max_length=20, choices=PaySchedule.choices)
    shift = models.CharField(_("班次"), max_length=20, choices=Shift.choices)
    board = models.CharField(_("食宿"), max_length=20, choices=Board.choices)
    couple_rooms = models.BooleanField(_("夫妻间"), default=False)
    province = models.CharField(_("省"), max_length=20)
    city = models.CharField(_("市"), max_length=20)
    district = models.CharField(_("区县"), max_length=20, blank=True)
    address = models.CharField(_("详细地址"), max_length=200, blank=True)
    start_date = models.DateField(_("到岗日期"))
    term_months = models.PositiveSmallIntegerField(_("合同期限（月）"), default=12)
    # The client company a labour agency dispatches the worker to (用工单位), if known.
    client_name = models.CharField(_("用工单位"), max_length=100, blank=True)
    note = models.TextField(_("其他约定"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.SENT)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("发送时间"), default=timezone.now)
    responded_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decline_reason = models.TextField(_("拒绝原因"), blank=True)

    class Meta:
        verbose_name = _("录用通知")
        verbose_name_plural = _("录用通知")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["sent", "accepted"]),
                name="offer_one_open_per_application",
            ),
            models.CheckConstraint(
                condition=Q(wage_min_fen__lte=models.F("wage_max_fen")),
                name="offer_wage_min_le_max",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.job_title} → {self.application_id} ({self.get_status_display()})"

    @property
    def wage_text(self) -> str:
        return wage_display(
            min_fen=self.wage_min_fen, max_fen=self.wage_max_fen, unit=self.wage_unit
        )

    @property
    def place_text(self) -> str:
        return "".join(
            part for part in (self.province, self.city, self.district, self.address) if part
        )

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.SENT


class ContractTemplate(models.Model):
    """An organisation's own text for one kind of contract, with {{ 占位符 }} placeholders.

    Without one, the built-in default text of daigang.contracts.placeholders is used.
    """

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contract_templates"
    )
    kind = models.CharField(_("合同类型"), max_length=20, choices=ContractKind.choices)
    title = models.CharField(_("合同标题"), max_length=60)
    body = models.TextField(_("合同正文"))
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("合同模板")
        verbose_name_plural = _("合同模板")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"], name="contract_template_once_per_kind"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.title}"


def _contract_pdf_path(instance: Contract, filename: str) -> str:
    return f"contracts/{instance.organisation_id}/{instance.pk}-{instance.pdf_sha256[:16]}.pdf"


class Contract(models.Model):
    """The contract generated from an accepted offer; the text is frozen when generated.

    When both parties have signed, `content_sha256` is the SHA-256 of the canonical JSON of
    the text and the signature records (daigang.contracts.fingerprint), printed in the PDF;
    `pdf_sha256` is the SHA-256 of the PDF file itself, which the verification page compares.
    """

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("待签署")
        SIGNED = "signed", _("已签署")

    offer = models.OneToOneField(Offer, on_delete=models.PROTECT, related_name="contract")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="contracts")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="contracts"
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contracts"
    )
    kind = models.CharField(_("合同类型"), max_length=20, choices=ContractKind.choices)
    title = models.CharField(_("合同标题"), max_length=60)
    body = models.TextField(_("合同正文"))
    # The parties as they were when the contract was generated.
    organisation_name = models.CharField(_("单位名称"), max_length=100)
    organisation_uscc = models.CharField(_("统一社会信用代码"), max_length=18)
    seeker_name = models.CharField(_("劳动者姓名"), max_length=50)
    seeker_phone = models.CharField(_("劳动者手机号"), max_length=11)
    status = models.CharField(
        _("状态"), max_length=10, choices=Status.choices, default=Status.AWAITING
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    signed_at = models.DateTimeField(_("签署完成时间"), null=True, blank=True)
    content_sha256 = models.CharField(_("内容指纹"), max_length=64, blank=True)
    pdf = models.FileField(
        storage=private_storage, upload_to=_contract_pdf_path, max_length=200, blank=True
    )
    pdf_sha256 = models.CharField(_("PDF 指纹"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("合同")
        verbose_name_plural = _("合同")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pdf_sha256"], condition=~Q(pdf_sha256=""), name="contract_pdf_sha256"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """合同编号 as printed: DG-<yyyymmdd of generation>-<id>."""
        local = timezone.localtime(self.created_at)
        return f"DG-{local:%Y%m%d}-{self.pk:06d}"

    @property
    def is_signed(self) -> bool:
        return self.status == self.Status.SIGNED

    def shows_phone_to_organisation(self) -> bool:
        """Does the text the organisation reads carry the seeker's full number?

        Until both have signed, only while the seeker's consent lasts. A signed contract is
        the document both parties hold and perform: it stays as signed (PIPL art. 13(1)(2)),
        and its fingerprint covers the number.
        """
        return self.is_signed or self.application.consent_active

    def body_for_organisation(self) -> str:
        """The text as the organisation's pages show it: the number masked when it may not
        be shown (shows_phone_to_organisation)."""
        if self.shows_phone_to_organisation() or not self.seeker_phone:
            return self.body
        return self.body.replace(self.seeker_phone, phone_mask(self.seeker_phone))

    def party_label(self, party: str) -> str:
        """甲方/乙方 as this kind of contract calls them."""
        if party == Signature.Party.ORGANISATION:
            if self.kind == ContractKind.DISPATCH:
                return str(_("甲方（劳务派遣单位）"))
            return str(_("甲方（用人单位）"))
        if self.kind == ContractKind.DISPATCH:
            return str(_("乙方（被派遣劳动者）"))
        return str(_("乙方（劳动者）"))


class Signature(models.Model):
    """One party's signature: typed name, drawn image (or a tap), time and IP. Never edited."""

    class Party(models.TextChoices):
        ORGANISATION = "organisation", _("单位")
        SEEKER = "seeker", _("劳动者")

    class Method(models.TextChoices):
        DRAWN = "drawn", _("手写签名")
        TAPPED = "tapped", _("点击确认签署")

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="signatures")
    party = models.CharField(_("签署方"), max_length=20, choices=Party.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    typed_name = models.CharField(_("签署人姓名"), max_length=50)
    method = models.CharField(_("签署方式"), max_length=10, choices=Method.choices)
    # A normalised PNG (re-encoded on receipt; see daigang.contracts.signatures).
    image_png = models.BinaryField(_("签名图像"), blank=True, default=b"")
    image_sha256 = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP 地址"))
    user_agent = models.CharField(_("浏览器"), max_length=300, blank=True)
    signed_at = models.DateTimeField(_("签署时间"))

    class Meta:
        verbose_name = _("签名")
        verbose_name_plural = _("签名")
        ordering = ["signed_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["contract", "party"], name="signature_once_per_party")
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} {self.party} {self.typed_name}"


class Onboarding(models.Model):
    """入职: the organisation says the seeker started work on `started_on`."""

    application = models.OneToOneField(
        Application, on_delete=models.CASCADE, related_name="onboarding"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="onboardings"
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="onboardings"
    )
    started_on = models.DateField(_("入职日期"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("入职")
        verbose_name_plural = _("入职")

    def __str__(self) -> str:
        return f"{self.application_id} @ {self.started_on}"


class CheckIn(models.Model):
    """入职回访: on day 7 and day 30 the seeker says whether the job was as described.

    Only the aggregate reaches anyone else (the organisation's public "as described" score):
    no organisation sees who answered what.
    """

    class Answer(models.TextChoices):
        YES = "yes", _("是")
        PARTLY = "partly", _("部分是")
        NO = "no", _("否")

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="checkins")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="checkins"
    )
    seeker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="checkins"
    )
    day = models.PositiveSmallIntegerField(_("入职第几天"))
    due_on = models.DateField(_("回访日期"))
    notified_at = models.DateTimeField(_("提醒时间"), null=True, blank=True)
    answered_at = models.DateTimeField(_("回答时间"), null=True, blank=True)
    wage_answer = models.CharField(
        _("工资和招聘时说的一样吗"), max_length=10, choices=Answer.choices, blank=True
    )
    wage_comment = models.TextField(_("工资补充说明"), blank=True)
    board_answer = models.CharField(
        _("吃住和招聘时说的一样吗"), max_length=10, choices=Answer.choices, blank=True
    )
    board_comment = models.TextField(_("吃住补充说明"), blank=True)
    work_answer = models.CharField(
        _("工作内容和招聘时说的一样吗"), max_length=10, choices=Answer.choices, blank=True
    )
    work_comment = models.TextField(_("工作补充说明"), blank=True)

    class Meta:
        verbose_name = _("入职回访")
        verbose_name_plural = _("入职回访")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["onboarding", "day"], name="checkin_once_per_day"),
        ]
        indexes = [
            models.Index(fields=["due_on", "notified_at"], name="checkin_due"),
            models.Index(fields=["organisation", "answered_at"], name="checkin_org_answered"),
        ]

    def __str__(self) -> str:
        return f"{self.onboarding_id} day {self.day}"

    def is_due(self, today: dt.date) -> bool:
        return self.due_on <= today

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None
