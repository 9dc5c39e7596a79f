"""为您推荐 suggests a free course when the seeker wants a kind of work whose certificate they
lack, and says why in words; their certificates show on their profile."""

from __future__ import annotations

import pytest
from django.test import Client

from daigang.accounts.models import SeekerProfile
from daigang.courses.selectors import courses_suggested
from daigang.courses.services import course_enrol, lesson_progress_record
from daigang.courses.testing import course_make
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import seeker_make

pytestmark = pytest.mark.django_db


def _wants(user, kinds, certificates=()):  # type: ignore[no-untyped-def]
    return SeekerProfile.objects.create(
        user=user, work_kinds=list(kinds), certificates=list(certificates)
    )


def test_a_seeker_wanting_forklift_work_without_its_certificate_is_suggested_the_course():
    # given a forklift course and a seeker wanting 叉车 work with no certificate
    course = course_make(bureau=bureau_make(), kind_of_work="叉车")
    course_make(bureau=bureau_make(region="620100"), title="育婴员", kind_of_work="育婴")
    seeker = seeker_make()
    _wants(seeker, ["叉车工"])
    # when the recommendations are asked for
    client = Client()
    client.force_login(seeker)
    page = client.get("/me/recommended/").content.decode()
    # then the course is suggested, with why, and the other one is not
    assert [s.course.pk for s in courses_suggested(user=seeker)] == [course.pk]
    assert f'data-suggested-course="{course.pk}"' in page
    assert "考取叉车证书更容易上岗" in page


def test_no_course_is_suggested_to_a_seeker_who_holds_the_certificate_already():
    course = course_make(bureau=bureau_make(), kind_of_work="叉车")
    with_licence, with_ours = seeker_make(), seeker_make()
    _wants(with_licence, ["叉车"], ["叉车证"])
    _wants(with_ours, ["叉车"])
    course_enrol(course=course, user=with_ours)
    lesson_progress_record(lesson=course.lessons.get(), user=with_ours, position_s=0, ended=True)
    assert courses_suggested(user=with_licence) == []
    assert courses_suggested(user=with_ours) == []
    # and the certificate is on the holder's profile
    client = Client()
    client.force_login(with_ours)
    assert course.title in client.get("/me/profile/").content.decode()
