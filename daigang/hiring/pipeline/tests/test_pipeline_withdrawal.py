from __future__ import annotations

import pytest

from daigang.core.refused import Refused
from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.services import (
    application_advance,
    application_withdraw,
)
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


def _withdraw_url(world) -> str:
    return f"/me/applications/{world.application.pk}/withdraw/"


def test_the_seeker_withdraws_their_own_application_from_my_applications(client):
    # given
    world = world_make()
    client.force_login(world.seeker)
    # when
    response = client.post(_withdraw_url(world), {"reason": "找到别的工作了"}, follow=True)
    # then
    assert response.status_code == 200
    assert "已撤回报名" in response.content.decode()
    change = StageChange.objects.get(application=world.application)
    assert (change.from_stage, change.to_stage, change.by) == ("applied", "withdrawn", world.seeker)
    assert change.reason == "找到别的工作了"


def test_withdrawing_twice_is_a_no_op(client):
    world = world_make()
    client.force_login(world.seeker)

    client.post(_withdraw_url(world))
    second = client.post(_withdraw_url(world), follow=True)

    assert second.status_code == 200
    assert "已撤回报名" in second.content.decode()
    assert StageChange.objects.filter(application=world.application).count() == 1


def test_another_seeker_cannot_withdraw_it(client):
    world = world_make()
    client.force_login(world.other_seeker)

    response = client.post(_withdraw_url(world))

    assert response.status_code == 404
    assert Application.objects.get(pk=world.application.pk).stage == Stage.APPLIED


def test_a_member_of_the_organisation_cannot_withdraw_it_for_the_seeker():
    world = world_make()

    with pytest.raises(Refused, match="只有求职者本人可以撤回报名"):
        application_advance(application=world.application, to_stage="withdrawn", by=world.owner)


def test_the_seeker_may_withdraw_after_an_offer_but_not_after_onboarding():
    world = world_make()
    application_advance(application=world.application, to_stage="offer", by=world.owner)

    withdrawn = application_withdraw(application=world.application, seeker=world.seeker)

    assert withdrawn.stage == Stage.WITHDRAWN
    assert withdrawn.stage_reached == 4  # the offer still counts in the numbers

    other = world_make(seeker_phone="13800003333", other_phone="13900004444")
    application_advance(application=other.application, to_stage="onboarded", by=other.owner)
    with pytest.raises(Refused):
        application_withdraw(application=other.application, seeker=other.seeker)


def test_a_seekers_own_withdrawal_sends_them_no_sms(sms_outbox, django_capture_on_commit_callbacks):
    world = world_make()

    with django_capture_on_commit_callbacks(execute=True):
        application_withdraw(application=world.application, seeker=world.seeker)

    assert sms_outbox == []


def test_the_withdraw_button_is_gone_once_withdrawn(client):
    world = world_make()
    client.force_login(world.seeker)
    assert "撤回报名" in client.get("/me/applications/").content.decode()

    client.post(_withdraw_url(world))

    html = client.get("/me/applications/").content.decode()
    assert "确认撤回" not in html
    assert "您已撤回这次报名" in html
