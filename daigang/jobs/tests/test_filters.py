from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.jobs.models import Board, WageUnit
from daigang.jobs.testing import job_make


@pytest.fixture
def jobs(org):
    job_make(
        organisation=org,
        title="东莞普工",
        city="东莞市",
        board=Board.ROOM_AND_BOARD,
        couple_rooms=True,
        wage_min_fen=2200,
        wage_max_fen=2600,
        wage_unit=WageUnit.HOUR,
    )
    job_make(
        organisation=org,
        title="苏州叉车工",
        city="苏州市",
        board=Board.MEAL_ALLOWANCE,
        wage_min_fen=650000,
        wage_max_fen=800000,
        wage_unit=WageUnit.MONTH,
    )
    job_make(
        organisation=org,
        title="深圳操作工",
        city="深圳市",
        board=Board.ROOM_AND_BOARD,
        wage_min_fen=500000,
        wage_max_fen=600000,
        wage_unit=WageUnit.MONTH,
    )
    job_make(
        organisation=org,
        title="深圳日结小时工",
        city="深圳市",
        board=Board.NONE,
        is_flexible=True,
        wage_min_fen=2000,
        wage_max_fen=2000,
        wage_unit=WageUnit.HOUR,
    )


def listed(client, **params):
    response = client.get(reverse("jobs:home"), params)
    assert response.status_code == 200
    return {job.title for job in response.context["page"]}


@pytest.mark.django_db
def test_filter_by_city(client, jobs):
    assert listed(client, city="深圳市") == {"深圳操作工", "深圳日结小时工"}


@pytest.mark.django_db
def test_filter_by_room_and_board(client, jobs):
    assert listed(client, room_and_board="on") == {"东莞普工", "深圳操作工"}


@pytest.mark.django_db
def test_filter_by_couple_rooms(client, jobs):
    assert listed(client, couple_rooms="on") == {"东莞普工"}


@pytest.mark.django_db
def test_filter_by_day_work(client, jobs):
    assert listed(client, flexible="on") == {"深圳日结小时工"}


@pytest.mark.django_db
def test_wage_minimum_keeps_jobs_of_that_unit_whose_top_reaches_it(client, jobs):
    assert listed(client, wage_min="6000", wage_unit="month") == {"苏州叉车工", "深圳操作工"}
    assert listed(client, wage_min="6000.01", wage_unit="month") == {"苏州叉车工"}
    assert listed(client, wage_min="25", wage_unit="hour") == {"东莞普工"}


@pytest.mark.django_db
def test_wage_minimum_without_a_unit_means_per_month(client, jobs):
    assert listed(client, wage_min="7000") == {"苏州叉车工"}


@pytest.mark.django_db
def test_filters_combine(client, jobs):
    assert listed(client, city="深圳市", room_and_board="on", q="操作工") == {"深圳操作工"}


@pytest.mark.django_db
def test_a_bad_wage_minimum_is_explained_and_the_other_filters_still_apply(client, jobs):
    response = client.get(reverse("jobs:home"), {"wage_min": "abc", "city": "苏州市"})
    assert "请填写数字" in response.content.decode()
    assert {job.title for job in response.context["page"]} == {"苏州叉车工"}
