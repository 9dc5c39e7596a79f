"""Career guidance (职业指导) in the real browser: a matchmaker opens two slots on the caseload
page; the seeker they follow, on a 360 px phone, books one from 谁在跟进我, sees it there with
进入职业指导, and finds it in 我的面试 with 加入日历; the matchmaker sees who booked it."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.conftest import orm
from tests.e2e.hiring_steps import page_open, screenshot, session_cookie

pytestmark = pytest.mark.e2e


def _world() -> dict[str, object]:
    from django.utils import timezone

    from daigang.fairs.testing import bureau_make
    from daigang.hiring.testing import seeker_make
    from daigang.matchmaking.testing import case_make, matchmaker_make

    bureau = bureau_make(region="620100")
    matchmaker = matchmaker_make(organisation=bureau, name="专员小周")
    seeker = seeker_make(name="马小军")
    case_make(membership=matchmaker, seeker=seeker)
    return {
        "bureau": bureau.pk,
        "day": (timezone.localdate() + dt.timedelta(days=2)).isoformat(),
        "cookies": {
            "matchmaker": session_cookie(matchmaker.user),
            "seeker": session_cookie(seeker),
        },
    }


def _no_sideways_scroll(page) -> None:  # type: ignore[no-untyped-def]
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_a_seeker_books_a_matchmakers_guidance_slot_on_the_phone_and_finds_it_in_my_interviews(
    asgi_server, chromium, screenshot_on_failure
):
    world = orm(_world)
    cookies = world["cookies"]
    pages = screenshot_on_failure
    # given the matchmaker opens two 30-minute slots from 14:00, two days from now
    matchmaker = page_open(
        chromium, asgi_server, session=cookies["matchmaker"], pages=pages, name="matchmaker"
    )
    matchmaker.goto(f"/manage/{world['bureau']}/caseload/")
    form = matchmaker.locator("[data-slots-form]")
    form.locator("input[name=day]").fill(str(world["day"]))
    form.locator("input[name=start]").fill("14:00")
    form.locator("select[name=length_minutes]").select_option("30")
    form.locator("input[name=count]").fill("2")
    form.locator("button:has-text('开放时段')").click()
    matchmaker.wait_for_selector("text=已开放2个职业指导时段")
    expect(matchmaker.locator("[data-slots] li.slot")).to_have_count(2)
    # when the seeker, on a 360 px phone, opens 谁在跟进我 and books the 14:30 slot
    seeker = page_open(chromium, asgi_server, session=cookies["seeker"], pages=pages, name="seeker")
    seeker.set_viewport_size({"width": 360, "height": 740})
    seeker.goto("/me/applications/")
    seeker.click("text=谁在跟进我")
    slots = seeker.locator("[data-open-slots] button")
    expect(slots).to_have_count(2)
    box = slots.first.bounding_box()
    assert box is not None and box["height"] >= 44
    _no_sideways_scroll(seeker)
    screenshot(seeker, "guidance-slots-phone.png")
    seeker.locator("[data-open-slots] button:has-text('14:30')").click()
    seeker.wait_for_selector("text=预约成功")
    # then the booking is there with 进入职业指导 (one booking at a time: no other slot offered)
    booked = seeker.locator("[data-booked-slot]")
    expect(booked).to_contain_text("14:30")
    expect(booked.locator("a:has-text('进入职业指导')")).to_be_visible()
    expect(seeker.locator("[data-open-slots] button")).to_have_count(0)
    screenshot(seeker, "guidance-booked-phone.png")
    # and in 我的面试, with 加入日历 (an .ics file)
    seeker.goto("/me/interviews/")
    row = seeker.locator("[data-kind=guidance]")
    expect(row).to_contain_text("职业指导")
    _no_sideways_scroll(seeker)
    screenshot(seeker, "guidance-my-interviews-phone.png")
    with seeker.expect_download() as download:
        row.locator("a:has-text('加入日历')").click()
    assert download.value.suggested_filename.endswith(".ics")
    # and the call page opens (before its window: it says when)
    row.locator("a:has-text('进入职业指导')").click()
    expect(seeker.locator("body")).to_contain_text("职业指导将于")
    # and the matchmaker's caseload shows who booked the 14:30 slot, with their own link
    matchmaker.reload()
    booked_row = matchmaker.locator("[data-slots] li.booked")
    expect(booked_row).to_contain_text("马小军")
    expect(booked_row.locator("a:has-text('进入职业指导')")).to_be_visible()
    screenshot(matchmaker, "guidance-caseload-phone.png")
