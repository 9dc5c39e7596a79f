"""What scheduling refuses, with a clear message and nothing saved."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daigang.core.refused import Refused
from daigang.hiring.models import Notification, Stage, StageChange
from daigang.hiring.pipeline.services import application_withdraw
from daigang.hiring.testing import application_make, seeker_make
from daigang.interviews.models import Interview
from daigang.interviews.services import interview_schedule
from daigang.interviews.testing import world_make

pytestmark = pytest.mark.django_db


def _schedule(world, **overrides):
    kwargs = {
        "organisation": world.organisation,
        "by": world.owner,
        "title": "普工面试",
        "starts_at": timezone.now() + dt.timedelta(hours=2),
        "length_minutes": 30,
        "interviewer_ids": [world.owner.pk],
        "application_ids": [world.application.pk],
        "idempotency_key": "k",
    }
    kwargs.update(overrides)
    return interview_schedule(**kwargs)


def _refused(world, **overrides) -> Refused:
    with pytest.raises(Refused) as caught:
        _schedule(world, **overrides)
    assert not Interview.objects.exists()
    assert not StageChange.objects.exists()
    assert not Notification.objects.exists()
    return caught.value


def test_another_organisations_application_is_refused_and_nothing_is_saved():
    world = world_make()

    error = _refused(world, application_ids=[world.application.pk, world.other_application.pk])

    assert error.field == "applications"
    assert error.message == "所选报名中有不属于本单位的报名"
    world.application.refresh_from_db()
    assert world.application.stage == Stage.APPLIED


def test_an_interviewer_who_is_not_a_member_is_refused():
    world = world_make()

    error = _refused(world, interviewer_ids=[world.owner.pk, world.outsider.pk])

    assert error.field == "interviewers"
    assert error.message == "面试官只能是本单位的成员"


def test_a_withdrawn_application_cannot_be_invited():
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    StageChange.objects.all().delete()
    Notification.objects.all().delete()

    error = _refused(world)

    assert error.message == "张三的报名已是“已撤回”，不能安排面试"


def test_a_time_already_past_is_refused():
    world = world_make()

    error = _refused(world, starts_at=timezone.now() - dt.timedelta(hours=1))

    assert (error.field, error.message) == ("starts_at", "面试时间已经过去了，请选择以后的时间")


@pytest.mark.parametrize("minutes", [0, 4, 241])
def test_a_length_outside_5_to_240_minutes_is_refused(minutes):
    world = world_make()

    error = _refused(world, length_minutes=minutes)

    assert (error.field, error.message) == ("length_minutes", "面试时长应在5到240分钟之间")


def test_no_candidate_or_no_interviewer_is_refused():
    world = world_make()

    assert _refused(world, application_ids=[]).message == "请至少选择一位面试者"
    assert _refused(world, interviewer_ids=[]).message == "请至少选择一位面试官"


def test_more_than_six_people_is_refused():
    world = world_make()
    applications = [world.application, world.application_b] + [
        application_make(job=world.job, seeker=seeker_make(name=f"求职者{i}"), name=f"求职者{i}")
        for i in range(4)
    ]

    error = _refused(world, application_ids=[a.pk for a in applications])

    assert error.message == "一场视频面试最多6人（面试官和面试者合计），请分场安排"


def test_the_same_seeker_through_two_applications_is_refused():
    world = world_make()
    from daigang.jobs.testing import job_make

    second = application_make(
        job=job_make(organisation=world.organisation, title="仓库分拣员"),
        seeker=world.seeker,
        name="张三",
        key="second-application",
    )

    error = _refused(world, application_ids=[world.application.pk, second.pk])

    assert "张三被选了两次" in error.message


def test_a_non_member_cannot_schedule():
    world = world_make()

    error = _refused(world, by=world.outsider)

    assert error.code == "not_member"
