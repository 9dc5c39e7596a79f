"""Recording a verdict from the call or the interview page (htmx and plain form posts)."""

from __future__ import annotations

import pytest

from daigang.hiring.models import Stage
from daigang.interviews.models import Verdict
from daigang.interviews.testing import client_for, interview_make, world_make

pytestmark = pytest.mark.django_db


def _post(client, world, interview, data, htmx=True):
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(
        f"/manage/{world.organisation.pk}/interviews/{interview.pk}/verdicts/",
        data,
        **headers,
    )


def test_a_pass_comes_back_as_ready_for_an_offer_with_the_offer_link():
    world = world_make()
    interview = interview_make(world)

    response = _post(
        client_for(world.owner),
        world,
        interview,
        {"application": world.application.pk, "decision": "pass", "score": "5", "comment": "踏实"},
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "已保存" in html and "面试通过，可发放录用" in html
    offer = f"/manage/{world.organisation.pk}/applications/{world.application.pk}/offer/"
    assert f'href="{offer}"' in html and "可发放录用" in html
    assert "踏实" in html


def test_a_fail_comes_back_as_not_passed_and_the_application_is_rejected():
    world = world_make()
    interview = interview_make(world)

    html = _post(
        client_for(world.owner),
        world,
        interview,
        {"application": world.application.pk, "decision": "fail", "score": "1"},
    ).content.decode()

    assert "面试未通过" in html and "可发放录用" not in html
    world.application.refresh_from_db()
    assert world.application.stage == Stage.REJECTED


def test_a_bad_score_is_shown_in_the_form_and_nothing_is_saved():
    world = world_make()
    interview = interview_make(world)

    html = _post(
        client_for(world.owner),
        world,
        interview,
        {"application": world.application.pk, "decision": "pass", "score": "9"},
    ).content.decode()

    assert "评分请选择1到5分" in html
    assert not Verdict.objects.exists()


def test_without_javascript_the_form_posts_and_returns_to_the_interview_page():
    world = world_make()
    interview = interview_make(world)
    client = client_for(world.owner)

    response = _post(
        client,
        world,
        interview,
        {"application": world.application.pk, "decision": "hold", "score": "3"},
        htmx=False,
    )

    detail = f"/manage/{world.organisation.pk}/interviews/{interview.pk}/"
    assert response.status_code == 302 and response["Location"] == detail
    html = client.get(detail).content.decode()
    assert "评定已保存" in html and "待定" in html


def test_the_interview_page_shows_every_interviewers_verdict():
    world = world_make()
    interview = interview_make(world, interviewers=[world.owner, world.hr])
    _post(
        client_for(world.owner),
        world,
        interview,
        {"application": world.application.pk, "decision": "pass", "score": "4", "comment": "好"},
    )

    html = (
        client_for(world.hr)
        .get(f"/manage/{world.organisation.pk}/interviews/{interview.pk}/")
        .content.decode()
    )

    assert "王经理" in html and "通过" in html and "4 分" in html
    assert "待全部面试官评定" in html
