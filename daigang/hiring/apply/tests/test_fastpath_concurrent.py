"""Identical applies racing through the fast path write one row and all get its id."""

from __future__ import annotations

import threading

from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.models import Application
from daigang.hiring.tests.builders import job_make, organisation_make, seeker_make

REQUESTS = 12


def _race(browser, body, keys: list[str]) -> list:
    barrier = threading.Barrier(len(keys))
    answers: list = [None] * len(keys)

    def one(index: int, key: str) -> None:
        barrier.wait(timeout=10)
        try:
            answers[index] = browser.post(body, key=key)
        except Exception as exc:
            answers[index] = exc

    threads = [threading.Thread(target=one, args=(i, k)) for i, k in enumerate(keys)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return answers


def test_concurrent_identical_requests_create_one_application(fastpath):  # noqa: F811
    # given
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())
    # when the same tap arrives twelve times at once
    answers = _race(browser, {"job_id": job.pk, "consent": True}, ["same-tap-key"] * REQUESTS)
    # then one row, one 201, and every answer names it
    assert Application.objects.count() == 1
    only = Application.objects.get()
    assert sorted(a.status for a in answers) == [200] * (REQUESTS - 1) + [201]
    assert {a.json()["id"] for a in answers} == {only.pk}


def test_concurrent_taps_with_different_keys_create_one_application(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    keys = [f"tap-key-{i:04d}" for i in range(REQUESTS)]
    answers = _race(browser, {"job_id": job.pk, "consent": True}, keys)

    assert Application.objects.count() == 1
    assert [a.status for a in answers].count(201) == 1
    assert len({a.json()["id"] for a in answers}) == 1


def test_concurrent_applies_by_many_seekers_are_each_stored(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browsers = [fastpath.browser(seeker_make()) for _ in range(REQUESTS)]
    barrier = threading.Barrier(REQUESTS)
    answers: list = [None] * REQUESTS

    def one(index: int) -> None:
        barrier.wait(timeout=10)
        answers[index] = browsers[index].post({"job_id": job.pk, "consent": True})

    threads = [threading.Thread(target=one, args=(i,)) for i in range(REQUESTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [a.status for a in answers] == [201] * REQUESTS
    assert Application.objects.filter(job=job).count() == REQUESTS
    assert fastpath.outcomes.count("applied") == REQUESTS
