"""Chat moderation in a real browser: contact held back, a deletion and a mute, live.

Two viewers watch a room while its anchor has the room's moderation page open:
- a viewer posts a phone number: they see why it was not sent, the other viewer never sees it;
- the anchor deletes a viewer's message: it disappears from the other viewer's page, no reload;
- the anchor mutes that viewer: they are told at once, and what they send next reaches no one;
  the muted list on the moderation page shows them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest

from tests.conftest import orm
from tests.e2e.hiring_steps import page_open, screenshot, session_cookie

pytestmark = pytest.mark.e2e

PHONE_NUMBER = "我电话 137 1234 5678"
LINES = "document.querySelectorAll('.chat-line .chat-text')"


@dataclass
class Site:
    room_id: int
    sessions: dict[str, str]


def _build() -> Site:
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make, user_make
    from daigang.live.models import Room
    from daigang.live.testing import room_make

    organisation = organisation_make(name="苏州精密电子有限公司")
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    room = room_make(
        organisation=organisation, anchors=[anchor], title="苏州电子厂专场", state=Room.State.LIVE
    )
    people = {"anchor": anchor, "talker": user_make(name="张三"), "other": user_make(name="李四")}
    return Site(
        room_id=room.pk, sessions={who: session_cookie(user) for who, user in people.items()}
    )


def _send(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.fill("[data-chat-form] input[name=text]", text)
    page.press("[data-chat-form] input[name=text]", "Enter")


def _shows(page, text: str) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        f"(text) => Array.from({LINES}).some((e) => e.textContent === text)", arg=text
    )


def _texts(page) -> list[str]:  # type: ignore[no-untyped-def]
    return page.eval_on_selector_all(
        ".chat-line .chat-text", "(els) => els.map((e) => e.textContent)"
    )


def test_contact_is_held_a_deletion_reaches_everyone_and_a_muted_viewer_cannot_send(
    asgi_server, chromium, screenshot_on_failure
):
    site = orm(_build)
    room = f"/live/{site.room_id}/"
    pages = {
        who: page_open(
            chromium, asgi_server, session=site.sessions[who], pages=screenshot_on_failure, name=who
        )
        for who in ("anchor", "talker", "other")
    }
    anchor, talker, other = pages["anchor"], pages["talker"], pages["other"]
    anchor.goto(f"/live/manage/{site.room_id}/chat/")
    talker.goto(room)
    other.goto(room)
    for page in pages.values():
        page.wait_for_selector("[data-room-chat][data-connection=open]")

    # when a viewer posts a phone number, then an ordinary question
    _send(talker, PHONE_NUMBER)
    notice = talker.wait_for_selector("[data-chat-notice]:not([hidden])")
    assert "联系方式" in notice.inner_text()
    talker.wait_for_timeout(2100)  # the chat's 2 s rate limit between one person's messages
    _send(talker, "几点上班？")

    # then the other viewer sees the question and never the number
    _shows(other, "几点上班？")
    _shows(anchor, "几点上班？")
    assert PHONE_NUMBER not in _texts(other)
    assert PHONE_NUMBER not in _texts(anchor)

    # when the anchor deletes the question from the moderation page
    anchor.click(".chat-line:has-text('几点上班？') [data-moderate=delete]")

    # then it disappears from the other viewer's page without a reload
    other.wait_for_function(
        f"() => !Array.from({LINES}).some((e) => e.textContent === '几点上班？')"
    )
    assert "几点上班？" not in _texts(talker)

    # when the viewer speaks again and the anchor mutes them for ten minutes
    talker.wait_for_timeout(2100)
    _send(talker, "为什么删我")
    _shows(anchor, "为什么删我")
    anchor.click(".chat-line:has-text('为什么删我') [data-moderate=mute][data-duration='10m']")

    # then they are told at once, with the time left
    talker.wait_for_function(
        "() => document.querySelector('[data-chat-notice]').textContent.includes('禁言')"
    )
    assert "10 分钟" in talker.inner_text("[data-chat-notice]")
    # and the moderation page lists them as muted
    anchor.wait_for_selector("#muted-list :text('张三')")

    # and what they send next is refused and reaches no one
    talker.wait_for_timeout(2100)
    _send(talker, "我还要说")
    talker.wait_for_function(
        "() => document.querySelector('[data-chat-notice]').textContent.includes('禁言')"
    )
    _send(other, "主播好")
    _shows(anchor, "主播好")
    assert "我还要说" not in _texts(other)
    assert "我还要说" not in _texts(anchor)

    if os.environ.get("E2E_SCREENSHOTS"):
        for width, height in ((360, 740), (1366, 768)):
            anchor.set_viewport_size({"width": width, "height": height})
            screenshot(anchor, f"chat-moderation-{width}.png")
        screenshot(talker, "chat-moderation-muted-viewer.png")
