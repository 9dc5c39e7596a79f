"""Writes of the matchmaking app: caseloads, consent, follow-ups, recommendations.

Each write locks what it changes, is safe to repeat (a second assignment, consent, leave,
follow-up with the same client key or recommendation of the same job changes nothing) and
tells the seeker only on commit (daigang.hiring.notifications.notification_send).
A seeker's 不感兴趣 on a recommended job (job_dismiss) is kept once per job.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.accounts.services.phone_codes import user_get_or_create
from daigang.core.phones import phone_normalize
from daigang.core.refused import Refused
from daigang.hiring.models import referral_source
from daigang.hiring.notifications import notification_send
from daigang.jobs.models import Job
from daigang.jobs.selectors import job_is_open
from daigang.matchmaking.models import (
    CLIENT_KEY_MAX_LENGTH,
    Case,
    Dismissal,
    FollowUp,
    InviteLink,
    Recommendation,
)
from daigang.rules.refusals import fields_refusals
from daigang.rules.terms import MONEY_RULES

CASELOAD_KINDS = (Organisation.Kind.BUREAU, Organisation.Kind.AGENCY)
FOLLOW_UP_NOTE_MAX = 1000
RECOMMENDATION_NOTE_MAX = 200


def consent_text(*, membership: Membership) -> str:
    """What the seeker agrees to, word for word (stored with the consent)."""
    return _(
        "我同意%(organisation)s的就业服务专员%(matchmaker)s在我退出之前查看：我的报名和所处阶段、"
        "面试、录用、合同、入职回访，以及我的手机号和求职资料。我可以随时在“谁在跟进我”里退出，"
        "退出后对方不再能看到这些。"
    ) % {
        "organisation": membership.organisation.name,
        "matchmaker": membership.user.name or membership.user.masked_phone,
    }


def _matchmaker_check(*, membership: Membership) -> None:
    if membership.organisation.kind not in CASELOAD_KINDS:
        raise Refused("not_allowed", _("只有公共就业服务机构和人力资源服务机构可以跟进求职者"))
    if membership.role != Membership.Role.MATCHMAKER:
        raise Refused("not_matchmaker", _("请选择一位就业服务专员"), field="matchmaker")


def case_assign(
    *,
    organisation: Organisation,
    matchmaker: Membership,
    phone: str,
    by: User,
    now: dt.datetime | None = None,
) -> Case:
    """The organisation assigns the seeker with this phone to one of its matchmakers.

    The seeker (an account is made for a number that has none) is told and must consent
    before the matchmaker sees anything. Assigning again changes nothing; assigning a seeker
    who left asks for their consent again.
    """
    if not membership_has(user=by, organisation_id=organisation.pk, power=Power.CASELOAD_ASSIGN):
        raise Refused("not_allowed", _("没有权限分配服务对象"), status=403)
    if matchmaker.organisation_id != organisation.pk:
        raise Refused("not_matchmaker", _("请选择一位就业服务专员"), field="matchmaker")
    _matchmaker_check(membership=matchmaker)
    try:
        phone = phone_normalize(phone)
    except ValidationError as exc:
        raise Refused("invalid_phone", exc.messages[0], field="phone") from exc
    seeker = user_get_or_create(phone=phone)
    if seeker.pk == matchmaker.user_id:
        raise Refused("self", _("不能把专员自己分配给自己"), field="phone")
    now = now or timezone.now()
    with transaction.atomic():
        case, created = Case.objects.select_for_update().get_or_create(
            membership=matchmaker,
            seeker=seeker,
            defaults={"via": Case.Via.ASSIGNED, "assigned_by": by, "created_at": now},
        )
        if not created and case.withdrawn_at is None:
            return case
        if not created:
            case.via, case.assigned_by, case.created_at = Case.Via.ASSIGNED, by, now
            case.consented_at, case.withdrawn_at, case.consent_text = None, None, ""
            case.save()
        notification_send(
            user=seeker,
            text=_(
                "%(organisation)s安排就业服务专员%(matchmaker)s帮您找工作。您同意后，对方才能看到您的报名进展：请在“谁在跟进我”里确认或拒绝。"
            )
            % {
                "organisation": organisation.name,
                "matchmaker": matchmaker.user.name or matchmaker.user.masked_phone,
            },
            url=reverse("matchmaking:mine"),
        )
    return case


def invite_link_for(*, membership: Membership) -> InviteLink:
    """The matchmaker's invite link, made on first use (the same link afterwards)."""
    _matchmaker_check(membership=membership)
    link, _created = InviteLink.objects.get_or_create(membership=membership)
    return link


def _consent(case: Case, *, now: dt.datetime) -> None:
    case.consent_text = consent_text(membership=case.membership)
    case.consented_at = now
    case.withdrawn_at = None
    case.save(update_fields=["consent_text", "consented_at", "withdrawn_at"])


def case_join_by_invite(*, link: InviteLink, seeker: User, now: dt.datetime | None = None) -> Case:
    """The seeker opened the matchmaker's link and agreed: in the caseload, consent given."""
    now = now or timezone.now()
    membership = link.membership
    if membership.role != Membership.Role.MATCHMAKER or membership.organisation.kind not in (
        CASELOAD_KINDS
    ):
        raise Refused("not_found", _("这个邀请链接已失效"), status=404)
    if seeker.pk == membership.user_id:
        raise Refused("self", _("这是您自己的邀请链接"))
    with transaction.atomic():
        case, _created = Case.objects.select_for_update().get_or_create(
            membership=membership,
            seeker=seeker,
            defaults={"via": Case.Via.INVITE, "created_at": now},
        )
        if not case.consent_active:
            if case.withdrawn_at is not None:
                case.created_at = now
                case.save(update_fields=["created_at"])
            _consent(case, now=now)
    return case


def case_consent(*, case: Case, seeker: User, now: dt.datetime | None = None) -> Case:
    """The seeker agrees to an assignment; agreeing again changes nothing."""
    if case.seeker_id != seeker.pk:
        raise Refused("not_found", _("没有找到"), status=404)
    with transaction.atomic():
        case = (
            Case.objects.select_for_update()
            .select_related("membership__organisation", "membership__user")
            .get(pk=case.pk)
        )
        if not case.consent_active:
            if case.withdrawn_at is not None:
                raise Refused("left", _("您已退出，请让对方重新邀请"), status=409)
            _consent(case, now=now or timezone.now())
    return case


def case_leave(*, case: Case, seeker: User, now: dt.datetime | None = None) -> Case:
    """The seeker withdraws (or declines): from now on the matchmaker sees nothing of them,
    and their upcoming guidance bookings with the matchmaker are cancelled. Leaving again
    changes nothing."""
    if case.seeker_id != seeker.pk:
        raise Refused("not_found", _("没有找到"), status=404)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.withdrawn_at is None:
            case.withdrawn_at = now or timezone.now()
            case.save(update_fields=["withdrawn_at"])
            # guidance imports this module (CASELOAD_KINDS): imported here, not at the top.
            from daigang.matchmaking.guidance import guidance_bookings_release

            guidance_bookings_release(case=case, by=seeker, now=case.withdrawn_at)
    return case


def _own_case_check(*, case: Case, by: User) -> None:
    """Only the case's matchmaker, still a matchmaker there, while the seeker consents."""
    if case.membership.user_id != by.pk or not membership_has(
        user=by, organisation_id=case.membership.organisation_id, power=Power.CASELOAD
    ):
        raise Refused("not_found", _("没有找到"), status=404)
    if not case.consent_active:
        raise Refused("no_consent", _("求职者尚未同意或已退出，不能跟进"), status=409)


def follow_up_log(
    *,
    case: Case,
    by: User,
    kind: str,
    note: str,
    next_on: dt.date | None,
    client_key: str,
    now: dt.datetime | None = None,
) -> FollowUp:
    """Log a call, visit, message or note with the next date. The same client key again
    returns the first row and changes nothing (a retried form)."""
    _own_case_check(case=case, by=by)
    if kind not in FollowUp.Kind.values:
        raise Refused("invalid_kind", _("请选择跟进方式"), field="kind")
    note = note.strip()
    if len(note) > FOLLOW_UP_NOTE_MAX:
        raise Refused(
            "too_long", _("内容最多%(max)d个字") % {"max": FOLLOW_UP_NOTE_MAX}, field="note"
        )
    client_key = client_key.strip()
    if not client_key or len(client_key) > CLIENT_KEY_MAX_LENGTH:
        raise Refused("invalid_key", _("请刷新页面后重试"), field="client_key")
    now = now or timezone.now()
    if next_on is not None and next_on < timezone.localdate(now):
        raise Refused("past_date", _("下次跟进日期不能早于今天"), field="next_on")
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        earlier = FollowUp.objects.filter(case=locked, client_key=client_key).first()
        if earlier is not None:
            return earlier
        follow_up = FollowUp.objects.create(
            case=locked,
            kind=kind,
            note=note,
            next_on=next_on,
            by=by,
            at=now,
            client_key=client_key,
        )
        fields = ["next_follow_up_on"]
        locked.next_follow_up_on = next_on
        if kind != FollowUp.Kind.NOTE:
            locked.last_contact_at = now
            fields.append("last_contact_at")
        locked.save(update_fields=fields)
    return follow_up


def job_recommend(
    *, case: Case, job: Job, by: User, note: str = "", now: dt.datetime | None = None
) -> Recommendation:
    """Recommend an open job to the seeker: a notice and an SMS with a one-tap apply link whose
    application records the matchmaker (Application.source "ref:<membership id>").
    Recommending the same job again changes nothing and sends nothing."""
    _own_case_check(case=case, by=by)
    if not job_is_open(job=job):
        raise Refused("job_closed", _("该岗位已不在招聘"), field="job")
    note = " ".join(note.split())
    if len(note) > RECOMMENDATION_NOTE_MAX:
        raise Refused(
            "too_long",
            _("推荐理由最多%(max)d个字") % {"max": RECOMMENDATION_NOTE_MAX},
            field="note",
        )
    # The seeker reads it: no fees, deposits, loans or papers asked.
    refusals = fields_refusals(fields={"note": (_("推荐理由"), note)}, rules=MONEY_RULES)
    if refusals:
        raise Refused("content_rule", refusals["note"][0], field="note")
    now = now or timezone.now()
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        recommendation, created = Recommendation.objects.get_or_create(
            case=locked, job=job, defaults={"note": note, "by": by, "at": now}
        )
        if not created:
            return recommendation
        locked.last_contact_at = now
        locked.save(update_fields=["last_contact_at"])
        url = (
            reverse("hiring:apply", args=[job.pk])
            + "?src="
            + referral_source(membership_id=case.membership_id)
        )
        matchmaker = case.membership.user.name or case.membership.user.masked_phone
        text = _("就业服务专员%(matchmaker)s向您推荐：%(job)s（%(organisation)s）") % {
            "matchmaker": matchmaker,
            "job": job.title,
            "organisation": job.organisation.name,
        }
        if note:
            text += _("。推荐理由：%(note)s") % {"note": note}
        notification_send(user=case.seeker, text=text + _("，点此一键报名"), url=url)
    return recommendation


def job_dismiss(*, seeker: User, job: Job, now: dt.datetime | None = None) -> Dismissal:
    """The seeker is not interested in the job (不感兴趣): it leaves their recommendations for
    good. Once per seeker and job: a repeat (a double tap, a retried request) returns the
    first."""
    dismissal, _created = Dismissal.objects.get_or_create(
        seeker=seeker, job=job, defaults={"at": now or timezone.now()}
    )
    return dismissal
