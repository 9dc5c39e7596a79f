"""Offers (录用通知): sent from the job's terms, accepted or declined by the seeker."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import User
from daigang.contracts.models import TERM_MONTHS_MAX, Contract, Offer
from daigang.contracts.placeholders import date_text
from daigang.contracts.services.stages import application_move
from daigang.core.languages import site_language
from daigang.hiring.models import Application, Stage
from daigang.hiring.notifications import notification_send
from daigang.jobs.models import Board, PaySchedule, Shift, WageUnit
from daigang.jobs.wages import wage_range_check
from daigang.rules.refusals import fields_errors
from daigang.rules.terms import MONEY_RULES

START_DATE_MAX_AHEAD = dt.timedelta(days=365)
NOTE_MAX = 2000
DECLINE_REASON_MAX = 500


@dataclass(frozen=True)
class OfferTerms:
    """What an offer says; built from the job (selectors.offer_terms_from_job), then edited."""

    job_title: str
    kind_of_work: str
    wage_min_fen: int
    wage_max_fen: int
    wage_unit: str
    pay_schedule: str
    shift: str
    board: str
    couple_rooms: bool
    province: str
    city: str
    district: str
    address: str
    start_date: dt.date
    term_months: int
    client_name: str = ""
    note: str = ""


def offer_terms_check(*, terms: OfferTerms, today: dt.date) -> None:
    """ValidationError keyed by field (Chinese messages) for terms no offer may carry."""
    errors: dict[str, list[ValidationError]] = {}

    def refuse(field: str, message: str, code: str) -> None:
        errors.setdefault(field, []).append(ValidationError(message, code=code))

    if not terms.job_title.strip():
        refuse("job_title", _("请填写岗位名称"), "job_title_required")
    elif len(terms.job_title) > 60:
        refuse("job_title", _("岗位名称最多60个字"), "job_title_too_long")
    try:
        wage_range_check(min_fen=terms.wage_min_fen, max_fen=terms.wage_max_fen)
    except ValidationError as exc:
        by_field = exc.error_dict if hasattr(exc, "error_dict") else {"wage_min": exc.error_list}
        for field, messages in by_field.items():
            errors.setdefault(field, []).extend(messages)
    for field, value, choices in (
        ("wage_unit", terms.wage_unit, WageUnit.values),
        ("pay_schedule", terms.pay_schedule, PaySchedule.values),
        ("shift", terms.shift, Shift.values),
        ("board", terms.board, Board.values),
    ):
        if value not in choices:
            refuse(field, _("请从列表中选择"), "invalid_choice")
    if not terms.province.strip() or not terms.city.strip():
        refuse("city", _("请填写工作地点所在的省和市"), "place_required")
    if terms.start_date < today:
        refuse("start_date", _("到岗日期不能早于今天"), "start_in_past")
    elif terms.start_date > today + START_DATE_MAX_AHEAD:
        refuse("start_date", _("到岗日期不能晚于一年以后"), "start_too_late")
    if not 1 <= terms.term_months <= TERM_MONTHS_MAX:
        refuse(
            "term_months",
            _("合同期限应在1到%(max)d个月之间") % {"max": TERM_MONTHS_MAX},
            "term_out_of_range",
        )
    if len(terms.note) > NOTE_MAX:
        refuse("note", _("其他约定最多%(max)d个字") % {"max": NOTE_MAX}, "note_too_long")
    # An offer is what the seeker reads before accepting: no money, loans or papers asked.
    for field, messages in fields_errors(
        fields={
            "job_title": (_("岗位名称"), terms.job_title),
            "kind_of_work": (_("工种"), terms.kind_of_work),
            "address": (_("详细地址"), terms.address),
            "note": (_("其他约定"), terms.note),
        },
        rules=MONEY_RULES,
    ).items():
        errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def offer_send(
    *, application: Application, by: User, terms: OfferTerms, now: dt.datetime | None = None
) -> tuple[Offer, bool]:
    """Send `terms` as an offer and move the application to 录用; (offer, created).

    Idempotent: while an offer is open (sent or accepted) that offer is returned unchanged, so
    a double-submitted form sends one offer. After a decline a revised offer may be sent.
    The seeker gets the pipeline's stage notification (SMS) plus a link to the offer itself.
    """
    now = now or timezone.now()
    offer_terms_check(terms=terms, today=timezone.localdate(now))
    with transaction.atomic():
        locked = (
            Application.objects.select_for_update(of=("self",))
            .select_related("organisation", "seeker", "job")
            .get(pk=application.pk)
        )
        existing = Offer.objects.filter(
            application=locked, status__in=[Offer.Status.SENT, Offer.Status.ACCEPTED]
        ).first()
        if existing is not None:
            return existing, False
        if locked.is_closed():
            raise ValidationError(
                _("该报名已是“%(stage)s”，不能再发送录用通知") % {"stage": locked.stage_label},
                code="application_closed",
            )
        offer = Offer.objects.create(
            application=locked,
            organisation=locked.organisation,
            seeker=locked.seeker,
            job_title=terms.job_title.strip(),
            kind_of_work=terms.kind_of_work.strip()[:30],
            wage_min_fen=terms.wage_min_fen,
            wage_max_fen=terms.wage_max_fen,
            wage_unit=terms.wage_unit,
            pay_schedule=terms.pay_schedule,
            shift=terms.shift,
            board=terms.board,
            couple_rooms=terms.couple_rooms,
            province=terms.province.strip()[:20],
            city=terms.city.strip()[:20],
            district=terms.district.strip()[:20],
            address=terms.address.strip()[:200],
            start_date=terms.start_date,
            term_months=terms.term_months,
            client_name=terms.client_name.strip()[:100],
            note=terms.note.strip(),
            sent_by=by,
            sent_at=now,
        )
        # Already in 录用 (a revised offer after a decline, or moved there on the board):
        # the pipeline stays put and sends nothing, so this notification carries the SMS.
        stage_changed = locked.stage != Stage.OFFER and application_move(
            application=locked, to_stage=Stage.OFFER, by=by, now=now
        )
        with site_language():
            notification_send(
                user=locked.seeker,
                about=locked,
                text=_(
                    "%(organisation)s 向您发送了录用通知：%(job)s，%(wage)s，%(start)s到岗。"
                    "请打开查看并确认是否接受。"
                )
                % {
                    "organisation": locked.organisation.name,
                    "job": offer.job_title,
                    "wage": offer.wage_text,
                    "start": date_text(offer.start_date),
                },
                url=reverse("contracts:seeker_offer", args=[offer.pk]),
                sms=not stage_changed,
            )
    return offer, True


def offer_accept(*, offer: Offer, seeker: User, now: dt.datetime | None = None) -> Contract:
    """The seeker accepts: the contract is generated from the organisation's template.

    Idempotent: accepting again returns the same contract. A declined offer cannot be accepted.
    """
    from daigang.contracts.services.contracts import contract_generate

    now = now or timezone.now()
    with transaction.atomic():
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("application", "organisation", "sent_by")
            .get(pk=offer.pk)
        )
        if locked.seeker_id != seeker.pk:
            raise ValidationError(_("这不是您的录用通知"), code="not_yours")
        if locked.status == Offer.Status.ACCEPTED:
            return locked.contract
        if locked.status == Offer.Status.DECLINED:
            raise ValidationError(_("您已拒绝这份录用通知，不能再接受"), code="declined")
        if locked.application.stage in (Stage.REJECTED, Stage.WITHDRAWN):
            raise ValidationError(
                _("该报名已是“%(stage)s”，不能再接受录用")
                % {"stage": locked.application.stage_label},
                code="application_closed",
            )
        locked.status = Offer.Status.ACCEPTED
        locked.responded_at = now
        locked.save(update_fields=["status", "responded_at"])
        contract = contract_generate(offer=locked, now=now)
        if locked.sent_by is not None:
            with site_language():
                notification_send(
                    user=locked.sent_by,
                    text=_("%(name)s 已接受“%(job)s”的录用，%(title)s已生成，请签署。")
                    % {
                        "name": locked.application.name,
                        "job": locked.job_title,
                        "title": contract.title,
                    },
                    url=reverse(
                        "contracts:manage_contract", args=[locked.organisation_id, contract.pk]
                    ),
                )
    return contract


def offer_decline(
    *, offer: Offer, seeker: User, reason: str = "", now: dt.datetime | None = None
) -> Offer:
    """The seeker declines. Idempotent; an accepted offer can no longer be declined here.

    The application stays in 录用: the organisation may send a revised offer or end it.
    """
    now = now or timezone.now()
    reason = reason.strip()
    if len(reason) > DECLINE_REASON_MAX:
        raise ValidationError(
            _("原因最多%(max)d个字") % {"max": DECLINE_REASON_MAX}, code="reason_too_long"
        )
    with transaction.atomic():
        locked = (
            Offer.objects.select_for_update(of=("self",))
            .select_related("application", "sent_by")
            .get(pk=offer.pk)
        )
        if locked.seeker_id != seeker.pk:
            raise ValidationError(_("这不是您的录用通知"), code="not_yours")
        if locked.status == Offer.Status.DECLINED:
            return locked
        if locked.status == Offer.Status.ACCEPTED:
            raise ValidationError(_("您已接受这份录用通知，合同已生成"), code="accepted")
        locked.status = Offer.Status.DECLINED
        locked.responded_at = now
        locked.decline_reason = reason
        locked.save(update_fields=["status", "responded_at", "decline_reason"])
        if locked.sent_by is not None:
            with site_language():
                notification_send(
                    user=locked.sent_by,
                    text=_("%(name)s 拒绝了“%(job)s”的录用。%(reason)s")
                    % {
                        "name": locked.application.name,
                        "job": locked.job_title,
                        "reason": _("原因：%(reason)s") % {"reason": reason} if reason else "",
                    },
                    url=reverse(
                        "contracts:manage_offer",
                        args=[locked.organisation_id, locked.application_id],
                    ),
                )
    return locked
