"""A full room's next viewer watches over HLS, on the same page, with the pinned job card.

Debian's chromium with a fake camera publishes by WHIP from the anchor's console; the room has
one WebRTC seat (STREAM_RELAY_MAX_VIEWERS=1). The first viewer takes it; the second viewer's
WHEP offer is answered 503 (room full) and its player switches to the room's HLS by itself
(hls.js, or the browser's own HLS), and the video actually plays: currentTime advances.

Runs only in a loopback-only network namespace:
    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e/test_hls_fallback.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.test_live_room import TIMEOUT_MS, _build, _context, _wait_frames_advancing

pytestmark = [pytest.mark.e2e, pytest.mark.webrtc]

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS", "/tmp/shots-hls"))


def _current_time_advances(page, label: str) -> None:
    first = page.evaluate("() => player.currentTime")
    page.wait_for_timeout(2500)
    later, paused, width = page.evaluate(
        "() => [player.currentTime, player.paused, player.videoWidth]"
    )
    assert later > first + 1, f"{label}: currentTime {first} -> {later}"
    assert not paused and width > 0, f"{label}: paused={paused} width={width}"


@pytest.fixture
def flow(asgi_server, settings, tmp_path):
    settings.STREAM_RELAY_MAX_VIEWERS = 1
    settings.STREAM_HLS = "auto"
    settings.STREAM_HLS_ROOT = tmp_path / "hls"
    return _build()


def test_a_viewer_beyond_the_webrtc_seats_gets_hls_with_the_pinned_card(
    asgi_server, flow, chromium, screenshot_on_failure
):
    base = asgi_server.url
    room_url = f"/live/{flow.room_id}/"

    # given the anchor live from the console, with a job pinned
    anchor = _context(chromium, base, flow.anchor_session).new_page()
    screenshot_on_failure.append(("console", anchor))
    anchor.goto(f"{room_url}console/")
    anchor.wait_for_function("() => preview.videoWidth > 0")
    anchor.click("#go-live")
    anchor.wait_for_selector("#end-live:visible")
    anchor.click(f"button[data-pin='{flow.job_a}']")
    # and a first viewer who takes the room's only WebRTC seat
    first = _context(chromium, base).new_page()
    screenshot_on_failure.append(("first", first))
    first.goto(room_url)
    first.wait_for_selector("#live-room[data-state=live]")
    _wait_frames_advancing(first, "first viewer")
    assert first.get_attribute("#live-room", "data-transport") is None

    # when a second viewer opens the room on a phone
    context = chromium.new_context(viewport={"width": 360, "height": 740}, base_url=base)
    context.set_default_timeout(TIMEOUT_MS)
    second = context.new_page()
    screenshot_on_failure.append(("second", second))
    refused = []  # what the page's Content-Security-Policy blocked (hls.js must need nothing)
    second.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    second.goto(room_url)

    # then its player switches to HLS and the picture plays
    second.wait_for_selector("#live-room[data-transport=hls]")
    second.wait_for_selector("#live-room[data-playing=yes]", timeout=40_000)
    _current_time_advances(second, "HLS viewer")
    player = second.get_attribute("#live-room", "data-hls-player")
    print(f"HLS played by {player}")
    # and the pinned job card is shown over it, as to any viewer
    second.wait_for_selector("#pin-slot.shown [data-field=title]:text-is('电子厂普工')")
    assert not refused, refused
    # and the first viewer still watches by WebRTC
    _wait_frames_advancing(first, "first viewer, later")

    # and it keeps playing on a wide screen too (screenshots of both for a look)
    SHOTS.mkdir(parents=True, exist_ok=True)
    second.screenshot(path=str(SHOTS / "room-hls-360x740.png"))
    second.set_viewport_size({"width": 1366, "height": 768})
    _current_time_advances(second, "HLS viewer, wide")
    second.screenshot(path=str(SHOTS / "room-hls-1366x768.png"))
