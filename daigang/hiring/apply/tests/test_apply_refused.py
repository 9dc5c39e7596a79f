from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from daigang.accounts.models import Organisation
from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _apply(job, seeker, key="refused-key-1", **extra):
    return application_apply(
        job=job,
        seeker=seeker,
        name="李四",
        idempotency_key=key,
        consent_text=application_consent_text(organisation=job.organisation),
        **extra,
    )


def _refusal(job, **extra) -> ValidationError:
    with pytest.raises(ValidationError) as excinfo:
        _apply(job, seeker_make(), **extra)
    return excinfo.value


def test_a_closed_job_refuses_applications():
    job = job_make(organisation=organisation_make(), status=Job.Status.CLOSED)

    error = _refusal(job)

    assert error.code == "job_closed"
    assert "停止招聘" in error.messages[0]
    assert Application.objects.count() == 0


def test_a_draft_job_refuses_applications():
    job = job_make(organisation=organisation_make(), status=Job.Status.DRAFT)

    assert _refusal(job).code == "job_closed"


def test_a_job_past_its_valid_until_date_refuses_applications():
    # given a job valid until today
    job = job_make(organisation=organisation_make(), valid_until=timezone.localdate())
    # when tomorrow comes
    with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
        error = _refusal(job)
    # then
    assert error.code == "job_closed"
    assert Application.objects.count() == 0


def test_an_unverified_organisation_refuses_applications():
    job = job_make(organisation=organisation_make(status=Organisation.Status.PENDING))

    error = _refusal(job)

    assert error.code == "organisation_unverified"
    assert "认证" in error.messages[0]


def test_an_organisation_whose_verification_lapsed_refuses_applications():
    job = job_make(organisation=organisation_make(lapsed=True))

    assert _refusal(job).code == "organisation_unverified"


def test_a_room_of_another_organisation_is_refused():
    job = job_make(organisation=organisation_make())
    other_room = room_make(organisation=organisation_make(name="别家公司"))

    assert _refusal(job, room=other_room).code == "room_mismatch"


def test_a_replay_after_the_job_closed_still_returns_the_first_application():
    # given an application, then the job closes
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    first, _ = _apply(job, seeker, key="before-close1")
    Job.objects.filter(pk=job.pk).update(status=Job.Status.CLOSED)
    job.refresh_from_db()
    # when the lost response is retried
    again, created = _apply(job, seeker, key="before-close1")
    # then it is answered, not refused
    assert (again.pk, created) == (first.pk, False)
