"""A labour agency's job card in a room says so first: 人力资源服务机构, and 劳务派遣 for dispatch."""

from __future__ import annotations

import pytest

from daigang.accounts.models import Organisation
from daigang.accounts.testing import organisation_make
from daigang.jobs.models import Arrangement
from daigang.jobs.testing import job_make
from daigang.live.selectors import job_card
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def test_a_dispatch_job_of_an_agency_leads_with_both_labels():
    # given an agency's dispatch job in a room
    agency = organisation_make(kind=Organisation.Kind.AGENCY)
    job = job_make(organisation=agency, arrangement=Arrangement.DISPATCH)
    room = room_make(organisation=agency, jobs=[job])
    # when the room's card is built
    card = job_card(job=job, room=room)
    # then its first tags are the labels
    assert card["tags"][:2] == ["人力资源服务机构", "劳务派遣"]


def test_a_company_job_has_no_labels():
    company = organisation_make()
    job = job_make(organisation=company)
    card = job_card(job=job, room=room_make(organisation=company, jobs=[job]))
    assert "人力资源服务机构" not in card["tags"]
    assert "劳务派遣" not in card["tags"]
