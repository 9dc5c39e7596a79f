"""Small builders for job tests (also used by the project-level tests in tests/)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools

from django.utils import timezone

from daigang.accounts.models import VERIFICATION_VALID_FOR, Membership, Organisation, User
from daigang.accounts.uscc import uscc_check_char
from daigang.jobs.models import Board, Job, PaySchedule, Shift, WageUnit
from daigang.jobs.services import JobDraft, job_create, job_publish

_numbers = itertools.count(1)


def uscc_make() -> str:
    first17 = f"91440300{next(_numbers):09d}"
    return first17 + uscc_check_char(first17)


def user_make(*, phone: str | None = None, name: str = "测试用户", **extra: object) -> User:
    phone = phone or f"139{next(_numbers):08d}"
    return User.objects.create_user(phone, name=name, **extra)


def organisation_make(
    *,
    name: str = "东莞市华兴实业有限公司",
    status: str = Organisation.Status.VERIFIED,
    verified_until: dt.datetime | None = None,
    kind: str = Organisation.Kind.COMPANY,
    owner: User | None = None,
) -> Organisation:
    now = timezone.now()
    verified = status == Organisation.Status.VERIFIED
    org = Organisation.objects.create(
        name=name,
        kind=kind,
        uscc=uscc_make(),
        contact_name="李经理",
        contact_phone="13912345678",
        address="广东省东莞市长安镇振安中路1号",
        status=status,
        verified_at=now if verified else None,
        verified_until=(verified_until or now + VERIFICATION_VALID_FOR) if verified else None,
    )
    if owner is not None:
        Membership.objects.create(organisation=org, user=owner, role=Membership.Role.OWNER)
    return org


def draft_make(**overrides: object) -> JobDraft:
    values: dict[str, object] = {
        "title": "电子厂普工",
        "kind_of_work": "普工",
        "headcount": 20,
        "wage_min_fen": 2200,
        "wage_max_fen": 2600,
        "wage_unit": WageUnit.HOUR,
        "pay_schedule": PaySchedule.MONTHLY,
        "shift": Shift.DAY_ONLY,
        "board": Board.ROOM_AND_BOARD,
        "couple_rooms": False,
        "assembly_line": True,
        "province": "广东省",
        "city": "东莞市",
        "district": "长安镇",
        "address": "振安中路1号",
        "benefits": ["五险一金"],
        "description": "手机配件组装，坐着上班。",
        "valid_until": timezone.localdate() + dt.timedelta(days=30),
    }
    values.update(overrides)
    return JobDraft(**values)  # type: ignore[arg-type]


def job_make(
    organisation: Organisation, *, publish: bool = True, by: User | None = None, **overrides: object
) -> Job:
    """A job saved through the services (search text and all), published unless told not to."""
    job = job_create(organisation=organisation, by=by, draft=draft_make(**overrides))
    if publish:
        job = job_publish(job=job, by=by)
    return job


def job_post_data(**overrides: str) -> dict[str, object]:
    """What the job form posts, with yuan as text."""
    draft = draft_make()
    data: dict[str, object] = {
        field.name: getattr(draft, field.name) for field in dataclasses.fields(draft)
    }
    data.pop("wage_min_fen")
    data.pop("wage_max_fen")
    data.pop("benefits")
    data.update(
        wage_min="22",
        wage_max="26",
        benefits_common=["五险一金"],
        benefits_other="",
        valid_until=draft.valid_until.isoformat(),
        age_min="18",
        age_max="45",
    )
    for flag in ("couple_rooms", "assembly_line", "is_flexible"):
        if not data.get(flag):
            data.pop(flag, None)
    data.update(overrides)
    return data
