"""Plain builders for room tests (and the browser test): organisations, members, jobs, rooms.

Functions, not fixtures, so a test says exactly what it builds in its `# given` block.
"""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.uscc import uscc_check_char
from daigang.jobs.models import Board, Job, PaySchedule, Shift, WageUnit
from daigang.live.models import Room

_serial = itertools.count(1)


def uscc_make() -> str:
    first17 = f"91310000MA{next(_serial):07d}"
    return first17 + uscc_check_char(first17)


def organisation_make(*, name: str = "苏州精密电子有限公司", verified: bool = True) -> Organisation:
    now = timezone.now()
    return Organisation.objects.create(
        name=name,
        kind=Organisation.Kind.COMPANY,
        uscc=uscc_make(),
        contact_name="王经理",
        contact_phone="0512-66668888",
        address="江苏省苏州市吴中区",
        status=Organisation.Status.VERIFIED if verified else Organisation.Status.PENDING,
        verified_at=now if verified else None,
        verified_until=now + dt.timedelta(days=180) if verified else None,
    )


def user_make(*, phone: str | None = None, name: str = "") -> User:
    phone = phone or f"139{next(_serial):08d}"
    return User.objects.create_user(phone=phone, name=name)


def member_make(
    *, organisation: Organisation, role: str = Membership.Role.ANCHOR, name: str = "小李"
) -> User:
    user = user_make(name=name)
    Membership.objects.create(organisation=organisation, user=user, role=role)
    return user


def job_make(
    *,
    organisation: Organisation,
    title: str = "普工（电子厂）",
    published: bool = True,
    board: str = Board.ROOM_AND_BOARD,
    couple_rooms: bool = True,
    valid_until: dt.date | None = None,
) -> Job:
    now = timezone.now()
    return Job.objects.create(
        organisation=organisation,
        title=title,
        kind_of_work="普工",
        headcount=50,
        wage_min_fen=2300,
        wage_max_fen=2600,
        wage_unit=WageUnit.HOUR,
        pay_schedule=PaySchedule.MONTHLY,
        shift=Shift.TWO_SHIFTS,
        board=board,
        couple_rooms=couple_rooms,
        province="江苏省",
        city="苏州市",
        district="吴中区",
        description="无尘车间，坐班，工作轻松。",
        valid_until=valid_until or (timezone.localdate() + dt.timedelta(days=30)),
        status=Job.Status.PUBLISHED if published else Job.Status.DRAFT,
        published_at=now if published else None,
    )


def room_make(
    *,
    organisation: Organisation,
    anchors: list[User],
    jobs: list[Job] = (),  # type: ignore[assignment]
    state: str = Room.State.SCHEDULED,
    title: str = "苏州电子厂专场招聘",
    planned_start: dt.datetime | None = None,
) -> Room:
    room = Room.objects.create(
        organisation=organisation,
        title=title,
        planned_start=planned_start or (timezone.now() + dt.timedelta(hours=1)),
        state=state,
        started_at=timezone.now() if state == Room.State.LIVE else None,
    )
    room.anchors.set(anchors)
    room.jobs.set(list(jobs))
    return room


class FakeLayer:
    """Stands in for the channel layer: records what reached it (only after commit)."""

    def __init__(self) -> None:
        self.sent: list[tuple[str, dict]] = []

    async def group_send(self, group: str, message: dict) -> None:
        self.sent.append((group, message))

    def events(self, kind: str | None = None) -> list[dict]:
        events = [message["event"] for _, message in self.sent]
        return [e for e in events if kind is None or e["kind"] == kind]
