"""Where to publish and watch a room, and rotating its stream key."""

from __future__ import annotations

import pytest

from daigang.live.selectors import room_whep_url, room_whip_url
from daigang.live.services import room_stream_key_rotate


@pytest.mark.django_db
def test_the_built_in_relay_hands_out_its_own_relative_urls(room):
    assert room_whip_url(room=room) == f"/stream/rooms/{room.pk}/whip"
    assert room_whep_url(room=room) == f"/stream/rooms/{room.pk}/whep"


@pytest.mark.django_db
def test_an_external_server_gets_room_paths_never_the_stream_key(room, settings):
    settings.STREAM_SERVER_URL = "https://media.example.cn:8889/"

    assert room_whip_url(room=room) == f"https://media.example.cn:8889/room-{room.pk}/whip"
    assert room_whep_url(room=room) == f"https://media.example.cn:8889/room-{room.pk}/whep"
    assert room.stream_key not in room_whep_url(room=room)


@pytest.mark.django_db
def test_with_an_external_server_our_endpoints_redirect_there_keeping_the_method(
    client, room, settings
):
    settings.STREAM_SERVER_URL = "https://media.example.cn:8889"

    response = client.post(
        f"/stream/rooms/{room.pk}/whip", data="v=0\r\n", content_type="application/sdp"
    )

    assert response.status_code == 307
    assert response["Location"] == f"https://media.example.cn:8889/room-{room.pk}/whip"


@pytest.mark.django_db
def test_rotating_the_stream_key_makes_the_old_one_useless(client, room):
    # given
    old = room.stream_key
    # when
    new = room_stream_key_rotate(room=room)
    # then
    room.refresh_from_db()
    assert room.stream_key == new != old
    response = client.post(
        f"/stream/rooms/{room.pk}/whip",
        data="v=0\r\n",
        content_type="application/sdp",
        headers={"Authorization": f"Bearer {old}"},
    )
    assert response.status_code == 401
