"""Only `POST /api/v1/applications` takes the fast path; Django serves everything else."""

from __future__ import annotations

import json

from django.test import Client

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make


def test_other_requests_reach_django(fastpath):  # noqa: F811
    seeker = seeker_make()
    application_make(job=job_make(organisation=organisation_make()), seeker=seeker)
    browser = fastpath.browser(seeker)

    mine = browser.request(
        "GET", "/api/v1/applications/mine", b"", {"Cookie": f"sessionid={browser.session_key}"}
    )
    document = browser.request("GET", "/api/v1/openapi.json", b"", {})

    assert mine.status == 200
    assert len(json.loads(mine.body)) == 1
    assert "/api/v1/applications" in json.loads(document.body)["paths"]
    assert fastpath.outcomes == []


def test_a_disallowed_host_is_answered_by_django_as_for_any_url(fastpath):  # noqa: F811
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": 1, "consent": True}, extra={"Host": "evil.example"})

    assert response.status == 400
    assert fastpath.outcomes == []


def test_the_fast_path_and_the_django_view_answer_alike(fastpath):  # noqa: F811
    # given one seeker, one job, and the django-ninja view reached through Django's test client
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(seeker)
    browser = fastpath.browser(seeker)
    body = {"job_id": job.pk, "consent": True}
    # when both are asked the same things
    via_django = [
        client.post("/api/v1/applications", data, content_type="application/json", headers=h)
        for data, h in (
            (body, {"Idempotency-Key": "same-key-0001"}),
            (body, {"Idempotency-Key": "same-key-0001"}),
            ("{not json", {"Idempotency-Key": "same-key-0001"}),
            (body, {}),
        )
    ]
    via_fast = [
        browser.post(body, key="same-key-0001"),
        browser.post(b"{not json", key="same-key-0001"),
        browser.post(body, key=None),
    ]
    # then the same statuses and the same JSON
    assert [r.status_code for r in via_django] == [201, 200, 400, 400]
    assert [r.status for r in via_fast] == [200, 400, 400]
    assert via_fast[0].json() == via_django[1].json()
    assert via_fast[1].json() == via_django[2].json()
    assert via_fast[2].json() == via_django[3].json()
    assert via_fast[0].headers["cache-control"] == via_django[1].headers["Cache-Control"]
