"""Free text on a stage change has a length limit, with a clear error, in the service (so the
pages and the API alike) and in the API's schema."""

from __future__ import annotations

import pytest

from daigang.core.refused import Refused
from daigang.hiring.models import Stage, StageChange
from daigang.hiring.pipeline.services import STAGE_REASON_MAX, application_advance
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


def test_a_reason_over_500_characters_is_refused_and_nothing_moves():
    # given an application
    world = world_make()

    # when a member moves it with a reason one character too long
    with pytest.raises(Refused) as refused:
        application_advance(
            application=world.application,
            to_stage=Stage.REJECTED,
            by=world.owner,
            reason="不" * (STAGE_REASON_MAX + 1),
        )

    # then it is refused with the limit in the message, and no stage change is written
    assert refused.value.code == "reason_too_long"
    assert str(STAGE_REASON_MAX) in refused.value.message
    assert not StageChange.objects.exists()
    world.application.refresh_from_db()
    assert world.application.stage == Stage.APPLIED


def test_a_reason_of_500_characters_is_kept_whole():
    world = world_make()

    application_advance(
        application=world.application,
        to_stage=Stage.REJECTED,
        by=world.owner,
        reason="不" * STAGE_REASON_MAX,
    )

    assert StageChange.objects.get().reason == "不" * STAGE_REASON_MAX


def test_the_api_refuses_a_reason_over_500_characters_with_422(client):
    world = world_make()
    client.force_login(world.owner)

    response = client.post(
        f"/api/v1/applications/{world.application.pk}/advance",
        {"to_stage": "rejected", "reason": "不" * (STAGE_REASON_MAX + 1)},
        content_type="application/json",
    )

    assert response.status_code == 422
    assert not StageChange.objects.exists()


def test_the_pipeline_page_shows_the_limit_instead_of_saving(client):
    world = world_make()
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/applications/{world.application.pk}/move/"

    response = client.post(
        url, {"to_stage": "rejected", "reason": "不" * (STAGE_REASON_MAX + 1)}, follow=True
    )

    assert "500" in response.content.decode()
    assert not StageChange.objects.exists()
