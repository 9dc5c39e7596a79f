"""Test and demo helpers: a bureau's published course with a text and a video lesson."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.files import File

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.video import video_sample_make
from daigang.courses.models import Course, CourseProvider, Lesson
from daigang.courses.services import (
    course_publish,
    course_save,
    lesson_save,
    provider_decide,
    provider_request,
)
from daigang.courses.transcode import lesson_transcode


def course_owner(*, bureau: Organisation) -> User:
    membership = (
        Membership.objects.filter(organisation=bureau, role=Membership.Role.OWNER)
        .select_related("user")
        .first()
    )
    if membership is not None:
        return membership.user
    return member_make(organisation=bureau, role=Membership.Role.OWNER, name="局长")


def video_lesson_add(
    *, course: Course, by: User, title: str = "叉车安全操作", seconds: float = 2.0
) -> Lesson:
    """A video lesson with a generated clip, transcoded at once (as the job would)."""
    with tempfile.TemporaryDirectory() as folder:
        path = video_sample_make(path=Path(folder) / "clip.mp4", seconds=seconds)
        with path.open("rb") as handle:
            lesson = lesson_save(
                course=course,
                by=by,
                lesson=None,
                title=title,
                kind=Lesson.Kind.VIDEO,
                body="",
                video=File(handle, name="clip.mp4"),
            )
    return lesson_transcode(lesson=lesson)


def training_make(
    *, bureau: Organisation, name: str = "兰州蓝翔职业培训学校", approve: bool = True
) -> CourseProvider:
    """A verified training organisation (with its owner) that asked `bureau` to publish
    courses, approved by the bureau's owner unless `approve` is False."""
    organisation = organisation_make(name=name, kind=Organisation.Kind.TRAINING)
    organisation.region = bureau.region
    organisation.save(update_fields=["region"])
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="王校长")
    provider = provider_request(
        organisation=organisation, bureau=bureau, by=owner, note="办学许可证 教民1234号"
    )
    if approve:
        provider = provider_decide(
            provider=provider, by=course_owner(bureau=bureau), decision="approve"
        )
    return provider


def course_make(
    *,
    bureau: Organisation,
    publisher: Organisation | None = None,
    title: str = "叉车司机入门",
    kind_of_work: str = "叉车",
    text_lessons: int = 1,
    video_lessons: int = 0,
    publish: bool = True,
    video_seconds: float = 2.0,
) -> Course:
    """`publisher`: a training organisation approved by `bureau` (default: the bureau)."""
    publisher = publisher or bureau
    by = course_owner(bureau=publisher)
    course = course_save(
        publisher=publisher,
        by=by,
        course=None,
        title=title,
        category=Course.Category.PROFESSIONAL,
        kind_of_work=kind_of_work,
        description="零基础学叉车：安全规范、基本操作。课程免费。",
    )
    for number in range(1, text_lessons + 1):
        lesson_save(
            course=course,
            by=by,
            lesson=None,
            title=f"安全须知 {number}",
            kind=Lesson.Kind.TEXT,
            body="上车前检查制动、转向、喇叭。\n\n行驶中不得载人。",
        )
    for number in range(1, video_lessons + 1):
        video_lesson_add(course=course, by=by, title=f"操作演示 {number}", seconds=video_seconds)
    if publish:
        course = course_publish(course=course, by=by)
    return course
