"""Job videos and 刷岗位 end to end (#17), in Debian's chromium: an organisation uploads a job
video through its page (laptop), the job timer's transcode_videos makes it playable, and a
seeker on a 360x740 phone opens 刷岗位 from the home page: the video on screen plays (its
currentTime advances) while the next waits, scrolling one screen plays the next and pauses
the first, and 一键报名 on the card applies in the sheet over the feed (source: feed).

Screenshots (the feed, the upload form, a job card with its video; 360x740 and 1366x768) go to
E2E_SCREENSHOTS when that is set.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from daigang.accounts import sms
from tests.conftest import SCREENSHOTS, orm
from tests.e2e.hiring_steps import session_cookie

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}
TIMEOUT_MS = 20_000
SEEKER = "13912347777"


@dataclass
class Setting:
    organisation: int
    job_a: int
    job_b: int
    owner_session: str


def _build(folder: Path) -> Setting:
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make, organisation_make
    from daigang.jobs.testing import job_make, job_video_make

    organisation = organisation_make(name="昆山精密电子有限公司")
    owner = member_make(organisation=organisation, name="李经理", role=Membership.Role.OWNER)
    job_a = job_make(organisation=organisation, title="电子厂普工")
    job_b = job_make(organisation=organisation, title="仓库分拣员")
    # The other job's video is ready already (made as the command would).
    job_video_make(job=job_b, folder=folder, size=(640, 360))
    return Setting(organisation.pk, job_a.pk, job_b.pk, session_cookie(owner))


def _transcode() -> int:
    from daigang.jobs.videos import videos_transcode

    return videos_transcode()


def _application_source(job_id: int) -> str:
    from daigang.hiring.models import Application

    return Application.objects.get(job_id=job_id).source


def _plays_counted(job_id: int) -> int:
    from django.db.models import Sum

    from daigang.jobs.models import CardCount

    return CardCount.objects.filter(job_id=job_id).aggregate(n=Sum("plays"))["n"] or 0


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if os.environ.get("E2E_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"job-video-{name}.png"))


def _time(page, job_id: int) -> float:  # type: ignore[no-untyped-def]
    return page.evaluate(
        f"() => document.querySelector('.feed-item[data-job-id=\"{job_id}\"] video').currentTime"
    )


def _plays(page, job_id: int) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        f"() => {{ const v = document.querySelector('.feed-item[data-job-id=\"{job_id}\"] video');"
        " return v && !v.paused && v.currentTime > 0.3; }"
    )


def test_an_uploaded_job_video_plays_in_the_feed_on_a_phone_and_one_tap_apply_works_there(
    asgi_server, chromium, screenshot_on_failure, tmp_path
):
    from daigang.core.video import video_sample_make

    sms.outbox.clear()
    setting = orm(_build, tmp_path)
    clip = video_sample_make(path=tmp_path / "workshop.mp4", seconds=3.0, size=(360, 640))

    # given the organisation's owner on a laptop uploads a video for 电子厂普工
    owner_context = chromium.new_context(viewport=LAPTOP, base_url=asgi_server.url, locale="zh-CN")
    owner_context.set_default_timeout(TIMEOUT_MS)
    owner_context.add_cookies(
        [{"name": "sessionid", "value": setting.owner_session, "url": asgi_server.url}]
    )
    owner = owner_context.new_page()
    screenshot_on_failure.append(("owner", owner))
    video_page = f"/manage/{setting.organisation}/jobs/{setting.job_a}/video/"
    owner.goto(video_page)
    owner.fill("#id_title", "车间实拍：无尘车间")
    owner.fill("#id_description", "包吃住，宿舍 4 人间带空调")
    owner.set_input_files("#id_file", str(clip))
    _shot(owner, "upload-laptop")
    owner.set_viewport_size(PHONE)
    _shot(owner, "upload-phone")
    owner.set_viewport_size(LAPTOP)
    owner.click("button[value=upload]")
    owner.wait_for_selector("#video-state[data-state=processing]")
    # when the job timer's transcode_videos runs (here at once)
    assert orm(_transcode) == 1
    # then the page turns 已就绪 by itself (it reads the state again while 处理中)
    owner.wait_for_selector("#video-state[data-state=ready]")
    assert "已就绪" in owner.inner_text("#video-state")
    _shot(owner, "upload-ready-laptop")

    # the job card with its video, on a laptop and a phone
    owner.goto(f"/jobs/{setting.job_a}/")
    owner.wait_for_selector(".intro-video video")
    _shot(owner, "card-laptop")
    owner.goto("/")
    _shot(owner, "list-laptop")
    # the list's card holds a one-line 看视频介绍 (no poster fetched); a tap plays it in place
    assert owner.locator(".job-card .intro-video video").count() == 0
    owner.click(".job-card [data-video-open]")
    owner.wait_for_function(
        "() => document.querySelector('.job-card .intro-video video').currentTime > 0.3"
    )
    _shot(owner, "list-playing-laptop")
    owner.set_viewport_size(PHONE)
    owner.goto(f"/jobs/{setting.job_a}/")
    owner.click("[data-video-tap]")
    owner.wait_for_function("() => document.querySelector('.intro-video video').currentTime > 0.3")
    _shot(owner, "card-phone")

    # when a seeker on a phone, not logged in, opens 刷岗位 from the home page
    context = chromium.new_context(viewport=PHONE, base_url=asgi_server.url, locale="zh-CN")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    screenshot_on_failure.append(("seeker", page))
    page.goto("/")
    page.click("a[href='/jobs/feed/']")
    page.wait_for_selector(".feed-item video")
    # then the first screen's video plays (the newest: 电子厂普工), muted, and the next waits
    first = page.get_attribute(".feed-item >> nth=0", "data-job-id")
    assert int(first) == setting.job_a
    _plays(page, setting.job_a)
    assert page.evaluate("() => document.querySelector('.feed-item video').muted")
    assert _time(page, setting.job_b) == 0
    box = page.locator(".feed-item >> nth=0").bounding_box()
    assert (box["width"], box["height"]) == (360, 740)  # one job per screen
    _shot(page, "feed-phone")

    # when they swipe up one screen, then the next plays and the first pauses
    page.evaluate("() => document.getElementById('feed').scrollBy(0, 740)")
    _plays(page, setting.job_b)
    page.wait_for_function(
        f"() => document.querySelector('.feed-item[data-job-id=\"{setting.job_a}\"] video').paused"
    )
    # and back to the first
    page.evaluate("() => document.getElementById('feed').scrollTo(0, 0)")
    _plays(page, setting.job_a)

    # when they tap 一键报名 on the card: the sheet opens over the feed with the form
    button = f".feed-item[data-job-id='{setting.job_a}'] [data-apply-job]"
    page.click(button)
    page.wait_for_selector("#apply-sheet:not([hidden]) input[name=phone]")
    assert "电子厂普工" in page.inner_text("#apply-sheet [data-sheet-title]")
    page.fill("#apply-sheet input[name=name]", "李大姐")
    page.fill("#apply-sheet input[name=phone]", SEEKER)
    page.click("#apply-sheet button:has-text('获取验证码')")
    page.wait_for_selector("#apply-sheet [data-code-sent]")
    message = [m for m in sms.outbox if m.phone == SEEKER][-1].message
    page.fill("#apply-sheet input[name=code]", re.search(r"\d{6}", message).group(0))
    page.check("#apply-sheet input[name=consent]")
    page.click("#apply-sheet button.apply-submit")
    # then 报名成功, the sheet closes, the card says 已报名, still in the feed; source: feed
    page.wait_for_selector("#apply-sheet .apply-success")
    page.wait_for_selector("#apply-sheet", state="hidden")
    assert page.inner_text(button) == "已报名"
    assert page.url.endswith("/jobs/feed/")
    assert orm(_application_source, setting.job_a) == f"feed:{setting.job_a}"

    # and the next job on a logged-in phone is one tap: the API applies without the sheet
    page.evaluate("() => document.getElementById('feed').scrollBy(0, 740)")
    _plays(page, setting.job_b)
    other = f".feed-item[data-job-id='{setting.job_b}'] [data-apply-job]"
    page.click(other)
    page.wait_for_selector(f"{other}:text-is('已报名')")
    assert page.locator("#apply-sheet").is_hidden()
    assert orm(_application_source, setting.job_b) == f"feed:{setting.job_b}"

    # the plays were counted (the page's beacon, every few seconds)
    page.wait_for_function("() => new Promise((ok) => setTimeout(() => ok(true), 5500))")
    assert orm(_plays_counted, setting.job_a) >= 1

    # the organisation's statistics: the click-through of cards with a video and without
    owner.set_viewport_size(LAPTOP)
    owner.goto(f"/manage/{setting.organisation}/pipeline/stats/")
    owner.wait_for_selector("[data-stat=video-ctr]")
    owner.locator("[data-stat=video-ctr]").scroll_into_view_if_needed()
    _shot(owner, "stats-laptop")

    # the feed on a laptop
    page.set_viewport_size(LAPTOP)
    page.evaluate("() => document.getElementById('feed').scrollTo(0, 0)")
    page.wait_for_timeout(300)
    _shot(page, "feed-laptop")
