"""Plain builders for application tests (and the benchmark): organisations, jobs, seekers.

Functions, not fixtures, so a test says exactly what it builds in its `# given` block.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re

from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, User
from daigang.hiring.pipeline.settings import rejection_reasons_seed
from daigang.jobs.models import Board, Job, PaySchedule, Shift, WageUnit
from daigang.live.models import Room

_serial = itertools.count(1)


def organisation_make(
    *, name: str = "昆山精密电子有限公司", verified: bool = True, lapsed: bool = False
) -> Organisation:
    now = timezone.now()
    # Model validators do not run on create(); any unique 18 characters will do here.
    uscc = f"91320583MA{next(_serial):07d}X"
    until = now - dt.timedelta(days=1) if lapsed else now + dt.timedelta(days=180)
    organisation = Organisation.objects.create(
        name=name,
        kind=Organisation.Kind.COMPANY,
        uscc=uscc,
        contact_name="王经理",
        contact_phone="0512-57771234",
        address="江苏省昆山市开发区",
        status=Organisation.Status.VERIFIED if verified else Organisation.Status.PENDING,
        verified_at=now - dt.timedelta(days=200 if lapsed else 1) if verified else None,
        verified_until=until if verified else None,
    )
    if verified:
        # As organisation_approve does.
        rejection_reasons_seed(organisation=organisation)
    return organisation


def job_make(
    *,
    organisation: Organisation,
    title: str = "普工（电子厂）",
    status: str = Job.Status.PUBLISHED,
    valid_until: dt.date | None = None,
) -> Job:
    now = timezone.now()
    return Job.objects.create(
        organisation=organisation,
        title=title,
        kind_of_work="普工",
        headcount=30,
        wage_min_fen=2200,
        wage_max_fen=2500,
        wage_unit=WageUnit.HOUR,
        pay_schedule=PaySchedule.MONTHLY,
        shift=Shift.TWO_SHIFTS,
        board=Board.ROOM_AND_BOARD,
        province="江苏省",
        city="苏州市",
        district="昆山市",
        description="无尘车间，坐着干活。",
        valid_until=valid_until or (timezone.localdate() + dt.timedelta(days=30)),
        status=status,
        published_at=now if status == Job.Status.PUBLISHED else None,
    )


def room_make(*, organisation: Organisation, title: str = "昆山电子厂直播招聘") -> Room:
    return Room.objects.create(organisation=organisation, title=title, planned_start=timezone.now())


def seeker_make(*, phone: str | None = None, name: str = "张三") -> User:
    phone = phone or f"137{next(_serial):08d}"
    return User.objects.create_user(phone=phone, name=name)


def member_make(*, organisation: Organisation, role: str = Membership.Role.HR) -> User:
    user = seeker_make(name="人事小王")
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


def sms_code_last(outbox: list, phone: str) -> str:
    """The 6-digit code in the newest SMS sent to `phone` (LocmemBackend's outbox)."""
    for message in reversed(outbox):
        if message.phone == phone:
            match = re.search(r"\d{6}", message.message)
            assert match, message.message
            return match.group(0)
    raise AssertionError(f"no SMS to {phone}")
