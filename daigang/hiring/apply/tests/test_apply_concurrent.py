"""Racing requests, each on its own database connection, still write one row."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from daigang.hiring.apply.services import application_apply, application_consent_text
from daigang.hiring.models import Application
from daigang.hiring.tests.builders import job_make, organisation_make, seeker_make

THREADS = 8


def _race(job, seeker, keys: list[str]) -> list:
    """Run one apply per key at the same moment, one thread (= connection) each."""
    barrier = threading.Barrier(len(keys))
    results: list = [None] * len(keys)

    def worker(index: int, key: str) -> None:
        try:
            barrier.wait(timeout=10)
            results[index] = application_apply(
                job=job,
                seeker=seeker,
                name="赵六",
                idempotency_key=key,
                consent_text=application_consent_text(organisation=job.organisation),
            )
        except Exception as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_identical_requests_create_one_application():
    # given
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    # when the same request arrives eight times at once
    results = _race(job, seeker, ["same-key-race"] * THREADS)
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

    results = _race(job, seeker, [f"tap-key-{i:04d}" for i in range(THREADS)])

    assert [r for r in results if isinstance(r, Exception)] == []
    assert Application.objects.count() == 1
    assert sum(created for _, created in results) == 1
    assert len({application.pk for application, _ in results}) == 1
