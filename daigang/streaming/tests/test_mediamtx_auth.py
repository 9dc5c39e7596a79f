"""With MediaMTX as the media server, daigang says who may publish (the stream key)."""

from __future__ import annotations

import json

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make


def ask(client, **payload):
    return client.post(
        "/stream/mediamtx/auth", data=json.dumps(payload), content_type="application/json"
    ).status_code


@pytest.fixture
def external(settings):
    settings.STREAM_SERVER_URL = "http://127.0.0.1:8889"


@pytest.mark.django_db
def test_publishing_needs_the_rooms_stream_key(client, room, external):
    path = f"room-{room.pk}"

    assert ask(client, action="publish", path=path, token=room.stream_key) == 200
    assert ask(client, action="publish", path=path, query=f"token={room.stream_key}") == 200
    assert ask(client, action="publish", path=path, token="guess") == 401
    assert ask(client, action="publish", path=path) == 401


@pytest.mark.django_db
def test_reading_is_open_but_only_for_rooms(client, room, external):
    assert ask(client, action="read", path=f"room-{room.pk}") == 200
    assert ask(client, action="read", path="someone-else") == 401
    assert ask(client, action="api", path="") == 401


@pytest.mark.django_db
def test_an_ended_room_cannot_be_published_to(client, external):
    room = room_make(state=Room.State.ENDED)

    assert ask(client, action="publish", path=f"room-{room.pk}", token=room.stream_key) == 401


@pytest.mark.django_db
def test_the_hook_is_off_without_an_external_server(client, room):
    assert ask(client, action="read", path=f"room-{room.pk}") == 404
