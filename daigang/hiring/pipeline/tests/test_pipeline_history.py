from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from daigang.accounts.testing import member_make, organisation_make
from daigang.hiring.pipeline.selectors import (
    application_history,
    application_stage_spells,
    application_time_in_stages,
)
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db

START = dt.datetime(2025, 3, 3, 9, 0, tzinfo=dt.UTC)


def _hours(n: float) -> dt.timedelta:
    return dt.timedelta(hours=n)


def test_every_move_is_recorded_with_who_when_from_and_to():
    with time_machine.travel(START, tick=False) as clock:
        # given
        organisation = organisation_make()
        hr = member_make(organisation=organisation)
        application = application_make(
            job=job_make(organisation=organisation), seeker=seeker_make()
        )
        # when
        clock.shift(_hours(2))
        application_advance(application=application, to_stage="contacted", by=hr)
        clock.shift(_hours(24))
        application_advance(
            application=application, to_stage="interview", by=hr, reason="电话沟通好"
        )
    # then
    history = application_history(application=application)
    assert [(c.from_stage, c.to_stage, c.by, c.at - START) for c in history] == [
        ("applied", "contacted", hr, _hours(2)),
        ("contacted", "interview", hr, _hours(26)),
    ]
    assert history[1].reason == "电话沟通好"


def test_time_in_each_stage_comes_from_the_history_and_the_current_stage_keeps_running():
    with time_machine.travel(START, tick=False) as clock:
        organisation = organisation_make()
        hr = member_make(organisation=organisation)
        application = application_make(
            job=job_make(organisation=organisation), seeker=seeker_make()
        )
        clock.shift(_hours(3))
        application_advance(application=application, to_stage="contacted", by=hr)
        clock.shift(_hours(48))
        application_advance(application=application, to_stage="intention", by=hr)
        clock.shift(_hours(5))

        times = application_time_in_stages(application=application, now=timezone.now())

    assert times == {"applied": _hours(3), "contacted": _hours(48), "intention": _hours(5)}


def test_the_clock_stops_when_the_application_ends():
    with time_machine.travel(START, tick=False) as clock:
        organisation = organisation_make()
        hr = member_make(organisation=organisation)
        application = application_make(
            job=job_make(organisation=organisation), seeker=seeker_make()
        )
        clock.shift(_hours(10))
        application_advance(application=application, to_stage="rejected", by=hr, reason="已招满")
        clock.shift(_hours(100))

        spells = application_stage_spells(application=application, now=timezone.now())

    assert [(s.key, s.duration, s.ended_at is None) for s in spells] == [
        ("applied", _hours(10), False)
    ]


def test_the_application_page_shows_the_history_and_time_per_stage(client):
    with time_machine.travel(START, tick=False) as clock:
        organisation = organisation_make()
        hr = member_make(organisation=organisation)
        application = application_make(
            job=job_make(organisation=organisation), seeker=seeker_make()
        )
        clock.shift(dt.timedelta(days=2, hours=4))
        application_advance(application=application, to_stage="contacted", by=hr)
        clock.shift(dt.timedelta(minutes=30))
        client.force_login(hr)

        html = client.get(
            f"/manage/{organisation.pk}/applications/{application.pk}/"
        ).content.decode()

    assert "人事小王：已报名 → 已联系" in html
    assert "2天4小时" in html  # in 已报名
    assert "30分钟" in html  # in 已联系 so far
