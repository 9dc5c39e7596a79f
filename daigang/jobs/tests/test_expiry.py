from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from daigang.jobs.models import Job
from daigang.jobs.selectors import JobFilters, job_open_get, jobs_search
from daigang.jobs.services import jobs_close_expired
from daigang.jobs.testing import job_make

START = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))


@pytest.mark.django_db
def test_a_job_past_its_date_disappears_from_lists_and_cannot_be_applied_to(client, org):
    with time_machine.travel(START, tick=False):
        # given: a job valid until 10 March
        job = job_make(organisation=org, valid_until=dt.date(2026, 3, 10))
        assert job_open_get(job_id=job.pk) == job
    with time_machine.travel(START + dt.timedelta(days=10), tick=False):
        # 11 March: past its date, though nobody closed it
        assert not job.is_open()
        assert list(jobs_search(filters=JobFilters())) == []
        with pytest.raises(Job.DoesNotExist):
            job_open_get(job_id=job.pk)
        assert "电子厂普工" not in client.get(reverse("jobs:home")).content.decode()


@pytest.mark.django_db
def test_a_job_is_still_open_on_its_last_day(org):
    with time_machine.travel(START, tick=False):
        job = job_make(organisation=org, valid_until=timezone.localdate())
        assert job_open_get(job_id=job.pk) == job


@pytest.mark.django_db
def test_an_expired_job_page_still_shows_but_says_closing_date_passed(client, org):
    with time_machine.travel(START, tick=False):
        job = job_make(organisation=org, valid_until=dt.date(2026, 3, 2))
    with time_machine.travel(START + dt.timedelta(days=5), tick=False):
        response = client.get(reverse("jobs:detail", args=[job.pk]))
    assert response.status_code == 200
    assert "已截止" in response.content.decode()


@pytest.mark.django_db
def test_close_expired_jobs_closes_only_published_jobs_past_their_date(org):
    with time_machine.travel(START, tick=False):
        # given
        expired = job_make(organisation=org, title="过期岗位", valid_until=dt.date(2026, 3, 5))
        current = job_make(organisation=org, title="在招岗位", valid_until=dt.date(2026, 4, 30))
        draft = job_make(
            organisation=org, title="草稿", status=Job.Status.DRAFT, valid_until=dt.date(2026, 3, 5)
        )
    # when
    closed = jobs_close_expired(today=dt.date(2026, 3, 6))
    again = jobs_close_expired(today=dt.date(2026, 3, 6))
    # then
    assert (closed, again) == (1, 0)
    statuses = {job.title: job.status for job in Job.objects.all()}
    assert statuses == {
        expired.title: Job.Status.CLOSED,
        current.title: Job.Status.PUBLISHED,
        draft.title: Job.Status.DRAFT,
    }


@pytest.mark.django_db
def test_the_close_expired_jobs_command_reports_how_many_it_closed(org):
    with time_machine.travel(START, tick=False):
        job_make(organisation=org, valid_until=dt.date(2026, 3, 2))
    with time_machine.travel(START + dt.timedelta(days=3), tick=False):
        out = StringIO()
        call_command("close_expired_jobs", stdout=out)
    assert "closed 1" in out.getvalue()
    assert Job.objects.get().status == Job.Status.CLOSED
