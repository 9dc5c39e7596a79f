"""Demo of the public employment half: bureaus of 甘肃 at three levels and their job fairs.

甘肃省 (province), 兰州市 and 天水市 (cities), 城关区 and 七里河区 (counties under 兰州), each a
verified bureau with an owner. Three fairs: one running now (the province's, with the demo
employers and a room the province's bureau hosts), a campus fair coming up (兰州's, with two
schools' invite links) and one that ended last week with its report frozen. Idempotent, and a
re-run moves the running fair's dates so it is running again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from daigang.accounts.models import VERIFICATION_VALID_FOR, Membership, Organisation, User
from daigang.demo.data import demo_uscc
from daigang.fairs.models import Fair, FairEntry, FairRoom
from daigang.fairs.services import (
    fair_entry_decide,
    fair_entry_register,
    fair_invite_create,
    fair_publish,
    fair_report_freeze,
    fair_room_add,
    fair_save,
)
from daigang.jobs.models import Job
from daigang.live.models import Room
from daigang.live.services import room_schedule
from daigang.regions.models import Region


@dataclass(frozen=True)
class DemoBureau:
    region: str
    name: str
    owner_phone: str
    owner_name: str


BUREAUS = (
    DemoBureau("620000", "甘肃省公共就业服务中心", "13600000001", "马主任"),
    DemoBureau("620100", "兰州市公共就业服务中心", "13600000002", "李科长"),
    DemoBureau("620500", "天水市公共就业服务中心", "13600000003", "赵科长"),
    DemoBureau("620102", "兰州市城关区公共就业服务中心", "13600000004", "王干事"),
    DemoBureau("620103", "兰州市七里河区公共就业服务中心", "13600000005", "张干事"),
)


def _bureau(spec: DemoBureau, *, moderator: User, now: dt.datetime) -> tuple[Organisation, User]:
    owner, _created = User.objects.get_or_create(
        phone=spec.owner_phone, defaults={"name": spec.owner_name}
    )
    bureau, _created = Organisation.objects.get_or_create(
        uscc=demo_uscc(division=spec.region, org_digits="43800012", category="12"),
        defaults={
            "name": spec.name,
            "kind": Organisation.Kind.BUREAU,
            "contact_name": spec.owner_name,
            "contact_phone": "0931-8888888",
            "address": spec.name,
            "region": Region.objects.get(code=spec.region),
        },
    )
    if not bureau.is_verified(now):
        bureau.status = Organisation.Status.VERIFIED
        bureau.verified_at, bureau.verified_until = now, now + VERIFICATION_VALID_FOR
        bureau.reviewed_by, bureau.reviewed_at = moderator, now
        bureau.save(
            update_fields=["status", "verified_at", "verified_until", "reviewed_by", "reviewed_at"]
        )
    Membership.objects.get_or_create(
        organisation=bureau, user=owner, defaults={"role": Membership.Role.OWNER}
    )
    return bureau, owner


def _fair(
    *,
    bureau: Organisation,
    by: User,
    title: str,
    target_group: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    description: str,
) -> Fair:
    fair = Fair.objects.filter(bureau=bureau, title=title).first()
    if fair is None or (fair.report_frozen_at is None and fair.phase() != _phase(starts_at)):
        assert bureau.region is not None
        fair = fair_save(
            bureau=bureau,
            by=by,
            fair=fair,
            title=title,
            target_group=target_group,
            region=bureau.region,
            starts_at=starts_at,
            ends_at=ends_at,
            description=description,
        )
    return fair_publish(fair=fair, by=by)


def _phase(starts_at: dt.datetime) -> str:
    return "upcoming" if starts_at > timezone.now() else "running"


def demo_fairs_load(*, moderator: User, employers: list[tuple[Organisation, User]]) -> list[str]:
    """The bureaus and fairs; returns the lines to print."""
    now = timezone.now()
    bureaus = [_bureau(spec, moderator=moderator, now=now) for spec in BUREAUS]
    (province, province_owner), (lanzhou, lanzhou_owner) = bureaus[0], bureaus[1]
    running = _fair(
        bureau=province,
        by=province_owner,
        title="2026年春风行动·甘肃省农民工专场招聘会",
        target_group="migrant_workers",
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(days=3),
        description="省市县三级联动，线上直播带岗，包吃住岗位优先。",
    )
    for employer, owner in employers:
        jobs = list(Job.objects.filter(organisation=employer, status=Job.Status.PUBLISHED))
        entry = FairEntry.objects.filter(fair=running, organisation=employer).first()
        if entry is None and jobs:
            entry = fair_entry_register(
                fair=running,
                organisation=employer,
                by=owner,
                jobs=[(job, job.headcount) for job in jobs],
            )
        if entry is not None:
            fair_entry_decide(entry=entry, by=province_owner, approve=True)
        room = (
            Room.objects.filter(organisation=employer)
            .exclude(state=Room.State.ENDED)
            .exclude(fair_room__isnull=False)
            .first()
        )
        if room is not None:
            fair_room_add(fair=running, room=room, by=province_owner)
    if not FairRoom.objects.filter(fair=running, room__organisation=province).exists():
        room = room_schedule(
            organisation=province,
            by=province_owner,
            title="省就业服务中心直播间：春风行动岗位推介",
            planned_start=now + dt.timedelta(minutes=5),
            jobs=[],
            anchors=[province_owner],
        )
        fair_room_add(fair=running, room=room, by=province_owner)
    campus = _fair(
        bureau=lanzhou,
        by=lanzhou_owner,
        title="兰州市2027届高校毕业生空中双选会",
        target_group="graduates",
        starts_at=now + dt.timedelta(days=7),
        ends_at=now + dt.timedelta(days=9),
        description="面向兰州高校毕业生，各院系通过专属链接进入。",
    )
    for school in ("兰州大学", "兰州理工大学"):
        fair_invite_create(fair=campus, by=lanzhou_owner, label=school)
    ended = Fair.objects.filter(bureau=lanzhou, title="兰州市退役军人专场招聘会").first()
    if ended is None:
        ended = fair_save(
            bureau=lanzhou,
            by=lanzhou_owner,
            title="兰州市退役军人专场招聘会",
            target_group="veterans",
            region=lanzhou.region,  # type: ignore[arg-type]
            starts_at=now - dt.timedelta(days=10),
            ends_at=now - dt.timedelta(days=8),
            description="已结束，报告已定稿。",
        )
        fair_publish(fair=ended, by=lanzhou_owner)
    fair_report_freeze(fair=ended)
    lines = ["Public employment bureaus (甘肃): owner logins"]
    lines += [
        f"  bureau     {owner.phone}  {owner.name} · {bureau.name}" for bureau, owner in bureaus
    ]
    lines.append(
        f"  fairs      /fairs/{running.pk}/ (running) · /fairs/{campus.pk}/ · /fairs/{ended.pk}/"
    )
    return lines
