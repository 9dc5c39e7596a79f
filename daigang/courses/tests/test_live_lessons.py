"""Live lessons: a course's lesson is one of the publisher's rooms. Before and while the room
is on, the lesson page says when and links to the room; once the room has ended and its
replay is ready, the page plays the replay (a real WebM, by byte range) and the progress
beacon completes the lesson under the same rule as a video, towards the certificate. A
replay hidden, deleted or failed is not playable: the lesson cannot be completed, and the
publisher's course page says so."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from daigang.accounts.testing import organisation_make
from daigang.core.refused import Refused
from daigang.courses.models import Certificate, Course, Lesson, LessonProgress
from daigang.courses.services import course_enrol, lesson_progress_record, lesson_save
from daigang.courses.testing import course_make, course_owner
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import seeker_make
from daigang.live.models import Replay, Room
from daigang.live.replays import replay_delete
from daigang.live.testing import room_make
from daigang.replays.testing import replay_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _live_course(*, state: str = Room.State.SCHEDULED) -> tuple[Course, Lesson, Room]:
    """A published course of a bureau: a text lesson, then a live lesson in its room."""
    bureau = bureau_make()
    course = course_make(bureau=bureau, text_lessons=1, publish=False)
    room = room_make(organisation=bureau, state=state, title="就业政策直播课")
    lesson = lesson_save(
        course=course,
        by=course_owner(bureau=bureau),
        lesson=None,
        title="社保补贴怎么领",
        kind=Lesson.Kind.LIVE,
        body="",
        room=room,
    )
    from daigang.courses.services import course_publish

    course = course_publish(course=course, by=course_owner(bureau=bureau))
    return course, lesson, room


def _lesson_url(lesson: Lesson) -> str:
    return reverse("courses:lesson", args=[lesson.course_id, lesson.pk])


def test_a_live_lesson_before_the_room_ends_shows_its_time_and_links_to_the_room():
    # given a published course whose second lesson is a room still to come, and an enrolled seeker
    course, lesson, room = _live_course()
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    # when the seeker opens the lesson
    page = _client(seeker).get(_lesson_url(lesson))
    # then it says when, links to the room, and has no player
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-live-state="upcoming"' in html
    assert f'href="{reverse("live:room", args=[room.pk])}"' in html
    assert "即将开播" in html
    assert 'id="player"' not in html
    # and the beacon cannot complete it before there is a replay
    with pytest.raises(Refused):
        lesson_progress_record(lesson=lesson, user=seeker, position_s=0, ended=True)


def test_a_room_on_air_is_linked_as_live_from_its_lesson():
    course, lesson, room = _live_course(state=Room.State.LIVE)
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    html = _client(seeker).get(_lesson_url(lesson)).content.decode()
    assert "正在直播，进入直播间" in html
    assert f'href="{reverse("live:room", args=[room.pk])}"' in html


def test_after_the_room_ends_its_ready_replay_plays_and_the_beacon_completes_it_and_the_course():
    # given the course's live room ended with a ready 6 s replay, the text lesson already read
    course, lesson, room = _live_course()
    Room.objects.filter(pk=room.pk).update(state=Room.State.ENDED)
    replay = replay_make(room=room, seconds=6)
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    text = course.lessons.get(kind=Lesson.Kind.TEXT)
    lesson_progress_record(lesson=text, user=seeker, position_s=0, ended=True)
    client = _client(seeker)
    # when the seeker opens the live lesson
    html = client.get(_lesson_url(lesson)).content.decode()
    # then the page plays the replay's file, which answers by byte range
    video_url = reverse("replays:video", args=[replay.pk])
    assert f'src="{video_url}"' in html and 'id="player"' in html
    ranged = client.get(video_url, HTTP_RANGE="bytes=0-99")
    assert ranged.status_code == 206
    assert b"".join(ranged.streaming_content)[:4] == b"\x1a\x45\xdf\xa3"  # EBML: a WebM
    progress_url = reverse("courses:progress", args=[course.pk, lesson.pk])
    # when the beacon reports the middle, the lesson is not done and the position is kept
    middle = client.post(progress_url, {"position": "3.0"}).json()
    assert middle["completed"] is False
    assert LessonProgress.objects.get(lesson=lesson).position_ms == 3000
    # and the course's list shows the replay's length and how far the seeker got
    listing = client.get(reverse("courses:course", args=[course.pk])).content.decode()
    assert "0:06" in listing and '<span class="muted">50%</span>' in listing
    # and the page opened on another device resumes there
    assert 'data-resume="3.0"' in client.get(_lesson_url(lesson)).content.decode()
    # when the player reaches the end (past the replay's length: clamped)
    end = client.post(progress_url, {"position": "9.0", "ended": "on"}).json()
    # then the lesson is done, the course too, and the certificate is issued
    assert end["completed"] is True and end["course_completed"] is True
    certificate = Certificate.objects.get(enrolment__user=seeker)
    assert end["certificate_url"] == reverse("courses:certificate_pdf", args=[certificate.pk])
    assert LessonProgress.objects.get(lesson=lesson).position_ms == 6000


def test_seeing_95_percent_of_the_replay_completes_the_lesson_as_for_a_video():
    course, lesson, room = _live_course(state=Room.State.ENDED)
    replay_make(room=room, seconds=6)
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    assert not lesson_progress_record(lesson=lesson, user=seeker, position_s=5.0).lesson_completed
    assert lesson_progress_record(lesson=lesson, user=seeker, position_s=5.8).lesson_completed


@pytest.mark.parametrize("what", ["hidden", "deleted", "failed"])
def test_a_replay_hidden_deleted_or_failed_is_not_playable_and_the_bureau_is_told(what):
    # given an ended live lesson whose only replay is hidden, deleted or failed
    course, lesson, room = _live_course(state=Room.State.ENDED)
    replay = replay_make(room=room, seconds=6)
    if what == "hidden":
        Replay.objects.filter(pk=replay.pk).update(state=Replay.State.HIDDEN)
    elif what == "failed":
        Replay.objects.filter(pk=replay.pk).update(state=Replay.State.FAILED)
    else:
        replay_delete(replay=replay)
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    # when the seeker opens the lesson
    html = _client(seeker).get(_lesson_url(lesson)).content.decode()
    # then it says plainly the replay cannot be watched, with no player
    assert "回放暂不可看" in html and 'id="player"' not in html
    assert 'data-live-state="unavailable"' in html
    # and the course's list of lessons says so too
    listing = _client(seeker).get(reverse("courses:course", args=[course.pk])).content.decode()
    assert 'data-live-state="unavailable"' in listing
    # and the beacon cannot complete it
    with pytest.raises(Refused):
        lesson_progress_record(lesson=lesson, user=seeker, position_s=6, ended=True)
    # and the bureau's course page says the lesson cannot be completed
    owner = course_owner(bureau=course.bureau)
    manage = _client(owner).get(
        reverse("courses:manage_course", args=[course.bureau_id, course.pk])
    )
    assert "学员无法学完本课" in manage.content.decode()


def test_a_replay_still_being_made_says_so():
    course, lesson, room = _live_course(state=Room.State.ENDED)
    Replay.objects.create(room=room, file="room-x/y.webm", state=Replay.State.RECORDING)
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    html = _client(seeker).get(_lesson_url(lesson)).content.decode()
    assert 'data-live-state="processing"' in html and "回放生成中" in html


def test_the_bureau_picks_one_of_its_rooms_in_the_lesson_form_and_not_another_organisations():
    # given a bureau's draft course, one of its rooms and another organisation's room
    bureau = bureau_make()
    course = course_make(bureau=bureau, publish=False)
    own = room_make(organisation=bureau, title="政策宣讲直播")
    other = room_make(organisation=organisation_make(name="别家公司"), title="别家直播")
    client = _client(course_owner(bureau=bureau))
    url = reverse("courses:manage_lesson_new", args=[bureau.pk, course.pk])
    # when the form is opened, its room picker offers the bureau's room only
    form = client.get(url).content.decode()
    assert "政策宣讲直播" in form and "别家直播" not in form
    # when the other organisation's room is posted
    refused = client.post(url, {"title": "直播课", "kind": "live", "room": str(other.pk)})
    # then a clear error and nothing saved
    assert refused.status_code == 400
    assert course.lessons.filter(kind=Lesson.Kind.LIVE).count() == 0
    # when its own room is posted, the live lesson is saved in that room
    saved = client.post(url, {"title": "直播课", "kind": "live", "room": str(own.pk)})
    assert saved.status_code == 302
    assert course.lessons.get(kind=Lesson.Kind.LIVE).room_id == own.pk


def test_a_live_lesson_without_a_room_is_refused_by_the_service():
    bureau = bureau_make()
    course = course_make(bureau=bureau, publish=False)
    with pytest.raises(ValidationError) as caught:
        lesson_save(
            course=course,
            by=course_owner(bureau=bureau),
            lesson=None,
            title="直播课",
            kind=Lesson.Kind.LIVE,
            body="",
        )
    assert "room" in caught.value.error_dict
