"""A small world for pipeline tests: an organisation with an owner, one seeker's
application, and the outsiders every authorisation test needs."""

from __future__ import annotations

from dataclasses import dataclass

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.testing import member_make, organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make


@dataclass
class World:
    organisation: Organisation
    job: Job
    owner: User
    hr: User
    anchor: User  # a member who presents rooms: sees no applications (roles.Power.APPLICATIONS)
    seeker: User
    application: Application
    outsider: User  # a member of another organisation
    other_seeker: User  # a seeker with an application of their own, not this one

    def user(self, role: str) -> User | None:
        return {
            "owner": self.owner,
            "hr": self.hr,
            "anchor": self.anchor,
            "other_organisation": self.outsider,
            "seeker": self.seeker,
            "other_seeker": self.other_seeker,
            "anonymous": None,
        }[role]


ROLES = ["owner", "hr", "anchor", "other_organisation", "seeker", "other_seeker", "anonymous"]


def world_make(*, seeker_phone: str = "13800001111", other_phone: str = "13900002222") -> World:
    organisation = organisation_make(name="昆山精密电子有限公司")
    job = job_make(organisation=organisation, title="普工（电子厂）")
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
    hr = member_make(organisation=organisation, role=Membership.Role.HR)
    anchor = member_make(organisation=organisation, role=Membership.Role.ANCHOR)
    seeker = seeker_make(phone=seeker_phone, name="张三")
    application = application_make(job=job, seeker=seeker, name="张三")
    other_organisation = organisation_make(name="别家劳务公司")
    outsider = member_make(organisation=other_organisation, role=Membership.Role.OWNER)
    other_seeker = seeker_make(phone=other_phone, name="李四")
    application_make(
        job=job_make(organisation=other_organisation), seeker=other_seeker, name="李四"
    )
    return World(
        organisation=organisation,
        job=job,
        owner=owner,
        hr=hr,
        anchor=anchor,
        seeker=seeker,
        application=application,
        outsider=outsider,
        other_seeker=other_seeker,
    )
