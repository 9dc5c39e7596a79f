"""The fast path needs a valid logged-in session, decided as django.contrib.auth decides."""

from __future__ import annotations

from django.contrib.auth import HASH_SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session

from daigang.accounts.testing import organisation_make
from daigang.hiring.apply.tests.fastpath_http import (  # noqa: F401
    Browser,
    asgi_server,
    fastpath,
    session_of,
)
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make


def test_no_session_cookie_is_401_with_a_clear_message(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())

    response = Browser(fastpath.base_url).post({"job_id": job.pk, "consent": True})

    assert response.status == 401
    assert response.json()["code"] == "login_required"
    assert response.json()["detail"] == "请先登录"
    assert Application.objects.count() == 0


def test_an_unknown_session_is_401(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = Browser(fastpath.base_url, session_key="nosuchsession0000000000000000000")

    response = browser.post({"job_id": job.pk, "consent": True})

    assert response.status == 401
    assert fastpath.outcomes == ["delegated"]  # Django answered, as for any bad session
    assert Application.objects.count() == 0


def test_a_session_from_before_a_password_change_is_401_and_is_flushed(fastpath):  # noqa: F811
    # given a logged-in seeker who then changes their password elsewhere
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    session_key = session_of(seeker)
    seeker.set_password("a-new-password-2024")
    seeker.save()
    # when the old session applies
    response = Browser(fastpath.base_url, session_key=session_key).post(
        {"job_id": job.pk, "consent": True}
    )
    # then it is refused, and the session is gone as django.contrib.auth.get_user leaves it
    assert response.status == 401
    assert response.json()["code"] == "login_required"
    assert not Session.objects.filter(session_key=session_key).exists()
    assert Application.objects.count() == 0


def test_a_session_with_a_tampered_auth_hash_is_401(fastpath):  # noqa: F811
    # given a session whose auth hash does not match the user's
    job = job_make(organisation=organisation_make())
    session_key = session_of(seeker_make())
    store = SessionStore(session_key=session_key)
    store[HASH_SESSION_KEY] = "0" * 64
    store.save()
    # when
    response = Browser(fastpath.base_url, session_key=session_key).post(
        {"job_id": job.pk, "consent": True}
    )
    # then
    assert response.status == 401
    assert Application.objects.count() == 0


def test_an_inactive_user_is_401(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    seeker = seeker_make()
    browser = fastpath.browser(seeker)
    seeker.is_active = False
    seeker.save()

    response = browser.post({"job_id": job.pk, "consent": True})

    assert response.status == 401
    assert Application.objects.count() == 0


def test_a_logged_out_session_is_401(fastpath):  # noqa: F811
    job = job_make(organisation=organisation_make())
    browser = fastpath.browser(seeker_make())
    Session.objects.filter(session_key=browser.session_key).delete()  # what logout() does

    response = browser.post({"job_id": job.pk, "consent": True})

    assert response.status == 401
    assert Application.objects.count() == 0
