"""Publishers with an RSA DTLS certificate (GStreamer's WHIP client, several hardware encoders)
can publish: aiortc offers only ECDSA cipher suites when it is the DTLS client, so the relay
takes the server role (`a=setup:passive`) whenever the offer lets it, and stays the client
only when the offer is `passive` (FFmpeg 8's WHIP muxer)."""

from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from aiortc import RTCCertificate
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from daigang.live.testing import room_make
from daigang.streaming.testing import Publisher, Viewer, wait_until

pytestmark = [pytest.mark.webrtc, pytest.mark.usefixtures("relay_reset")]


def rsa_certificate() -> RTCCertificate:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "whip-client")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return RTCCertificate(key=key, cert=cert)  # type: ignore[arg-type]


def setup_of(sdp: str) -> set[str]:
    return {line for line in sdp.split("\r\n") if line.startswith("a=setup:")}


@pytest.mark.parametrize(
    ("certificate", "offer_setup", "answer_setup"),
    [
        pytest.param(rsa_certificate, None, "a=setup:passive", id="RSA, actpass"),
        pytest.param(lambda: None, None, "a=setup:passive", id="ECDSA, actpass"),
        pytest.param(lambda: None, "passive", "a=setup:active", id="ECDSA, passive"),
        pytest.param(rsa_certificate, "active", "a=setup:passive", id="RSA, active"),
    ],
)
def test_a_publisher_connects_and_is_watched_whatever_its_certificate_and_setup(
    asgi_server, certificate, offer_setup, answer_setup
):
    # given
    room = room_make()
    publisher = Publisher(
        f"{asgi_server}/stream/rooms/{room.pk}/whip",
        token=room.stream_key,
        certificate=certificate(),
        offer_setup=offer_setup,
    )
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    # when
    async def scenario():
        response = await publisher.start()
        connected = await wait_until(lambda: publisher.pc.connectionState == "connected", 10)
        await viewer.start()
        watched = await viewer.wait_for(video=5, timeout=15)
        await viewer.stop()
        await publisher.stop()
        return response, connected, watched

    response, connected, watched = asyncio.run(scenario())

    # then
    assert response.status == 201
    assert connected
    assert watched
    assert setup_of(response.body) == {answer_setup}
