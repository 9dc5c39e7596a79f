"""Demo data that looks real. Idempotent: running it again creates nothing new.

Three verified organisations (an electronics plant, a logistics company, a licensed labour
agency) with a dozen open jobs between them, one organisation waiting for review, a moderator
and a job seeker; what they are is in demo_data.py.

A re-run on an old database also puts the demo back on its feet: a lapsed verification is
renewed and a demo job past its date gets a new one, so `make run` always shows open jobs.
"""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from daigang.accounts.models import (
    VERIFICATION_VALID_FOR,
    Membership,
    Organisation,
    OrganisationDocument,
    User,
)
from daigang.accounts.services.organisations import organisation_document_add
from daigang.demo.assistance import demo_assistance_load
from daigang.demo.courses import demo_courses_load
from daigang.demo.data import DEMO_ORGANISATIONS, DemoJob, DemoOrganisation, tiny_png
from daigang.demo.fairs import demo_fairs_load
from daigang.demo.matchmaking import demo_matchmaking_load
from daigang.demo.policies import demo_policies_load
from daigang.demo.videos import demo_videos_load
from daigang.hiring.pipeline.settings import rejection_reasons_seed
from daigang.jobs.models import Job
from daigang.jobs.services import JobDraft, job_create, job_publish, job_update
from daigang.live.models import Room
from daigang.live.services import room_schedule

MODERATOR_PHONE = "13800000000"
SEEKER_PHONE = "13700000001"
DEMO_JOB_VALID_FOR = dt.timedelta(days=60)
DEMO_LICENCE_VALID_FOR = dt.timedelta(days=365)


# --- loading --------------------------------------------------------------------------------


def _user(phone: str, name: str, **extra: object) -> User:
    user, _created = User.objects.get_or_create(phone=phone, defaults={"name": name, **extra})
    return user


def _organisation(spec: DemoOrganisation, *, moderator: User, now: dt.datetime) -> Organisation:
    org, _created = Organisation.objects.get_or_create(
        uscc=spec.uscc,
        defaults={
            "name": spec.name,
            "kind": spec.kind,
            "contact_name": spec.owner_name,
            "contact_phone": spec.owner_phone,
            "address": spec.address,
            "region_id": spec.region or None,
            "description": spec.description,
            "status": spec.status,
        },
    )
    if spec.hr_licence_number and org.licence_expired(now):
        # The agency's licence, as it would have entered it; a year ahead on every fresh load.
        org.hr_licence_number = spec.hr_licence_number
        org.hr_licence_issuer = spec.hr_licence_issuer
        org.hr_licence_expires_on = timezone.localdate(now) + DEMO_LICENCE_VALID_FOR
        org.save(update_fields=["hr_licence_number", "hr_licence_issuer", "hr_licence_expires_on"])
    if spec.region and org.region_id is None:  # loaded before organisations had a region
        org.region_id = spec.region
        org.save(update_fields=["region"])
    if spec.status == Organisation.Status.VERIFIED and not org.is_verified(now):
        # Marked verified directly, as a moderator's approval would.
        org.status = Organisation.Status.VERIFIED
        org.verified_at = now
        org.verified_until = now + VERIFICATION_VALID_FOR
        org.reviewed_by = moderator
        org.rejection_reason = ""
        org.reviewed_at = now
        org.save(
            update_fields=[
                "status",
                "verified_at",
                "verified_until",
                "reviewed_by",
                "reviewed_at",
                "rejection_reason",
            ]
        )
        rejection_reasons_seed(organisation=org)
    return org


def _documents(org: Organisation, *, owner: User) -> None:
    kinds = [OrganisationDocument.Kind.BUSINESS_LICENCE]
    if org.kind == Organisation.Kind.AGENCY:
        kinds.append(OrganisationDocument.Kind.HR_SERVICE_LICENCE)
    for kind in kinds:
        if org.documents.filter(kind=kind).exists():
            continue
        png = tiny_png(rgb=(200, 40, 20) if kind == kinds[0] else (20, 90, 200))
        organisation_document_add(
            organisation=org, kind=kind, file=ContentFile(png, name=f"{kind}.png"), by=owner
        )


def _job(org: Organisation, spec: DemoJob, *, owner: User, today: dt.date) -> Job:
    draft = JobDraft(
        title=spec.title,
        kind_of_work=spec.kind_of_work,
        headcount=spec.headcount,
        wage_min_fen=spec.wage_min_fen,
        wage_max_fen=spec.wage_max_fen,
        wage_unit=spec.wage_unit,
        pay_schedule=spec.pay_schedule,
        shift=spec.shift,
        board=spec.board,
        couple_rooms=spec.couple_rooms,
        assembly_line=spec.assembly_line,
        age_min=spec.age_min,
        age_max=spec.age_max,
        region_id=spec.region,
        address=spec.address,
        benefits=list(spec.benefits),
        requirements=spec.requirements,
        duties=spec.duties,
        valid_until=today + DEMO_JOB_VALID_FOR,
        is_flexible=spec.is_flexible,
        employer_name=spec.employer_name,
        employer_uscc=spec.employer_uscc,
        arrangement=spec.arrangement,
    )
    job = Job.objects.filter(organisation=org, title=spec.title).first()
    if job is None:
        job = job_create(organisation=org, by=owner, draft=draft)
    elif job.valid_until < today or not job.requirements:
        # Past its date, or loaded before jobs had requirements: brought up to the spec.
        job = job_update(job=job, by=owner, draft=draft)
    return job_publish(job=job, by=owner, today=today)


def _room(org: Organisation, *, owner: User, now: dt.datetime) -> Room:
    """One upcoming room with the organisation's open jobs, so the home page shows one.

    A room that already ended, or whose start has passed, does not count: the demo always has
    one the owner can open and go live in.
    """
    room = Room.objects.filter(
        Q(state=Room.State.LIVE) | Q(state=Room.State.SCHEDULED, planned_start__gte=now),
        organisation=org,
    ).first()
    if room is not None:
        return room
    start = timezone.localtime(now).replace(hour=10, minute=0, second=0, microsecond=0)
    return room_schedule(
        organisation=org,
        by=owner,
        title=f"{org.name}招聘直播：包吃住，可带家属",
        planned_start=start + dt.timedelta(days=1),
        jobs=Job.objects.filter(organisation=org, status=Job.Status.PUBLISHED),
        anchors=[owner],
    )


def demo_load() -> list[str]:
    """Create (or complete) the demo; returns the lines to print, including the logins."""
    now = timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        moderator = _user(MODERATOR_PHONE, "审核员", is_staff=True, is_superuser=True)
        seeker = _user(SEEKER_PHONE, "张伟")
        lines = [
            "Demo logins (phone + the SMS code printed on this console):",
            f"  moderator  {moderator.phone}  {moderator.name}",
        ]
        employers: list[tuple[Organisation, User]] = []
        for spec in DEMO_ORGANISATIONS:
            owner = _user(spec.owner_phone, spec.owner_name)
            org = _organisation(spec, moderator=moderator, now=now)
            Membership.objects.get_or_create(
                organisation=org, user=owner, defaults={"role": Membership.Role.OWNER}
            )
            _documents(org, owner=owner)
            for job_spec in spec.jobs:
                _job(org, job_spec, owner=owner, today=today)
            lines.append(
                f"  owner      {owner.phone}  {owner.name} · {org.name} ({org.status_label(now)})"
            )
            if org.is_verified(now):
                employers.append((org, owner))
                room = _room(org, owner=owner, now=now)
                lines.append(
                    f"             room /live/{room.pk}/ · console /live/{room.pk}/console/"
                )
        lines.append(f"  job seeker {seeker.phone}  {seeker.name}")
        lines += demo_fairs_load(moderator=moderator, employers=employers)
        lines += demo_policies_load()
        lines += demo_matchmaking_load()
        lines += demo_assistance_load()
        lines += demo_courses_load()
        lines += demo_videos_load()
        open_jobs = Job.objects.filter(status=Job.Status.PUBLISHED, valid_until__gte=today).count()
        lines.append(f"{open_jobs} open jobs; browse them at http://127.0.0.1:8000/")
    return lines
