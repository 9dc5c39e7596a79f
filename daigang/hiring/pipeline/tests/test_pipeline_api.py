from __future__ import annotations

import pytest

from daigang.hiring.models import Application, Stage
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.pipeline.settings import organisation_stage_add, rejection_reasons_seed
from daigang.hiring.testing import application_make, seeker_make
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


def _advance(client, application, body):
    return client.post(
        f"/api/v1/applications/{application.pk}/advance", body, content_type="application/json"
    )


def test_a_member_advances_an_application_and_gets_it_back_with_its_history(client):
    world = world_make()
    client.force_login(world.owner)

    response = _advance(client, world.application, {"to_stage": "intention", "reason": "电话聊过"})

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["stage"], body["stage_display"]) == ("intention", "达成意向")
    assert body["phone"] == "13800001111"
    [step] = body["history"]
    assert (step["from_stage"], step["to_stage"], step["reason"]) == (
        "applied",
        "intention",
        "电话聊过",
    )
    assert step["by_name"] == "人事小王"


def test_an_illegal_move_is_400_with_a_chinese_message(client):
    world = world_make()
    application_advance(application=world.application, to_stage="offer", by=world.owner)
    client.force_login(world.owner)

    response = _advance(client, world.application, {"to_stage": "contacted"})

    assert response.status_code == 400
    assert response.json()["code"] == "backwards"
    assert "只能向前推进" in response.json()["detail"]


def test_a_retried_advance_answers_the_same_and_records_one_move(client):
    world = world_make()
    client.force_login(world.owner)

    first = _advance(client, world.application, {"to_stage": "contacted"})
    again = _advance(client, world.application, {"to_stage": "contacted"})

    assert (first.status_code, again.status_code) == (200, 200)
    assert len(again.json()["history"]) == 1


def test_rejecting_through_the_api_with_a_reason_id(client):
    world = world_make()
    reason = rejection_reasons_seed(organisation=world.organisation)[2]  # 联系不上
    client.force_login(world.owner)

    response = _advance(
        client, world.application, {"to_stage": "rejected", "rejection_reason_id": reason.pk}
    )

    assert response.status_code == 200
    assert response.json()["history"][0]["reason"] == "联系不上"
    foreign = rejection_reasons_seed(organisation=world.outsider.organisations.get())[0]
    other = application_make(job=world.job, seeker=seeker_make())
    bad = _advance(client, other, {"to_stage": "rejected", "rejection_reason_id": foreign.pk})
    assert bad.status_code == 400 and bad.json()["code"] == "unknown_reason"


def test_the_seeker_sees_stage_next_step_and_history_without_internal_details(client):
    # given
    world = world_make()
    screening = organisation_stage_add(
        organisation=world.organisation, name="内部筛选", after_stage="contacted"
    )
    application_advance(application=world.application, to_stage="contacted", by=world.owner)
    application_advance(application=world.application, to_stage=screening.key, by=world.owner)
    reason = rejection_reasons_seed(organisation=world.organisation)[0]
    application_advance(
        application=world.application,
        to_stage="rejected",
        by=world.owner,
        reason="年龄不符：看着太小",
        rejection_reason=reason,
    )
    client.force_login(world.seeker)
    # when
    body = client.get(f"/api/v1/applications/{world.application.pk}").json()
    # then
    assert (body["stage"], body["stage_display"]) == ("rejected", "不合适")
    assert body["next_step"].startswith("这次没有成功")
    assert [(s["from_label"], s["to_label"]) for s in body["history"]] == [
        ("已报名", "已联系"),
        ("已联系", "不合适"),
    ]
    assert body["history"][1]["reason"] == "年龄不符"  # never the internal comment
    assert all(step["by_name"] is None for step in body["history"])
    assert "内部筛选" not in str(body)
    assert body["tags"] == [] and body["other_applications"] is None


def test_the_seeker_withdraws_through_the_api_twice_safely(client):
    world = world_make()
    client.force_login(world.seeker)
    url = f"/api/v1/applications/{world.application.pk}/withdraw"

    first = client.post(url, {"reason": "不去了"}, content_type="application/json")
    again = client.post(url, {}, content_type="application/json")

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.json()["stage"] == "withdrawn"
    assert Application.objects.get(pk=world.application.pk).stage == Stage.WITHDRAWN


def test_the_organisation_lists_its_pipeline_filtered_by_stage(client):
    world = world_make()
    second = application_make(job=world.job, seeker=seeker_make(), name="王五")
    application_advance(application=second, to_stage="interview", by=world.owner)
    client.force_login(world.owner)
    url = f"/api/v1/organisations/{world.organisation.pk}/applications"

    everything = client.get(url).json()
    interviews = client.get(url, {"stage": "interview"}).json()

    assert [a["id"] for a in everything] == [second.pk, world.application.pk]
    assert [(a["id"], a["stage_display"]) for a in interviews] == [(second.pk, "面试")]
    assert everything[1]["phone"] == "13800001111"


@pytest.mark.parametrize("stage", ["nonsense", "custom:999999", "a\x00b"])
def test_the_pipeline_list_refuses_a_stage_the_organisation_does_not_have(client, stage):
    # given (a NUL byte used to reach the database: a 500 on PostgreSQL, found by schemathesis)
    world = world_make()
    client.force_login(world.owner)
    url = f"/api/v1/organisations/{world.organisation.pk}/applications"

    # when
    response = client.get(url, {"stage": stage})

    # then
    assert response.status_code == 422, response.content
    assert response.json()["errors"] == {"stage": ["没有这个阶段"]}


def test_the_pipeline_list_filters_by_a_custom_stage_of_the_organisation(client):
    # given
    world = world_make()
    custom = organisation_stage_add(
        organisation=world.organisation, name="二面", after_stage="interview"
    )
    client.force_login(world.owner)

    # when
    response = client.get(
        f"/api/v1/organisations/{world.organisation.pk}/applications", {"stage": custom.key}
    )

    # then
    assert response.status_code == 200, response.content
    assert response.json() == []


def test_the_pipeline_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]

    assert "/api/v1/applications/{application_id}" in paths
    assert "post" in paths["/api/v1/applications/{application_id}/advance"]
    assert "post" in paths["/api/v1/applications/{application_id}/withdraw"]
    assert "get" in paths["/api/v1/organisations/{organisation_id}/applications"]
    assert "/api/v1/applications/mine" in paths  # the existing one still routes
