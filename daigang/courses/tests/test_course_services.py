"""Courses' services: a bureau writes courses (free, by the fee rules), seekers enrol once,
progress beacons are idempotent, the completion rule, the certificate and its fingerprint."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import ValidationError

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make
from daigang.core.refused import Refused
from daigang.courses.fingerprint import certificate_fingerprint
from daigang.courses.models import Certificate, Course, Enrolment, Lesson, LessonProgress
from daigang.courses.services import (
    course_enrol,
    course_save,
    lesson_progress_record,
    lessons_reorder,
)
from daigang.courses.testing import course_make, course_owner
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import seeker_make

pytestmark = pytest.mark.django_db


def _lessons(course: Course) -> list[Lesson]:
    return list(course.lessons.all())


def test_a_course_text_asking_for_a_fee_is_refused_with_the_law_named():
    # given a bureau's owner
    bureau = bureau_make()
    owner = course_owner(bureau=bureau)
    # when the description asks for a training fee
    with pytest.raises(ValidationError) as refused:
        course_save(
            publisher=bureau,
            by=owner,
            course=None,
            title="电工证培训",
            category=Course.Category.PROFESSIONAL,
            kind_of_work="电工",
            description="报名需交培训费800元，可办理分期贷款",
        )
    # then nothing is saved and the message names the law
    messages = " ".join(str(m) for m in refused.value.message_dict["description"])
    assert "《" in messages
    assert not Course.objects.exists()


def test_an_hr_member_or_a_company_may_not_write_courses():
    bureau = bureau_make()
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)
    with pytest.raises(Refused):
        course_save(
            publisher=bureau,
            by=viewer,
            course=None,
            title="育婴员",
            category=Course.Category.PUBLIC,
            kind_of_work="",
            description="",
        )


def test_enrolling_twice_returns_the_first_enrolment():
    course = course_make(bureau=bureau_make())
    seeker = seeker_make()
    first = course_enrol(course=course, user=seeker)
    again = course_enrol(course=course, user=seeker)
    assert first.pk == again.pk
    assert Enrolment.objects.count() == 1


def test_a_draft_course_cannot_be_enrolled_in():
    course = course_make(bureau=bureau_make(), publish=False)
    with pytest.raises(Refused):
        course_enrol(course=course, user=seeker_make())


def test_a_beacon_from_someone_not_enrolled_is_refused():
    course = course_make(bureau=bureau_make())
    with pytest.raises(Refused) as refused:
        lesson_progress_record(lesson=_lessons(course)[0], user=seeker_make(), position_s=3)
    assert refused.value.status == 409


def test_the_same_beacon_twice_leaves_the_same_progress_and_the_furthest_point_only_grows():
    # given a seeker in a course with a 2-second video lesson
    course = course_make(bureau=bureau_make(), text_lessons=0, video_lessons=1)
    lesson = _lessons(course)[0]
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    # when the player reports 1.0 s twice, then the seeker seeks back to 0.2 s
    lesson_progress_record(lesson=lesson, user=seeker, position_s=1.0)
    lesson_progress_record(lesson=lesson, user=seeker, position_s=1.0)
    result = lesson_progress_record(lesson=lesson, user=seeker, position_s=0.2)
    # then one row: resume at 0.2 s, furthest 1.0 s, not yet complete
    assert LessonProgress.objects.count() == 1
    assert result.progress.position_ms == 200
    assert result.progress.furthest_ms == 1000
    assert not result.lesson_completed


def test_a_video_lesson_completes_at_95_percent_or_when_the_player_says_ended():
    course = course_make(bureau=bureau_make(), text_lessons=0, video_lessons=2)
    first, second = _lessons(course)
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    assert first.duration_ms >= 1900
    # 94 %: not done; 96 %: done
    assert not lesson_progress_record(
        lesson=first, user=seeker, position_s=first.duration_ms * 0.94 / 1000
    ).lesson_completed
    assert lesson_progress_record(
        lesson=first, user=seeker, position_s=first.duration_ms * 0.96 / 1000
    ).lesson_completed
    # ended at any position: done
    assert lesson_progress_record(
        lesson=second, user=seeker, position_s=0.5, ended=True
    ).lesson_completed


def test_the_last_lesson_done_issues_one_certificate_whose_fingerprint_and_pdf_hash_check():
    # given a course with a text and a video lesson, and an enrolled seeker
    course = course_make(bureau=bureau_make(), text_lessons=1, video_lessons=1)
    text, video = _lessons(course)
    seeker = seeker_make(name="王小明")
    course_enrol(course=course, user=seeker)
    # when the text is read to the end, then the video ends (and its beacon comes twice)
    first = lesson_progress_record(lesson=text, user=seeker, position_s=0, ended=True)
    done = lesson_progress_record(lesson=video, user=seeker, position_s=2, ended=True)
    again = lesson_progress_record(lesson=video, user=seeker, position_s=2, ended=True)
    # then the course completes once, with one certificate
    assert not first.course_completed
    assert done.course_completed and done.certificate is not None
    assert again.certificate is None
    assert Certificate.objects.count() == 1
    certificate = done.certificate
    assert certificate.holder_name == "王小明"
    assert certificate.lessons == 2
    assert certificate.content_sha256 == certificate_fingerprint(certificate=certificate)
    with certificate.pdf.open("rb") as pdf:
        data = pdf.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert Enrolment.objects.get().completed_at is not None


def test_changing_a_fact_changes_the_fingerprint():
    course = course_make(bureau=bureau_make())
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    result = lesson_progress_record(
        lesson=_lessons(course)[0], user=seeker, position_s=0, ended=True
    )
    certificate = result.certificate
    assert certificate is not None
    certificate.course_title = "别的课程"
    assert certificate_fingerprint(certificate=certificate) != certificate.content_sha256


def test_reordering_puts_lessons_in_the_order_given():
    course = course_make(bureau=bureau_make(), text_lessons=3)
    a, b, c = _lessons(course)
    lessons_reorder(course=course, by=course_owner(bureau=course.bureau), lesson_ids=[c.pk, a.pk])
    assert [lesson.pk for lesson in _lessons(course)] == [c.pk, a.pk, b.pk]
