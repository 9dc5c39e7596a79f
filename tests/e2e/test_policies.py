"""Policy explainers (issue #18) in a real browser: a bureau operator writes and publishes a
policy; a seeker on a 360x740 phone finds it by region and keyword; a policy card pinned in a
宣策 room slides onto a viewer's screen and opens in a sheet while the stream plays on.

Needs Debian's chromium only (pins travel over the room's WebSocket; no WebRTC). Screenshots
at 360x740 and 1366x768 go to E2E_SCREENSHOTS when that is set.
"""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
TIMEOUT_MS = 15_000


def _world() -> dict[str, object]:
    from django.test import Client
    from django.utils import timezone

    from daigang.accounts.models import Membership, SeekerProfile
    from daigang.accounts.testing import member_make, user_make
    from daigang.fairs.testing import bureau_make
    from daigang.live.models import Room
    from daigang.live.testing import room_make
    from daigang.policies.testing import policy_make
    from daigang.regions.models import Region

    lanzhou = bureau_make(region="620100", name="兰州市公共就业服务中心", owner=user_make())
    tianshui = bureau_make(region="620500", name="天水市公共就业服务中心", owner=user_make())
    operator = member_make(organisation=lanzhou, role=Membership.Role.OPERATOR, name="运营小李")
    today = timezone.localdate()
    subsidy = policy_make(
        bureau=lanzhou,
        title="高校毕业生就业见习补贴",
        summary="离校2年内未就业的高校毕业生参加见习，每月领生活补助。",
        eligibility="离校2年内未就业的高校毕业生，或16至24岁失业青年。",
        how_to_apply="在见习基地报名，签订见习协议后按月领取。",
        valid_until=today + dt.timedelta(days=180),
    )
    policy_make(bureau=tianshui, title="天水市创业补贴", kind="startup")
    seeker = user_make(name="马小军")
    SeekerProfile.objects.create(user=seeker, home_region=Region.objects.get(code="620102"))
    room = room_make(
        organisation=lanzhou,
        anchors=[operator],
        title="政策宣讲：毕业生补贴怎么领",
        state=Room.State.LIVE,
    )
    cookies = {}
    for name, user in (("operator", operator), ("seeker", seeker)):
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies["sessionid"].value
    return {"bureau": lanzhou.pk, "room": room.pk, "subsidy": subsidy.pk, "cookies": cookies}


def _page(chromium, server: str, session: str | None, viewport: dict[str, int]):
    context = chromium.new_context(viewport=viewport, base_url=server)
    context.set_default_timeout(TIMEOUT_MS)
    if session:
        context.add_cookies([{"name": "sessionid", "value": session, "url": server}])
    return context.new_page()


def _shot(page, name: str, *, full_page: bool = True) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"policy-{name}.png"), full_page=full_page)


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def _policy_state(title: str) -> str:
    from daigang.policies.models import Policy

    return Policy.objects.get(title=title).state


def test_an_operator_writes_and_publishes_a_policy_in_the_browser(
    asgi_server, chromium, screenshot_on_failure
):
    # given the bureau's operator in its workspace, on a phone
    world = orm(_world)
    page = _page(chromium, asgi_server.url, world["cookies"]["operator"], PHONE)
    screenshot_on_failure.append(("operator", page))
    page.goto(f"/manage/{world['bureau']}/policies/")
    _shot(page, "manage-phone")
    # when they write a new policy and publish it
    page.click("text=新建政策")
    page.fill("#id_title", "灵活就业人员社保补贴")
    page.select_option("#id_kind", "social_insurance")
    page.fill("#id_summary", "自己交了养老保险的就业困难人员，可申请补回三分之二。")
    page.fill("#id_eligibility", "登记为就业困难人员，以灵活就业身份缴费。")
    page.fill("#id_how_to_apply", "每年1月到街道公共就业服务窗口申请。")
    _shot(page, "form-phone")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    assert orm(_policy_state, "灵活就业人员社保补贴") == "draft"
    page.click("form [data-publish]")
    page.wait_for_selector("text=已发布")
    # then it is public, and on the bureau's list
    assert orm(_policy_state, "灵活就业人员社保补贴") == "published"
    assert "灵活就业人员社保补贴" in page.inner_text("main")
    assert _no_horizontal_scroll(page)
    laptop = _page(chromium, asgi_server.url, world["cookies"]["operator"], LAPTOP)
    laptop.goto(f"/manage/{world['bureau']}/policies/")
    _shot(laptop, "manage-laptop")
    laptop.goto(f"/manage/{world['bureau']}/policies/new/")
    _shot(laptop, "form-laptop")


def test_a_seeker_on_a_phone_finds_a_policy_by_region_and_keyword(
    asgi_server, chromium, screenshot_on_failure
):
    # given a seeker whose home is 兰州's 城关区
    world = orm(_world)
    page = _page(chromium, asgi_server.url, world["cookies"]["seeker"], PHONE)
    screenshot_on_failure.append(("seeker", page))
    # when they open 政策 from the home page
    page.goto("/")
    page.click(".home-policies a")
    page.wait_for_url("**/policies/")
    # then they see 兰州's policy (their city's), not 天水's
    listed = page.inner_text("#policy-list")
    assert "高校毕业生就业见习补贴" in listed
    assert "天水市创业补贴" not in listed
    assert _no_horizontal_scroll(page)
    _shot(page, "list-phone")
    # when they search a word of it
    page.fill("#id_q", "见习")
    page.press("#id_q", "Enter")
    page.wait_for_url("**q=*")
    assert page.locator("#policy-list .policy-row").count() == 1
    page.fill("#id_q", "电焊")
    page.press("#id_q", "Enter")
    page.wait_for_selector("text=没有找到相关政策")
    # and the page of the policy reads on the phone: summary, who, how, validity, the bureau
    page.goto(f"/policies/{world['subsidy']}/")
    text = page.inner_text("main")
    for part in ("谁可以申请", "怎么申请", "有效期", "兰州市公共就业服务中心", "已认证"):
        assert part in text
    assert _no_horizontal_scroll(page)
    _shot(page, "page-phone")
    laptop = _page(chromium, asgi_server.url, None, LAPTOP)
    laptop.goto("/policies/?region=all")
    _shot(laptop, "list-laptop")
    laptop.goto(f"/policies/{world['subsidy']}/")
    _shot(laptop, "page-laptop")


def test_a_policy_pinned_in_a_room_opens_on_a_viewers_screen(
    asgi_server, chromium, screenshot_on_failure
):
    # given a viewer on a phone in the bureau's room, and the operator at its console
    world = orm(_world)
    viewer = _page(chromium, asgi_server.url, None, PHONE)
    screenshot_on_failure.append(("viewer", viewer))
    room_url = f"{asgi_server.url}/live/{world['room']}/"
    viewer.goto(room_url)
    viewer.wait_for_selector("[data-room-chat][data-connection=open]")
    assert not viewer.is_visible("#policy-slot.shown")
    console = _page(chromium, asgi_server.url, world["cookies"]["operator"], LAPTOP)
    screenshot_on_failure.append(("console", console))
    console.goto(f"/live/{world['room']}/console/")
    # when the operator pins the policy from the console's 政策 panel
    console.click(f"[data-pin-policy='{world['subsidy']}']")
    console.wait_for_selector("#console-policies .is-pinned")
    _shot(console, "console-laptop", full_page=False)
    # then its card slides onto the viewer's screen
    viewer.wait_for_selector("#policy-slot.shown")
    assert "高校毕业生就业见习补贴" in viewer.inner_text("#policy-slot")
    viewer.wait_for_timeout(400)  # the slide
    _shot(viewer, "room-card-phone", full_page=False)
    # and tapping it opens the policy in a sheet over the room, which stays
    viewer.click("#policy-card")
    viewer.wait_for_selector("#policy-sheet:not([hidden])")
    sheet = viewer.inner_text("#policy-sheet")
    assert "离校2年内未就业的高校毕业生" in sheet
    assert "在见习基地报名" in sheet
    assert viewer.url == room_url
    assert viewer.is_visible("#player")
    _shot(viewer, "room-sheet-phone", full_page=False)
    viewer.click("#policy-sheet .sheet-close")
    viewer.wait_for_selector("#policy-sheet", state="hidden")
    # a viewer who comes in now gets the card pinned now
    late = _page(chromium, asgi_server.url, None, LAPTOP)
    late.goto(room_url)
    assert late.is_visible("#policy-slot.shown")
    late.wait_for_timeout(400)
    _shot(late, "room-card-laptop", full_page=False)
    # and unpinning takes it down on every screen
    console.click("[data-policy-unpin]")
    viewer.wait_for_selector("#policy-slot:not(.shown)")


def _pin(room_id: int, policy_id: int) -> None:
    from daigang.live.models import Room
    from daigang.policies.models import Policy
    from daigang.policies.rooms import room_policy_pin

    room = Room.objects.get(pk=room_id)
    room_policy_pin(room=room, policy=Policy.objects.get(pk=policy_id), by=room.anchors.get())


def test_a_viewer_whose_socket_dropped_while_a_policy_was_pinned_gets_it_on_return(
    asgi_server, chromium, screenshot_on_failure
):
    # given a viewer whose room socket goes through a switch the test can cut
    world = orm(_world)
    viewer = _page(chromium, asgi_server.url, None, PHONE)
    screenshot_on_failure.append(("viewer", viewer))
    line = {"cut": False, "pages": []}

    def through(ws):  # type: ignore[no-untyped-def]
        server = ws.connect_to_server()
        line["pages"].append((ws, server))
        server.on_message(lambda message: None if line["cut"] else ws.send(message))

    viewer.route_web_socket(re.compile(r"/ws/rooms/"), through)
    viewer.goto(f"/live/{world['room']}/")
    viewer.wait_for_selector("[data-room-chat][data-connection=open]")
    # when the policy is pinned while nothing reaches the viewer (the event is lost)
    line["cut"] = True
    orm(_pin, world["room"], world["subsidy"])
    viewer.wait_for_timeout(1000)
    assert not viewer.is_visible("#policy-slot.shown")
    # and the socket drops and comes back
    line["cut"] = False
    ws, server = line["pages"][-1]
    ws.close()
    server.close()
    # then the viewer reads the pin again and the card is there
    viewer.wait_for_selector("#policy-slot.shown")
    assert "高校毕业生就业见习补贴" in viewer.inner_text("#policy-slot")
    assert len(line["pages"]) >= 2
