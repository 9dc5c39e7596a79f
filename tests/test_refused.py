"""One refusal type, one mapper onto forms, one onto API answers (daigang.core.refused)."""

from __future__ import annotations

import pytest
from django import forms

from daigang.core.api import refused_response
from daigang.core.refused import Refused, Throttled, refused_to_form
from daigang.hiring.tests.pipeline_world import world_make


class _ScheduleForm(forms.Form):
    title = forms.CharField(required=False)
    starts_at = forms.CharField(required=False)


def test_the_form_mapper_puts_the_message_on_the_field_the_refusal_names():
    # given
    form = _ScheduleForm(data={"title": "Interview", "starts_at": "yesterday"})
    assert form.is_valid()

    # when
    refused_to_form(form, Refused("start_past", "面试时间已经过去了", field="starts_at"))

    # then
    assert form.errors == {"starts_at": ["面试时间已经过去了"]}


def test_the_form_mapper_puts_a_refusal_about_no_field_of_this_form_on_the_whole_form():
    # given
    form = _ScheduleForm(data={})
    assert form.is_valid()

    # when
    refused_to_form(form, Refused("not_member", "只有本单位的成员可以这样做"))
    refused_to_form(form, Refused("uscc", "校验位不对", field="not_on_this_form"))

    # then
    assert form.non_field_errors() == ["只有本单位的成员可以这样做", "校验位不对"]
    assert "starts_at" not in form.errors


def test_a_refusal_status_outside_the_small_documented_set_is_a_programming_error():
    with pytest.raises(ValueError):
        Refused("oops", "出错了", status=500)


def test_a_throttled_answer_is_429_with_retry_after_in_whole_seconds():
    # when
    response = refused_response(None, Throttled("throttled", "太频繁", retry_after=2.2))

    # then
    assert response.status_code == 429
    assert response["Retry-After"] == "3"


@pytest.mark.django_db
def test_a_refusal_raised_in_an_endpoint_is_answered_with_its_status_and_the_documented_body(
    client,
):
    # given: the pipeline's service refuses an unknown stage, and the endpoint lets it through
    world = world_make()
    client.force_login(world.owner)

    # when
    response = client.post(
        f"/api/v1/applications/{world.application.pk}/advance",
        {"to_stage": "no_such_stage"},
        content_type="application/json",
    )

    # then
    assert response.status_code == 400
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {
        "code": "unknown_stage",
        "message": "没有这个阶段",
        "detail": "没有这个阶段",
        "field": "to_stage",
    }


@pytest.mark.django_db
def test_the_openapi_document_describes_the_refusal_body_with_its_field(client):
    # when
    doc = client.get("/api/v1/openapi.json").json()

    # then
    error = doc["components"]["schemas"]["ApiError"]
    assert {"code", "message", "detail", "field"} <= set(error["properties"])
    advance = doc["paths"]["/api/v1/applications/{application_id}/advance"]["post"]
    documented = advance["responses"]["400"]["content"]["application/json"]["schema"]
    assert documented["$ref"].endswith("/ApiError")
