"""A live lesson that becomes a replay (issue #18), in a real browser on a phone: before its
room ends, the lesson links to the room; once the room has ended and its replay is ready (a
real WebM recorded by the relay's recorder, made here without WebRTC), the lesson plays it,
the seeker watches to the end, the player's `ended` completes the lesson — there is no
button — and, the other lesson read, the certificate is offered.

Screenshots of the lesson page before and after (360x740 and 1366x768) go to E2E_SCREENSHOTS
when set.
"""

from __future__ import annotations

import os

import pytest
from playwright.sync_api import expect

from tests.conftest import SCREENSHOTS, orm
from tests.e2e.hiring_steps import page_open, session_cookie

pytestmark = pytest.mark.e2e

PHONE = {"width": 360, "height": 740}
LAPTOP = {"width": 1366, "height": 768}


def _build() -> dict:
    from daigang.courses.models import Lesson
    from daigang.courses.services import course_enrol, course_publish, lesson_save
    from daigang.courses.testing import course_make, course_owner
    from daigang.fairs.testing import bureau_make
    from daigang.hiring.testing import seeker_make
    from daigang.live.testing import room_make

    bureau = bureau_make(name="兰州市公共就业服务中心", region="620100")
    owner = course_owner(bureau=bureau)
    course = course_make(bureau=bureau, title="灵活就业社保补贴", text_lessons=1, publish=False)
    room = room_make(organisation=bureau, title="社保补贴政策直播课")
    lesson = lesson_save(
        course=course,
        by=owner,
        lesson=None,
        title="直播：社保补贴怎么领",
        kind=Lesson.Kind.LIVE,
        body="",
        room=room,
    )
    course_publish(course=course, by=owner)
    seeker = seeker_make(phone="13800006666", name="张小红")
    course_enrol(course=course, user=seeker)
    text = course.lessons.get(kind=Lesson.Kind.TEXT)
    return {
        "course": course.pk,
        "room": room.pk,
        "live": lesson.pk,
        "text": text.pk,
        "seeker": seeker.pk,
        "session": session_cookie(seeker),
        "owner_session": session_cookie(owner),
        "bureau": bureau.pk,
    }


def _room_ends_with_a_replay(room_id: int) -> int:
    from daigang.live.models import Room
    from daigang.replays.testing import replay_make

    Room.objects.filter(pk=room_id).update(state=Room.State.ENDED)
    return replay_make(room=Room.objects.get(pk=room_id), seconds=4).pk


def _replay_hide(replay_id: int) -> None:
    from daigang.live.models import Replay

    Replay.objects.filter(pk=replay_id).update(state=Replay.State.HIDDEN)


def _completed(lesson_id: int, seeker_id: int) -> bool:
    from daigang.courses.models import LessonProgress

    return LessonProgress.objects.filter(
        lesson_id=lesson_id, enrolment__user_id=seeker_id, completed_at__isnull=False
    ).exists()


def _shot(page, name: str) -> None:  # type: ignore[no-untyped-def]
    if not os.environ.get("E2E_SCREENSHOTS"):
        return
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for label, viewport in (("phone", PHONE), ("laptop", LAPTOP)):
        page.set_viewport_size(viewport)
        page.wait_for_timeout(300)
        page.screenshot(path=str(SCREENSHOTS / f"live-lesson-{name}-{label}.png"), full_page=True)
    page.set_viewport_size(PHONE)


def test_a_seeker_watches_a_live_lessons_replay_to_the_end_and_the_lesson_completes(
    asgi_server, chromium, screenshot_on_failure
):
    # given a published course (a text lesson, then a live lesson in a room still to come)
    # and an enrolled seeker on a phone
    world = orm(_build)
    course, live = world["course"], world["live"]
    seeker = page_open(
        chromium, asgi_server, session=world["session"], pages=screenshot_on_failure, name="seeker"
    )
    # when the seeker reads the text lesson to its end
    seeker.goto(f"/courses/{course}/lessons/{world['text']}/")
    expect(seeker.locator("#lesson-status")).to_be_visible()
    # and opens the live lesson before the room has ended
    seeker.goto(f"/courses/{course}/lessons/{live}/")
    # then it links to the room, and there is nothing to play yet
    expect(seeker.locator("#live-lesson")).to_have_attribute("data-live-state", "upcoming")
    expect(seeker.locator("#live-room")).to_have_attribute("href", f"/live/{world['room']}/")
    expect(seeker.locator("#player")).to_have_count(0)
    _shot(seeker, "before")

    # when the room ends and its replay is ready
    replay = orm(_room_ends_with_a_replay, world["room"])
    seeker.reload()
    # then the lesson plays the replay's file
    player = seeker.locator("#player")
    expect(player).to_have_attribute("src", f"/replays/{replay}/video.webm")
    seeker.wait_for_function("() => document.getElementById('player').readyState >= 1")
    _shot(seeker, "after")
    # when the seeker plays it to the end (as a person taps play)
    seeker.evaluate(
        "() => { const v = document.getElementById('player'); v.muted = true;"
        " v.playbackRate = 2; return v.play(); }"
    )
    seeker.wait_for_function("() => document.getElementById('lesson').dataset.ended === 'true'")
    # then the lesson is marked complete, from the player, and the course with it
    expect(seeker.locator("#lesson-status")).to_be_visible()
    expect(seeker.locator("#course-done")).to_be_visible()
    assert orm(_completed, live, world["seeker"])
    _shot(seeker, "completed")

    # when the bureau hides the replay afterwards
    orm(_replay_hide, replay)
    # then the lesson says plainly it cannot be watched (the seeker's completion stays)
    seeker.reload()
    expect(seeker.locator("#live-lesson")).to_contain_text("回放暂不可看")
    expect(seeker.locator("#player")).to_have_count(0)
    _shot(seeker, "hidden")
    # and the bureau's course page says no one can complete the lesson now
    owner = page_open(
        chromium,
        asgi_server,
        session=world["owner_session"],
        pages=screenshot_on_failure,
        name="owner",
    )
    owner.goto(f"/manage/{world['bureau']}/courses/{course}/")
    expect(owner.locator("[data-live-state=unavailable]")).to_contain_text("学员无法学完本课")
    _shot(owner, "bureau-hidden")
