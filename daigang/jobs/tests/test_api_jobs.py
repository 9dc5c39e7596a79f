from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daigang.accounts.models import Organisation
from daigang.accounts.testing import organisation_make, user_make
from daigang.jobs.models import Board, Job, WageUnit
from daigang.jobs.testing import job_make


@pytest.mark.django_db
def test_list_returns_open_jobs_with_wages_in_fen_unit_and_text(client, org):
    # given
    job_make(
        organisation=org,
        title="电子厂普工",
        wage_min_fen=2500,
        wage_max_fen=2800,
        wage_unit=WageUnit.HOUR,
    )
    job_make(organisation=org, title="草稿", status=Job.Status.DRAFT)
    # when
    data = client.get("/api/v1/jobs").json()
    # then
    assert data["count"] == 1
    assert (data["page"], data["pages"], data["page_size"]) == (1, 1, 20)
    item = data["items"][0]
    assert item["title"] == "电子厂普工"
    assert item["wage"] == {
        "min_fen": 2500,
        "max_fen": 2800,
        "unit": "hour",
        "display": "25-28 元/小时",
    }
    assert item["is_open"] is True
    assert item["organisation"]["name"] == org.name
    assert item["organisation"]["is_verified"] is True
    assert item["location"]["city"] == "东莞市"
    assert "包吃住" in item["tags"]
    assert item["requirements"] == "18-45岁，视力良好，能适应流水线。"
    assert item["duties"] == "手机配件组装，坐着上班。"
    assert item["employer"] is None
    assert item["is_dispatch"] is False
    assert item["organisation"]["is_hr_agency"] is False


@pytest.mark.django_db
def test_list_takes_the_same_filters_as_the_home_page(client, org):
    job_make(
        organisation=org,
        title="深圳电子厂普工",
        city="深圳市",
        board=Board.ROOM_AND_BOARD,
        couple_rooms=True,
    )
    job_make(
        organisation=org,
        title="苏州叉车工",
        kind_of_work="叉车工",
        city="苏州市",
        board=Board.MEAL_ALLOWANCE,
        wage_min_fen=650000,
        wage_max_fen=800000,
        wage_unit=WageUnit.MONTH,
    )

    def titles(**params):
        return {item["title"] for item in client.get("/api/v1/jobs", params).json()["items"]}

    assert titles(q="深圳 包吃住") == {"深圳电子厂普工"}
    assert titles(q="普工") == {"深圳电子厂普工"}
    assert titles(city="苏州市") == {"苏州叉车工"}
    assert titles(room_and_board="true") == {"深圳电子厂普工"}
    assert titles(couple_rooms="true") == {"深圳电子厂普工"}
    assert titles(wage_min="7000", wage_unit="month") == {"苏州叉车工"}
    assert titles(wage_min="7000", wage_unit="hour") == set()


@pytest.mark.django_db
def test_a_bad_filter_is_a_400_with_a_chinese_message(client):
    response = client.get("/api/v1/jobs", {"wage_min": "25.555"})
    assert response.status_code == 400
    assert "最多保留两位小数" in response.json()["errors"]["wage_min"][0]


@pytest.mark.django_db
def test_list_is_paginated(client, org):
    for n in range(23):
        job_make(organisation=org, title=f"普工{n}")
    page2 = client.get("/api/v1/jobs", {"page": 2}).json()
    assert page2["count"] == 23
    assert (page2["page"], page2["pages"], len(page2["items"])) == (2, 2, 3)


@pytest.mark.django_db
def test_read_a_job_with_its_requirements_and_duties(client, org):
    job = job_make(
        organisation=org,
        title="叉车工",
        requirements="持叉车证。",
        duties="仓库装卸。",
        wage_min_fen=35,
        wage_max_fen=60,
        wage_unit=WageUnit.PIECE,
    )
    data = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert data["id"] == job.pk
    assert (data["requirements"], data["duties"]) == ("持叉车证。", "仓库装卸。")
    assert data["wage"] == {
        "min_fen": 35,
        "max_fen": 60,
        "unit": "piece",
        "display": "0.35-0.60 元/件",
    }
    assert data["url"] == f"http://testserver/jobs/{job.pk}/"


@pytest.mark.django_db
def test_reading_a_draft_is_404(client, org):
    job = job_make(organisation=org, status=Job.Status.DRAFT)
    assert client.get(f"/api/v1/jobs/{job.pk}").status_code == 404
    assert client.get("/api/v1/jobs/999999").status_code == 404


@pytest.mark.django_db
def test_an_expired_job_reads_as_not_open(client, org):
    job = job_make(organisation=org)
    job.valid_until = timezone.localdate() - dt.timedelta(days=1)
    job.save()
    data = client.get(f"/api/v1/jobs/{job.pk}").json()
    assert data["is_open"] is False


@pytest.mark.django_db
def test_read_an_organisation_shows_public_facts_and_open_jobs_only(client, org):
    job_make(organisation=org, title="在招")
    job_make(organisation=org, title="草稿", status=Job.Status.DRAFT)
    data = client.get(f"/api/v1/organisations/{org.pk}").json()
    assert data["name"] == org.name
    assert data["uscc"] == org.uscc
    assert data["kind"] == "company" and data["kind_label"] == "企业"
    assert data["is_verified"] is True
    assert data["verified_until"]
    assert [j["title"] for j in data["open_jobs"]] == ["在招"]
    assert "contact_phone" not in data and "documents" not in data
    assert org.contact_phone not in str(data)


@pytest.mark.django_db
def test_pending_organisations_are_not_public_in_the_api(client):
    pending = organisation_make(status=Organisation.Status.PENDING, owner=user_make())
    assert client.get(f"/api/v1/organisations/{pending.pk}").status_code == 404
