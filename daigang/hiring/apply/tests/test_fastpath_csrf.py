"""The fast path checks CSRF as Django's CsrfViewMiddleware does: token and Origin."""

from __future__ import annotations

import pytest

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.tests.fastpath_http import asgi_server, fastpath  # noqa: F401
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make


@pytest.mark.parametrize(
    "csrf_header",
    [None, "", "x" * 32, "tooshort"],
    ids=["missing", "empty", "another-token", "malformed"],
)
def test_a_missing_or_wrong_csrf_token_is_403(fastpath, csrf_header):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True}, csrf_header=csrf_header)

    assert response.status == 403
    assert response.json()["code"] == "csrf_failed"
    assert "刷新页面" in response.json()["detail"]
    assert Application.objects.count() == 0


def test_a_request_without_the_csrftoken_cookie_is_403(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post(
        {"job_id": job.pk, "consent": True},
        extra={"Cookie": f"sessionid={browser.session_key}"},
    )

    assert response.status == 403
    assert Application.objects.count() == 0


def test_a_foreign_origin_is_403_even_with_the_right_token(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True}, origin="http://evil.example")

    assert response.status == 403
    assert Application.objects.count() == 0


def test_the_page_s_own_origin_is_accepted(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())

    response = browser.post({"job_id": job.pk, "consent": True}, origin=fastpath.base_url)

    assert response.status == 201, response.body
    assert Application.objects.count() == 1
