from __future__ import annotations

import pytest

from daigang.accounts.testing import member_make, organisation_make
from daigang.core.refused import Refused
from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting():
    organisation = organisation_make()
    member = member_make(organisation=organisation)
    seeker = seeker_make()
    application = application_make(job=job_make(organisation=organisation), seeker=seeker)
    return organisation, member, seeker, application


def test_a_member_moves_an_application_along_the_road_one_stage_at_a_time(setting):
    _, member, _, application = setting

    for stage in ["contacted", "intention", "interview", "offer", "signed", "onboarded"]:
        application = application_advance(application=application, to_stage=stage, by=member)
        assert application.stage == stage

    stored = Application.objects.get(pk=application.pk)
    assert stored.stage == Stage.ONBOARDED
    assert stored.stage_reached == 6
    assert StageChange.objects.filter(application=application).count() == 6


def test_a_member_may_skip_stages_forward(setting):
    _, member, _, application = setting

    moved = application_advance(application=application, to_stage="interview", by=member)

    assert moved.stage == Stage.INTERVIEW
    assert moved.stage_reached == 3
    change = StageChange.objects.get(application=application)
    assert (change.from_stage, change.to_stage, change.by) == ("applied", "interview", member)


def test_moving_backwards_is_refused_and_changes_nothing(setting):
    _, member, _, application = setting
    application_advance(application=application, to_stage="interview", by=member)

    with pytest.raises(Refused) as error:
        application_advance(application=application, to_stage="contacted", by=member)

    assert "只能向前" in str(error.value)
    assert Application.objects.get(pk=application.pk).stage == Stage.INTERVIEW
    assert StageChange.objects.filter(application=application).count() == 1


def test_moving_to_the_current_stage_again_is_a_no_op_so_retries_are_safe(setting):
    _, member, _, application = setting
    application_advance(application=application, to_stage="contacted", by=member)

    again = application_advance(application=application, to_stage="contacted", by=member)

    assert again.stage == Stage.CONTACTED
    assert StageChange.objects.filter(application=application).count() == 1


@pytest.mark.parametrize("final", ["onboarded", "rejected", "withdrawn"])
def test_an_ended_application_cannot_move_any_more(setting, final):
    _, member, seeker, application = setting
    by = seeker if final == "withdrawn" else member
    application_advance(application=application, to_stage=final, by=by, reason="已招满")

    with pytest.raises(Refused) as error:
        application_advance(application=application, to_stage="offer", by=member)

    assert error.value.code == "closed"


def test_an_unknown_stage_is_refused_with_a_chinese_message(setting):
    _, member, _, application = setting

    with pytest.raises(Refused, match="没有这个阶段"):
        application_advance(application=application, to_stage="hired", by=member)


def test_a_member_of_another_organisation_cannot_move_it(setting):
    _, _, _, application = setting
    outsider = member_make(organisation=organisation_make(name="别家"))

    with pytest.raises(Refused) as error:
        application_advance(application=application, to_stage="contacted", by=outsider)

    assert error.value.code == "not_allowed"
    assert Application.objects.get(pk=application.pk).stage == Stage.APPLIED


def test_the_seeker_cannot_move_their_own_application_forward(setting):
    _, _, seeker, application = setting

    with pytest.raises(Refused, match="只有该单位的成员"):
        application_advance(application=application, to_stage="offer", by=seeker)


def test_the_seekers_signature_may_complete_the_contract(setting):
    _, member, seeker, application = setting
    application_advance(application=application, to_stage="offer", by=member)

    signed = application_advance(application=application, to_stage="signed", by=seeker)

    assert signed.stage == Stage.SIGNED


def test_a_failed_move_inside_an_outer_transaction_leaves_no_history(setting):
    from django.db import transaction

    _, member, _, application = setting
    with pytest.raises(RuntimeError), transaction.atomic():
        application_advance(application=application, to_stage="contacted", by=member)
        raise RuntimeError("boom")

    assert Application.objects.get(pk=application.pk).stage == Stage.APPLIED
    assert not StageChange.objects.filter(application=application).exists()
