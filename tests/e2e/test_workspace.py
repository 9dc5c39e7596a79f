"""HR staff in their workspace, in a real browser on a laptop and on a phone: they log in with the
SMS code, land in the organisation's workspace (not the seekers' home page) and reach the board
in one tap from the navigation (the side bar on a laptop, the bottom bar on a phone)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from daigang.accounts import sms
from tests.conftest import orm
from tests.e2e.hiring_steps import screenshot

pytestmark = pytest.mark.e2e

HR_PHONE = "13812340001"
PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def _world() -> int:
    """A verified company with HR staff, a few applications and rooms live, to come and ended."""
    from django.utils import timezone

    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make, user_make
    from daigang.hiring.testing import application_make, seeker_make
    from daigang.jobs.testing import job_make
    from daigang.live.models import Room
    from daigang.live.testing import room_make

    company = organisation_make(name="东莞市长安精密电子有限公司", owner=user_make())
    hr = member_make(organisation=company, role=Membership.Role.HR, phone=HR_PHONE)
    jobs = [
        job_make(organisation=company, by=hr, title="电子厂普工"),
        job_make(organisation=company, by=hr, title="注塑技术员"),
    ]
    for n in range(6):
        application_make(
            job=jobs[n % 2], seeker=seeker_make(phone=f"1390000{n:04d}"), name=f"求职者{n}"
        )
    now = timezone.now()
    room_make(organisation=company, title="今晚电子厂专场", state=Room.State.LIVE, jobs=jobs[:1])
    room_make(organisation=company, title="周末注塑专场", planned_start=now + dt.timedelta(days=2))
    room_make(
        organisation=company,
        title="上周的普工专场",
        state=Room.State.ENDED,
        planned_start=now - dt.timedelta(days=7),
    )
    return company.pk


def _code() -> str:
    return re.search(r"\d{6}", sms.outbox[-1].message).group(0)


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["laptop", "phone"])
def test_hr_logs_in_lands_in_the_workspace_and_reaches_the_board_in_one_tap(
    asgi_server, chromium, screenshot_on_failure, viewport
):
    # given HR staff of a company, on the login page (the top bar's 登录 from the home page)
    organisation_id = orm(_world)
    sms.outbox.clear()
    name = "laptop" if viewport == LAPTOP else "phone"
    context = chromium.new_context(viewport=viewport, base_url=asgi_server.url, locale="zh-CN")
    page = context.new_page()
    screenshot_on_failure.append((name, page))
    page.goto("/")
    page.click(".topbar >> text=登录")

    # when they log in with the code the SMS brought
    page.fill("input[name=phone]", HR_PHONE)
    page.click("text=获取验证码")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", _code())
    page.click("button:has-text('登录')")

    # then they land in the workspace: the organisation's page, with today's numbers
    workspace = f"/accounts/organisations/{organisation_id}/"
    page.wait_for_url(f"{asgi_server.url}{workspace}")
    expect(page.locator("[data-number=applications_today]")).to_have_text("6")
    expect(page.locator("[data-number=rooms_live]")).to_have_text("1")
    nav = page.locator(".ws-side" if viewport == LAPTOP else ".ws-bar")
    expect(nav).to_be_visible()
    expect(nav.locator("[data-nav=home]")).to_have_attribute("aria-current", "page")
    # no sideways scroll on the page
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"workspace-home-{name}.png")

    # when they tap 看板 in the navigation
    board = nav.locator("[data-nav=board]")
    box = board.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] >= 44
    board.click()

    # then they are on the board, which scrolls sideways within itself only
    page.wait_for_url(f"{asgi_server.url}/manage/{organisation_id}/pipeline/")
    expect(page.locator(".pipeline-column").first).to_be_visible()
    expect(nav.locator("[data-nav=board]")).to_have_attribute("aria-current", "page")
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    screenshot(page, f"workspace-board-{name}.png")

    # and the rooms list puts the live room first and the ended one last
    nav.locator("[data-nav=rooms]").click()
    page.wait_for_url(f"{asgi_server.url}/live/manage/{organisation_id}/rooms/")
    titles = page.locator(".room-row h2").all_inner_texts()
    assert titles == ["今晚电子厂专场", "周末注塑专场", "上周的普工专场"]
    screenshot(page, f"workspace-rooms-{name}.png")
    context.close()


def test_on_a_phone_the_rest_of_the_pages_open_from_more(asgi_server, chromium):
    # given HR staff on a phone, logged in, in their workspace
    organisation_id = orm(_world)
    from tests.e2e.hiring_steps import session_cookie

    def _session() -> str:
        from daigang.accounts.models import User

        return session_cookie(User.objects.get(phone=HR_PHONE))

    context = chromium.new_context(viewport=PHONE, base_url=asgi_server.url, locale="zh-CN")
    context.add_cookies([{"name": "sessionid", "value": orm(_session), "url": asgi_server.url}])
    page = context.new_page()
    page.goto(f"/accounts/organisations/{organisation_id}/")

    # when they open 更多 and tap 合同
    page.click(".ws-bar summary:has-text('更多')")
    contracts = page.locator(".ws-more [data-nav=contracts]")
    expect(contracts).to_be_visible()
    screenshot(page, "workspace-more-phone.png")
    contracts.click()

    # then
    page.wait_for_url(f"{asgi_server.url}/manage/{organisation_id}/contracts/")
    context.close()
