from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.services import (
    application_apply,
    application_consent_resolve,
    application_consent_text,
)
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


def _apply_with_consent(*, job, seeker, key, consent_given, now):
    text, at = application_consent_resolve(
        seeker=seeker, organisation=job.organisation, consent_given=consent_given, now=now
    )
    return application_apply(
        job=job,
        seeker=seeker,
        name="王五",
        idempotency_key=key,
        consent_text=text,
        consented_at=at,
        now=now,
    )


def test_the_consent_text_names_the_organisation_and_the_phone():
    organisation = organisation_make(name="昆山富士康")

    text = application_consent_text(organisation=organisation)

    assert "昆山富士康" in text
    assert "手机号" in text


def test_consent_text_and_time_are_recorded_with_the_application():
    job = job_make(organisation=organisation_make())
    now = timezone.now()

    application, _ = _apply_with_consent(
        job=job, seeker=seeker_make(), key="consent-0001", consent_given=True, now=now
    )

    application.refresh_from_db()
    assert application.consent_text == application_consent_text(organisation=job.organisation)
    assert application.consented_at == now


def test_without_a_tick_the_first_apply_to_an_organisation_is_refused():
    job = job_make(organisation=organisation_make())

    with pytest.raises(ValidationError) as excinfo:
        application_consent_resolve(
            seeker=seeker_make(),
            organisation=job.organisation,
            consent_given=False,
            now=timezone.now(),
        )

    assert excinfo.value.code == "consent_required"
    assert "勾选" in excinfo.value.messages[0]


def test_a_later_apply_to_the_same_organisation_records_the_earlier_consent():
    # given a seeker who ticked the box for this organisation yesterday
    organisation = organisation_make()
    seeker = seeker_make()
    yesterday = timezone.now() - dt.timedelta(days=1)
    with time_machine.travel(yesterday, tick=False):
        first, _ = _apply_with_consent(
            job=job_make(organisation=organisation),
            seeker=seeker,
            key="consent-day1",
            consent_given=True,
            now=yesterday,
        )
    # when they one-tap another of its jobs without ticking
    second, created = _apply_with_consent(
        job=job_make(organisation=organisation),
        seeker=seeker,
        key="consent-day2",
        consent_given=False,
        now=timezone.now(),
    )
    # then the earlier consent (text and time) is what the new application records
    assert created is True
    assert second.consent_text == first.consent_text
    assert second.consented_at == first.consented_at


def test_consent_given_to_one_organisation_does_not_cover_another():
    seeker = seeker_make()
    _apply_with_consent(
        job=job_make(organisation=organisation_make()),
        seeker=seeker,
        key="consent-org1",
        consent_given=True,
        now=timezone.now(),
    )
    other = organisation_make(name="另一家公司")

    with pytest.raises(ValidationError) as excinfo:
        application_consent_resolve(
            seeker=seeker, organisation=other, consent_given=False, now=timezone.now()
        )

    assert excinfo.value.code == "consent_required"
