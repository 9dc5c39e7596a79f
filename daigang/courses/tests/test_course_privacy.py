"""A seeker's courses in their data export, and gone with their certificates when they delete
their account."""

from __future__ import annotations

from pathlib import Path

import pytest

from daigang.courses.models import Certificate, Enrolment
from daigang.courses.services import course_enrol, lesson_progress_record
from daigang.courses.testing import course_make
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import seeker_make
from daigang.privacy.services import account_delete, seeker_export

pytestmark = pytest.mark.django_db


def test_the_export_lists_the_courses_and_deletion_removes_them_and_the_pdf(
    django_capture_on_commit_callbacks,
):
    # given a seeker who completed a course
    course = course_make(bureau=bureau_make())
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    lesson_progress_record(lesson=course.lessons.get(), user=seeker, position_s=0, ended=True)
    certificate = Certificate.objects.get()
    pdf = Path(certificate.pdf.path)
    # then the export says so
    (row,) = seeker_export(user=seeker)["courses"]
    assert row["course"] == course.title and row["certificate"] == certificate.number
    # when the account is deleted
    with django_capture_on_commit_callbacks(execute=True):
        account_delete(user=seeker)
    # then nothing of theirs is left, the PDF included
    assert not Enrolment.objects.exists() and not Certificate.objects.exists()
    assert not pdf.exists()


def test_the_printable_export_shows_the_course():
    from django.test import Client

    course = course_make(bureau=bureau_make())
    seeker = seeker_make()
    course_enrol(course=course, user=seeker)
    client = Client()
    client.force_login(seeker)
    page = client.get("/me/privacy/export/").content.decode()
    assert 'data-section="courses"' in page and course.title in page
