"""The seeker's home page on a 360 × 740 phone: live rooms in one sideways strip, the first job
on the first screen, and filters as chips — 包吃住 applies at once, 城市 opens a bottom sheet,
清除 resets, and the back button brings the previous filter back.
"""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from daigang.accounts.testing import organisation_make
from daigang.jobs.models import Board
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make
from tests.conftest import SCREENSHOTS, orm

pytestmark = pytest.mark.e2e

TITLES = """() => [...document.querySelectorAll('#job-list .job-card h3')]
  .map(h => h.textContent.trim()).sort()"""


# Every chip, the search row's buttons and the strip's cards, tapped with a thumb.
SMALL_TARGETS = """() => [...document.querySelectorAll(
    '#job-filters .chip:not([hidden]), #job-filters .search-row button:not([hidden]), .room-card a')]
  .map(e => [e.textContent.trim(), e.getBoundingClientRect()])
  .filter(([, box]) => box.width < 44 || box.height < 44)
  .map(([text]) => text)"""


def _world() -> None:
    org = organisation_make(name="东莞市长安精密电子有限公司")
    job_make(organisation=org, title="东莞包吃住普工", city="东莞市")
    job_make(organisation=org, title="深圳包吃住普工", city="深圳市")
    job_make(organisation=org, title="深圳只包住普工", city="深圳市", board=Board.LODGING)
    room_make(organisation=org, title="长安镇电子厂直播招聘", state=Room.State.LIVE)
    room_make(organisation=org, title="深圳物流仓专场")


PHONE = {"width": 360, "height": 740}


def phone(chromium, server: str, pages: list, *, javascript: bool = True):
    context = chromium.new_context(
        viewport=PHONE, base_url=server, locale="zh-CN", java_script_enabled=javascript
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    pages.append(("home", page))
    return page


def shot(page, name: str) -> None:
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / name))


def titles(page) -> list[str]:
    return page.evaluate(TITLES)


def test_a_seeker_filters_by_chips_and_sheets_and_goes_back_on_a_phone(
    asgi_server, chromium, screenshot_on_failure
):
    # given: three jobs in two cities and two rooms; a phone on the home page
    orm(_world)
    page = phone(chromium, asgi_server.url, screenshot_on_failure)
    page.goto("/")
    everything = ["东莞包吃住普工", "深圳包吃住普工", "深圳只包住普工"]
    assert page.locator(".rooms-strip .room-card").count() == 2
    card = page.locator("#job-list .job-card").first.bounding_box()
    assert card is not None and card["y"] + card["height"] <= 740  # the first job, whole
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.evaluate(SMALL_TARGETS) == []
    shot(page, "home-360.png")

    # when: 包吃住 is tapped
    page.locator("label.chip", has_text="包吃住").click()
    # then: the list narrows at once, the address says so, the chip is on
    page.wait_for_url(re.compile(r"room_and_board=on"))
    expect(page.locator("#job-list .job-card")).to_have_count(2)
    assert titles(page) == ["东莞包吃住普工", "深圳包吃住普工"]
    assert "on" in (page.locator("label.chip", has_text="包吃住").get_attribute("class") or "")

    # when: 城市 opens its sheet and 深圳市 is chosen
    city_chip = page.locator("#sheet-city summary")
    city_chip.click()
    sheet = page.locator("#sheet-city .sheet-body")
    assert sheet.is_visible()
    # focus moves in on the sheet's toggle event, a task after the click
    page.wait_for_function("() => document.activeElement && document.activeElement.name === 'city'")
    for target in (
        page.locator("#sheet-city .sheet-close"),
        page.locator("#sheet-city .choice").first,
    ):
        box = target.bounding_box()
        assert box is not None and box["width"] >= 44 and box["height"] >= 44
    shot(page, "home-360-city-sheet.png")
    page.locator("#sheet-city label.choice", has_text="深圳市").click()
    # then: the sheet closes, focus is back on the chip, which shows the city
    page.wait_for_url(re.compile(r"city=440300"))
    expect(page.locator("#job-list .job-card")).to_have_count(1)
    assert titles(page) == ["深圳包吃住普工"]
    assert not sheet.is_visible()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.tagName === 'SUMMARY'"
    )
    assert "深圳市" in city_chip.inner_text() and "on" in (city_chip.get_attribute("class") or "")

    # when: the 工价 sheet is opened and Esc pressed
    page.locator("#sheet-wage summary").click()
    assert page.locator("#sheet-wage .sheet-body").is_visible()
    shot(page, "home-360-wage-sheet.png")
    page.keyboard.press("Escape")
    # then: it closes, focus back on its chip
    assert not page.locator("#sheet-wage .sheet-body").is_visible()
    page.wait_for_function(
        "() => document.activeElement && document.activeElement.parentElement.id === 'sheet-wage'"
    )
    # and its × button closes it too
    page.locator("#sheet-wage summary").click()
    page.locator("#sheet-wage .sheet-close").click()
    assert not page.locator("#sheet-wage .sheet-body").is_visible()

    # when: the back button
    page.go_back()
    # then: the previous filter (包吃住, any city), list and chips alike
    expect(page.locator("#job-list .job-card")).to_have_count(2)
    assert "city=440300" not in page.url and "room_and_board=on" in page.url
    assert city_chip.inner_text().startswith("城市")
    assert "on" not in (city_chip.get_attribute("class") or "").split()
    assert page.locator("input[name=room_and_board]").is_checked()

    # when: 清除
    page.locator("#chip-clear").click()
    # then: every job, no chip on, 清除 gone
    expect(page.locator("#job-list .job-card")).to_have_count(3)
    assert titles(page) == sorted(everything)
    assert not page.locator("input[name=room_and_board]").is_checked()
    assert page.locator(".chip.on").count() == 0
    assert not page.locator("#chip-clear").is_visible()
    assert "room_and_board" not in page.url and "city=440300" not in page.url


def test_without_javascript_the_chips_are_a_plain_form_that_sends_the_same_parameters(
    asgi_server, chromium, screenshot_on_failure
):
    # given: a phone with JavaScript off on the home page
    orm(_world)
    page = phone(chromium, asgi_server.url, screenshot_on_failure, javascript=False)
    page.goto("/")
    # when: 包吃住 is ticked, 城市 opened in place, 深圳市 chosen and 确定 pressed
    page.locator("label.chip", has_text="包吃住").click()
    page.locator("#sheet-city summary").click()
    page.locator("#sheet-city label.choice", has_text="深圳市").click()
    shot(page, "home-360-no-js-sheet.png")
    page.locator("#sheet-city").get_by_role("button", name="确定").click()
    # then: the page comes back filtered, its chips on
    page.wait_for_url(re.compile(r"city=440300"))
    assert "room_and_board=on" in page.url
    assert titles(page) == ["深圳包吃住普工"]
    assert page.locator(".chip.on").count() == 2
    assert page.locator("#chip-clear").is_visible()


def test_on_a_laptop_the_strip_and_chips_do_not_scroll_sideways(
    asgi_server, chromium, screenshot_on_failure
):
    # given: the same page on a laptop (1366 × 768)
    orm(_world)
    context = chromium.new_context(
        viewport={"width": 1366, "height": 768}, base_url=asgi_server.url, locale="zh-CN"
    )
    page = context.new_page()
    screenshot_on_failure.append(("home-wide", page))
    page.goto("/?room_and_board=on")
    # then: the strip and the chips fit without scrolling sideways
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    shot(page, "home-1366.png")
