"""The anchor's console tells the truth and recovers, in a real browser (fake camera, WHIP to the
built-in relay, a viewer by WHEP):

- going live shows each step and says 正在直播 only once the relay has the media; a connection
  that cannot be made (no ICE path) is said in words, with a retry that works;
- the publisher's page closing interrupts the room: the viewer sees 主播暂时离开，马上回来 over
  the last picture; the console, opened again, offers to resume, and the viewer's picture
  moves again without a reload;
- 结束直播 asks first; after the end the pin buttons are disabled and the camera is released.

Runs only in a loopback-only network namespace:
    scripts/in-loopback-netns .venv/bin/python -m pytest -m webrtc tests/e2e/test_live_console.py
"""

from __future__ import annotations

import os
import re
import time

import pytest

from tests.conftest import SCREENSHOTS, orm
from tests.e2e.test_live_room import PLAYER_STATS, TIMEOUT_MS, Flow, _build, _context

pytestmark = [pytest.mark.e2e, pytest.mark.webrtc]

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 360, "height": 740}
# The console waits this long for the media before it says why it is not on air.
NO_MEDIA_MS = 35_000


@pytest.fixture
def flow(asgi_server) -> Flow:
    return _build()


def _room_state(room_id: int) -> str:
    from daigang.live.models import Room

    return Room.objects.get(pk=room_id).state


def _applications_add(room_id: int, count: int) -> None:
    """Applications from the room, written directly (for the console to list at load)."""
    from django.utils import timezone

    from daigang.hiring.models import Application
    from daigang.hiring.testing import seeker_make
    from daigang.live.models import Room

    room = Room.objects.get(pk=room_id)
    jobs = list(room.jobs.order_by("id"))
    for index in range(count):
        seeker = seeker_make(phone=f"1391234{index:04d}", name=f"王小{'明红刚'[index % 3]}")
        Application.objects.create(
            seeker=seeker,
            job=jobs[index % len(jobs)],
            organisation_id=room.organisation_id,
            room=room,
            name=seeker.name,
            phone=seeker.phone,
            consent_text="同意",
            consented_at=timezone.now(),
            idempotency_key=f"e2e-{index}",
        )


def _frames(page) -> int:
    stats = page.evaluate(PLAYER_STATS)
    return (stats or {}).get("video") or 0


def _wait_picture_moves(page, label: str) -> None:
    """The viewer's player decodes frames, and more of them a moment later."""
    deadline = time.monotonic() + TIMEOUT_MS / 1000
    first = 0
    while time.monotonic() < deadline and not first:
        first = _frames(page)
        page.wait_for_timeout(250)
    assert first, f"{label}: no video frame decoded"
    page.wait_for_function(
        f"""async () => {{
          const s = window.daigangLive.player(); if (!s) return false;
          let n = 0; (await s.pc.getStats()).forEach(r => {{
            if (r.type === "inbound-rtp" && r.kind === "video") n = r.framesDecoded; }});
          return n > {first} + 10;
        }}""",
        polling=250,
    )


def _shot(page, name: str, viewport: dict[str, int]) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.set_viewport_size(viewport)
        page.wait_for_timeout(400)
        page.screenshot(path=str(SCREENSHOTS / f"console-{name}.png"))


def _broken_answer(route) -> None:
    """The WHIP answer with the wrong ICE password: no connectivity check can succeed, as
    when the relay announces an address nobody can reach (a mis-set WEBRTC_HOST_ADDRESSES)."""
    response = route.fetch()
    body = re.sub(r"a=ice-pwd:\S+", "a=ice-pwd:" + "x" * 24, response.text())
    route.fulfill(response=response, body=body)


def test_the_console_goes_on_air_only_with_media_recovers_from_a_drop_and_ends_when_confirmed(
    asgi_server, flow, chromium, screenshot_on_failure
):
    base = asgi_server.url
    room_url = f"/live/{flow.room_id}/"
    anchor_context = _context(chromium, base, flow.anchor_session)
    anchor_context.set_default_timeout(NO_MEDIA_MS + 10_000)

    # given the console with the camera on, and a viewer waiting for the room
    anchor = anchor_context.new_page()
    anchor.set_viewport_size(LAPTOP)
    screenshot_on_failure.append(("console", anchor))
    anchor.goto(f"{room_url}console/")
    anchor.wait_for_function("() => preview.videoWidth > 0")
    assert anchor.get_attribute("[data-step=camera]", "data-status") == "done"
    viewer = _context(chromium, base).new_page()
    screenshot_on_failure.append(("viewer", viewer))
    viewer.goto(room_url)

    # when the relay's answer leads nowhere (no ICE path)
    anchor.route("**/whip", _broken_answer)
    anchor.click("#go-live")
    # then the console never claims to be on air, and says why in words, with a retry
    anchor.wait_for_selector("#publish-error:visible")
    error = anchor.inner_text("#publish-error")
    assert "WEBRTC_HOST_ADDRESSES" in error and "TURN" in error, error
    assert "正在直播" not in anchor.inner_text("#publish-status")
    assert anchor.inner_text("#go-live") == "重试"
    assert orm(_room_state, flow.room_id) == "scheduled"
    assert viewer.locator("#live-room").get_attribute("data-state") == "scheduled"
    _shot(anchor, "failed-1366", LAPTOP)

    # when the anchor retries with a working connection
    anchor.unroute("**/whip")
    anchor.click("#go-live")
    # then 正在直播 is shown once the relay has the media, with what is being sent
    anchor.wait_for_selector("#live-console[data-phase=live]")
    assert orm(_room_state, flow.room_id) == "live"
    assert "正在直播" in anchor.inner_text("#publish-status")
    anchor.wait_for_selector("#publish-stats:visible")
    assert int(anchor.get_attribute("#live-console", "data-sent-kbps")) > 0
    # and the viewer's picture moves
    viewer.wait_for_selector("#live-room[data-state=live]")
    _wait_picture_moves(viewer, "viewer")
    viewer.evaluate("() => { window.notReloaded = true; }")
    _shot(anchor, "live-1366", LAPTOP)
    _shot(anchor, "live-360", PHONE)
    anchor.set_viewport_size(LAPTOP)

    # when the anchor's page goes away (closed, reloaded, crashed)
    anchor.close(run_before_unload=True)
    # then the viewer sees the interruption over the last picture, not the end
    viewer.wait_for_selector("#live-room[data-state=interrupted]", timeout=45_000)
    assert viewer.locator(".when-interrupted").is_visible()
    assert viewer.inner_text(".when-interrupted") == "主播暂时离开，马上回来"
    assert orm(_room_state, flow.room_id) == "interrupted"
    _shot(viewer, "viewer-interrupted-360", PHONE)

    # (meanwhile, viewers applied)
    orm(_applications_add, flow.room_id, 3)
    # when the anchor opens the console again, it offers to resume
    anchor = anchor_context.new_page()
    anchor.set_viewport_size(LAPTOP)
    screenshot_on_failure.append(("console again", anchor))
    anchor.goto(f"{room_url}console/")
    assert anchor.inner_text("#go-live") == "继续直播"
    assert "直播已中断" in anchor.inner_text("#publish-status")
    _shot(anchor, "interrupted-1366", LAPTOP)
    anchor.set_viewport_size(LAPTOP)
    anchor.wait_for_function("() => preview.videoWidth > 0")
    anchor.click("#go-live")
    anchor.wait_for_selector("#live-console[data-phase=live]")
    # then the viewer's picture moves again, without a reload
    viewer.wait_for_selector("#live-room[data-state=live]")
    assert viewer.locator(".when-interrupted").is_hidden()
    _wait_picture_moves(viewer, "viewer after the resume")
    assert viewer.evaluate("() => window.notReloaded === true")
    # and the applicants are listed beside the picture, masked for an anchor
    applicants = anchor.inner_text("#console-applicants")
    assert "本场报名（3）" in applicants and "139****0001" in applicants
    _shot(anchor, "resumed-1366", LAPTOP)
    anchor.set_viewport_size(LAPTOP)

    # when the anchor taps 结束直播, a dialog asks first; cancelling keeps the room on air
    anchor.evaluate("() => { window.cameraTracks = preview.srcObject.getTracks(); }")
    anchor.click("#end-live")
    assert anchor.locator("#end-dialog").is_visible()
    _shot(anchor, "end-dialog-1366", LAPTOP)
    anchor.set_viewport_size(LAPTOP)
    anchor.click("#end-cancel")
    assert anchor.locator("#end-dialog").is_hidden()
    anchor.wait_for_timeout(500)
    assert orm(_room_state, flow.room_id) == "live"
    # when confirmed
    anchor.click("#end-live")
    anchor.click("#end-confirm")
    # then the room ends for everyone
    viewer.wait_for_selector("#live-room[data-state=ended]")
    anchor.wait_for_selector("#live-console[data-state=ended]")
    assert orm(_room_state, flow.room_id) == "ended"
    # and the pin buttons are disabled, and the camera is released
    pins = anchor.locator("#console-jobs button")
    assert pins.count() >= 2
    assert all(pins.nth(i).is_disabled() for i in range(pins.count()))
    assert anchor.evaluate("() => window.cameraTracks.every(t => t.readyState === 'ended')")
    assert anchor.evaluate("() => preview.srcObject === null")
    # and after a reload too: no camera opened, pins disabled by the server
    anchor.reload()
    anchor.wait_for_selector("#live-console[data-state=ended]")
    assert anchor.evaluate("() => preview.srcObject === null")
    assert anchor.locator(f"button[data-pin='{flow.job_a}']").is_disabled()
    _shot(anchor, "ended-1366", LAPTOP)
    _shot(anchor, "ended-360", PHONE)


def test_a_console_that_crashed_without_saying_goodbye_can_go_on_air_again(
    asgi_server, flow, chromium, screenshot_on_failure
):
    base = asgi_server.url
    room_url = f"/live/{flow.room_id}/"
    anchor_context = _context(chromium, base, flow.anchor_session)
    anchor_context.set_default_timeout(90_000)

    # given the anchor on air and a viewer watching
    anchor = anchor_context.new_page()
    screenshot_on_failure.append(("console", anchor))
    anchor.goto(f"{room_url}console/")
    anchor.wait_for_function("() => preview.videoWidth > 0")
    anchor.click("#go-live")
    anchor.wait_for_selector("#live-console[data-phase=live]")
    viewer = _context(chromium, base).new_page()
    screenshot_on_failure.append(("viewer", viewer))
    viewer.goto(room_url)
    _wait_picture_moves(viewer, "viewer")

    # when the console's page dies and its goodbye (the WHIP DELETE) never reaches the server
    anchor.route("**/whip/*", lambda route: route.abort())
    anchor.close(run_before_unload=True)
    # and the anchor opens the console again at once and taps the button
    anchor = anchor_context.new_page()
    screenshot_on_failure.append(("console again", anchor))
    anchor.goto(f"{room_url}console/")
    anchor.wait_for_function("() => preview.videoWidth > 0")
    anchor.click("#go-live")
    # then the console waits for the old connection to go, and goes on air again
    anchor.wait_for_selector("#live-console[data-phase=live]")
    assert orm(_room_state, flow.room_id) == "live"
    viewer.wait_for_selector("#live-room[data-state=live]")
    _wait_picture_moves(viewer, "viewer after the crash")


# The first getUserMedia is refused, as when the anchor taps 禁止 in the browser's prompt.
CAMERA_REFUSED_ONCE = """(() => {
  const real = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  let refused = false;
  navigator.mediaDevices.getUserMedia = (constraints) => {
    if (!refused) {
      refused = true;
      return Promise.reject(new DOMException("Permission denied", "NotAllowedError"));
    }
    return real(constraints);
  };
})();"""


def test_the_console_says_in_words_why_the_camera_or_the_server_refused_and_retries(
    asgi_server, flow, chromium, screenshot_on_failure
):
    base = asgi_server.url
    anchor_context = _context(chromium, base, flow.anchor_session)
    anchor_context.add_init_script(CAMERA_REFUSED_ONCE)
    anchor = anchor_context.new_page()
    anchor.set_viewport_size(PHONE)
    screenshot_on_failure.append(("console", anchor))

    # when the camera is refused
    anchor.goto(f"/live/{flow.room_id}/console/")
    # then the console says so in words, and offers to try again
    anchor.wait_for_selector("#publish-error:visible")
    assert "摄像头或麦克风被拒绝" in anchor.inner_text("#publish-error")
    assert anchor.get_attribute("[data-step=camera]", "data-status") == "failed"
    assert anchor.inner_text("#go-live") == "重试"
    _shot(anchor, "camera-refused-360", PHONE)

    # when the camera is allowed on retry but the server refuses the stream, with its reason
    anchor.route(
        "**/whip",
        lambda route: route.fulfill(
            status=403,
            content_type="text/plain; charset=utf-8",
            body="单位尚未通过认证（或认证已过期），不能开播。",
        ),
    )
    anchor.click("#go-live")
    # then the camera step is done and the server's reason is shown
    anchor.wait_for_function(
        "() => document.querySelector('#publish-error').textContent.includes('服务器拒绝开播')"
    )
    assert anchor.get_attribute("[data-step=camera]", "data-status") == "done"
    assert anchor.get_attribute("[data-step=connect]", "data-status") == "failed"
    assert "单位尚未通过认证" in anchor.inner_text("#publish-error")
    assert orm(_room_state, flow.room_id) == "scheduled"
