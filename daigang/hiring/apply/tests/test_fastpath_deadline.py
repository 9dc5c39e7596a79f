"""A one-tap apply never waits on a stalled writer for longer than DEPENDENCY_TIMEOUT_S: it is
answered 503 with Retry-After, and the retry with the same key gets one application."""

from __future__ import annotations

import threading
import time

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply import writer as apply_writer
from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make


def test_an_apply_behind_a_stalled_writer_is_503_within_the_deadline_and_the_retry_applies(
    fastpath,  # noqa: F811
    settings,
    monkeypatch,
):
    # given a writer thread stuck in its batch (as on a database that stopped answering)
    settings.DEPENDENCY_TIMEOUT_S = 1
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())
    stalled = threading.Lock()
    stalled.acquire()
    batch_apply = apply_writer.batch_apply

    def stuck(batch):
        with stalled:
            return batch_apply(batch)

    monkeypatch.setattr(apply_writer, "batch_apply", stuck)
    # when a seeker taps
    started = time.monotonic()
    response = browser.post({"job_id": job.pk, "consent": True}, key="tap-stalled-0001")
    waited = time.monotonic() - started
    # then it is told to retry, within the deadline
    assert response.status == 503, response.body
    assert response.json()["code"] == "unavailable"
    assert response.headers["retry-after"] == "2"
    assert waited < 3
    # when the database answers again and the client retries with the same key
    stalled.release()
    retried = browser.post({"job_id": job.pk, "consent": True}, key="tap-stalled-0001")
    # then there is exactly one application, whether the first attempt committed late or not
    assert retried.status in (200, 201), retried.body
    assert Application.objects.filter(job=job).count() == 1
