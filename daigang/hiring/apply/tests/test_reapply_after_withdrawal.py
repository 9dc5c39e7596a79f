"""Applying again after withdrawing re-opens the same application (issue #15): never a
false 报名成功 over an application that stays withdrawn."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application, Stage, StageChange
from daigang.hiring.pipeline.services import application_withdraw
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.models import Job

pytestmark = pytest.mark.django_db


def _apply_again(world, *, key: str = "again-0001") -> tuple[Application, bool]:
    return application_apply(
        job=world.job,
        seeker=world.seeker,
        name="张三丰",
        idempotency_key=key,
        consent_text=application_consent_text(organisation=world.organisation),
    )


def test_applying_again_after_withdrawing_reopens_the_same_application_with_its_history():
    # given an application the seeker withdrew
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker, reason="先不去了")
    # when they apply to the same job again
    application, created = _apply_again(world)
    # then it is the same application, applied again, and its history says so
    assert (application.pk, created) == (world.application.pk, False)
    stored = Application.objects.get(pk=world.application.pk)
    assert stored.stage == Stage.APPLIED
    assert stored.reopened_at is not None
    assert stored.name == "张三丰"
    moves = list(
        StageChange.objects.filter(application=stored).values_list(
            "from_stage", "to_stage", "by", "reason"
        )
    )
    assert moves == [
        ("applied", "withdrawn", world.seeker.pk, "先不去了"),
        ("withdrawn", "applied", world.seeker.pk, "重新报名"),
    ]
    assert Application.objects.filter(job=world.job, seeker=world.seeker).count() == 1


def test_a_repeated_reapply_is_a_no_op():
    # given an application withdrawn and re-opened
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    _apply_again(world)
    # when the same tap arrives again (a double tap), and then another tap
    _apply_again(world)
    _apply_again(world, key="again-0002")
    # then it was re-opened once
    assert StageChange.objects.filter(application=world.application).count() == 2
    assert Application.objects.get(pk=world.application.pk).stage == Stage.APPLIED


def test_reapplying_to_a_job_the_organisation_has_closed_says_so_and_changes_nothing():
    # given a withdrawn application whose job has since been closed
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    Job.objects.filter(pk=world.job.pk).update(status=Job.Status.CLOSED)
    world.job.refresh_from_db()
    # when the seeker applies again, then they are told the job is closed
    with pytest.raises(ValidationError) as refused:
        _apply_again(world)
    assert refused.value.code == "job_closed"
    assert Application.objects.get(pk=world.application.pk).stage == Stage.WITHDRAWN
    assert StageChange.objects.filter(application=world.application).count() == 1


def test_the_apply_page_offers_to_apply_again_instead_of_saying_success(client):
    # given a seeker who withdrew their application
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    client.force_login(world.seeker)
    # when they open the job's apply page
    page = client.get(f"/jobs/{world.job.pk}/apply/").content.decode()
    # then it is the form, saying they withdrew, not 报名成功
    assert "报名成功" not in page
    assert "重新报名" in page
    # and posting it re-opens the application and then says so
    form = client.post(
        f"/jobs/{world.job.pk}/apply/",
        {"name": "张三", "idempotency_key": "again-0003", "consent": "on", "action": "apply"},
    ).content.decode()
    assert "已重新报名" in form
    assert Application.objects.get(pk=world.application.pk).stage == Stage.APPLIED


def test_the_back_office_row_shows_the_reapply(client):
    # given a re-opened application
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    _apply_again(world)
    client.force_login(world.owner)
    # when the organisation opens its list, then the row says 重新报名
    page = client.get(f"/manage/{world.organisation.pk}/applications/").content.decode()
    assert "重新报名" in page


def test_the_apply_page_of_a_closed_job_says_so_to_a_seeker_who_withdrew(client):
    # given a withdrawn application whose job has been closed
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    Job.objects.filter(pk=world.job.pk).update(status=Job.Status.CLOSED)
    client.force_login(world.seeker)
    # when they open the apply page (the room's sheet shows the same panel)
    page = client.get(f"/jobs/{world.job.pk}/apply/", headers={"HX-Request": "true"})
    # then it says the job is closed, never 报名成功
    text = page.content.decode()
    assert "停止招聘" in text and "报名成功" not in text


def test_my_applications_offers_to_apply_again_after_withdrawing(client):
    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    client.force_login(world.seeker)

    page = client.get("/me/applications/").content.decode()

    assert f'href="/jobs/{world.job.pk}/apply/" data-reapply' in page


def test_a_seeker_who_also_took_back_consent_ticks_it_again_to_reapply(client):
    # given a seeker who withdrew the application and their consent to the organisation
    from daigang.hiring.pipeline.consent import organisation_consent_withdraw

    world = world_make()
    application_withdraw(application=world.application, seeker=world.seeker)
    organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    client.force_login(world.seeker)
    # when they open the apply page, then the consent box is there to tick again
    page = client.get(f"/jobs/{world.job.pk}/apply/").content.decode()
    assert 'name="consent"' in page
    # and ticking it re-opens the application with the consent given back
    client.post(
        f"/jobs/{world.job.pk}/apply/",
        {"name": "张三", "idempotency_key": "again-0004", "consent": "on", "action": "apply"},
    )
    stored = Application.objects.get(pk=world.application.pk)
    assert (stored.stage, stored.consent_withdrawn_at) == (Stage.APPLIED, None)
