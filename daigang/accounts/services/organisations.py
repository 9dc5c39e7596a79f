"""Organisations: registration, licence documents, verification by moderators, renewal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daigang.accounts.models import (
    RENEWAL_WINDOW,
    VERIFICATION_VALID_FOR,
    Membership,
    Organisation,
    OrganisationDocument,
    User,
)
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.accounts.uploads import DOCUMENT_TYPES, CheckedUpload, document_upload_check
from daigang.accounts.uscc import uscc_normalize, uscc_problem
from daigang.core.refused import Refused
from daigang.regions.models import Region
from daigang.rules.refusals import fields_refusals
from daigang.rules.terms import MONEY_RULES

Kind = Organisation.Kind
Status = Organisation.Status

# Called with the organisation, inside the approving transaction, when a moderator verifies
# it: domains above accounts prepare what a verified organisation needs (hiring registers its
# default rejection reasons in HiringConfig.ready()), so accounts imports none of them.
organisation_verified_hooks: list[Callable[[Organisation], object]] = []
# Called with the organisation, inside the updating transaction, when its name changed: jobs
# write the new name into their search text (JobsConfig.ready()).
organisation_renamed_hooks: list[Callable[[Organisation], object]] = []
DocKind = OrganisationDocument.Kind

# Fields fixed by the licence: a verified organisation cannot change them without review. A
# renewed HR service licence is entered after asking for renewal (back to pending).
LICENCE_FIELDS = ("hr_licence_number", "hr_licence_issuer", "hr_licence_expires_on")
LEGAL_FIELDS = ("name", "kind", "uscc", *LICENCE_FIELDS)
EDITABLE_FIELDS = (*LEGAL_FIELDS, "contact_name", "contact_phone", "address", "description")


def organisation_owner_check(*, organisation: Organisation, by: User) -> None:
    if not membership_has(
        user=by, organisation_id=organisation.pk, power=Power.ORGANISATION_MANAGE
    ):
        raise Refused("not_owner", _("只有单位管理员可以这样做"), status=403)


def _moderator_check(by: User) -> None:
    if not (by.is_active and by.is_staff):
        raise Refused("not_moderator", _("只有平台审核员可以审核单位"), status=403)


def _uscc_clean(raw: str) -> str:
    uscc = uscc_normalize(raw)
    problem = uscc_problem(uscc)
    if problem is not None:
        raise Refused("uscc", problem.messages[0], field="uscc")
    return uscc


def _upload_checked(file: File) -> CheckedUpload:
    try:
        return document_upload_check(file=file)
    except ValidationError as exc:
        raise Refused(exc.code or "upload", exc.messages[0]) from exc


# What seekers read about an organisation: its name, address and description.
_CONTENT_FIELDS = {
    "name": gettext_lazy("单位名称"),
    "address": gettext_lazy("地址"),
    "description": gettext_lazy("单位简介"),
}


def _content_check(fields: dict[str, str]) -> None:
    """Refused (code "content_rule_<field>", on that field) for the first field that asks seekers
    for money, a loan or their papers (daigang.rules)."""
    refusals = fields_refusals(
        fields={
            name: (str(label), fields[name])
            for name, label in _CONTENT_FIELDS.items()
            if name in fields
        },
        rules=MONEY_RULES,
    )
    for name, messages in refusals.items():
        raise Refused(f"content_rule_{name}", messages[0], field=name)


def required_document_kinds(kind: str) -> list[str]:
    """Documents a moderator needs to see: the business licence, and for labour agencies the
    HR service licence as well."""
    kinds = [DocKind.BUSINESS_LICENCE.value]
    if kind == Kind.AGENCY:
        kinds.append(DocKind.HR_SERVICE_LICENCE.value)
    return kinds


def _licence_values_check(
    *, kind: str, number: str, issuer: str, expires_on: dt.date | None, today: dt.date
) -> None:
    """A labour agency states its 人力资源服务许可证: number, issuing office, a date not past."""
    if kind != Kind.AGENCY:
        return
    if not number.strip():
        raise Refused(
            "licence_number_required",
            _("请填写人力资源服务许可证编号"),
            field="hr_licence_number",
        )
    if not issuer.strip():
        raise Refused(
            "licence_issuer_required",
            _("请填写人力资源服务许可证的发证机关"),
            field="hr_licence_issuer",
        )
    if expires_on is None:
        raise Refused(
            "licence_expiry_required",
            _("请填写人力资源服务许可证的有效期"),
            field="hr_licence_expires_on",
        )
    if expires_on < today:
        raise Refused(
            "licence_expired",
            _("人力资源服务许可证已过期，请上传有效的许可证"),
            field="hr_licence_expires_on",
        )


def _missing_documents_check(organisation: Organisation) -> None:
    present = set(organisation.documents.values_list("kind", flat=True))
    for kind in required_document_kinds(organisation.kind):
        if kind not in present:
            raise Refused(
                "missing_document",
                _("缺少%(document)s，请先上传") % {"document": DocKind(kind).label},
                field="hr_service_licence",
            )


def _document_store(
    *,
    organisation: Organisation,
    kind: str,
    checked: CheckedUpload,
    by: User,
    now: dt.datetime,
) -> OrganisationDocument:
    same = OrganisationDocument.objects.filter(
        organisation=organisation, kind=kind, sha256=checked.sha256
    ).first()
    if same is not None:
        # The same file again (a retry, or going back to an earlier one): it becomes current.
        same.uploaded_at = now
        same.save(update_fields=["uploaded_at"])
        return same
    document = OrganisationDocument(
        organisation=organisation,
        kind=kind,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
        uploaded_at=now,
    )
    # The checked content, not the upload: images were re-encoded without tails or metadata.
    extension = DOCUMENT_TYPES[checked.content_type]
    document.file.save(f"{kind}.{extension}", ContentFile(checked.content), save=False)
    if checked.preview is not None:
        document.preview.save(f"{kind}-page1.png", ContentFile(checked.preview), save=False)
    document.save()
    return document


def organisation_document_add(
    *,
    organisation: Organisation,
    kind: str,
    file: File,
    by: User,
    now: dt.datetime | None = None,
) -> OrganisationDocument:
    """Store a licence file (JPEG/PNG/PDF by content, at most UPLOAD_MAX_BYTES; images
    re-encoded, active PDFs refused; see accounts/uploads.py) for the organisation. The newest document of a kind is the current one. Owners only."""
    now = now or timezone.now()
    if kind not in DocKind.values:
        raise Refused("document_kind", _("未知的证件类型"))
    organisation_owner_check(organisation=organisation, by=by)
    checked = _upload_checked(file)
    return _document_store(organisation=organisation, kind=kind, checked=checked, by=by, now=now)


def organisation_register(
    *,
    by: User,
    name: str,
    kind: str,
    uscc: str,
    contact_name: str,
    contact_phone: str,
    address: str,
    business_licence: File,
    hr_service_licence: File | None = None,
    hr_licence_number: str = "",
    hr_licence_issuer: str = "",
    hr_licence_expires_on: dt.date | None = None,
    description: str = "",
    region: Region | None = None,
    now: dt.datetime | None = None,
) -> Organisation:
    """Register an organisation for verification; `by` becomes its owner. A labour agency
    also gives its HR service licence: a copy, its number, issuing office and expiry date. A
    public employment bureau must name the region it serves (it sees the bureaus below it).

    Submitting the same code again by its owner (a double tap, a retry) returns the first
    registration unchanged.
    """
    now = now or timezone.now()
    uscc = _uscc_clean(uscc)
    if kind not in Kind.values:
        raise Refused("kind", _("请选择单位类型"), field="kind")
    if kind == Kind.AGENCY and hr_service_licence is None:
        raise Refused(
            "missing_document",
            _("劳务派遣·人力资源服务机构须上传人力资源服务许可证"),
            field="hr_service_licence",
        )
    _licence_values_check(
        kind=kind,
        number=hr_licence_number,
        issuer=hr_licence_issuer,
        expires_on=hr_licence_expires_on,
        today=timezone.localdate(now),
    )
    if kind != Kind.AGENCY:
        hr_licence_number, hr_licence_issuer, hr_licence_expires_on = "", "", None
    if kind == Kind.BUREAU and region is None:
        raise Refused("region", _("公共就业服务机构须填写所辖地区"), field="region")
    _content_check({"name": name, "address": address, "description": description})
    files = {DocKind.BUSINESS_LICENCE.value: business_licence}
    if hr_service_licence is not None:
        files[DocKind.HR_SERVICE_LICENCE.value] = hr_service_licence
    # Check every file before writing anything, so a bad second file leaves nothing behind.
    checked = {doc_kind: _upload_checked(file) for doc_kind, file in files.items()}
    try:
        with transaction.atomic():
            existing = Organisation.objects.filter(uscc=uscc).first()
            if existing is None:
                organisation = Organisation.objects.create(
                    name=name.strip(),
                    kind=kind,
                    uscc=uscc,
                    contact_name=contact_name.strip(),
                    contact_phone=contact_phone.strip(),
                    address=address.strip(),
                    description=description.strip(),
                    hr_licence_number=hr_licence_number.strip(),
                    hr_licence_issuer=hr_licence_issuer.strip(),
                    hr_licence_expires_on=hr_licence_expires_on,
                    region=region,
                    status=Status.PENDING,
                    created_at=now,
                    submitted_at=now,
                )
                Membership.objects.create(
                    organisation=organisation, user=by, role=Membership.Role.OWNER, created_at=now
                )
                for doc_kind in files:
                    _document_store(
                        organisation=organisation,
                        kind=doc_kind,
                        checked=checked[doc_kind],
                        by=by,
                        now=now,
                    )
                return organisation
    except IntegrityError:
        # Registered by a concurrent request between our check and our insert.
        existing = Organisation.objects.get(uscc=uscc)
    if membership_has(user=by, organisation_id=existing.pk, power=Power.ORGANISATION_MANAGE):
        return existing
    raise Refused(
        "uscc_taken",
        _(
            "该统一社会信用代码已被登记。如果是贵单位，请联系单位管理员在“我的单位”里"
            "添加您为成员；如有疑问请联系平台客服"
        ),
        field="uscc",
    )


def organisation_update(
    *, organisation: Organisation, by: User, **fields: str | dt.date | None
) -> Organisation:
    """Change details. Name, type, code and the HR service licence are fixed while verified
    (they are what the moderator checked); contact details can always change. Owners only."""
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    organisation_owner_check(organisation=organisation, by=by)
    fields = {
        name: value.strip() if isinstance(value, str) and name != "uscc" else value
        for name, value in fields.items()
    }
    if "uscc" in fields:
        fields["uscc"] = _uscc_clean(str(fields["uscc"]))
    if "kind" in fields and fields["kind"] not in Kind.values:
        raise Refused("kind", _("请选择单位类型"), field="kind")
    _content_check({name: str(value) for name, value in fields.items() if name in _CONTENT_FIELDS})
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        changed = [
            field for field, value in fields.items() if getattr(organisation, field) != value
        ]
        if organisation.status == Status.VERIFIED and set(changed) & set(LEGAL_FIELDS):
            raise Refused(
                "legal_locked",
                _(
                    "已认证单位不能修改名称、类型、统一社会信用代码和许可证信息；许可证更新请先"
                    "申请重新认证，其他变更请联系平台客服"
                ),
            )
        after = {field: fields.get(field, getattr(organisation, field)) for field in LEGAL_FIELDS}
        if set(changed) & {"kind", *LICENCE_FIELDS}:
            # Only what changed is checked: an untouched old date is the moderator's business.
            expires_on = after["hr_licence_expires_on"]
            _licence_values_check(
                kind=str(after["kind"]),
                number=str(after["hr_licence_number"] or ""),
                issuer=str(after["hr_licence_issuer"] or ""),
                expires_on=expires_on if isinstance(expires_on, dt.date) else None,
                today=timezone.localdate(),
            )
        if "uscc" in changed and (
            Organisation.objects.filter(uscc=fields["uscc"]).exclude(pk=organisation.pk).exists()
        ):
            raise Refused("uscc_taken", _("该统一社会信用代码已被其他单位登记"), field="uscc")
        for field in changed:
            setattr(organisation, field, fields[field])
        if changed:
            organisation.save(update_fields=changed)
        if "name" in changed:
            for hook in organisation_renamed_hooks:
                hook(organisation)
    return organisation


def organisation_renew_request(
    *, organisation: Organisation, by: User, now: dt.datetime | None = None
) -> Organisation:
    """Put the organisation back to pending for a moderator: a rejected one after fixing it,
    a verified one within RENEWAL_WINDOW of lapsing or after it lapsed. Owners only.
    Asking again while pending changes nothing."""
    now = now or timezone.now()
    organisation_owner_check(organisation=organisation, by=by)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.status == Status.PENDING:
            return organisation
        if not organisation.renewal_open(now):
            # Not open: verified, with an end date (no end date is always open).
            assert organisation.verified_until is not None
            opens = organisation.verified_until - RENEWAL_WINDOW
            raise Refused(
                "renewal_not_open",
                _("认证有效期至%(until)s，%(opens)s起可申请重新认证")
                % {
                    "until": date_format(timezone.localtime(organisation.verified_until)),
                    "opens": date_format(timezone.localtime(opens)),
                },
            )
        _missing_documents_check(organisation)
        organisation.status = Status.PENDING
        organisation.submitted_at = now
        organisation.save(update_fields=["status", "submitted_at"])
    return organisation


def organisation_approve(
    *,
    organisation: Organisation,
    by: User,
    licence_checked: bool = False,
    now: dt.datetime | None = None,
) -> Organisation:
    """A moderator verifies the organisation for VERIFICATION_VALID_FOR (six months).
    Approving an already verified organisation changes nothing.

    A labour agency needs its HR service licence on record (copy, number, issuing office, a
    date not past) and the moderator's word that they checked the copy against the number,
    office and date (`licence_checked`); its verification holds only while the licence does
    (Organisation.is_verified)."""
    now = now or timezone.now()
    _moderator_check(by)
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.status == Status.VERIFIED:
            return organisation
        _missing_documents_check(organisation)
        if organisation.kind == Kind.AGENCY:
            _licence_values_check(
                kind=organisation.kind,
                number=organisation.hr_licence_number,
                issuer=organisation.hr_licence_issuer,
                expires_on=organisation.hr_licence_expires_on,
                today=timezone.localdate(now),
            )
            if not licence_checked:
                raise Refused(
                    "licence_unchecked",
                    _("请先核对人力资源服务许可证的编号、发证机关和有效期与上传的许可证一致"),
                    field="licence_checked",
                )
        organisation.status = Status.VERIFIED
        organisation.verified_at = now
        organisation.verified_until = now + VERIFICATION_VALID_FOR
        organisation.reviewed_by = by
        organisation.reviewed_at = now
        organisation.rejection_reason = ""
        organisation.save(
            update_fields=[
                "status",
                "verified_at",
                "verified_until",
                "reviewed_by",
                "reviewed_at",
                "rejection_reason",
            ]
        )
        for hook in organisation_verified_hooks:
            hook(organisation)
    return organisation


def organisation_reject(
    *, organisation: Organisation, by: User, reason: str, now: dt.datetime | None = None
) -> Organisation:
    """A moderator rejects (or withdraws verification) with a reason the owner will see."""
    now = now or timezone.now()
    _moderator_check(by)
    reason = (reason or "").strip()
    if not reason:
        raise Refused("reason_required", _("请填写驳回原因，单位会看到它并据此修改"))
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
        if organisation.status == Status.REJECTED and organisation.rejection_reason == reason:
            return organisation
        organisation.status = Status.REJECTED
        organisation.rejection_reason = reason
        organisation.reviewed_by = by
        organisation.reviewed_at = now
        organisation.save(
            update_fields=["status", "rejection_reason", "reviewed_by", "reviewed_at"]
        )
    return organisation
