"""WHEP: who may watch. Rooms are public, but there is only something to watch while live."""

from __future__ import annotations

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make

# The same answers with the relay in this process and in its own (STREAM_RELAY=process).
pytestmark = pytest.mark.usefixtures("relay_mode")

OFFER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"


def whep(client, room_id, content_type="application/sdp"):
    return client.post(f"/stream/rooms/{room_id}/whep", data=OFFER, content_type=content_type)


@pytest.mark.django_db
def test_an_unknown_room_is_404(client):
    assert whep(client, 999999).status_code == 404


@pytest.mark.django_db
def test_a_room_not_live_yet_is_409_saying_so(client, room):
    response = whep(client, room.pk)

    assert response.status_code == 409
    assert "尚未开始" in response.content.decode()


@pytest.mark.django_db
def test_an_ended_room_is_409_saying_so(client):
    room = room_make(state=Room.State.ENDED)

    response = whep(client, room.pk)

    assert response.status_code == 409
    assert "已结束" in response.content.decode()


@pytest.mark.django_db
def test_an_offer_of_the_wrong_type_is_415(client):
    room = room_make(state=Room.State.LIVE)

    assert whep(client, room.pk, content_type="application/json").status_code == 415


@pytest.mark.webrtc
@pytest.mark.django_db
def test_an_offer_with_no_media_is_422_not_a_server_error(client):
    # given a live room
    room = room_make(state=Room.State.LIVE)

    # when a player offers an SDP that parses but holds no audio or video section
    response = whep(client, room.pk)

    # then it is told its offer has nothing to receive (well-formed, not acceptable: 422),
    # instead of a 500
    assert response.status_code == 422
    assert "SDP offer" in response.content.decode()
