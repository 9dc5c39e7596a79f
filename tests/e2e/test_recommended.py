"""为您推荐 in the real browser, on a phone: a seeker with a profile opens the home page, sees
a job recommended with why in words, taps 不感兴趣 and the job is gone for good."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.conftest import orm
from tests.e2e.hiring_steps import page_open, screenshot, session_cookie

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}


def _world() -> dict[str, object]:
    from daigang.accounts.models import SeekerProfile
    from daigang.accounts.testing import organisation_make, user_make
    from daigang.hiring.testing import seeker_make
    from daigang.jobs.models import Board
    from daigang.jobs.testing import job_make

    employer = organisation_make(name="东莞佳友电子有限公司", owner=user_make())
    job = job_make(organisation=employer, title="电子厂普工（包吃住）", board=Board.ROOM_AND_BOARD)
    job_make(organisation=employer, title="成都厨师", kind_of_work="厨师", region_id="510104")
    seeker = seeker_make(name="马小军")
    SeekerProfile.objects.create(
        user=seeker, home_region_id="441900", work_kinds=["普工"], wage_wanted=4000, needs=["board"]
    )
    return {"job": job.pk, "seeker": seeker.pk, "cookie": session_cookie(seeker)}


def _dismissed(seeker_id: int) -> list[int]:
    from daigang.matchmaking.models import Dismissal

    return list(Dismissal.objects.filter(seeker_id=seeker_id).values_list("job_id", flat=True))


def test_a_seeker_sees_why_a_job_is_recommended_on_the_home_page_and_dismisses_it(
    asgi_server, chromium, screenshot_on_failure
):
    world = orm(_world)
    page = page_open(
        chromium, asgi_server, session=world["cookie"], pages=screenshot_on_failure, name="seeker"
    )
    page.set_viewport_size(PHONE)
    # given a seeker from 东莞 who wants 普工 with board, on the home page
    page.goto("/")
    # then the section loads after the page with the job near home and why, to 您 (22-26 元
    # an hour is 3,828-4,524 over a legal month of 21.75 days of 8 hours: it reaches 4,000)
    item = page.locator(f'[data-recommended-job="{world["job"]}"]')
    expect(item).to_be_visible()
    expect(item).to_contain_text("电子厂普工（包吃住）")
    expect(item.locator("[data-why]")).to_have_text(
        "就在您家乡东莞市 · 包吃住 · 工价折合月薪达到您的期望 · 是您想做的普工"
    )
    expect(page.locator("[data-recommended]")).not_to_contain_text("成都厨师")
    # and it fits the phone: no sideways scroll, a button big enough to tap
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    box = item.locator("[data-dismiss]").bounding_box()
    assert box is not None and box["height"] >= 44
    screenshot(page, "recommended-home-phone.png")
    # when the seeker taps 不感兴趣
    item.locator("[data-dismiss]").click()
    # then the job leaves the list at once, and for good
    expect(item).to_have_count(0)
    assert orm(_dismissed, world["seeker"]) == [world["job"]]
    page.reload()
    expect(page.locator("[data-recommended]")).to_contain_text("暂时没有符合您求职资料的岗位")
    expect(page.locator("[data-recommended-job]")).to_have_count(0)
