"""Racing requests, each on its own database connection, still write one row."""

from __future__ import annotations

import pytest

from daigang.accounts.testing import organisation_make
from daigang.core.testing import race
from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make

THREADS = 8


def _apply(job, seeker, key: str):
    return application_apply(
        job=job,
        seeker=seeker,
        name="赵六",
        idempotency_key=key,
        consent_text=application_consent_text(organisation=job.organisation),
    )


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_create_one_application():
    # given
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    # when the same request arrives eight times at once
    results = race(_apply, [(job, seeker, "same-key-race")] * THREADS)
    # then every answer is the one row, and exactly one of them created it
    errors = [r for r in results if isinstance(r, Exception)]
    assert errors == []
    assert Application.objects.count() == 1
    only = Application.objects.get()
    assert {application.pk for application, _ in results} == {only.pk}
    assert sum(created for _, created in results) == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_applies_with_different_keys_to_one_job_create_one_application():
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()

    results = race(_apply, [(job, seeker, f"tap-key-{i:04d}") for i in range(THREADS)])

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Application.objects.count() == 1
    assert sum(created for _, created in results) == 1
    assert len({application.pk for application, _ in results}) == 1
