"""A WHIP publisher daigang did not write: FFmpeg's own WHIP muxer (libavformat 8, through
PyAV), with H.264 and Opus, publishes and a viewer decodes its picture."""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

import av
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.testing import Viewer

pytestmark = [
    pytest.mark.webrtc,
    pytest.mark.usefixtures("relay_reset"),
    pytest.mark.skipif("whip" not in av.formats_available, reason="no WHIP muxer in PyAV's FFmpeg"),
]


def p256_certificate(directory: Path) -> tuple[Path, Path]:
    """FFmpeg's own certificate is P-224, which the relay's OpenSSL refuses: give it P-256."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ffmpeg-whip")])
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
    cert_file, key_file = directory / "cert.pem", directory / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


# Run in a process of its own: PyAV holds the GIL while the muxer negotiates, and the relay
# and the web server of this test run in this process.
PUBLISH = """
import fractions, sys, time
import av

url, token, cert, key, seconds = sys.argv[1:6]
WIDTH, HEIGHT, FPS = 320, 240, 30
options = {"authorization": token, "cert_file": cert, "key_file": key}
with av.open(url, mode="w", format="whip", options=options) as container:
    video = container.add_stream("libx264", rate=FPS)
    video.width, video.height, video.pix_fmt = WIDTH, HEIGHT, "yuv420p"
    video.options = {"preset": "ultrafast", "tune": "zerolatency", "profile": "baseline"}
    video.codec_context.gop_size = FPS
    video.codec_context.max_b_frames = 0
    audio = container.add_stream("libopus", rate=48000)
    audio.layout = "stereo"
    audio.bit_rate = 64000
    started, index = time.monotonic(), 0
    while time.monotonic() - started < float(seconds):
        frame = av.VideoFrame(WIDTH, HEIGHT, "yuv420p")
        x = (index * 8) % (WIDTH - 16)
        luma = bytearray([40]) * frame.planes[0].line_size
        luma[x : x + 16] = bytes([220]) * 16
        frame.planes[0].update(bytes(luma) * HEIGHT)
        for plane in frame.planes[1:]:
            plane.update(bytes([128]) * plane.buffer_size)
        frame.pts, frame.time_base = index, fractions.Fraction(1, FPS)
        for packet in video.encode(frame):
            container.mux(packet)
        sound = av.AudioFrame(format="s16", layout="stereo", samples=1600)
        sound.planes[0].update(bytes(1600 * 4))
        sound.sample_rate, sound.pts = 48000, index * 1600
        sound.time_base = fractions.Fraction(1, 48000)
        for packet in audio.encode(sound):
            container.mux(packet)
        index += 1
        time.sleep(max(0.0, started + index / FPS - time.monotonic()))
"""


def test_ffmpeg_s_whip_muxer_publishes_and_is_watched(asgi_server, tmp_path):
    # given
    room = room_make()
    cert, key = p256_certificate(tmp_path)
    viewer = Viewer(f"{asgi_server}/stream/rooms/{room.pk}/whep")

    def live() -> bool:
        return Room.objects.get(pk=room.pk).state == Room.State.LIVE

    # when FFmpeg publishes and a viewer watches
    async def scenario():
        publisher = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            PUBLISH,
            f"{asgi_server}/stream/rooms/{room.pk}/whip",
            room.stream_key,
            str(cert),
            str(key),
            "8",  # seconds
            stderr=asyncio.subprocess.PIPE,
        )
        went_live = False
        for _ in range(100):
            if publisher.returncode is not None:
                break
            if await asyncio.to_thread(live):
                went_live = True
                break
            await asyncio.sleep(0.1)
        watched = False
        if went_live:
            await viewer.start()
            watched = await viewer.wait_for(video=10, timeout=10)
            await viewer.stop()
        try:
            _, stderr = await asyncio.wait_for(publisher.communicate(), 20)
        except TimeoutError:
            publisher.kill()
            _, stderr = await publisher.communicate()
        return went_live, watched, publisher.returncode, stderr.decode(errors="replace")

    went_live, watched, returncode, stderr = asyncio.run(scenario())

    # then
    assert went_live, stderr
    assert watched, stderr
    assert returncode == 0, stderr
