"""WHIP (RFC 9725) and WHEP (draft-ietf-wish-whep) details other clients rely on.

GET, HEAD and PUT stay 405: both specifications reserve them ("MUST return a 405 Method Not
Allowed response for any HTTP GET, HEAD or PUT requests on the endpoint URL", and GET, HEAD,
POST, PUT on the session URL) for future versions.
"""

from __future__ import annotations

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming import ice

# The same answers with the relay in this process and in its own (STREAM_RELAY=process).
pytestmark = pytest.mark.usefixtures("relay_mode")

RECVONLY_OFFER = (
    "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
    "m=video 9 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:0\r\na=recvonly\r\n"
    "a=rtpmap:96 VP8/90000\r\n"
)


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["get", "head", "put"])
@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("whip", "OPTIONS, POST"),
        ("whep", "OPTIONS, POST"),
        ("whip/some-session", "OPTIONS, DELETE"),
        ("whep/some-session", "OPTIONS, DELETE"),
    ],
)
def test_get_head_and_put_are_reserved_with_405_and_allow(client, method, path, allowed):
    room = room_make()

    response = getattr(client, method)(f"/stream/rooms/{room.pk}/{path}")

    assert response.status_code == 405
    assert response["Allow"] == allowed


@pytest.mark.django_db
def test_watching_a_room_not_yet_live_is_409_with_retry_after(client):
    room = room_make()

    response = client.post(
        f"/stream/rooms/{room.pk}/whep", RECVONLY_OFFER, content_type="application/sdp"
    )

    assert response.status_code == 409
    assert int(response["Retry-After"]) > 0


@pytest.mark.django_db
def test_watching_an_ended_room_is_409_without_retry_after(client):
    room = room_make(state=Room.State.ENDED)

    response = client.post(
        f"/stream/rooms/{room.pk}/whep", RECVONLY_OFFER, content_type="application/sdp"
    )

    assert response.status_code == 409
    assert "Retry-After" not in response


@pytest.mark.django_db
@pytest.mark.usefixtures("relay_reset")
def test_a_full_room_is_503_with_retry_after(client, settings):
    settings.STREAM_RELAY_MAX_VIEWERS = 0
    room = room_make(state=Room.State.LIVE)

    response = client.post(
        f"/stream/rooms/{room.pk}/whep", RECVONLY_OFFER, content_type="application/sdp"
    )

    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0


def test_turn_credentials_in_the_link_header_are_quoted_strings(settings):
    # given credentials with the two characters a quoted-string must escape (RFC 9110 5.6.4)
    settings.WEBRTC_ICE_SERVERS = ["turn:turn.example.cn:3478?transport=udp"]
    settings.WEBRTC_TURN_USERNAME = 'dai"gang'
    settings.WEBRTC_TURN_CREDENTIAL = 'se\\cr"et'

    (link,) = ice.ice_link_headers()

    assert link == (
        '<turn:turn.example.cn:3478?transport=udp>; rel="ice-server"; '
        'username="dai\\"gang"; credential="se\\\\cr\\"et"; credential-type="password"'
    )
