"""With MediaMTX as the media server, its runOnReady / runOnNotReady hooks drive the room's
state: live when the stream is there, interrupted (not ended) when it stops."""

from __future__ import annotations

import pytest

from daigang.accounts.models import Organisation
from daigang.live.models import Room
from daigang.live.testing import room_make

TOKEN = "hook-token-0123456789abcdef"


@pytest.fixture
def external(settings):
    settings.STREAM_SERVER_URL = "http://127.0.0.1:8889"
    settings.STREAM_SERVER_HOOK_TOKEN = TOKEN


def hook(client, which: str, room: Room | str, token: str = TOKEN):
    path = room if isinstance(room, str) else f"room-{room.pk}"
    return client.post(
        f"/stream/mediamtx/{which}?path={path}", HTTP_AUTHORIZATION=f"Bearer {token}"
    )


@pytest.mark.django_db
def test_a_ready_stream_puts_the_room_live_and_its_end_interrupts_it(client, external):
    # given: a scheduled room
    room = room_make()
    # when: MediaMTX says its stream is ready
    answer = hook(client, "ready", room)
    # then: the room is live
    assert answer.status_code == 200 and answer.content == b"live"
    room.refresh_from_db()
    assert room.state == Room.State.LIVE and room.started_at is not None
    # when: the stream stops (OBS restarted), twice (a repeat is a no-op)
    assert hook(client, "not-ready", room).status_code == 200
    assert hook(client, "not-ready", room).content == b"interrupted"
    # then: interrupted, not ended; and ready again puts it back live, same session
    started = room.started_at
    assert hook(client, "ready", room).content == b"live"
    room.refresh_from_db()
    assert room.state == Room.State.LIVE and room.started_at == started


@pytest.mark.django_db
def test_the_hooks_need_the_token(client, external):
    room = room_make()
    assert hook(client, "ready", room, token="guess").status_code == 401
    assert client.post(f"/stream/mediamtx/ready?path=room-{room.pk}").status_code == 401
    room.refresh_from_db()
    assert room.state == Room.State.SCHEDULED


@pytest.mark.django_db
def test_an_ended_room_or_an_unverified_organisation_does_not_go_live_and_says_why(
    client, external
):
    ended = room_make(state=Room.State.ENDED)
    answer = hook(client, "ready", ended)
    assert answer.status_code == 409 and "已结束" in answer.content.decode()
    lapsed = room_make()
    Organisation.objects.filter(pk=lapsed.organisation_id).update(
        status=Organisation.Status.PENDING
    )
    assert hook(client, "ready", lapsed).status_code == 409
    lapsed.refresh_from_db()
    assert lapsed.state == Room.State.SCHEDULED


@pytest.mark.django_db
def test_a_path_that_is_no_room_is_404_and_the_hooks_are_off_without_an_external_server(
    client, settings
):
    settings.STREAM_SERVER_HOOK_TOKEN = TOKEN
    room = room_make()
    assert hook(client, "ready", room).status_code == 404  # no STREAM_SERVER_URL
    settings.STREAM_SERVER_URL = "http://127.0.0.1:8889"
    assert hook(client, "ready", "someone-else").status_code == 404
    assert client.get(f"/stream/mediamtx/ready?path=room-{room.pk}").status_code == 405
