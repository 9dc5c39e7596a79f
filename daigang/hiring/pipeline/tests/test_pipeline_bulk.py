from __future__ import annotations

import pytest

from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.services import application_advance, applications_bulk_advance
from daigang.hiring.pipeline.settings import rejection_reasons_seed
from daigang.hiring.testing import application_make, seeker_make
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


def _three(world) -> list[Application]:
    return [world.application] + [
        application_make(job=world.job, seeker=seeker_make(phone=f"1350000000{i}"), name=f"工人{i}")
        for i in range(2)
    ]


def test_bulk_move_moves_each_with_its_own_history_row():
    world = world_make()
    applications = _three(world)

    result = applications_bulk_advance(
        organisation=world.organisation,
        application_ids=[a.pk for a in applications],
        to_stage="contacted",
        by=world.owner,
    )

    assert sorted(result.moved) == sorted(a.pk for a in applications)
    assert result.skipped == {}
    assert set(
        Application.objects.filter(organisation=world.organisation).values_list("stage", flat=True)
    ) == {"contacted"}
    assert StageChange.objects.count() == 3


def test_bulk_move_skips_what_may_not_move_and_moves_the_rest():
    # given
    world = world_make()
    applications = _three(world)
    application_advance(application=applications[1], to_stage="offer", by=world.owner)
    foreign = Application.objects.exclude(organisation=world.organisation).get()
    # when
    result = applications_bulk_advance(
        organisation=world.organisation,
        application_ids=[a.pk for a in applications] + [foreign.pk],
        to_stage="interview",
        by=world.owner,
    )
    # then
    assert sorted(result.moved) == sorted([applications[0].pk, applications[2].pk])
    assert "只能向前推进" in result.skipped[applications[1].pk]
    assert result.skipped[foreign.pk] == "没有这个报名"
    assert Application.objects.get(pk=foreign.pk).stage == Stage.APPLIED


def test_bulk_reject_from_the_table_rejects_all_ticked_with_the_chosen_reason(
    client, sms_outbox, django_capture_on_commit_callbacks
):
    world = world_make()
    applications = _three(world)
    reason = rejection_reasons_seed(organisation=world.organisation)[1]  # 已招满
    client.force_login(world.owner)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/manage/{world.organisation.pk}/pipeline/bulk/",
            {"action": "reject", "reason_id": reason.pk, "ids": [a.pk for a in applications]},
            follow=True,
        )

    assert "已处理3个报名" in response.content.decode()
    assert Application.objects.filter(stage=Stage.REJECTED).count() == 3
    assert len(sms_outbox) == 3
    assert all("已经招满" in sms.message for sms in sms_outbox)


def test_bulk_move_from_the_table_reports_skipped_ones(client):
    world = world_make()
    applications = _three(world)
    application_advance(application=applications[0], to_stage="signed", by=world.owner)
    client.force_login(world.owner)

    response = client.post(
        f"/manage/{world.organisation.pk}/pipeline/bulk/",
        {"action": "move", "to_stage": "contacted", "ids": [a.pk for a in applications]},
        follow=True,
    )

    html = response.content.decode()
    assert "已处理2个报名" in html
    assert f"报名 #{applications[0].pk} 未处理" in html


def test_bulk_invite_hands_the_selection_to_the_interview_scheduler():
    world = world_make()
    applications = _three(world)
    from django.test import Client

    client = Client()
    client.force_login(world.owner)
    foreign = Application.objects.exclude(organisation=world.organisation).get()

    response = client.post(
        f"/manage/{world.organisation.pk}/pipeline/bulk/",
        {"action": "invite", "ids": [a.pk for a in applications] + [foreign.pk]},
    )

    ids = ",".join(str(a.pk) for a in sorted(applications, key=lambda a: a.pk))
    assert response.status_code == 302
    assert response["Location"] == (
        f"/manage/{world.organisation.pk}/interviews/new/?applications={ids.replace(',', '%2C')}"
    )


def test_bulk_tag_tags_every_ticked_application_once(client):
    world = world_make()
    applications = _three(world)
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/pipeline/bulk/"
    body = {"action": "tag", "tag": "有经验", "ids": [a.pk for a in applications[:2]]}

    client.post(url, body)
    client.post(url, body)

    tagged = Application.objects.filter(tags__name="有经验")
    assert sorted(tagged.values_list("pk", flat=True)) == sorted(a.pk for a in applications[:2])


def test_bulk_with_nothing_ticked_says_so(client):
    world = world_make()
    client.force_login(world.owner)

    response = client.post(
        f"/manage/{world.organisation.pk}/pipeline/bulk/", {"action": "move"}, follow=True
    )

    assert "请先勾选报名" in response.content.decode()
