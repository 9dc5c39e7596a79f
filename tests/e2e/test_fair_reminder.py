"""An upcoming fair in the real browser: the operator gives it a poster from the edit form, and
a seeker on a phone sees the poster and taps 开场提醒我, then changes their mind."""

from __future__ import annotations

import datetime as dt

import pytest
from PIL import Image

from tests.conftest import orm
from tests.e2e.test_job_fair import _page, _shot

pytestmark = pytest.mark.e2e


def _world() -> dict[str, object]:
    from django.test import Client

    from daigang.fairs.testing import bureau_make, fair_make, operator_make
    from daigang.hiring.testing import seeker_make

    bureau = bureau_make(region="620100")
    operator = operator_make(bureau=bureau)
    fair = fair_make(
        bureau=bureau,
        by=operator,
        title="2027届高校毕业生春季双选会",
        starts_in=dt.timedelta(days=2),
    )
    seeker = seeker_make(name="马小军")
    cookies = {}
    for name, user in (("operator", operator), ("seeker", seeker)):
        client = Client()
        client.force_login(user)
        cookies[name] = client.cookies["sessionid"].value
    return {"fair": fair.pk, "cookies": cookies}


def _poster(path) -> None:  # type: ignore[no-untyped-def]
    image = Image.new("RGB", (1080, 1440), (196, 30, 58))
    for y in range(600, 840):
        for x in range(140, 940, 4):
            image.putpixel((x, y), (255, 214, 0))
    image.save(path, format="JPEG", quality=85)


def test_a_seeker_books_a_start_reminder_on_a_fair_with_a_poster(asgi_server, chromium, tmp_path):
    world = orm(_world)
    cookies, fair = world["cookies"], world["fair"]
    # given the operator uploads a poster on the fair's edit form
    poster = tmp_path / "poster.jpg"
    _poster(poster)
    operator = _page(chromium, asgi_server, cookies["operator"], width=1366, height=768)
    operator.goto(f"/fairs/{fair}/manage/edit/")
    operator.set_input_files("input[name=poster]", str(poster))
    operator.click("button:has-text('保存')")
    operator.wait_for_selector("text=已保存")
    # when a seeker opens the fair on a phone
    seeker = _page(chromium, asgi_server, cookies["seeker"], width=360, height=740)
    seeker.goto(f"/fairs/{fair}/")
    # then the poster shows, decoded by the browser, within the phone's width
    size = seeker.eval_on_selector(
        "img.fair-poster", "img => [img.naturalWidth, img.getBoundingClientRect().width]"
    )
    assert size[0] == 1080
    assert size[1] <= 360
    assert seeker.evaluate("document.documentElement.scrollWidth") <= 360
    # and tapping 开场提醒我 books the reminder, which the page confirms
    seeker.click("button:has-text('开场提醒我')")
    seeker.wait_for_selector("text=已预约开场提醒")
    _shot(seeker, "fair-reminder-phone")
    laptop = _page(chromium, asgi_server, cookies["seeker"], width=1366, height=768)
    laptop.goto(f"/fairs/{fair}/")
    _shot(laptop, "fair-reminder-laptop")

    def booked() -> int:
        from daigang.fairs.models import FairReminder

        return FairReminder.objects.filter(fair_id=fair).count()

    assert orm(booked) == 1
    # and 取消提醒 takes it back
    seeker.click("button:has-text('取消提醒')")
    seeker.wait_for_selector("button:has-text('开场提醒我')")
    assert orm(booked) == 0
