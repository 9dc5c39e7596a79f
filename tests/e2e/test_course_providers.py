"""A training organisation publishes a course under a bureau, end to end in a real browser:
the school (培训学校) asks the 兰州 bureau on its 开课资格 page, the bureau's owner approves it
on the 培训机构 page, the school's owner writes a course with a lesson on the bureau's own
course pages and publishes it, and a seeker on a phone finds it with the school and the
bureau named ("由 … 提供，… 审核"); the bureau then revokes the school, the course is taken
down, and the seeker's 我的课程 still lists it.

COURSES_SHOTS=/tmp/shots-courses saves each new page at 360x740 and 1366x768 (to look at)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.conftest import orm
from tests.e2e.hiring_steps import page_open, session_cookie

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}
SMALL_PHONE = {"width": 360, "height": 740}


def _shots(page: Page, name: str) -> None:
    folder = os.environ.get("COURSES_SHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    for label, viewport in (("360", SMALL_PHONE), ("1366", LAPTOP)):
        page.set_viewport_size(viewport)
        page.screenshot(path=f"{folder}/{name}-{label}.png", full_page=True)
    if size:
        page.set_viewport_size(size)


def _build() -> dict:
    from daigang.accounts.models import Membership, Organisation
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.fairs.testing import bureau_make
    from daigang.hiring.testing import seeker_make

    bureau = bureau_make(name="兰州市公共就业服务中心", region="620100")
    bureau_owner = member_make(organisation=bureau, role=Membership.Role.OWNER, name="刘主任")
    school = organisation_make(name="兰州蓝天职业培训学校", kind=Organisation.Kind.TRAINING)
    school_owner = member_make(organisation=school, role=Membership.Role.OWNER, name="王校长")
    seeker = seeker_make(phone="13800006666", name="李小红")
    return {
        "bureau": bureau.pk,
        "school": school.pk,
        "sessions": {
            "bureau": session_cookie(bureau_owner),
            "school": session_cookie(school_owner),
            "seeker": session_cookie(seeker),
        },
    }


def test_a_school_asks_the_bureau_approves_the_school_publishes_and_a_seeker_sees_it(
    asgi_server, chromium, screenshot_on_failure
):
    # given a verified training school, a bureau and a seeker
    world = orm(_build)
    sessions = world["sessions"]
    school = page_open(
        chromium,
        asgi_server,
        session=sessions["school"],
        pages=screenshot_on_failure,
        name="school",
    )
    school.set_viewport_size(LAPTOP)

    # when the school asks the bureau to let it publish courses
    school.goto(f"/manage/{world['school']}/training/")
    expect(school.locator("#courses-link")).to_have_count(0)
    _shots(school, "training-new")
    school.select_option("#id_bureau", str(world["bureau"]))
    school.fill("#id_note", "办学许可证 教民162010000123号，开设育婴员、电工课程")
    school.click("#provider-request-submit")
    expect(school.locator(".provider-card[data-state=requested]")).to_be_visible()
    _shots(school, "training-requested")

    # and the bureau's owner approves it on the 培训机构 page (reached from its course list)
    bureau = page_open(
        chromium,
        asgi_server,
        session=sessions["bureau"],
        pages=screenshot_on_failure,
        name="bureau",
    )
    bureau.set_viewport_size(LAPTOP)
    bureau.goto(f"/manage/{world['bureau']}/courses/")
    bureau.click("#providers-link")
    card = bureau.locator(".provider-card", has_text="兰州蓝天职业培训学校")
    expect(card).to_contain_text("教民162010000123号")
    _shots(bureau, "providers-requested")
    card.locator("[data-action=approve]").click()
    expect(bureau.locator(".provider-card[data-state=approved]")).to_be_visible()
    _shots(bureau, "providers-approved")

    # and the school, now approved, writes a course with a text lesson and publishes it
    school.goto(f"/manage/{world['school']}/training/")
    expect(school.locator(".provider-card[data-state=approved]")).to_be_visible()
    school.click("#courses-link")
    school.click("#course-new")
    school.fill("#id_title", "育婴员基础")
    school.check("input[name=category][value=professional]")
    school.fill("#id_kind_of_work", "育婴")
    school.fill("#id_description", "新生儿护理入门，全程免费。")
    school.click("#course-save")
    school.wait_for_selector("#lesson-new")
    school.click("#lesson-new")
    school.fill("#id_title", "给宝宝洗澡")
    school.check("input[name=kind][value=text]")
    school.fill("#id_body", "水温38℃左右，先洗脸再洗身体。")
    school.click("#lesson-save")
    school.wait_for_selector("#lesson-new")
    school.click("#course-publish")
    expect(school.locator("#course-status")).to_have_attribute("data-status", "published")
    _shots(school, "school-course")
    school.goto(f"/manage/{world['school']}/courses/")
    expect(school.locator("[data-course-id]")).to_contain_text("兰州市公共就业服务中心 审核")
    _shots(school, "school-courses")

    # then a seeker on a phone finds it, with the school and the bureau named
    seeker = page_open(
        chromium,
        asgi_server,
        session=sessions["seeker"],
        pages=screenshot_on_failure,
        name="seeker",
    )
    seeker.goto("/courses/")
    expect(seeker.locator("body")).to_contain_text("兰州蓝天职业培训学校")
    _shots(seeker, "course-list")
    seeker.click("text=育婴员基础")
    expect(seeker.locator("#course-publisher")).to_have_text(
        "由 兰州蓝天职业培训学校 提供，兰州市公共就业服务中心 审核"
    )
    _shots(seeker, "course-page")
    seeker.click("#enrol")
    expect(seeker.locator("body")).to_contain_text("给宝宝洗澡")

    # and the bureau's numbers name the school
    bureau.goto(f"/manage/{world['bureau']}/courses/stats/")
    expect(bureau.locator("[data-stat=courses]")).to_contain_text("兰州蓝天职业培训学校")
    _shots(bureau, "stats")

    # and when the bureau revokes the school, its course is taken down; the seeker keeps it
    bureau.goto(f"/manage/{world['bureau']}/course-providers/")
    bureau.fill(".provider-card input[name=reason]", "多次被投诉收取费用")
    bureau.click("[data-action=revoke]")
    expect(bureau.locator(".provider-card[data-state=revoked]")).to_contain_text(
        "多次被投诉收取费用"
    )
    _shots(bureau, "providers-revoked")
    seeker.goto("/courses/")
    expect(seeker.locator("body")).not_to_contain_text("育婴员基础")
    seeker.goto("/me/courses/")
    expect(seeker.locator(".my-course")).to_contain_text("课程已下架")
    _shots(seeker, "my-courses-revoked")
    school.goto(f"/manage/{world['school']}/training/")
    expect(school.locator(".provider-card[data-state=revoked]")).to_contain_text(
        "多次被投诉收取费用"
    )
    _shots(school, "training-revoked")
