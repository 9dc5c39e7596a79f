"""Contracts: generated from a template when an offer is accepted, signed by both sides, then
frozen into a PDF whose SHA-256 the verification page checks."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_ipv46_address
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.contracts.fingerprint import contract_fingerprint
from daigang.contracts.models import (
    Contract,
    ContractKind,
    ContractTemplate,
    Offer,
    Signature,
    contract_kind_for,
)
from daigang.contracts.pdf import contract_pdf_render
from daigang.contracts.placeholders import (
    TEMPLATE_BODY_MAX,
    date_text,
    placeholders_render,
    placeholders_unknown,
    template_default,
    term_end,
)
from daigang.contracts.services.stages import application_move
from daigang.contracts.signatures import signature_image_clean
from daigang.core.languages import site_language
from daigang.hiring.models import Stage, stage_rank
from daigang.hiring.notifications import notification_send
from daigang.jobs.models import Board, PaySchedule, Shift
from daigang.rules.refusals import fields_errors
from daigang.rules.terms import MONEY_RULES

# Who may sign for an organisation, edit its templates and send offers.
TYPED_NAME_MAX = 50
USER_AGENT_MAX = 300
TITLE_MAX = 60


def contract_values(*, offer: Offer, now: dt.datetime) -> dict[str, str]:
    """The value of every placeholder for `offer`, as plain text."""
    organisation = offer.organisation
    application = offer.application
    return {
        "单位名称": organisation.name,
        "统一社会信用代码": organisation.uscc,
        "单位地址": organisation.address,
        "劳动者姓名": application.name,
        "劳动者手机号": application.phone,
        "岗位名称": offer.job_title,
        "工种": offer.kind_of_work or "—",
        "工价": offer.wage_text,
        "结算方式": str(PaySchedule(offer.pay_schedule).label),
        "班次": str(Shift(offer.shift).label),
        "食宿": str(Board(offer.board).label),
        "夫妻间": _("提供") if offer.couple_rooms else _("不提供"),
        "工作地点": offer.place_text,
        "用工单位": offer.client_name or _("（由甲方另行书面告知）"),
        "到岗日期": date_text(offer.start_date),
        "合同期限": _("%(months)d个月") % {"months": offer.term_months},
        "合同终止日期": date_text(term_end(offer.start_date, offer.term_months)),
        "其他约定": offer.note or _("无"),
        "生成日期": date_text(timezone.localdate(now)),
    }


def contract_template_text(*, organisation: Organisation, kind: str) -> tuple[str, str, bool]:
    """(title, body, is_default) of the template `organisation` uses for `kind`."""
    template = ContractTemplate.objects.filter(organisation=organisation, kind=kind).first()
    if template is None:
        title, body = template_default(kind)
        return title, body, True
    return template.title, template.body, False


def contract_generate(*, offer: Offer, now: dt.datetime) -> Contract:
    """Render the organisation's template for an accepted offer into a new Contract.

    The kind follows the organisation: a labour agency's is a 劳务派遣协议, a company's a 劳动合同.
    Called inside offer_accept's transaction.
    """
    kind = contract_kind_for(offer.organisation)
    # A legal document in the site's language, whichever language the accepting seeker reads.
    with site_language():
        title, body, _default = contract_template_text(organisation=offer.organisation, kind=kind)
        values = contract_values(offer=offer, now=now)
    application = offer.application
    return Contract.objects.create(
        offer=offer,
        application=application,
        organisation=offer.organisation,
        seeker_id=offer.seeker_id,
        kind=kind,
        title=placeholders_render(title, values)[:TITLE_MAX],
        body=placeholders_render(body, values),
        organisation_name=offer.organisation.name,
        organisation_uscc=offer.organisation.uscc,
        seeker_name=application.name,
        seeker_phone=application.phone,
        created_at=now,
    )


def contract_template_save(
    *,
    organisation: Organisation,
    kind: str,
    title: str,
    body: str,
    by: User,
    now: dt.datetime | None = None,
) -> ContractTemplate:
    """Create or replace `organisation`'s template of `kind`. Saving the same text twice is
    harmless. Contracts already generated keep the text they were generated with."""
    title = title.strip()
    body = body.replace("\r\n", "\n").strip()
    errors: dict[str, list[ValidationError]] = {}
    if kind not in ContractKind.values:
        errors["kind"] = [ValidationError(_("没有这种合同类型"), code="invalid_kind")]
    if not title:
        errors["title"] = [ValidationError(_("请填写合同标题"), code="title_required")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [
            ValidationError(
                _("合同标题最多%(max)d个字") % {"max": TITLE_MAX}, code="title_too_long"
            )
        ]
    if not body:
        errors["body"] = [ValidationError(_("请填写合同正文"), code="body_required")]
    elif len(body) > TEMPLATE_BODY_MAX:
        errors["body"] = [
            ValidationError(
                _("合同正文最多%(max)d个字") % {"max": TEMPLATE_BODY_MAX}, code="body_too_long"
            )
        ]
    for field, text in (("title", title), ("body", body)):
        unknown = placeholders_unknown(text)
        if unknown:
            errors.setdefault(field, []).append(
                ValidationError(
                    _("不认识的占位符：%(names)s。请只使用下方列出的占位符。")
                    % {"names": "、".join(f"{{{{ {name} }}}}" for name in unknown)},
                    code="unknown_placeholder",
                )
            )
    # Every clause of a template ends up in a contract a seeker signs.
    for field, messages in fields_errors(
        fields={"title": (_("合同标题"), title), "body": (_("合同正文"), body)}, rules=MONEY_RULES
    ).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)
    template, _created = ContractTemplate.objects.update_or_create(
        organisation=organisation,
        kind=kind,
        defaults={
            "title": title,
            "body": body,
            "updated_by": by,
            "updated_at": now or timezone.now(),
        },
    )
    return template


def contract_template_reset(*, organisation: Organisation, kind: str) -> None:
    """Go back to the built-in text (deletes the organisation's own). Idempotent."""
    ContractTemplate.objects.filter(organisation=organisation, kind=kind).delete()


def _name_key(name: str) -> str:
    return "".join(name.split())


def contract_sign(
    *,
    contract: Contract,
    party: str,
    user: User,
    typed_name: str,
    method: str,
    image_data_url: str = "",
    ip: str,
    user_agent: str = "",
    now: dt.datetime | None = None,
) -> tuple[Signature, bool]:
    """Record one party's signature; (signature, created).

    Idempotent per party: signing again returns the first signature unchanged. The seeker
    must type the name on the contract; an organisation signs through an owner or HR member.
    The second signature completes the contract: fingerprint, PDF, stage 已签约.
    """
    now = now or timezone.now()
    typed = " ".join((typed_name or "").split())
    errors: dict[str, list[ValidationError]] = {}
    if not typed:
        errors["typed_name"] = [ValidationError(_("请输入签署人姓名"), code="name_required")]
    elif len(typed) > TYPED_NAME_MAX:
        errors["typed_name"] = [
            ValidationError(
                _("姓名最多%(max)d个字") % {"max": TYPED_NAME_MAX}, code="name_too_long"
            )
        ]
    image = b""
    if method == Signature.Method.DRAWN:
        try:
            image = signature_image_clean(image_data_url)
        except ValidationError as exc:
            errors["signature"] = exc.error_list
    elif method != Signature.Method.TAPPED:
        errors["method"] = [ValidationError(_("请选择签名方式"), code="invalid_method")]
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        raise ValidationError(_("无法识别您的网络地址，请刷新后重试"), code="bad_ip") from None
    if party not in Signature.Party.values:
        raise ValidationError(_("没有这个签署方"), code="invalid_party")
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        locked = (
            Contract.objects.select_for_update(of=("self",))
            .select_related("application", "organisation", "offer__sent_by")
            .get(pk=contract.pk)
        )
        existing = Signature.objects.filter(contract=locked, party=party).first()
        if existing is not None:
            return existing, False
        if party == Signature.Party.SEEKER:
            if user.pk != locked.seeker_id:
                raise ValidationError(_("只有合同上的劳动者本人可以签署"), code="not_allowed")
            if _name_key(typed) != _name_key(locked.seeker_name):
                raise ValidationError(
                    {
                        "typed_name": [
                            ValidationError(
                                _("签名须与合同上的姓名一致（%(name)s）")
                                % {"name": locked.seeker_name},
                                code="name_mismatch",
                            )
                        ]
                    }
                )
        elif not membership_has(
            user=user, organisation_id=locked.organisation_id, power=Power.CONTRACTS
        ):
            raise ValidationError(_("只有该单位的管理员或招聘专员可以签署"), code="not_allowed")
        if locked.application.stage in (Stage.REJECTED, Stage.WITHDRAWN):
            raise ValidationError(
                _("该报名已是“%(stage)s”，合同不能再签署")
                % {"stage": locked.application.stage_label},
                code="application_closed",
            )
        signature = Signature.objects.create(
            contract=locked,
            party=party,
            user=user,
            typed_name=typed,
            method=method,
            image_png=image,
            image_sha256=hashlib.sha256(image).hexdigest() if image else "",
            ip=ip,
            user_agent=(user_agent or "")[:USER_AGENT_MAX],
            signed_at=now,
        )
        signatures = list(locked.signatures.all())
        if len(signatures) == len(Signature.Party.values):
            _contract_complete(contract=locked, signatures=signatures, by=user, now=now)
        else:
            _tell_other_party(contract=locked, signed_party=party)
    return signature, True


def _tell_other_party(*, contract: Contract, signed_party: str) -> None:
    if signed_party == Signature.Party.ORGANISATION:
        with site_language():
            notification_send(
                user=contract.seeker,
                about=contract.application,
                text=_("%(organisation)s 已签署%(title)s，请您确认内容后签署。")
                % {"organisation": contract.organisation_name, "title": contract.title},
                url=reverse("contracts:seeker_contract", args=[contract.pk]),
            )
    elif contract.offer.sent_by is not None:
        with site_language():
            notification_send(
                user=contract.offer.sent_by,
                text=_("%(name)s 已签署%(title)s，请单位签署。")
                % {"name": contract.seeker_name, "title": contract.title},
                url=reverse(
                    "contracts:manage_contract", args=[contract.organisation_id, contract.pk]
                ),
            )


def _contract_complete(
    *, contract: Contract, signatures: list[Signature], by: User, now: dt.datetime
) -> None:
    """Both have signed: fingerprint, PDF (and its hash), stage 已签约, tell both sides."""
    contract.status = Contract.Status.SIGNED
    contract.signed_at = now
    contract.content_sha256 = contract_fingerprint(contract=contract, signatures=signatures)
    pdf = contract_pdf_render(
        contract=contract, signatures=signatures, content_sha256=contract.content_sha256
    )
    contract.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    # A rolled-back transaction leaves this file behind unreferenced; never a row without it.
    contract.pdf.save(f"{contract.pk}.pdf", ContentFile(pdf), save=False)
    contract.save(update_fields=["status", "signed_at", "content_sha256", "pdf", "pdf_sha256"])

    application = contract.application
    if not application.is_closed() and stage_rank(application.stage) < stage_rank(Stage.SIGNED):
        application_move(application=application, to_stage=Stage.SIGNED, by=by, now=now)
    with site_language():
        done = _("%(title)s已由双方签署完成，可以下载PDF文件。") % {"title": contract.title}
    # The seeker heard of the stage change by SMS already (or signed last, on the page).
    with site_language():
        notification_send(
            user=contract.seeker,
            text=done,
            url=reverse("contracts:seeker_contract", args=[contract.pk]),
            sms=False,
        )
    organisation_signer = next(
        (s.user for s in signatures if s.party == Signature.Party.ORGANISATION), None
    )
    if organisation_signer is not None and organisation_signer.pk != by.pk:
        with site_language():
            notification_send(
                user=organisation_signer,
                text=_("%(name)s 已签署，%(done)s") % {"name": contract.seeker_name, "done": done},
                url=reverse(
                    "contracts:manage_contract", args=[contract.organisation_id, contract.pk]
                ),
            )
