from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from daigang.hiring.pipeline.services import STAGE_NEXT, application_advance
from daigang.hiring.pipeline.settings import rejection_reasons_seed
from daigang.hiring.testing import application_make
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stage", "words"),
    [
        ("applied", "已报名"),
        ("contacted", "已联系"),
        ("intention", "达成意向"),
        ("interview", "面试"),
        ("offer", "录用"),
        ("signed", "已签约"),
        ("onboarded", "已入职"),
    ],
)
def test_my_applications_says_where_it_stands_and_what_happens_next(client, stage, words):
    world = world_make()
    if stage != "applied":
        application_advance(application=world.application, to_stage=stage, by=world.owner)
    client.force_login(world.seeker)

    html = client.get("/me/applications/").content.decode()

    assert f'<dd class="stage" data-stage="{stage}">{words}</dd>' in html
    assert STAGE_NEXT[stage] in html


def test_my_applications_lists_the_steps_with_a_rejections_reason_name_only(client):
    world = world_make()
    application_advance(application=world.application, to_stage="contacted", by=world.owner)
    reason = rejection_reasons_seed(organisation=world.organisation)[0]
    application_advance(
        application=world.application,
        to_stage="rejected",
        by=world.owner,
        reason="年龄不符：内部评语",
        rejection_reason=reason,
    )
    client.force_login(world.seeker)

    html = client.get("/me/applications/").content.decode()

    assert "已报名" in html and "已联系" in html and "不合适（年龄不符）" in html
    assert "内部评语" not in html


def test_my_applications_costs_the_same_queries_for_one_or_many_applications(client):
    # given one application, then five more that each moved once
    world = world_make()
    client.force_login(world.seeker)
    with CaptureQueriesContext(connection) as one:
        client.get("/me/applications/")
    for i in range(5):
        other = application_make(
            job=job_make(organisation=world.organisation, title=f"岗{i}"), seeker=world.seeker
        )
        application_advance(application=other, to_stage="contacted", by=world.owner)
    # when
    with CaptureQueriesContext(connection) as six:
        response = client.get("/me/applications/")
    # then
    assert response.content.decode().count("data-application-id=") == 6
    assert len(six.captured_queries) == len(one.captured_queries)
