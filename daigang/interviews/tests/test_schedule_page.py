"""The schedule form: reached from the pipeline's bulk invite, posts to the service."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from daigang.interviews.models import Interview
from daigang.interviews.testing import client_for, world_make

pytestmark = pytest.mark.django_db


def _checked(html: str, name: str) -> set[str]:
    return set(re.findall(rf'name="{name}" value="(\d+)" checked', html))


def test_the_bulk_invite_link_preselects_its_applications_and_the_scheduler():
    world = world_make()
    url = (
        f"/manage/{world.organisation.pk}/interviews/new/"
        f"?applications={world.application.pk},{world.application_b.pk}"
    )

    html = client_for(world.owner).get(url).content.decode()

    assert _checked(html, "applications") == {
        str(world.application.pk),
        str(world.application_b.pk),
    }
    assert _checked(html, "interviewers") == {str(world.owner.pk)}
    assert 'value="面试：普工（电子厂）"' in html
    # another organisation's application is never offered
    assert "赵六" not in html


def test_posting_the_form_schedules_and_shows_the_interview():
    world = world_make()
    start = timezone.localtime() + dt.timedelta(days=1)

    response = client_for(world.owner).post(
        f"/manage/{world.organisation.pk}/interviews/new/",
        {
            "title": "普工群面",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "length_minutes": "40",
            "interviewers": [str(world.owner.pk), str(world.hr.pk)],
            "applications": [str(world.application.pk), str(world.application_b.pk)],
            "notes": "请带身份证",
            "idempotency_key": "form-1",
        },
        follow=True,
    )

    interview = Interview.objects.get()
    assert response.redirect_chain[-1][0] == (
        f"/manage/{world.organisation.pk}/interviews/{interview.pk}/"
    )
    html = response.content.decode()
    assert "面试已安排，已通知面试者" in html
    assert "张三" in html and "李娜" in html
    assert interview.length_minutes == 40
    assert timezone.localtime(interview.starts_at).strftime("%Y-%m-%d %H:%M") == start.strftime(
        "%Y-%m-%d %H:%M"
    )


def test_a_refused_form_says_why_and_keeps_what_was_chosen():
    world = world_make()

    response = client_for(world.owner).post(
        f"/manage/{world.organisation.pk}/interviews/new/",
        {
            "title": "普工群面",
            "starts_at": (timezone.localtime() - dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "length_minutes": "30",
            "interviewers": [str(world.owner.pk)],
            "applications": [str(world.application.pk)],
            "idempotency_key": "form-2",
        },
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert "面试时间已经过去了，请选择以后的时间" in html
    assert _checked(html, "applications") == {str(world.application.pk)}
    assert not Interview.objects.exists()


def test_an_unreadable_time_is_a_form_error_in_chinese():
    world = world_make()

    response = client_for(world.owner).post(
        f"/manage/{world.organisation.pk}/interviews/new/",
        {
            "title": "普工群面",
            "starts_at": "明天上午",
            "length_minutes": "30",
            "interviewers": [str(world.owner.pk)],
            "applications": [str(world.application.pk)],
            "idempotency_key": "form-3",
        },
    )

    assert "请填写正确的日期和时间" in response.content.decode()
    assert not Interview.objects.exists()


def test_the_list_shows_upcoming_interviews(django_assert_max_num_queries):
    world = world_make()
    client = client_for(world.owner)
    client.post(
        f"/manage/{world.organisation.pk}/interviews/new/",
        {
            "title": "普工群面",
            "starts_at": (timezone.localtime() + dt.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"),
            "length_minutes": "30",
            "interviewers": [str(world.owner.pk)],
            "applications": [str(world.application.pk)],
            "idempotency_key": "form-4",
        },
    )

    with django_assert_max_num_queries(12):
        html = client.get(f"/manage/{world.organisation.pk}/interviews/").content.decode()

    assert "普工群面" in html and "张三" in html
