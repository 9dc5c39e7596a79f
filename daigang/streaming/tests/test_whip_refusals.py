"""WHIP requests the relay refuses, each with its status and a Chinese reason."""

from __future__ import annotations

import pytest

from daigang.accounts.models import Organisation
from daigang.accounts.testing import organisation_make
from daigang.live.models import Room
from daigang.live.testing import room_make

# The same answers with the relay in this process and in its own (STREAM_RELAY=process).
pytestmark = pytest.mark.usefixtures("relay_mode")

OFFER = "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"


def whip(client, room_id, *, token=None, body=OFFER, content_type="application/sdp"):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return client.post(
        f"/stream/rooms/{room_id}/whip", data=body, content_type=content_type, headers=headers
    )


@pytest.mark.django_db
def test_missing_stream_key_is_401_with_a_bearer_challenge(client, room):
    response = whip(client, room.pk)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="daigang"'
    assert "推流密钥" in response.content.decode()


@pytest.mark.django_db
def test_wrong_stream_key_is_401_invalid_token(client, room):
    response = whip(client, room.pk, token="guess")

    assert response.status_code == 401
    assert 'error="invalid_token"' in response["WWW-Authenticate"]


@pytest.mark.django_db
def test_an_offer_not_sent_as_application_sdp_is_415(client, room):
    response = whip(client, room.pk, token=room.stream_key, content_type="text/plain")

    assert response.status_code == 415
    assert response["Accept-Post"] == "application/sdp"


@pytest.mark.django_db
def test_a_body_that_is_not_sdp_is_400(client, room):
    response = whip(client, room.pk, token=room.stream_key, body="hello")

    assert response.status_code == 400


@pytest.mark.django_db
def test_an_unknown_room_is_404(client):
    assert whip(client, 999999, token="x").status_code == 404


@pytest.mark.django_db
def test_an_ended_room_cannot_go_live_again_409(client):
    room = room_make(state=Room.State.ENDED)

    response = whip(client, room.pk, token=room.stream_key)

    assert response.status_code == 409
    assert "已结束" in response.content.decode()


@pytest.mark.django_db
def test_an_unverified_organisation_cannot_go_live_403(client):
    room = room_make(organisation=organisation_make(status=Organisation.Status.PENDING))

    response = whip(client, room.pk, token=room.stream_key)

    assert response.status_code == 403
    room.refresh_from_db()
    assert room.state == Room.State.SCHEDULED


@pytest.mark.django_db
def test_trickle_ice_patch_is_405_and_options_lists_the_methods(client, room):
    patch = client.patch(
        f"/stream/rooms/{room.pk}/whip/some-session",
        data="a=candidate:1 1 udp 1 127.0.0.1 9 typ host",
        content_type="application/trickle-ice-sdpfrag",
    )
    options = client.options(f"/stream/rooms/{room.pk}/whip")

    assert patch.status_code == 405
    assert patch["Allow"] == "OPTIONS, DELETE"
    assert options.status_code == 204
    assert options["Allow"] == "OPTIONS, POST"
    assert options["Accept-Post"] == "application/sdp"
    assert options["Access-Control-Allow-Origin"] == "*"


@pytest.mark.django_db
def test_deleting_an_unknown_session_is_404(client, room):
    response = client.delete(f"/stream/rooms/{room.pk}/whip/not-a-session")

    assert response.status_code == 404


@pytest.mark.django_db(transaction=True)
def test_publishing_to_a_room_left_interrupted_past_its_end_deadline_ends_it_and_is_409(
    client, settings
):
    # given a room interrupted long ago (end_overdue_rooms has not run since)
    import datetime as dt

    from django.utils import timezone

    settings.LIVE_ROOM_END_AFTER_HOURS = 12
    room = room_make(
        state=Room.State.INTERRUPTED, planned_start=timezone.now() - dt.timedelta(hours=13)
    )
    # when its publisher comes back
    response = whip(client, room.pk, token=room.stream_key)
    # then
    assert response.status_code == 409
    room.refresh_from_db()
    assert room.state == Room.State.ENDED


@pytest.mark.django_db
def test_publishing_to_an_interrupted_room_within_its_time_is_not_refused(client, room):
    # given a room interrupted a moment ago
    Room.objects.filter(pk=room.pk).update(state=Room.State.INTERRUPTED)
    # when its publisher comes back (with a junk offer: the room passes, the offer does not)
    response = whip(client, room.pk, token=room.stream_key)
    # then the room is not the reason (the offer, with no media, is: 422)
    assert response.status_code == 422
    room.refresh_from_db()
    assert room.state == Room.State.INTERRUPTED
