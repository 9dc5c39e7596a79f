"""Reads about applications. Permission is checked by the caller's organisation lookup
(daigang.accounts.selectors.organisation_for_member) before any of these run for a back office.
"""

from __future__ import annotations

from django.db.models import QuerySet

from daigang.accounts.models import Organisation, User
from daigang.hiring.models import Application, Stage
from daigang.jobs.models import Job
from daigang.live.models import Room

BACK_OFFICE_PAGE_SIZE = 100


def applications_of_seeker(*, seeker: User) -> QuerySet[Application]:
    """A seeker's own applications, newest first (我的报名)."""
    return (
        Application.objects.filter(seeker=seeker)
        .select_related("job", "organisation", "room")
        .order_by("-id")
    )


def applications_of_organisation(
    *,
    organisation: Organisation,
    job_id: int | None = None,
    room_id: int | None = None,
    after_id: int | None = None,
    before_id: int | None = None,
    limit: int = BACK_OFFICE_PAGE_SIZE,
) -> list[Application]:
    """Applications to `organisation`'s jobs, newest first, for its members only.

    `after_id` returns only rows newer than that id (the live list's polling);
    `before_id` pages back through older ones.
    """
    applications = Application.objects.filter(organisation=organisation)
    if job_id is not None:
        applications = applications.filter(job_id=job_id)
    if room_id is not None:
        applications = applications.filter(room_id=room_id)
    if after_id is not None:
        applications = applications.filter(id__gt=after_id)
    if before_id is not None:
        applications = applications.filter(id__lt=before_id)
    return list(applications.select_related("job", "room").order_by("-id")[:limit])


def application_latest_id(*, organisation: Organisation) -> int:
    """The newest application id (0 if none): where the live list starts polling from."""
    return (
        Application.objects.filter(organisation=organisation)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
        or 0
    )


def application_for_replay(*, phone: str, job: Job, idempotency_key: str) -> Application | None:
    """The application a form submission with this key already made for this phone and job.

    Lets a double-submitted anonymous form (whose SMS code the first submission used up)
    answer "报名成功" instead of "验证码错误". The key is a random value only that browser saw.
    """
    return (
        Application.objects.filter(seeker__phone=phone, job=job, idempotency_key=idempotency_key)
        .select_related("job", "organisation", "room")
        .first()
    )


def filter_choices(*, organisation: Organisation) -> tuple[list[Job], list[Room]]:
    """The jobs and rooms the back office list can be filtered by."""
    jobs = list(Job.objects.filter(organisation=organisation).order_by("-created_at", "-id"))
    rooms = list(Room.objects.filter(organisation=organisation).order_by("-planned_start", "-id"))
    return jobs, rooms


# How many of a room's latest applications its console shows.
ROOM_APPLICANTS_SHOWN = 20


def room_applicants(*, room: Room, limit: int = ROOM_APPLICANTS_SHOWN) -> list[Application]:
    """The latest applications made from `room` (its console), newest first."""
    return list(
        Application.objects.filter(room=room, organisation_id=room.organisation_id)
        .select_related("job")
        .order_by("-id")[:limit]
    )


def room_applicants_count(*, room: Room) -> int:
    return Application.objects.filter(room=room, organisation_id=room.organisation_id).count()


def applications_new(
    *,
    organisation: Organisation,
    after_id: int,
    job_id: int | None = None,
    room_id: int | None = None,
    limit: int = BACK_OFFICE_PAGE_SIZE,
) -> list[Application]:
    """Rows newer than `after_id`, newest first, for the live list to put on top.

    Taken oldest-first before reversing: a burst larger than `limit` arrives over several
    polls instead of its older part being skipped.
    """
    applications = Application.objects.filter(organisation=organisation, id__gt=after_id)
    if job_id is not None:
        applications = applications.filter(job_id=job_id)
    if room_id is not None:
        applications = applications.filter(room_id=room_id)
    batch = list(applications.select_related("job", "room").order_by("id")[:limit])
    batch.reverse()
    return batch


def application_of_seeker_for_job(*, seeker: User, job: Job) -> Application | None:
    return (
        Application.objects.filter(seeker=seeker, job=job)
        .select_related("job", "organisation", "room")
        .first()
    )


def consent_given_before(*, seeker: User, organisation: Organisation) -> bool:
    """Has the seeker agreed to share their phone with this organisation already (and not
    taken it back on 我的报名: then the form asks again, as application_consent_resolve will)?"""
    return Application.objects.filter(
        seeker=seeker, organisation=organisation, consent_withdrawn_at__isnull=True
    ).exists()


def seeker_name_default(*, seeker: User) -> str:
    """The name to pre-fill: the account's, else the one used on the last application."""
    if seeker.name:
        return seeker.name
    return (
        Application.objects.filter(seeker=seeker)
        .order_by("-id")
        .values_list("name", flat=True)
        .first()
        or ""
    )


# What a job card shows a seeker about their own application to that job (一键报名 when none).
APPLY_STATE_APPLIED = "applied"
APPLY_STATE_WITHDRAWN = "withdrawn"
APPLY_STATES_MAX_JOBS = 100


def apply_states_of_seeker(*, seeker: User, job_ids: list[int]) -> dict[int, str]:
    """For each of `job_ids` the seeker applied to: "withdrawn" (重新报名 on the card) or
    "applied" (已报名: any other stage). Jobs they never applied to are left out. One query."""
    if not getattr(seeker, "is_authenticated", False) or not job_ids:
        return {}
    rows = Application.objects.filter(
        seeker_id=seeker.pk, job_id__in=job_ids[:APPLY_STATES_MAX_JOBS]
    ).values_list("job_id", "stage")
    return {
        job_id: APPLY_STATE_WITHDRAWN if stage == Stage.WITHDRAWN else APPLY_STATE_APPLIED
        for job_id, stage in rows
    }
