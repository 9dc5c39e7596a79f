"""A small world for interview tests: an organisation with an owner and an HR member, two
seekers who applied, and the outsiders every authorisation test needs.

Functions, not fixtures, so each test's `# given` says what it builds. The browser test
(tests/e2e/test_hiring_flow.py) builds the same world.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass

from django.test import Client
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.testing import member_make, organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import application_make, seeker_make
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.interviews.services import interview_schedule
from daigang.jobs.models import Job, Shift
from daigang.jobs.testing import job_make

_keys = itertools.count(1)


@dataclass
class World:
    organisation: Organisation
    job: Job
    owner: User  # schedules, and interviews
    hr: User  # another member, not on the panel unless a test says so
    seeker: User
    application: Application
    seeker_b: User
    application_b: Application
    outsider: User  # a member of another organisation
    other_seeker: User  # applied to the other organisation, not invited
    other_application: Application

    def user(self, role: str) -> User | None:
        return {
            "owner": self.owner,
            "other_organisation": self.outsider,
            "seeker": self.seeker,
            "other_seeker": self.other_seeker,
            "anonymous": None,
        }[role]


ROLES = ["owner", "other_organisation", "seeker", "other_seeker", "anonymous"]


def world_make() -> World:
    organisation = organisation_make(name="昆山精密电子有限公司")
    job = job_make(
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
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    owner.name = "王经理"
    owner.save(update_fields=["name"])
    hr = member_make(organisation=organisation, role=Membership.Role.HR)
    seeker = seeker_make(name="张三")
    seeker_b = seeker_make(name="李娜")
    other = organisation_make(name="别家劳务公司")
    outsider = member_make(organisation=other, role=Membership.Role.OWNER)
    other_seeker = seeker_make(name="赵六")
    return World(
        organisation=organisation,
        job=job,
        owner=owner,
        hr=hr,
        seeker=seeker,
        application=application_make(job=job, seeker=seeker, name="张三"),
        seeker_b=seeker_b,
        application_b=application_make(job=job, seeker=seeker_b, name="李娜"),
        outsider=outsider,
        other_seeker=other_seeker,
        other_application=application_make(
            job=job_make(organisation=other), seeker=other_seeker, name="赵六"
        ),
    )


def interview_make(
    world: World,
    *,
    applications: list[Application] | None = None,
    interviewers: list[User] | None = None,
    starts_at: dt.datetime | None = None,
    length_minutes: int = 30,
    now: dt.datetime | None = None,
) -> Interview:
    """An interview scheduled through the service, as the schedule form would."""
    now = now or timezone.now()
    return interview_schedule(
        organisation=world.organisation,
        by=world.owner,
        title="普工群面",
        starts_at=starts_at or now + dt.timedelta(minutes=5),
        length_minutes=length_minutes,
        interviewer_ids=[u.pk for u in (interviewers or [world.owner])],
        application_ids=[a.pk for a in (applications or [world.application])],
        idempotency_key=f"test-{next(_keys)}",
        now=now,
    ).interview


def seat(interview: Interview, user: User) -> InterviewParticipant:
    return InterviewParticipant.objects.get(interview=interview, user=user)


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
