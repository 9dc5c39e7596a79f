"""Courses end to end, in a real browser: a bureau publishes a course with two video lessons
(uploaded through its pages, transcoded by the job), a seeker on a phone enrols in one tap,
watches both to the end — each lesson completed by the player's `ended` event, there is no
button — downloads the certificate, and the certificate's verification page accepts the file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.conftest import orm
from tests.e2e.hiring_steps import page_open, session_cookie

pytestmark = pytest.mark.e2e

LAPTOP = {"width": 1366, "height": 768}


def _build() -> dict:
    from daigang.accounts.models import Membership
    from daigang.accounts.testing import member_make
    from daigang.fairs.testing import bureau_make
    from daigang.hiring.testing import seeker_make

    bureau = bureau_make(name="兰州市公共就业服务中心", region="620100")
    owner = member_make(organisation=bureau, role=Membership.Role.OWNER, name="刘主任")
    seeker = seeker_make(phone="13800005555", name="王小明")
    return {
        "bureau": bureau.pk,
        "seeker": seeker.pk,
        "sessions": {"owner": session_cookie(owner), "seeker": session_cookie(seeker)},
    }


def _transcode() -> int:
    from daigang.courses.transcode import lessons_transcode

    return lessons_transcode()


def _certificate_number(seeker_id: int) -> tuple[str, str]:
    from daigang.courses.models import Certificate

    certificate = Certificate.objects.get(enrolment__user_id=seeker_id)
    return certificate.number, certificate.pdf_sha256


def _play_to_the_end(page) -> None:  # type: ignore[no-untyped-def]
    page.wait_for_function(
        "() => { const v = document.getElementById('player'); return v && v.readyState >= 1; }"
    )
    # As a person taps play (fast: the clip is 2 s; the ended event completes the lesson).
    page.evaluate(
        "() => { const v = document.getElementById('player'); v.muted = true;"
        " v.playbackRate = 2; return v.play(); }"
    )
    page.wait_for_function("() => document.getElementById('lesson').dataset.ended === 'true'")


def test_bureau_publishes_seeker_watches_to_the_end_and_the_certificate_verifies(
    asgi_server, chromium, screenshot_on_failure, tmp_path
):
    from daigang.core.video import video_sample_make

    # given a bureau's owner and a seeker, and a short clip to upload
    world = orm(_build)
    bureau = world["bureau"]
    clip = video_sample_make(path=tmp_path / "lesson.mp4", seconds=2.0)
    owner = page_open(
        chromium,
        asgi_server,
        session=world["sessions"]["owner"],
        pages=screenshot_on_failure,
        name="owner",
    )
    owner.set_viewport_size(LAPTOP)

    # when the bureau creates the course and uploads two video lessons
    owner.goto(f"/manage/{bureau}/courses/")
    owner.click("#course-new")
    owner.fill("#id_title", "叉车司机入门")
    owner.check("input[name=category][value=professional]")
    owner.fill("#id_kind_of_work", "叉车")
    owner.fill("#id_description", "零基础学叉车，全程免费。")
    owner.click("#course-save")
    owner.wait_for_selector("#lesson-new")
    course_url = owner.url
    for title in ("安全检查", "起步与停车"):
        owner.click("#lesson-new")
        owner.fill("#id_title", title)
        owner.check("input[name=kind][value=video]")
        owner.set_input_files("#id_video", str(clip))
        owner.click("#lesson-save")
        owner.wait_for_selector("#lesson-new")
    expect(owner.locator("[data-video-state=processing]")).to_have_count(2)
    # the job timer's transcode_lessons, run here at once
    assert orm(_transcode) == 2
    owner.goto(course_url)
    expect(owner.locator("[data-video-state=ready]")).to_have_count(2)
    owner.click("#course-publish")
    expect(owner.locator("#course-status")).to_have_attribute("data-status", "published")

    # and a seeker on a phone finds it, enrols in one tap and watches both lessons to the end
    seeker = page_open(
        chromium,
        asgi_server,
        session=world["sessions"]["seeker"],
        pages=screenshot_on_failure,
        name="seeker",
    )
    seeker.goto("/courses/")
    seeker.click("text=叉车司机入门")
    seeker.click("#enrol")
    seeker.wait_for_selector("#player")
    _play_to_the_end(seeker)
    expect(seeker.locator("#lesson-status")).to_be_visible()
    seeker.click("#next-lesson")
    _play_to_the_end(seeker)

    # then the course is done: the certificate downloads, and its page verifies the file
    expect(seeker.locator("#course-done")).to_be_visible()
    with seeker.expect_download() as download_info:
        seeker.click("#course-done #certificate-download")
    pdf = Path(download_info.value.path())
    number, pdf_sha = orm(_certificate_number, world["seeker"])
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == pdf_sha
    seeker.goto(f"/certificates/{number}/")
    expect(seeker.locator("#certificate-status")).to_have_attribute("data-valid", "true")
    expect(seeker.locator("#certificate-status")).to_contain_text("王*明")
    seeker.set_input_files("#id_file", str(pdf))
    seeker.click("#verify-submit")
    expect(seeker.locator("#verify-result")).to_have_attribute("data-verified", "true")
    # and 我的课程 shows it complete
    seeker.goto("/me/courses/")
    expect(seeker.locator(".my-course")).to_contain_text("2 / 2")
