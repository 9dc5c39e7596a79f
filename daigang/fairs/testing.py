"""Factories for fair tests: bureaus bound to real regions, fairs running now."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.testing import member_make, organisation_make
from daigang.fairs.models import Fair
from daigang.fairs.services import (
    fair_entry_decide,
    fair_entry_register,
    fair_publish,
    fair_room_add,
    fair_save,
)
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.regions.models import Region

GANSU, LANZHOU, CHENGGUAN, QILIHE = "620000", "620100", "620102", "620103"
TIANSHUI, QINZHOU, MAIJI = "620500", "620502", "620503"


def bureau_make(*, region: str = GANSU, name: str = "", owner: User | None = None) -> Organisation:
    """A verified bureau of the region with this code (its owner, if given)."""
    where = Region.objects.get(code=region)
    bureau = organisation_make(
        name=name or f"{where.name}公共就业服务中心", kind=Organisation.Kind.BUREAU, owner=owner
    )
    bureau.region = where
    bureau.save(update_fields=["region"])
    return bureau


def operator_make(*, bureau: Organisation, role: str = Membership.Role.OPERATOR) -> User:
    return member_make(organisation=bureau, role=role, name="招聘会运营小李")


def fair_make(
    *,
    bureau: Organisation,
    by: User | None = None,
    title: str = "春风行动 · 农民工专场",
    region: str | None = None,
    starts_in: dt.timedelta = dt.timedelta(hours=-1),
    lasts: dt.timedelta = dt.timedelta(days=3),
    parent: Fair | None = None,
    publish: bool = True,
) -> Fair:
    """A fair of `bureau` (running now unless told otherwise), published unless told."""
    by = by or operator_make(bureau=bureau)
    starts_at = timezone.now() + starts_in
    fair = fair_save(
        bureau=bureau,
        by=by,
        title=title,
        target_group="migrant_workers",
        region=Region.objects.get(code=region) if region else bureau.region,  # type: ignore[arg-type]
        starts_at=starts_at,
        ends_at=starts_at + lasts,
        parent=parent,
    )
    return fair_publish(fair=fair, by=by) if publish else fair


def fair_with_employer_make(
    *, region: str, parent: Fair | None = None, title: str = "春风行动"
) -> tuple[Fair, Job, Room, User, User]:
    """A running fair of a new bureau in `region` with one approved employer, its job (10
    places) and its live room in the schedule: (fair, job, room, the employer's owner, the
    bureau's operator)."""
    bureau = bureau_make(region=region)
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator, parent=parent, title=title)
    employer = organisation_make(name=f"{region}电子厂")
    hr = member_make(organisation=employer, role=Membership.Role.OWNER)
    job = job_make(organisation=employer, title="普工")
    entry = fair_entry_register(fair=fair, organisation=employer, by=hr, jobs=[(job, 10)])
    fair_entry_decide(entry=entry, by=operator, approve=True)
    room = room_make(organisation=employer, jobs=[job], anchors=[hr], state=Room.State.LIVE)
    fair_room_add(fair=fair, room=room, by=operator)
    return fair, job, room, hr, operator
