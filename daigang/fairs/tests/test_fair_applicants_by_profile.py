"""A fair's applicants by what their optional profile says: the province of their home and the
groups they declared; each person once however often they applied; those who said nothing
counted as 未填写; on the statistics page and in the XLSX report."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from daigang.accounts.models import SeekerProfile
from daigang.fairs import stats
from daigang.fairs.testing import LANZHOU, MAIJI, QILIHE, fair_with_employer_make
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db

CHENGDU_JINJIANG = "510104"


def _seeker(*, home: str | None, groups: list[str] | None = None):
    seeker = seeker_make()
    if home is not None or groups:
        SeekerProfile.objects.create(user=seeker, home_region_id=home, target_groups=groups or [])
    return seeker


def test_given_applicants_from_two_provinces_then_each_province_counts_each_person_once():
    # given a fair room with two jobs
    fair, job, room, _hr, _operator = fair_with_employer_make(region=LANZHOU)
    other_job = job_make(organisation=job.organisation, title="叉车工")
    room.jobs.add(other_job)
    # when two people from Gansu (one applies twice), one from Sichuan and one without a
    # profile apply in the room
    twice = _seeker(home=QILIHE, groups=["graduates"])
    application_make(job=job, seeker=twice, room=room)
    application_make(job=other_job, seeker=twice, room=room)
    application_make(
        job=job, seeker=_seeker(home=MAIJI, groups=["graduates", "veterans"]), room=room
    )
    application_make(job=job, seeker=_seeker(home=CHENGDU_JINJIANG), room=room)
    application_make(job=job, seeker=_seeker(home=None), room=room)
    # then
    found = stats.fair_applicants_by_profile(fair=fair)
    assert found["applicants"] == 4
    assert found["home"] == [
        {"region": "甘肃省", "applicants": 2},
        {"region": "四川省", "applicants": 1},
    ]
    assert found["unsaid_home"] == 1
    groups = {row["group"]: row["applicants"] for row in found["groups"]}
    assert groups == {
        str(SeekerProfile.TargetGroup("graduates").label): 2,
        str(SeekerProfile.TargetGroup("veterans").label): 1,
    }
    assert found["unsaid_group"] == 2


def test_given_a_fair_with_applicants_then_the_stats_page_and_the_xlsx_show_them_by_home(client):
    fair, job, room, _hr, operator = fair_with_employer_make(region=LANZHOU)
    application_make(job=job, seeker=_seeker(home=CHENGDU_JINJIANG), room=room)
    client.force_login(operator)
    page = client.get(reverse("fairs:stats", args=[fair.pk])).content.decode()
    assert "报名人数（按家乡）" in page and "四川省" in page
    workbook = load_workbook(
        io.BytesIO(
            b"".join(client.get(reverse("fairs:export_xlsx", args=[fair.pk])).streaming_content)
        )
    )
    rows = list(workbook["按家乡"].values)
    assert rows == [("家乡", "报名人数"), ("四川省", 1), ("未填写", 0)]
