"""The pipeline in a real browser: HR moves a card on the board (phone-sized), rejects
another from its page; the seeker sees where they stand, the notification, and withdraws."""

from __future__ import annotations

import os

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e


def _build() -> dict:
    from django.test import Client

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.testing import job_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    hr = member_make(organisation=organisation, role=Membership.Role.HR)
    job = job_make(organisation=organisation, title="电子厂普工")
    forklift = job_make(organisation=organisation, title="叉车工")
    seeker = seeker_make(phone="13800001111", name="张三")
    mine = application_make(job=job, seeker=seeker, name="张三")
    application_make(job=forklift, seeker=seeker, name="张三")
    other = application_make(job=job, seeker=seeker_make(phone="13800002222"), name="李四")
    sessions = {}
    for name, user in {"hr": hr, "seeker": seeker}.items():
        client = Client()
        client.force_login(user)
        sessions[name] = client.cookies["sessionid"].value
    return {
        "org": organisation.pk,
        "mine": mine.pk,
        "other": other.pk,
        "sessions": sessions,
    }


def _shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _context(chromium, server, session, width=390, height=844):
    context = chromium.new_context(viewport={"width": width, "height": height}, base_url=server)
    context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    return context


def test_hr_moves_and_rejects_and_the_seeker_follows_and_withdraws(asgi_server, chromium):
    from daigang.accounts import sms

    sms.outbox.clear()
    world = orm(_build)
    hr = _context(chromium, asgi_server, world["sessions"]["hr"]).new_page()
    # given the board on a phone: a list grouped by stage
    hr.goto(f"/manage/{world['org']}/pipeline/")
    card = hr.locator(f".pipeline-card[data-application-id='{world['mine']}']")
    assert "还报名了1个岗位" in card.inner_text()
    _shot(hr, "pipeline-board-phone.png")
    # when HR moves 张三 to 达成意向 with the card's button
    card.locator("select[name=to_stage]").select_option("intention")
    card.locator("button:has-text('移动')").click()
    # then the card sits in the 达成意向 column
    hr.wait_for_selector(
        f"[data-stage='intention'] .pipeline-card[data-application-id='{world['mine']}']"
    )
    # when HR rejects 李四 from the application page
    hr.goto(f"/manage/{world['org']}/applications/{world['other']}/")
    hr.select_option("select[name=reason_id]", label="已招满")
    hr.click("button:has-text('标记为不合适')")
    hr.wait_for_selector(".stage:has-text('不合适')")
    assert "已报名 → 不合适（已招满）" in hr.inner_text(".history")
    # and the board also works wide, columns side by side
    wide = _context(chromium, asgi_server, world["sessions"]["hr"], width=1400, height=900)
    board = wide.new_page()
    board.goto(f"/manage/{world['org']}/pipeline/")
    columns = board.locator(".pipeline-column")
    first, second = columns.nth(0).bounding_box(), columns.nth(1).bounding_box()
    assert second["x"] > first["x"] and abs(second["y"] - first["y"]) < 2
    _shot(board, "pipeline-board-wide.png")
    # then the seeker sees the stage in words, what happens next, and the notification
    seeker = _context(chromium, asgi_server, world["sessions"]["seeker"]).new_page()
    seeker.goto("/me/applications/")
    item = seeker.locator(f"li[data-application-id='{world['mine']}']")
    assert "达成意向" in item.locator(".stage").inner_text()
    assert "接下来单位会安排面试" in item.locator("[data-next]").inner_text()
    assert "有新进展：达成意向" in seeker.inner_text(".notifications")
    _shot(seeker, "pipeline-my-applications.png")
    # when they withdraw
    item.locator("details.withdraw summary").click()
    item.locator("button:has-text('确认撤回')").click()
    seeker.wait_for_selector(f"li[data-application-id='{world['mine']}'] .stage:has-text('已撤回')")
    # then the SMS they got was the one shown on the page; 李四 got the 已招满 message
    messages = {m.phone: m.message for m in sms.outbox}
    assert "有新进展：达成意向" in messages["13800001111"]
    assert "已经招满" in messages["13800002222"]
    for context in (hr.context, wide, seeker.context):
        context.close()
