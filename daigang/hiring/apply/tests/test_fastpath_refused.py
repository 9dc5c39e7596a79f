"""The fast path refuses bad requests and closed jobs with clear Chinese messages."""

from __future__ import annotations

import pytest

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make


def test_a_missing_idempotency_key_is_400(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True}, key=None)

    assert response.status == 400
    assert response.json()["code"] == "idempotency_key_missing"
    assert "Idempotency-Key" in response.json()["detail"]
    assert Application.objects.count() == 0


@pytest.mark.parametrize(
    ("body", "code", "detail"),
    [
        (b"{not json", "invalid_json", "请求内容不是有效的 JSON"),
        (b"[1, 2]", "invalid_json", "请求内容应为 JSON 对象"),
        (b'{"consent": true}', "job_id_required", "缺少岗位编号（job_id）"),
        (b'{"job_id": "abc"}', "job_id_invalid", "岗位编号（job_id）应为正整数"),
        (b'{"job_id": 1, "room_id": -3}', "room_id_invalid", "直播间编号（room_id）应为正整数"),
        (b'{"job_id": 1, "consent": "yes"}', "consent_invalid", "是否同意（consent）"),
        (b'{"job_id": 1, "name": 5}', "name_invalid", "姓名应为文字"),
    ],
    ids=[
        "bad-json",
        "not-an-object",
        "no-job",
        "job-not-a-number",
        "bad-room",
        "bad-consent",
        "bad-name",
    ],
)
def test_a_malformed_body_is_400_with_a_clear_message(fastpath, body, code, detail):  # noqa: F811
    browser = fastpath.browser(seeker_make())

    response = browser.post(body)

    assert response.status == 400
    assert response.json()["code"] == code
    assert detail in response.json()["detail"]


def test_a_body_too_large_to_be_an_apply_is_400(fastpath):  # noqa: F811
    browser = fastpath.browser(seeker_make())

    response = browser.post(b'{"job_id": 1, "name": "' + b"x" * 20_000 + b'"}')

    assert response.status == 400
    assert response.json()["code"] == "body_too_large"


def test_a_closed_job_is_refused_with_the_reason(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make(), status=Job.Status.CLOSED)
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True})

    assert response.status == 400
    assert response.json()["code"] == "job_closed"
    assert response.json()["detail"] == "该岗位已停止招聘，不能报名了"
    assert response.json()["apply_url"] == f"/jobs/{job.pk}/apply/"
    assert Application.objects.count() == 0


def test_an_unverified_organisation_s_job_is_refused(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make(lapsed=True))
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True})

    assert response.status == 400
    assert response.json()["code"] == "organisation_unverified"


def test_an_unknown_job_is_404(fastpath):  # noqa: F811
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": 987654, "consent": True})

    assert response.status == 404
    assert response.json()["code"] == "job_not_found"


def test_without_consent_the_first_apply_is_400_and_points_to_the_form(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk})

    assert response.status == 400
    assert response.json()["code"] == "consent_required"
    assert response.json()["apply_url"] == f"/jobs/{job.pk}/apply/"


def test_a_key_reused_for_another_job_is_409(fastpath):  # noqa: F811
    organisation = organisation_make()
    browser = fastpath.browser(seeker_make())
    browser.post(
        {"job_id": job_make(organisation=organisation).pk, "consent": True}, key="k-reused-1"
    )

    response = browser.post(
        {"job_id": job_make(organisation=organisation).pk, "consent": True}, key="k-reused-1"
    )

    assert response.status == 409
    assert response.json()["code"] == "idempotency_key_reused"
    assert Application.objects.count() == 1


def test_a_browser_asking_for_english_is_refused_in_english(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make(), status=Job.Status.CLOSED)
    browser = fastpath.browser(seeker_make())
    english = {"Accept-Language": "en"}

    closed = browser.post({"job_id": job.pk, "consent": True}, extra=english)
    malformed = browser.post(b"{not json", extra=english)

    assert closed.json()["detail"] == "This job is no longer hiring, so you cannot apply"
    assert closed.headers["content-language"] == "en"
    assert malformed.json()["detail"] == "The request is not valid JSON"
