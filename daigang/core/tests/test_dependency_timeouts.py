"""A PostgreSQL or Redis that stops answering (SIGSTOP: the kernel still accepts connections,
nobody replies) costs a request at most about DEPENDENCY_TIMEOUT_S, then a 503 or a degraded
page: never a hang. Each test pauses a server of its own on a free port, never a shared one."""

from __future__ import annotations

import time

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.postgresql.base import DatabaseWrapper
from django.http import HttpResponse
from django.test import RequestFactory
from redis.exceptions import RedisError

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.dependencies import postgres_options, redis_cache_settings
from daigang.core.testing_faults import private_postgres, private_redis
from daigang.core.unavailable import DatabaseUnavailableMiddleware
from daigang.live.testing import room_make

LIMIT_S = 1


@pytest.fixture
def stalled_redis(settings, tmp_path):
    with private_redis(tmp_path) as server:
        settings.CACHES = {"default": redis_cache_settings(url=server.url, timeout_s=LIMIT_S)}
        cache.set("warm", 1)  # a pooled connection open before the pause, as in production
        yield server


def test_a_cache_read_from_a_stalled_redis_fails_within_the_limit(stalled_redis):
    stalled_redis.pause()
    started = time.monotonic()
    with pytest.raises(RedisError):
        cache.get("warm")
    assert time.monotonic() - started < LIMIT_S + 1


@pytest.mark.django_db
def test_the_room_page_answers_within_the_limit_when_redis_stalls(client, stalled_redis):
    # given a live room
    organisation = organisation_make()
    room = room_make(
        organisation=organisation,
        anchors=[member_make(organisation=organisation, role=Membership.Role.ANCHOR)],
        title="直播中",
        state="live",
    )
    assert client.get(f"/live/{room.pk}/").status_code == 200  # templates loaded, etc.
    # when the page is asked for while Redis does not answer
    stalled_redis.pause()
    started = time.monotonic()
    response = client.get(f"/live/{room.pk}/")
    waited = time.monotonic() - started
    # then it answers, the viewer count unknown, within about one timeout per cache read
    assert response.status_code == 200
    assert '<span class="n">—</span>' in response.content.decode()
    assert waited < LIMIT_S + 1


def test_a_request_to_a_stalled_postgresql_is_503_within_the_limit(django_db_blocker):
    # (a database of the test's own, not the test database: pytest-django's guard lifted)
    with private_postgres() as server, django_db_blocker.unblock():
        # given the settings' connection options, and PostgreSQL paused
        database = DatabaseWrapper(
            {
                "ENGINE": "django.db.backends.postgresql",
                "NAME": "postgres",
                "USER": "postgres",
                "PASSWORD": "",
                "HOST": "127.0.0.1",
                "PORT": str(server.port),
                "OPTIONS": postgres_options(timeout_s=LIMIT_S),
                "CONN_MAX_AGE": 0,
                "CONN_HEALTH_CHECKS": False,
                "AUTOCOMMIT": True,
                "ATOMIC_REQUESTS": False,
                "TIME_ZONE": None,
                "TEST": {},
            }
        )
        deadline = time.monotonic() + 30
        while True:  # PostgreSQL listens a moment before it accepts logins
            try:
                database.ensure_connection()
                break
            except OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        database.close()
        server.pause()

        def view(request):
            with database.cursor() as cursor:
                cursor.execute("SELECT 1")
            return HttpResponse("ok")

        middleware = DatabaseUnavailableMiddleware(view)
        request = RequestFactory().get("/jobs/")
        # when a request needs the database
        started = time.monotonic()
        try:
            view(request)
        except OperationalError as exc:
            response = middleware.process_exception(request, exc)
        else:
            response = None
        waited = time.monotonic() - started
        server.resume()
        database.close()
    # then it is a 503 with Retry-After, within the limit (libpq's shortest connect timeout
    # is 2 seconds; the margin is for a loaded machine, the failure this guards is for ever)
    assert response is not None and response.status_code == 503
    assert response["Retry-After"]
    assert waited < max(2, LIMIT_S) + 3
