"""Flow 2 in a real browser: 连麦 — a viewer raises a hand, the anchor accepts, the guest
consents and is heard by every viewer beside the anchor, until the anchor ends the turn.

Three Chromium browsers, each with its own fake microphone: the anchor's plays a 440 Hz tone,
the guest's a 1000 Hz tone (--use-file-for-fake-audio-capture). The viewer (not logged in)
listens to the room's player through WebAudio's AnalyserNode: both tones must stand well
above the noise floor while the guest is on air, and the guest's must fall once the anchor
ends the turn, while the anchor's stays.

Runs only in a loopback-only network namespace:
    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e/test_mic_link.py

MIC_SCREENSHOTS=/tmp/mic also saves the console's queue and the guest's consent dialog at
360×740 and 1366×768.
"""

from __future__ import annotations

import math
import os
import struct
import time
import wave
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, orm

pytestmark = [pytest.mark.e2e, pytest.mark.webrtc]

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
TIMEOUT_MS = 25_000
ANCHOR_HZ, GUEST_HZ = 440, 1000
# dB above the spectrum's median a tone must reach to count as heard, and below which it is
# gone. Measured: a tone played is ~95-100 dB above the median (near digital silence, about
# -145 dBFS), one not played ~10-15 dB (the other tone's skirt and the codec's noise).
HEARD_DB, GONE_DB = 60.0, 40.0

# An AnalyserNode on the player's received audio (the room's one Opus stream).
ANALYSER_INSTALL = """() => {
  const stream = new MediaStream(player.srcObject.getAudioTracks());
  const context = new AudioContext();
  const analyser = context.createAnalyser();
  analyser.fftSize = 8192;
  analyser.smoothingTimeConstant = 0;
  context.createMediaStreamSource(stream).connect(analyser);
  window.micTest = {context: context, analyser: analyser};
  return context.sampleRate;
}"""

# Each tone's level (the loudest bin within ±3 of it) above the median of the spectrum, in dB.
TONE_LEVELS = """([low, high]) => {
  const {context, analyser} = window.micTest;
  const bins = new Float32Array(analyser.frequencyBinCount);
  analyser.getFloatFrequencyData(bins);
  const width = context.sampleRate / analyser.fftSize;
  const at = (hz) => {
    const centre = Math.round(hz / width);
    let best = -Infinity;
    for (let i = centre - 3; i <= centre + 3; i++) best = Math.max(best, bins[i]);
    return best;
  };
  const sorted = Array.from(bins).filter(Number.isFinite).sort((a, b) => a - b);
  const floor = sorted.length ? sorted[Math.floor(sorted.length / 2)] : -200;
  return {low: at(low) - floor, high: at(high) - floor, floor: floor};
}"""


def tone_wav(path: Path, frequency: int, seconds: int = 10) -> Path:
    """A 48 kHz mono 16-bit tone, what Chromium's fake microphone plays (in a loop)."""
    rate = 48_000
    samples = [
        int(9000 * math.sin(2 * math.pi * frequency * i / rate)) for i in range(rate * seconds)
    ]
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(struct.pack(f"<{len(samples)}h", *samples))
    return path


@dataclass
class Room:
    id: int
    anchor_session: str
    guest_session: str


def _build() -> Room:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make, user_make
    from daigang.jobs.testing import job_make
    from daigang.live.testing import room_make

    organisation = organisation_make(name="苏州精密电子有限公司")
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], title="连麦专场")
    guest = user_make(phone="13812345678", name="张小明")

    def session_of(user) -> str:
        client = Client()
        client.force_login(user)
        return client.cookies["sessionid"].value

    return Room(id=room.pk, anchor_session=session_of(anchor), guest_session=session_of(guest))


@pytest.fixture
def room(asgi_server) -> Room:
    return _build()


@pytest.fixture
def browsers(room, tmp_path) -> Iterator[dict[str, object]]:
    """One Chromium per role, each with its own fake microphone (a launch flag)."""
    from playwright.sync_api import sync_playwright

    files = {
        "anchor": tone_wav(tmp_path / "anchor.wav", ANCHOR_HZ),
        "guest": tone_wav(tmp_path / "guest.wav", GUEST_HZ),
        "viewer": None,
    }
    with sync_playwright() as playwright:
        launched = {}
        try:
            for role, path in files.items():
                args = list(CHROMIUM_ARGS)
                if path is not None:
                    args.append(f"--use-file-for-fake-audio-capture={path}")
                launched[role] = playwright.chromium.launch(
                    executable_path=CHROMIUM, args=args, headless=True
                )
            yield launched
        finally:
            for browser in launched.values():
                browser.close()


def _page(browser, base_url: str, session: str | None = None, viewport=PHONE):
    context = browser.new_context(viewport=viewport, base_url=base_url)
    context.set_default_timeout(TIMEOUT_MS)
    if os.environ.get("E2E_DEBUG"):
        context.on("console", lambda msg: print("console:", msg.type, msg.text))
        context.on(
            "requestfinished",
            lambda r: print("req:", r.method, r.url, r.response().status if r.response() else None),
        )
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": base_url}])
    return context.new_page()


def _screenshots(page, name: str, show: str | None = None) -> None:
    prefix = os.environ.get("MIC_SCREENSHOTS")
    if not prefix:
        return
    for label, size in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(size)
        page.wait_for_timeout(300)
        if show:
            page.locator(show).scroll_into_view_if_needed()
        page.screenshot(path=f"{prefix}-{name}-{label}.png")
    page.set_viewport_size(PHONE)


def _levels(viewer, seconds: float = 2.0) -> dict[str, float]:
    """Each tone's median level above the floor over a few seconds (a passing gap in the
    network must not decide)."""
    lows, highs = [], []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        levels = viewer.evaluate(TONE_LEVELS, [ANCHOR_HZ, GUEST_HZ])
        lows.append(levels["low"])
        highs.append(levels["high"])
        viewer.wait_for_timeout(200)
    lows.sort()
    highs.sort()
    return {"anchor": lows[len(lows) // 2], "guest": highs[len(highs) // 2]}


def test_the_viewer_hears_anchor_and_guest_together_until_the_anchor_ends_the_turn(
    asgi_server, room, browsers
):
    base = asgi_server.url
    room_url = f"/live/{room.id}/"

    # given the anchor live from the console
    anchor = _page(browsers["anchor"], base, room.anchor_session)
    anchor.goto(f"{room_url}console/")
    anchor.wait_for_function("() => preview.videoWidth > 0")
    anchor.click("#go-live")
    anchor.wait_for_selector("#live-console[data-phase=live]")
    anchor.click("[data-pin]")
    anchor.wait_for_selector("#console-jobs .is-pinned")
    # and a viewer listening to the room's player
    viewer = _page(browsers["viewer"], base)
    viewer.goto(room_url)
    viewer.wait_for_selector("#live-room[data-playing=yes]")
    viewer.wait_for_function("() => player.srcObject && player.srcObject.getAudioTracks().length")
    viewer.evaluate(ANALYSER_INSTALL)
    viewer.wait_for_timeout(1500)
    alone = _levels(viewer)
    assert alone["anchor"] > HEARD_DB, alone
    assert alone["guest"] < GONE_DB, alone

    # when a logged-in viewer raises a hand
    guest = _page(browsers["guest"], base, room.guest_session)
    guest.goto(room_url)
    guest.wait_for_selector("#live-room[data-playing=yes]")
    guest.wait_for_selector("#pin-slot.shown")
    _screenshots(guest, "raise-hand", "#mic")
    guest.click("#mic-raise")
    guest.wait_for_selector("#mic[data-mic-state=raised]")
    # then the anchor sees the hand, masked, and accepts it
    anchor.wait_for_selector("#console-mic [data-mic-accept]")
    entry = anchor.locator("#console-mic .mic-entry").first.inner_text()
    assert "张**" in entry and "13812345678" not in entry and "张小明" not in entry
    assert "电子厂普工" in entry  # the job pinned when the hand went up
    _screenshots(anchor, "console-queue", "#console-mic")
    anchor.click("#console-mic [data-mic-accept]")
    # and the guest is asked, in words saying who will hear them
    guest.wait_for_selector("#mic-consent[open]")
    assert "本直播间的所有观众" in guest.locator("#mic-consent").inner_text()
    _screenshots(guest, "consent")
    guest.click("#mic-consent-yes")
    guest.wait_for_selector("#mic[data-mic-state=on_air][data-publishing=yes]")
    # the guest hears the anchor through the player with echo cancellation on its microphone
    assert guest.evaluate(
        "() => window.daigangMic.microphone().getAudioTracks()[0].getSettings().echoCancellation"
    )
    anchor.wait_for_selector("#console-mic [data-mic-state=on_air]")
    _screenshots(anchor, "console-on-air", "#console-mic")
    viewer.wait_for_selector("#mic-on-air:not([hidden])")
    assert "张**" in viewer.locator("#mic-on-air").inner_text()
    _screenshots(guest, "on-air")

    # then the viewer hears both tones
    viewer.wait_for_timeout(2000)
    together = _levels(viewer)
    assert together["anchor"] > HEARD_DB, together
    assert together["guest"] > HEARD_DB, together

    # when the anchor mutes the guest, the guest's tone goes; unmuted, it comes back
    anchor.click("#console-mic [data-mic-mute]")
    guest.wait_for_function("() => window.daigangMic.me().muted === true")
    viewer.wait_for_timeout(1000)
    muted = _levels(viewer)
    assert muted["guest"] < GONE_DB and muted["anchor"] > HEARD_DB, muted
    anchor.click("#console-mic button[value=unmute]")
    guest.wait_for_function("() => window.daigangMic.me().muted === false")
    viewer.wait_for_timeout(1500)
    unmuted = _levels(viewer)
    assert unmuted["guest"] > HEARD_DB, unmuted

    # when the anchor ends the turn
    anchor.click("#console-mic [data-mic-end]")
    guest.wait_for_selector("#mic[data-mic-state='']")
    viewer.wait_for_timeout(1500)
    after = _levels(viewer)

    # then the guest is no longer heard, the anchor still is
    assert after["guest"] < GONE_DB, after
    assert after["anchor"] > HEARD_DB, after
    state = orm(_request_state, room.id)
    assert state == "ended"
    guest.wait_for_function("() => window.daigangMic.microphone() === null")


def _request_state(room_id: int) -> str:
    from daigang.live.models import MicRequest

    return MicRequest.objects.get(room_id=room_id).state
