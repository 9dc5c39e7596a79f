"""The "as described" score on the organisation's public page: yes = 1, partly = ½, no = 0
over all answered questions, shown only once at least 5 hires answered, never with names
or comments."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.contracts.models import CheckIn
from daigang.contracts.selectors import organisation_as_described, percent_of
from daigang.contracts.testing import checkin_answered, hire_make, onboarded_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db

START = dt.date(2025, 3, 3)
DAY_31 = dt.datetime(2025, 4, 3, 2, 0, tzinfo=dt.UTC)

# (wage, board, work) of each hire's day-7 check-in; the first hire also answers day 30.
ANSWERS = [
    ("yes", "yes", "yes"),
    ("yes", "partly", "no"),
    ("partly", "partly", "yes"),
    ("no", "yes", "yes"),
    ("yes", "no", "partly"),
]
FIRST_HIRE_DAY_30 = ("yes", "yes", "no")
NAMES = ["赵一", "钱二", "孙三", "李四", "周五"]


def _world(hires: int):  # type: ignore[no-untyped-def]
    with time_machine.travel(dt.datetime(2025, 3, 3, 2, 0, tzinfo=dt.UTC), tick=False):
        organisation = organisation_make(name="诚信电子厂")
        owner = member_make(organisation=organisation, role=Membership.Role.OWNER)
        job = job_make(organisation=organisation)
        onboardings = []
        for index in range(hires):
            hire = hire_make(
                organisation=organisation, owner=owner, job=job, seeker_name=NAMES[index]
            )
            onboardings.append(onboarded_make(hire, started_on=START))
    with time_machine.travel(DAY_31, tick=False):
        for index, onboarding in enumerate(onboardings):
            wage, board, work = ANSWERS[index]
            checkin_answered(onboarding.checkins.get(day=7), wage=wage, board=board, work=work)
        wage, board, work = FIRST_HIRE_DAY_30
        checkin_answered(onboardings[0].checkins.get(day=30), wage=wage, board=board, work=work)
    return organisation


def test_percent_is_yes_plus_half_partly_rounded_half_up_in_integers():
    assert percent_of(yes=4, partly=1, total=6) == 75
    assert percent_of(yes=3, partly=2, total=6) == 67
    assert percent_of(yes=3, partly=1, total=6) == 58
    assert percent_of(yes=0, partly=1, total=8) == 6  # 6.25
    assert percent_of(yes=0, partly=1, total=4) == 13  # 12.5 rounds up
    assert percent_of(yes=0, partly=0, total=0) == 0


def test_four_hires_are_not_enough_even_with_five_answered_checkins():
    organisation = _world(hires=4)
    assert CheckIn.objects.filter(answered_at__isnull=False).count() == 5
    assert organisation_as_described(organisation=organisation) is None


def test_five_hires_show_the_score_with_exact_numbers():
    organisation = _world(hires=5)
    score = organisation_as_described(organisation=organisation)
    assert score is not None
    assert (score.hires, score.checkins) == (5, 6)
    wage, board, work = score.questions
    assert (wage.yes, wage.partly, wage.no, wage.percent) == (4, 1, 1, 75)
    assert (board.yes, board.partly, board.no, board.percent) == (3, 2, 1, 67)
    assert (work.yes, work.partly, work.no, work.percent) == (3, 1, 2, 58)
    assert score.percent == 67  # (10 + 4/2) / 18


def test_unanswered_checkins_and_other_organisations_do_not_count():
    organisation = _world(hires=5)
    other = _world(hires=5)
    assert organisation_as_described(organisation=organisation).hires == 5
    assert organisation_as_described(organisation=other).hires == 5
    assert CheckIn.objects.filter(answered_at__isnull=True).count() == 8


def test_the_public_page_shows_the_score_without_names_or_comments(client):
    organisation = _world(hires=5)
    body = client.get(reverse("jobs:organisation", args=[organisation.pk])).content.decode()
    assert 'id="as-described"' in body and 'data-percent="67"' in body
    assert "67%" in body and "75%" in body and "58%" in body
    for name in NAMES:
        assert name not in body
    assert "老板人不错" not in body


def test_the_public_page_says_the_score_is_pending_below_five_hires(client):
    organisation = _world(hires=4)
    body = client.get(reverse("jobs:organisation", args=[organisation.pk])).content.decode()
    assert 'id="as-described-pending"' in body and "data-percent" not in body


def test_the_job_page_says_the_score_in_one_line_once_five_hires_answered(client):
    # given an organisation whose five hires answered (67 %), and its job
    organisation = _world(hires=5)
    job = organisation.jobs.get()
    # when a seeker opens the job
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    # then one line under the organisation's name says it, and leads to the table
    assert "入职回访 67% 说与描述一致（5 人）" in body
    assert f'href="/org/{organisation.pk}/#as-described"' in body


def test_the_job_page_says_nothing_about_the_score_below_five_hires(client):
    organisation = _world(hires=4)
    job = organisation.jobs.get()
    body = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "as-described-line" not in body and "说与描述一致" not in body
