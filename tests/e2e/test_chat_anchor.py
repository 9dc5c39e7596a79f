"""The anchor in the room's chat, in a real browser (issue #15): marked 主播, and kept above the
scrolling chat while viewers' messages flow past.

Needs Debian's chromium only (no WebRTC, so no network namespace).
"""

from __future__ import annotations

import datetime as dt
import os

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _build() -> tuple[int, int, list[int]]:
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make, user_make
    from daigang.live.models import Room
    from daigang.live.testing import room_make

    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="王主播", role=Membership.Role.ANCHOR)
    room = room_make(organisation=organisation, anchors=[anchor], state=Room.State.LIVE)
    viewers = [user_make(name=f"观众{n}").pk for n in range(12)]
    return room.pk, anchor.pk, viewers


def _say(room_id: int, user_id: int, text: str, seconds: int = 0) -> None:
    from django.utils import timezone

    from daigang.accounts.models import User
    from daigang.live.chat import chat_message_send

    chat_message_send(
        room_id=room_id,
        user=User.objects.get(pk=user_id),
        text=text,
        now=timezone.now() + dt.timedelta(seconds=seconds),
    )


def test_the_anchors_answer_stays_on_screen_marked_as_the_anchors(
    asgi_server, chromium, screenshot_on_failure
):
    # given a viewer watching a live room
    room_id, anchor_id, viewers = orm(_build)
    page = chromium.new_context(viewport=PHONE, base_url=asgi_server.url).new_page()
    screenshot_on_failure.append(("viewer", page))
    page.goto(f"/live/{room_id}/")
    page.wait_for_selector("[data-room-chat][data-connection=open]")
    # when the anchor answers twice in a row, then a dozen viewers chat
    orm(_say, room_id, anchor_id, "包住，四人间")
    orm(_say, room_id, anchor_id, "夫妻可以住夫妻间", 1)
    for n, viewer_id in enumerate(viewers):
        orm(_say, room_id, viewer_id, f"第{n}个问题")
    page.wait_for_selector(".chat-list .chat-text:text-is('第11个问题')")
    # then both answers went out, marked 主播, and the latest stays above the chat
    anchor_lines = page.locator(".chat-list .chat-line.role-anchor")
    assert anchor_lines.count() == 2
    assert anchor_lines.first.locator(".chat-role").inner_text() == "主播"
    note = page.locator("[data-chat-anchor-note]")
    assert note.is_visible()
    assert "夫妻可以住夫妻间" in note.inner_text() and "主播" in note.inner_text()
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.locator("#room-chat").scroll_into_view_if_needed()
        page.screenshot(path=str(SCREENSHOTS / "room-chat-anchor.png"))
