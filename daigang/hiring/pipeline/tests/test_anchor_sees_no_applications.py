"""#10 item 11: an anchor (主播) presents rooms but sees no applications: every page, fragment
and API endpoint that shows applicants answers them 404 and never shows a full phone, while
the owner and HR of the same organisation do see it."""

from __future__ import annotations

import pytest
from django.test import Client

from daigang.hiring.models import StageChange
from daigang.hiring.pipeline.settings import rejection_reasons_seed
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db

PHONE = "13800001111"  # the applicant's full phone in world_make


def _urls(world) -> list[str]:
    org, app = world.organisation.pk, world.application.pk
    return [
        f"/manage/{org}/applications/",  # the live back office
        f"/manage/{org}/applications/new/?after=0",  # its polling fragment
        f"/manage/{org}/pipeline/",
        f"/manage/{org}/pipeline/changes/",  # the open board's poll
        f"/manage/{org}/pipeline/table/",
        f"/manage/{org}/applications/{app}/",
        f"/api/v1/organisations/{org}/applications",
        f"/api/v1/applications/{app}",
    ]


@pytest.mark.parametrize("role", ["owner", "hr"])
def test_the_owner_and_hr_see_the_full_phone_on_every_applications_page(role):
    # given
    world = world_make()
    client = Client()
    client.force_login(world.user(role))
    # when / then
    for url in _urls(world):
        response = client.get(url)
        assert response.status_code == 200, url
        assert PHONE in response.content.decode(), url


def test_an_anchor_gets_404_and_no_phone_on_every_applications_page_and_endpoint():
    # given
    world = world_make()
    client = Client()
    client.force_login(world.anchor)
    # when / then
    for url in _urls(world):
        response = client.get(url)
        assert response.status_code == 404, url
        assert PHONE not in response.content.decode(), url


@pytest.mark.parametrize(
    "body",
    [
        {"to_stage": "contacted"},
        {"to_stage": "rejected", "reason": "不合适"},
        {"to_stage": "rejected", "rejection_reason_id": None},
    ],
    ids=["advance", "reject", "reject_with_reason"],
)
def test_an_anchor_cannot_advance_or_reject_through_the_api(body):
    # given
    world = world_make()
    if "rejection_reason_id" in body:
        body = {
            **body,
            "rejection_reason_id": rejection_reasons_seed(organisation=world.organisation)[0].pk,
        }
    client = Client()
    client.force_login(world.anchor)
    # when
    response = client.post(
        f"/api/v1/applications/{world.application.pk}/advance",
        body,
        content_type="application/json",
    )
    # then
    assert response.status_code == 404
    assert PHONE not in response.content.decode()
    world.application.refresh_from_db()
    assert world.application.stage == "applied"
    assert (
        not StageChange.objects.filter(application=world.application)
        .exclude(to_stage="applied")
        .exists()
    )
