"""Reads of daigang.contracts that check permission: 404 for anyone who may not see a row.

Organisation side: owners and HR members of the owning organisation (roles.Power.CONTRACTS).
Seeker side: the seeker the offer / contract / check-in belongs to. Everyone else gets 404,
so an outsider cannot even learn that an id exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from typing import IO

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.contracts.models import CheckIn, Contract, Offer, Onboarding
from daigang.contracts.services.offers import OfferTerms
from daigang.hiring.models import Application

AS_DESCRIBED_MIN_HIRES = 5
DEFAULT_START_IN = dt.timedelta(days=7)
DEFAULT_TERM_MONTHS = 12


# --- organisation side ----------------------------------------------------------------------


def organisation_for_contracts(*, user: User | AnonymousUser, organisation_id: int) -> Organisation:
    """The organisation if `user` is its owner or HR member; else 404."""
    return organisation_for_member(
        user=user, organisation_id=organisation_id, power=Power.CONTRACTS
    )


def application_for_member(*, organisation: Organisation, application_id: int) -> Application:
    return get_object_or_404(
        Application.objects.select_related("job", "organisation", "seeker"),
        pk=application_id,
        organisation=organisation,
    )


def contract_for_member(*, organisation: Organisation, contract_id: int) -> Contract:
    return get_object_or_404(
        Contract.objects.select_related("application", "offer"),
        pk=contract_id,
        organisation=organisation,
    )


def contracts_of_organisation(*, organisation: Organisation) -> list[Contract]:
    return list(
        Contract.objects.filter(organisation=organisation)
        .select_related("application")
        .prefetch_related("signatures")
        .order_by("-created_at", "-id")[:200]
    )


def offer_latest(*, application: Application) -> Offer | None:
    """The application's newest offer (open or not)."""
    return Offer.objects.filter(application=application).order_by("-sent_at", "-id").first()


def onboarding_of(*, application: Application) -> Onboarding | None:
    return Onboarding.objects.filter(application=application).first()


def offer_terms_from_job(*, application: Application, today: dt.date | None = None) -> OfferTerms:
    """The offer an organisation starts from: the job's own terms, a start in a week, a year."""
    job = application.job
    today = today or timezone.localdate()
    return OfferTerms(
        job_title=job.title,
        kind_of_work=job.kind_of_work,
        wage_min_fen=job.wage_min_fen,
        wage_max_fen=job.wage_max_fen,
        wage_unit=job.wage_unit,
        pay_schedule=job.pay_schedule,
        shift=job.shift,
        board=job.board,
        couple_rooms=job.couple_rooms,
        province=job.province,
        city=job.city,
        district=job.district,
        address=job.address,
        start_date=today + DEFAULT_START_IN,
        term_months=DEFAULT_TERM_MONTHS,
        # An agency's job names its employer (用工单位): the dispatch agreement names it too.
        client_name=job.employer_name,
    )


# --- seeker side ----------------------------------------------------------------------------


def _seeker_check(user: User | AnonymousUser) -> None:
    if not user.is_authenticated:
        raise Http404


def offer_for_seeker(*, user: User, offer_id: int) -> Offer:
    _seeker_check(user)
    return get_object_or_404(
        Offer.objects.select_related("organisation", "application"), pk=offer_id, seeker=user
    )


def contract_for_seeker(*, user: User | AnonymousUser, contract_id: int) -> Contract:
    _seeker_check(user)
    return get_object_or_404(
        Contract.objects.select_related("application", "offer"), pk=contract_id, seeker=user
    )


def checkin_for_seeker(*, user: User, checkin_id: int, today: dt.date | None = None) -> CheckIn:
    """The seeker's own check-in, once due (before that it does not exist for them)."""
    _seeker_check(user)
    today = today or timezone.localdate()
    return get_object_or_404(
        CheckIn.objects.select_related("organisation", "onboarding__application"),
        pk=checkin_id,
        seeker=user,
        due_on__lte=today,
    )


@dataclass(frozen=True)
class SeekerTodo:
    """What the seeker has to act on: open offers, contracts to sign, check-ins to answer."""

    offers: list[Offer]
    contracts: list[Contract]
    checkins: list[CheckIn]
    signed: list[Contract]

    def __bool__(self) -> bool:
        return bool(self.offers or self.contracts or self.checkins or self.signed)


def seeker_todo(*, user: User, today: dt.date | None = None) -> SeekerTodo:
    """Shown on the seeker's pages on every load: due check-ins appear by date, whether or
    not the reminder command has run yet."""
    if not user.is_authenticated:
        return SeekerTodo([], [], [], [])
    today = today or timezone.localdate()
    offers = list(
        Offer.objects.filter(seeker=user, status=Offer.Status.SENT)
        .select_related("organisation")
        .order_by("-sent_at")
    )
    contracts = list(
        Contract.objects.filter(seeker=user)
        .exclude(signatures__party="seeker")
        .filter(status=Contract.Status.AWAITING)
        .order_by("-created_at")
    )
    signed = list(
        Contract.objects.filter(seeker=user, status=Contract.Status.SIGNED).order_by("-signed_at")[
            :10
        ]
    )
    checkins = list(
        CheckIn.objects.filter(seeker=user, due_on__lte=today, answered_at__isnull=True)
        .select_related("organisation")
        .order_by("due_on", "id")
    )
    return SeekerTodo(offers=offers, contracts=contracts, checkins=checkins, signed=signed)


# --- public ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PdfVerification:
    sha256: str
    contract: Contract | None


def contract_pdf_verify(*, file: IO[bytes]) -> PdfVerification:
    """Is this file, byte for byte, a PDF this platform produced at signing?"""
    digest = hashlib.sha256()
    for chunk in iter(lambda: file.read(64 * 1024), b""):
        digest.update(chunk)
    sha256 = digest.hexdigest()
    contract = (
        Contract.objects.filter(pdf_sha256=sha256, status=Contract.Status.SIGNED)
        .prefetch_related("signatures")
        .first()
    )
    return PdfVerification(sha256=sha256, contract=contract)


def percent_of(*, yes: int, partly: int, total: int) -> int:
    """Share of yes = 1, partly = ½, no = 0, as a whole percent rounded half up (integers)."""
    if total == 0:
        return 0
    return (200 * yes + 100 * partly + total) // (2 * total)


@dataclass(frozen=True)
class QuestionScore:
    label: str
    yes: int
    partly: int
    no: int

    @property
    def total(self) -> int:
        return self.yes + self.partly + self.no

    @property
    def percent(self) -> int:
        return percent_of(yes=self.yes, partly=self.partly, total=self.total)


@dataclass(frozen=True)
class AsDescribed:
    hires: int
    checkins: int
    questions: list[QuestionScore]

    @property
    def percent(self) -> int:
        return percent_of(
            yes=sum(q.yes for q in self.questions),
            partly=sum(q.partly for q in self.questions),
            total=sum(q.total for q in self.questions),
        )


def organisation_as_described(*, organisation: Organisation) -> AsDescribed | None:
    """The "as described" score, or None until AS_DESCRIBED_MIN_HIRES hires have answered
    (fewer would let the organisation guess who said what). Counts only: no names, no
    comments. One query."""
    answered = Q(answered_at__isnull=False)
    aggregates = {"hires": Count("onboarding", filter=answered, distinct=True)}
    for field in ("wage", "board", "work"):
        for answer in CheckIn.Answer.values:
            aggregates[f"{field}_{answer}"] = Count(
                "pk", filter=answered & Q(**{f"{field}_answer": answer})
            )
    aggregates["checkins"] = Count("pk", filter=answered)
    row = CheckIn.objects.filter(organisation=organisation).aggregate(**aggregates)
    if row["hires"] < AS_DESCRIBED_MIN_HIRES:
        return None
    labels = {
        "wage": _("工资和招聘时说的一样"),
        "board": _("吃住和招聘时说的一样"),
        "work": _("工作内容和招聘时说的一样"),
    }
    return AsDescribed(
        hires=row["hires"],
        checkins=row["checkins"],
        questions=[
            QuestionScore(
                label=labels[field],
                yes=row[f"{field}_yes"],
                partly=row[f"{field}_partly"],
                no=row[f"{field}_no"],
            )
            for field in ("wage", "board", "work")
        ],
    )
