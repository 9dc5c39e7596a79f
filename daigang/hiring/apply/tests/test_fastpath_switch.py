"""APPLY_FASTPATH: the fast path can be switched off, and answers exactly as Django would.

With APPLY_FASTPATH=0, config.asgi mounts Django's ASGI app alone, so one-tap apply reaches the
django-ninja view like any other request. For that to be a safe switch (either way, the same
answers) the fast path must answer byte for byte what the plain view answers: status, every
header and the body, over real HTTP from the same server (uvicorn), for each kind of answer.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from daigang.accounts.testing import organisation_make
from daigang.core.testing import asgi_server_running
from daigang.hiring.apply.tests.fastpath_http import (  # noqa: F401  (fixtures)
    Browser,
    Response,
    asgi_server,
    fastpath,
    session_of,
)
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make

# What differs between two answers for reasons other than what answered: the time, and the length
# of a body holding the application's own id.
PER_ANSWER_HEADERS = {"date", "content-length"}


@pytest.mark.parametrize(
    ("value", "mounted"),
    [("0", "django_asgi_app"), ("1", "ApplyFastPath"), (None, "ApplyFastPath")],
)
def test_apply_fastpath_from_the_environment_decides_what_serves_http(value, mounted):
    # given the environment a deployment sets
    env = {k: v for k, v in os.environ.items() if k != "APPLY_FASTPATH"}
    if value is not None:
        env["APPLY_FASTPATH"] = value
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    probe = (
        "import config.asgi as a\n"
        "app = a.application.application_mapping['http']\n"
        "assert type(app).__name__ == 'BodyLimit'\n"  # in front of whatever serves HTTP
        "app = app.app\n"
        "print('django_asgi_app' if app is a.django_asgi_app else type(app).__name__)\n"
    )

    # when config.asgi loads
    done = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    # then HTTP goes to the fast path, or straight to Django
    assert done.stdout.strip() == mounted


def _exchanges(base_url: str, *, seeker, job) -> list[Response]:
    """The same five requests: 201 first apply, 200 replay, 400 bad body, 403 CSRF, 401."""
    browser = Browser(base_url, session_of(seeker), csrf_secret="c" * 32)
    anonymous = Browser(base_url, None, csrf_secret="c" * 32)
    body = {"job_id": job.pk, "consent": True}
    return [
        browser.post(body, key="switch-key-0001"),
        browser.post(body, key="switch-key-0001"),
        browser.post(b"{not json", key="switch-key-0002"),
        browser.post(body, key="switch-key-0003", csrf_header="x" * 32),
        anonymous.post(body, key="switch-key-0004"),
    ]


def test_the_fast_path_answers_exactly_as_the_plain_view(fastpath):  # noqa: F811
    # given one job, and a seeker for each way of serving the endpoint
    job = job_make(organisation=organisation_make())
    fast_seeker, plain_seeker = seeker_make(), seeker_make()

    # when each is asked the same five things, over HTTP from uvicorn
    fast = _exchanges(fastpath.base_url, seeker=fast_seeker, job=job)
    with asgi_server_running("config.asgi:django_asgi_app") as plain_url:
        plain = _exchanges(plain_url, seeker=plain_seeker, job=job)

    # then the fast path answered (not Django behind it) ...
    assert [r.status for r in fast] == [201, 200, 400, 403, 401]
    assert fastpath.outcomes == ["applied", "applied"]
    # ... with Django's statuses, headers and bodies
    assert [r.status for r in plain] == [r.status for r in fast]
    for fast_response, plain_response in zip(fast, plain, strict=True):
        assert _headers(fast_response) == _headers(plain_response)
        assert _body(fast_response, seeker=fast_seeker) == _body(
            plain_response, seeker=plain_seeker
        )


def _headers(response: Response) -> list[tuple[str, str]]:
    """Every header but those that differ by time or by row; those checked for themselves."""
    assert response.headers["content-length"] == str(len(response.body))
    return sorted(
        # The two servers listen on different ports, which the CSP names (ws://host:port).
        (name, re.sub(r"127\.0\.0\.1:\d+", "127.0.0.1:PORT", value))
        for name, value in response.header_list
        if name not in PER_ANSWER_HEADERS
    )


def _body(response: Response, *, seeker) -> dict:
    """The JSON answer, its application's own id and timestamps checked and set aside."""
    payload = json.loads(response.body)
    if "id" in payload:
        application = Application.objects.get(seeker=seeker)
        assert payload.pop("id") == application.pk
        assert payload.pop("created_at") == _iso(application.created_at)
        assert payload.pop("consented_at") == _iso(application.consented_at)
    return payload


def _iso(moment) -> str:
    return DjangoJSONEncoder().default(moment)
