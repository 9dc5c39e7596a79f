"""Re-applying after a withdrawal through the JSON API (the room card's tap), on the django-ninja
view and on the fast path alike: the same application re-opened, or the job's closure said —
never a 200 over an application that stays withdrawn."""

from __future__ import annotations

import pytest

from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.services import application_withdraw
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.models import Job

pytestmark = pytest.mark.django_db(transaction=True)

URL = "/api/v1/applications"


def _withdrawn_world():
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    return world


def test_the_api_reopens_a_withdrawn_application(client):
    # given a withdrawn application
    world = _withdrawn_world()
    client.force_login(world.seeker)
    # when the seeker taps the card's 重新报名
    response = client.post(
        URL,
        {"job_id": world.job.pk, "consent": True},
        content_type="application/json",
        headers={"Idempotency-Key": "reapply-api-0001"},
    )
    # then the same application answers, applied again
    assert response.status_code == 200, response.content
    assert response.json()["id"] == world.application.pk
    assert response.json()["stage_display"] == "已报名"
    assert Application.objects.get(pk=world.application.pk).stage == Stage.APPLIED


def test_the_api_says_a_closed_job_is_closed_instead_of_a_false_success(client):
    world = _withdrawn_world()
    Job.objects.filter(pk=world.job.pk).update(status=Job.Status.CLOSED)
    client.force_login(world.seeker)

    response = client.post(
        URL,
        {"job_id": world.job.pk, "consent": True},
        content_type="application/json",
        headers={"Idempotency-Key": "reapply-api-0002"},
    )

    assert response.status_code == 400
    assert "停止招聘" in response.json()["message"]
    assert Application.objects.get(pk=world.application.pk).stage == Stage.WITHDRAWN


def test_the_fast_path_reopens_a_withdrawn_application_once(fastpath):  # noqa: F811
    # given a withdrawn application
    world = _withdrawn_world()
    browser = fastpath.browser(world.seeker)
    # when the seeker double taps 重新报名
    first = browser.post({"job_id": world.job.pk, "consent": True}, key="reapply-fast-01")
    second = browser.post({"job_id": world.job.pk, "consent": True}, key="reapply-fast-01")
    # then the same application is re-opened, once
    assert (first.status, second.status) == (200, 200), first.body
    assert first.json()["id"] == world.application.pk
    assert Application.objects.get(pk=world.application.pk).stage == Stage.APPLIED
    assert StageChange.objects.filter(application=world.application).count() == 2
