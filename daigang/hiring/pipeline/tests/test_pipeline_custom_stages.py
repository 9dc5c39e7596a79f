from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.core.refused import Refused
from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.selectors import pipeline_board, pipeline_stage_options
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.pipeline.settings import organisation_stage_add, organisation_stage_archive
from daigang.hiring.pipeline.stats import applications_reached
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


def test_an_organisations_own_stages_sit_between_the_built_in_ones():
    world = world_make()
    checkup = organisation_stage_add(
        organisation=world.organisation, name="体检", after_stage="offer"
    )
    test = organisation_stage_add(
        organisation=world.organisation, name="技能测试", after_stage="intention"
    )

    labels = [option.label for option in pipeline_stage_options(organisation=world.organisation)]

    assert labels == [
        "已报名",
        "已联系",
        "达成意向",
        "技能测试",
        "面试",
        "录用",
        "体检",
        "已签约",
        "已入职",
        "不合适",
        "已撤回",
    ]
    assert (test.key, checkup.key) == (f"custom:{test.pk}", f"custom:{checkup.pk}")


def test_an_application_in_a_custom_stage_counts_as_having_reached_the_stage_before_it():
    world = world_make()
    test = organisation_stage_add(
        organisation=world.organisation, name="技能测试", after_stage="intention"
    )

    moved = application_advance(application=world.application, to_stage=test.key, by=world.owner)

    assert (moved.stage, moved.custom_stage, moved.stage_label) == ("intention", test, "技能测试")
    assert Application.objects.filter(applications_reached(stage="intention")).count() == 1
    change = StageChange.objects.get()
    assert (change.to_stage, change.to_custom, change.to_label) == ("intention", test, "技能测试")


def test_custom_stages_follow_the_forward_only_rule():
    world = world_make()
    test = organisation_stage_add(
        organisation=world.organisation, name="技能测试", after_stage="intention"
    )
    application_advance(application=world.application, to_stage=test.key, by=world.owner)

    with pytest.raises(Refused):
        application_advance(application=world.application, to_stage="intention", by=world.owner)
    moved = application_advance(application=world.application, to_stage="interview", by=world.owner)
    assert moved.stage == Stage.INTERVIEW and moved.custom_stage is None


def test_another_organisations_stage_is_unknown_here():
    world = world_make()
    foreign = organisation_stage_add(
        organisation=world.outsider.organisations.get(), name="体检", after_stage="offer"
    )

    with pytest.raises(Refused, match="没有这个阶段"):
        application_advance(application=world.application, to_stage=foreign.key, by=world.owner)


def test_the_board_has_a_column_for_a_custom_stage_with_its_cards():
    world = world_make()
    test = organisation_stage_add(
        organisation=world.organisation, name="技能测试", after_stage="intention"
    )
    application_advance(application=world.application, to_stage=test.key, by=world.owner)

    columns = {c.option.key: c for c in pipeline_board(organisation=world.organisation)}

    assert columns[test.key].total == 1
    assert [a.pk for a in columns[test.key].applications] == [world.application.pk]
    assert columns["intention"].total == 0


def test_a_stage_in_use_cannot_be_removed_and_an_empty_one_can():
    world = world_make()
    test = organisation_stage_add(
        organisation=world.organisation, name="技能测试", after_stage="intention"
    )
    application_advance(application=world.application, to_stage=test.key, by=world.owner)

    with pytest.raises(ValidationError, match="还有报名在“技能测试”阶段"):
        organisation_stage_archive(stage=test)
    application_advance(application=world.application, to_stage="interview", by=world.owner)
    organisation_stage_archive(stage=test)

    keys = [o.key for o in pipeline_stage_options(organisation=world.organisation)]
    assert test.key not in keys
    # The history still reads the same.
    assert [c.to_label for c in StageChange.objects.order_by("id")] == ["技能测试", "面试"]


def test_a_stage_cannot_come_after_onboarding_or_repeat_a_name():
    world = world_make()
    organisation_stage_add(organisation=world.organisation, name="体检", after_stage="offer")

    with pytest.raises(ValidationError, match="请选择放在哪个阶段之后"):
        organisation_stage_add(
            organisation=world.organisation, name="回访", after_stage="onboarded"
        )
    with pytest.raises(ValidationError, match="已经有“体检”这个阶段了"):
        organisation_stage_add(organisation=world.organisation, name="体检", after_stage="signed")


def test_the_seeker_sees_the_built_in_stage_not_the_organisations_internal_one(client):
    world = world_make()
    test = organisation_stage_add(
        organisation=world.organisation, name="内部评估", after_stage="intention"
    )
    application_advance(application=world.application, to_stage=test.key, by=world.owner)
    client.force_login(world.seeker)

    html = client.get("/me/applications/").content.decode()

    assert "达成意向" in html
    assert "内部评估" not in html


def test_the_settings_page_adds_a_stage(client):
    world = world_make()
    client.force_login(world.owner)
    url = f"/manage/{world.organisation.pk}/pipeline/settings/"

    response = client.post(
        url, {"action": "stage_add", "name": "体检", "after_stage": "offer"}, follow=True
    )

    assert response.status_code == 200
    assert "体检" in response.content.decode()
    assert "在“录用”之后" in response.content.decode()
