"""Identical applies racing through the fast path write one row and all get its id."""

from __future__ import annotations

from daigang.accounts.testing import organisation_make
from daigang.core.testing import race
from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make

REQUESTS = 12


def test_concurrent_identical_requests_create_one_application(fastpath):  # noqa: F811
    # given
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())
    # when the same tap arrives twelve times at once
    body = {"job_id": job.pk, "consent": True}
    answers = race(lambda key: browser.post(body, key=key), [("same-tap-key",)] * REQUESTS)
    # then one row, one 201, and every answer names it
    assert Application.objects.count() == 1
    only = Application.objects.get()
    assert sorted(a.status for a in answers) == [200] * (REQUESTS - 1) + [201]
    assert {a.json()["id"] for a in answers} == {only.pk}


def test_concurrent_taps_with_different_keys_create_one_application(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    keys = [f"tap-key-{i:04d}" for i in range(REQUESTS)]
    body = {"job_id": job.pk, "consent": True}
    answers = race(lambda key: browser.post(body, key=key), [(key,) for key in keys])

    assert Application.objects.count() == 1
    assert [a.status for a in answers].count(201) == 1
    assert len({a.json()["id"] for a in answers}) == 1


def test_concurrent_applies_by_many_seekers_are_each_stored(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browsers = [fastpath.browser(seeker_make()) for _ in range(REQUESTS)]
    body = {"job_id": job.pk, "consent": True}
    answers = race(lambda browser: browser.post(body), [(browser,) for browser in browsers])

    assert [a.status for a in answers] == [201] * REQUESTS
    assert Application.objects.filter(job=job).count() == REQUESTS
    assert fastpath.outcomes.count("applied") == REQUESTS
