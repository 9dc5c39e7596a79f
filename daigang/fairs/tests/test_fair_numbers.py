"""A fair's numbers: counted over the fair and the fairs inside it (三级联动), a seeker who
applied in two counties counted once among applicants, frozen when the fair ends, and the
same in the dashboard, the CSV and the XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.fairs.services import fair_entry_decide, fair_entry_register, fair_room_add
from daigang.fairs.stats import fair_numbers
from daigang.fairs.testing import (
    CHENGGUAN,
    GANSU,
    LANZHOU,
    QILIHE,
    TIANSHUI,
    bureau_make,
    fair_make,
    operator_make,
)
from daigang.hiring.models import Stage
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make
from daigang.live.models import RoomAudience
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _fair_with_employer(*, region: str, parent=None, headcount: int = 10):
    bureau = bureau_make(region=region)
    operator = operator_make(bureau=bureau)
    fair = fair_make(bureau=bureau, by=operator, parent=parent)
    employer = organisation_make(name=f"{region}电子厂")
    hr = member_make(organisation=employer, role=Membership.Role.OWNER)
    job = job_make(organisation=employer, title="普工")
    entry = fair_entry_register(fair=fair, organisation=employer, by=hr, jobs=[(job, headcount)])
    fair_entry_decide(entry=entry, by=operator, approve=True)
    room = room_make(organisation=employer, jobs=[job])
    fair_room_add(fair=fair, room=room, by=operator)
    return fair, job, room, hr, operator


def test_a_province_fair_sums_its_cities_and_counties_and_counts_people_once():
    # given 甘肃 → (兰州 → 城关, 七里河), 天水: five fairs, one employer room in each
    province, _p_job, _p_room, _, _ = _fair_with_employer(region=GANSU)
    lanzhou, _l_job, _l_room, _, _ = _fair_with_employer(region=LANZHOU, parent=province)
    chengguan, c_job, c_room, c_hr, _ = _fair_with_employer(region=CHENGGUAN, parent=lanzhou)
    qilihe, q_job, q_room, _, _ = _fair_with_employer(region=QILIHE, parent=lanzhou)
    tianshui, t_job, t_room, _, _ = _fair_with_employer(region=TIANSHUI, parent=province)
    # and one seeker who applied in both counties, one more in 城关 and one in 天水
    both = seeker_make()
    application_make(job=c_job, seeker=both, room=c_room)
    application_make(job=q_job, seeker=both, room=q_room)
    second = application_make(job=c_job, seeker=seeker_make(), room=c_room)
    application_make(job=t_job, seeker=seeker_make(), room=t_room)
    application_advance(application=second, to_stage=Stage.CONTACTED, by=c_hr)
    application_advance(application=second, to_stage=Stage.INTENTION, by=c_hr)
    RoomAudience.objects.create(room=c_room, views=100, viewers_peak=40)
    RoomAudience.objects.create(room=q_room, views=50, viewers_peak=60)
    # when
    county = {name: fair_numbers(fair=fair) for name, fair in [("c", chengguan), ("q", qilihe)]}
    city = fair_numbers(fair=lanzhou)
    whole = fair_numbers(fair=province)
    # then a city is the sum of its counties (plus its own), a province of its cities
    assert county["c"]["applications"] == 2 and county["q"]["applications"] == 1
    assert city["applications"] == county["c"]["applications"] + county["q"]["applications"]
    assert (
        whole["applications"] == city["applications"] + fair_numbers(fair=tianshui)["applications"]
    )
    assert (city["sessions"], whole["sessions"]) == (3, 5)
    assert (city["organisations"], whole["organisations"]) == (3, 5)
    assert (city["headcount"], whole["headcount"]) == (30, 50)
    assert (city["views"], city["viewers_peak"]) == (150, 60)
    # and the seeker who applied in two counties is one applicant
    assert city["applicants"] == 2
    assert whole["applicants"] == 3
    assert (city["intentions"], whole["intentions"]) == (1, 1)


def test_the_report_freezes_when_the_fair_ends_and_later_changes_do_not_move_it(client):
    # given a fair with one application that reached 达成意向
    fair, job, room, hr, operator = _fair_with_employer(region=LANZHOU)
    application = application_make(job=job, seeker=seeker_make(), room=room)
    application_advance(application=application, to_stage=Stage.CONTACTED, by=hr)
    application_advance(application=application, to_stage=Stage.INTENTION, by=hr)
    client.force_login(operator)
    url = reverse("fairs:stats", args=[fair.pk])
    # when the fair has ended and the dashboard is opened, then another seeker applies
    with time_machine.travel(fair.ends_at + dt.timedelta(minutes=1)):
        client.get(url)
        application_make(job=job, seeker=seeker_make(), room=room)
        fair.refresh_from_db()
        page = client.get(url).content.decode()
    # then the frozen report keeps the numbers as they were at the end
    assert fair.report_frozen_at is not None
    assert fair.report["applications"] == 1
    assert fair.report["intentions"] == 1
    assert "报告已于招聘会结束时定稿" in page
    # and the live numbers go on beside it
    assert fair_numbers(fair=fair)["applications"] == 2


def test_the_csv_and_the_xlsx_say_what_the_dashboard_says(client):
    # given
    fair, job, room, _hr, operator = _fair_with_employer(region=LANZHOU, headcount=25)
    for _ in range(3):
        application_make(job=job, seeker=seeker_make(), room=room)
    client.force_login(operator)
    numbers = fair_numbers(fair=fair)
    # when
    page = client.get(reverse("fairs:stats", args=[fair.pk])).content.decode()
    raw_csv = b"".join(
        client.get(reverse("fairs:export_csv", args=[fair.pk])).streaming_content
    ).decode("utf-8-sig")
    xlsx = client.get(reverse("fairs:export_xlsx", args=[fair.pk]))
    # then
    assert numbers["applications"] == 3 and numbers["headcount"] == 25
    rows = list(csv.reader(io.StringIO(raw_csv)))
    figures = {row[0]: row[1] for row in rows[1:14]}
    assert figures["报名人次"] == "3" and figures["招聘人数"] == "25"
    assert '<td data-figure="6">3</td>' in page
    assert sum(1 for row in rows if row and row[0].isdigit()) == 3
    assert all("****" in row[4] for row in rows if row and row[0].isdigit())
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)), read_only=True)
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(min_row=3, values_only=True)}
    assert summary["报名人次"] == 3 and summary["招聘人数"] == 25
    assert len(list(book["报名明细"].iter_rows(values_only=True))) == 4


def test_a_province_reads_a_county_fairs_numbers_but_not_the_other_way_round(client):
    # given
    province = bureau_make(region=GANSU)
    province_viewer = operator_make(bureau=province, role=Membership.Role.VIEWER)
    county_fair, *_rest, county_operator = _fair_with_employer(region=CHENGGUAN)
    province_fair = fair_make(bureau=province)
    # when / then
    client.force_login(province_viewer)
    assert client.get(reverse("fairs:stats", args=[county_fair.pk])).status_code == 200
    assert client.get(reverse("fairs:manage", args=[county_fair.pk])).status_code == 404
    client.force_login(county_operator)
    assert client.get(reverse("fairs:stats", args=[province_fair.pk])).status_code == 404
    # and the province's list shows the county's fair
    client.force_login(province_viewer)
    listed = client.get(reverse("fairs:bureau_fairs", args=[province.pk])).content.decode()
    assert county_fair.title in listed


def test_the_dashboard_refreshes_its_numbers_by_itself(client):
    fair, job, room, _hr, operator = _fair_with_employer(region=LANZHOU)
    client.force_login(operator)
    page = client.get(reverse("fairs:stats", args=[fair.pk])).content.decode()
    assert 'hx-trigger="every 5s"' in page
    application_make(job=job, seeker=seeker_make(), room=room)
    partial = client.get(reverse("fairs:stats", args=[fair.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in partial.content.decode()
    assert '<td data-figure="6">1</td>' in partial.content.decode()
    assert timezone.now()
