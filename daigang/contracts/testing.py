"""Builders for contracts tests: a whole hire, step by step, through the real services.

Functions, not fixtures, so each test's `# given` says what it builds.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from dataclasses import dataclass

from django.utils import timezone
from PIL import Image, ImageDraw

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.testing import member_make, organisation_make
from daigang.contracts.models import CheckIn, Contract, Offer, Signature
from daigang.contracts.selectors import offer_terms_from_job
from daigang.contracts.services import (
    CheckInAnswers,
    checkin_answer,
    contract_sign,
    offer_accept,
    offer_send,
    onboarding_mark,
)
from daigang.hiring.models import Application
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.models import Job, Shift
from daigang.jobs.testing import job_make


@dataclass
class Hire:
    organisation: Organisation
    owner: User
    job: Job
    seeker: User
    application: Application


def hire_make(
    *,
    kind: str = Organisation.Kind.COMPANY,
    organisation: Organisation | None = None,
    owner: User | None = None,
    seeker_name: str = "张三",
    job: Job | None = None,
) -> Hire:
    """An organisation (with an owner), a published job and one seeker who applied."""
    if organisation is None:
        organisation = organisation_make(name="昆山精密电子有限公司", kind=kind)
    owner = owner or member_make(organisation=organisation, role=Membership.Role.OWNER)
    job = job or job_make(
        organisation=organisation,
        title="普工（电子厂）",
        headcount=30,
        wage_min_fen=2200,
        wage_max_fen=2500,
        shift=Shift.TWO_SHIFTS,
        province="江苏省",
        city="苏州市",
        district="昆山市",
        duties="无尘车间，坐着干活。",
    )
    seeker = seeker_make(name=seeker_name)
    application = application_make(job=job, seeker=seeker, name=seeker_name)
    return Hire(organisation, owner, job, seeker, application)


def offer_make(hire: Hire, **changes: object) -> Offer:
    terms = offer_terms_from_job(application=hire.application)
    if changes:
        from dataclasses import replace

        terms = replace(terms, **changes)
    offer, _created = offer_send(application=hire.application, by=hire.owner, terms=terms)
    return offer


def contract_make(hire: Hire) -> Contract:
    return offer_accept(offer=offer_make(hire), seeker=hire.seeker)


def signature_png(*, width: int = 300, height: int = 100, ink: bool = True) -> bytes:
    image = Image.new("RGBA", (width, height), (0, 0, 0, 0))
    if ink:
        draw = ImageDraw.Draw(image)
        draw.line([(20, 70), (80, 20), (140, 80), (260, 30)], fill=(17, 17, 17, 255), width=4)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def sign_both(hire: Hire, contract: Contract, *, now: dt.datetime | None = None) -> Contract:
    """The organisation signs by drawing, the seeker by tapping."""
    contract_sign(
        contract=contract,
        party=Signature.Party.ORGANISATION,
        user=hire.owner,
        typed_name="王经理",
        method=Signature.Method.DRAWN,
        image_data_url=data_url(signature_png()),
        ip="10.1.2.3",
        now=now,
    )
    contract_sign(
        contract=contract,
        party=Signature.Party.SEEKER,
        user=hire.seeker,
        typed_name=hire.application.name,
        method=Signature.Method.TAPPED,
        ip="2001:db8::7",
        now=now,
    )
    contract.refresh_from_db()
    return contract


def signed_contract_make(hire: Hire) -> Contract:
    return sign_both(hire, contract_make(hire))


def onboarded_make(hire: Hire, *, started_on: dt.date | None = None):  # type: ignore[no-untyped-def]
    signed_contract_make(hire)
    onboarding, _created = onboarding_mark(
        application=hire.application,
        by=hire.owner,
        started_on=started_on or timezone.localdate(),
    )
    return onboarding


def checkin_answered(checkin: CheckIn, *, wage: str, board: str, work: str, now=None) -> CheckIn:  # type: ignore[no-untyped-def]
    answered, _created = checkin_answer(
        checkin=checkin,
        seeker=checkin.seeker,
        answers=CheckInAnswers(wage=wage, board=board, work=work, wage_comment="老板人不错"),
        now=now,
    )
    return answered
