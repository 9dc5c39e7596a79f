"""With REDIS_URL, viewers now is read from the cache. When Redis is down the room page and
the room API still answer: the count shows as unknown instead of a 500."""

from __future__ import annotations

import socket

import pytest

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_down(settings):
    """The cache is a Redis on a loopback port where nothing listens (a real refused connect)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{port}/0",
        }
    }


@pytest.fixture
def live_room():
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="小李", role=Membership.Role.ANCHOR)
    return room_make(organisation=organisation, anchors=[anchor], title="直播中", state="live")


def test_the_room_page_answers_with_the_viewer_count_unknown_when_redis_is_down(
    client, live_room, redis_down
):
    # when
    response = client.get(f"/live/{live_room.pk}/")
    # then
    assert response.status_code == 200
    assert '<span class="n">—</span>' in response.content.decode()


def test_the_room_api_answers_with_viewers_null_when_redis_is_down(client, live_room, redis_down):
    # when
    response = client.get(f"/api/v1/rooms/{live_room.pk}")
    # then
    assert response.status_code == 200
    assert response.json()["viewers"] is None
