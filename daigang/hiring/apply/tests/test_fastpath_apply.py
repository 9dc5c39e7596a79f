"""The fast path answers a one-tap apply 201, a replay 200 with the same application."""

from __future__ import annotations

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make


def test_first_apply_is_201_and_the_replay_200_with_the_same_id(fastpath):  # noqa: F811
    # given
    job = job_make(organisation=organisation_make(name="东莞电子厂"))
    room = room_make(organisation=job.organisation)
    browser = fastpath.browser(seeker_make(name="李四"))
    body = {"job_id": job.pk, "room_id": room.pk, "consent": True}
    # when
    first = browser.post(body, key="tap-0001-abcd")
    replay = browser.post(body, key="tap-0001-abcd")
    # then
    assert (first.status, replay.status) == (201, 200), first.body
    assert first.json()["id"] == replay.json()["id"]
    assert first.json()["name"] == "李四"
    assert first.json()["organisation_name"] == "东莞电子厂"
    assert first.json()["room_id"] == room.pk
    assert first.json()["stage_display"] == "已报名"
    assert fastpath.outcomes == ["applied", "applied"]
    assert Application.objects.count() == 1


def test_the_consent_is_recorded_with_its_text_and_time(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make(name="昆山精密电子有限公司"))
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True})

    assert response.status == 201
    application = Application.objects.get()
    assert "昆山精密电子有限公司" in application.consent_text
    assert application.consented_at is not None
    assert response.json()["consented_at"]


def test_a_new_key_for_the_same_job_answers_200_with_the_first_application(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    first = browser.post({"job_id": job.pk, "consent": True}, key="tap-first-0001")
    second = browser.post({"job_id": job.pk, "consent": True}, key="tap-second-002")

    assert (first.status, second.status) == (201, 200)
    assert second.json()["id"] == first.json()["id"]


def test_the_json_answer_carries_the_security_and_no_cache_headers(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True})

    assert response.status == 201
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in response.headers["cache-control"]
    assert response.headers["x-frame-options"] == "DENY"
    assert "Cookie" in response.headers["vary"]
    assert int(response.headers["content-length"]) == len(response.body)


def test_the_fast_path_records_the_tap_s_source(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True, "source": f"feed:{job.pk}"})

    assert response.status == 201, response.body
    assert Application.objects.get().source == f"feed:{job.pk}"
