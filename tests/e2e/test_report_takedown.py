"""举报 to takedown in a real browser: a seeker watching a live room taps 举报 on the room,
a moderator in another browser takes the room down from the queue, and the room leaves the
seeker's screen at once, without a reload (the `taken_down` room event)."""

from __future__ import annotations

import os

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

TIMEOUT_MS = 20_000
# Set before the page's own scripts: the room socket's hello, and a marker a reload would lose.
HELLO_SPY = """
window.__dgMarker = "same-page";
document.addEventListener("room:event", function (event) {
  if (event.detail.kind === "hello") window.__dgHello = true;
});
"""


def _build() -> dict:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, moderator_make, organisation_make
    from daigang.hiring.testing import seeker_make
    from daigang.jobs.testing import job_make
    from daigang.live.testing import room_make

    organisation = organisation_make(name="苏州精密电子有限公司")
    member_make(organisation=organisation, role=Membership.Role.OWNER, name="王经理")
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, jobs=[job], state="live", title="加V领高薪专场")
    sessions = {}
    for name, user in {"seeker": seeker_make(name="张三"), "moderator": moderator_make()}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {"room": room.pk, "sessions": sessions}


def _shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _page(chromium, server, session, viewport):
    context = chromium.new_context(viewport=viewport, base_url=server)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    return context.new_page()


def test_a_reported_room_taken_down_by_a_moderator_leaves_the_viewers_screen(
    asgi_server, chromium, screenshot_on_failure
):
    world = orm(_build)
    seeker = _page(
        chromium, asgi_server, world["sessions"]["seeker"], {"width": 360, "height": 740}
    )
    moderator = _page(
        chromium, asgi_server, world["sessions"]["moderator"], {"width": 1366, "height": 768}
    )
    screenshot_on_failure += [("seeker", seeker), ("moderator", moderator)]
    room_url = f"/live/{world['room']}/"

    # given a seeker watching the live room taps 举报 on it and sends a report
    seeker.goto(room_url)
    seeker.click(".room-head a.report-link")
    seeker.wait_for_selector("#report-form")
    seeker.check("input[name=category][value=contact]")
    seeker.fill("textarea[name=text]", "主播让大家加微信")
    _shot(seeker, "report-form-360.png")
    seeker.click("#report-form button[type=submit]")
    seeker.wait_for_selector(".report-row:has-text('加V领高薪专场')")
    assert "处理中" in seeker.inner_text(".report-row")

    # and is back in the room, connected
    seeker.add_init_script(HELLO_SPY)
    seeker.goto(room_url)
    seeker.wait_for_function("() => window.__dgHello === true")
    assert seeker.is_visible(".stage")

    # when a moderator in another browser ends and blocks the room from the queue
    moderator.goto("/moderation/")
    row = moderator.locator("#queue .case-row", has_text="加V领高薪专场")
    assert "1 条举报" in row.inner_text()
    _shot(moderator, "moderation-queue-1366.png")
    row.locator("a").first.click()
    moderator.check("input[name=action][value=end_room]")
    moderator.fill("textarea[name=reason]", "直播中引导加微信，违反平台规则")
    moderator.click("#decide-form button[type=submit]")
    moderator.wait_for_selector("#queue")

    # then the room leaves the seeker's screen at once, on the same page (no reload)
    seeker.wait_for_selector("#room-taken-down", state="visible")
    assert "该直播间因违规已被平台关闭" in seeker.inner_text("#room-taken-down")
    assert not seeker.is_visible(".stage")
    assert not seeker.is_visible("#room-chat")
    assert seeker.evaluate("window.__dgMarker") == "same-page"
    _shot(seeker, "room-taken-down-360.png")

    # and the room is gone for everyone who opens it, and the seeker sees the outcome
    assert seeker.goto(room_url).status == 404
    seeker.goto("/me/reports/")
    assert "结束并封禁直播间" in seeker.inner_text(".report-row")
