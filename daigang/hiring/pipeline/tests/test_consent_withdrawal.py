"""A seeker withdraws the consent they gave an organisation: the phone is masked everywhere
the organisation looks and the organisation's actions no longer reach the seeker."""

from __future__ import annotations

import pytest

from daigang.hiring.models import Application, Notification
from daigang.hiring.pipeline.consent import organisation_consent_withdraw
from daigang.hiring.pipeline.services import application_advance
from daigang.hiring.testing import application_make
from daigang.hiring.tests.pipeline_world import world_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db

FULL = "13800001111"
MASKED = "138****1111"


def _withdraw_url(world) -> str:
    return f"/me/applications/{world.application.pk}/consent/withdraw/"


def test_withdrawing_consent_records_the_time_once_and_again_changes_nothing(client):
    # given
    world = world_make()
    client.force_login(world.seeker)
    # when
    first = client.post(_withdraw_url(world), follow=True)
    at = Application.objects.get(pk=world.application.pk).consent_withdrawn_at
    second = client.post(_withdraw_url(world))
    # then
    assert first.status_code == 200 and second.status_code == 302
    assert at is not None
    assert Application.objects.get(pk=world.application.pk).consent_withdrawn_at == at
    assert "已撤回向昆山精密电子有限公司提供手机号的同意" in first.content.decode()
    # The seeker's own confirmation, once, on their page only.
    assert Notification.objects.filter(user=world.seeker).count() == 1


def test_withdrawal_covers_every_application_to_that_organisation_and_no_other():
    # given
    world = world_make()
    second = application_make(
        job=job_make(organisation=world.organisation, title="质检员"), seeker=world.seeker
    )
    elsewhere = Application.objects.get(seeker=world.other_seeker)
    # when
    changed = organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    # then
    assert changed == 2
    second.refresh_from_db()
    elsewhere.refresh_from_db()
    assert second.consent_withdrawn_at is not None
    assert elsewhere.consent_withdrawn_at is None


def test_another_seeker_cannot_withdraw_someone_elses_consent(client):
    # given
    world = world_make()
    client.force_login(world.other_seeker)
    # when
    response = client.post(_withdraw_url(world))
    # then
    assert response.status_code == 404
    assert Application.objects.get(pk=world.application.pk).consent_withdrawn_at is None


@pytest.mark.parametrize(
    "path",
    [
        "/manage/{org}/applications/",
        "/manage/{org}/pipeline/",
        "/manage/{org}/pipeline/table/",
        "/manage/{org}/applications/{app}/",
        "/manage/{org}/applications/{app}/offer/",
    ],
)
def test_after_withdrawal_every_back_office_page_shows_the_phone_masked(client, path):
    # given
    world = world_make()
    organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    client.force_login(world.owner)
    # when
    response = client.get(path.format(org=world.organisation.pk, app=world.application.pk))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert FULL not in body
    assert MASKED in body


def test_after_withdrawal_the_api_shows_the_organisation_the_phone_masked(client):
    # given
    world = world_make()
    organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    client.force_login(world.owner)
    # when
    one = client.get(f"/api/v1/applications/{world.application.pk}").json()
    listed = client.get(f"/api/v1/organisations/{world.organisation.pk}/applications").json()
    client.force_login(world.seeker)
    own = client.get(f"/api/v1/applications/{world.application.pk}").json()
    # then
    assert one["phone"] == MASKED
    assert [row["phone"] for row in listed] == [MASKED]
    assert own["phone"] == FULL


def test_after_withdrawal_the_organisations_moves_send_the_seeker_nothing(
    sms_outbox, django_capture_on_commit_callbacks
):
    # given
    world = world_make()
    organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    before = Notification.objects.filter(user=world.seeker).count()
    # when
    with django_capture_on_commit_callbacks(execute=True):
        application_advance(application=world.application, to_stage="interview", by=world.owner)
    # then
    assert sms_outbox == []
    assert Notification.objects.filter(user=world.seeker).count() == before


def test_applying_again_to_the_organisation_needs_consent_again():
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from daigang.hiring.apply.services import application_consent_resolve

    # given
    world = world_make()
    organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    # when / then
    with pytest.raises(ValidationError):
        application_consent_resolve(
            seeker=world.seeker,
            organisation=world.organisation,
            consent_given=False,
            now=timezone.now(),
        )
