"""Onboarding schedules check-ins on day 7 and day 30; they show on the seeker's pages once
due, the reminder command sends each once, and the first answer stands."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from daigang.contracts.models import CheckIn, Onboarding
from daigang.contracts.services import (
    CheckInAnswers,
    checkin_answer,
    checkins_send_due,
    onboarding_mark,
)
from daigang.contracts.testing import (
    checkin_answered,
    hire_make,
    onboarded_make,
    signed_contract_make,
)
from daigang.hiring.models import Notification, Stage

pytestmark = pytest.mark.django_db

START = dt.date(2025, 3, 3)


# 10:00 in Shanghai on a given local date.
def _at(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC)


def test_marking_started_moves_to_onboarded_and_schedules_day_7_and_day_30():
    # given
    with time_machine.travel(_at(START), tick=False):
        hire = hire_make()
        signed_contract_make(hire)
        # when
        onboarding, created = onboarding_mark(
            application=hire.application, by=hire.owner, started_on=START
        )
    # then
    assert created
    hire.application.refresh_from_db()
    assert hire.application.stage == Stage.ONBOARDED
    due = sorted((c.day, c.due_on) for c in onboarding.checkins.all())
    assert due == [(7, dt.date(2025, 3, 10)), (30, dt.date(2025, 4, 2))]


def test_marking_started_twice_keeps_the_first_date():
    with time_machine.travel(_at(START), tick=False):
        hire = hire_make()
        signed_contract_make(hire)
        first, _ = onboarding_mark(application=hire.application, by=hire.owner, started_on=START)
        again, created = onboarding_mark(
            application=hire.application, by=hire.owner, started_on=START - dt.timedelta(days=1)
        )
    assert not created and again.pk == first.pk and again.started_on == START
    assert CheckIn.objects.count() == 2


def test_a_start_date_in_the_future_is_refused():
    with time_machine.travel(_at(START), tick=False):
        hire = hire_make()
        with pytest.raises(ValidationError) as caught:
            onboarding_mark(
                application=hire.application, by=hire.owner, started_on=START + dt.timedelta(1)
            )
    assert caught.value.error_dict["started_on"][0].messages == ["入职日期不能晚于今天"]
    assert not Onboarding.objects.exists()


def test_the_reminder_command_sends_each_due_checkin_once(
    django_capture_on_commit_callbacks, sms_outbox
):
    # given
    with time_machine.travel(_at(START), tick=False):
        hire = hire_make()
        onboarded_make(hire, started_on=START)
    sms_outbox.clear()
    # when: day 6, nothing is due
    with time_machine.travel(_at(START + dt.timedelta(days=6)), tick=False):
        assert checkins_send_due() == 0
    # when: day 7, the first is due; running again sends nothing more
    with (
        time_machine.travel(_at(START + dt.timedelta(days=7)), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert checkins_send_due() == 1
        call_command("send_due_checkins")
        assert checkins_send_due() == 0
    # when: day 30
    with time_machine.travel(_at(START + dt.timedelta(days=30)), tick=False):
        assert checkins_send_due() == 1
        assert checkins_send_due() == 0
    # then
    day7 = CheckIn.objects.get(day=7)
    link = reverse("contracts:seeker_checkin", args=[day7.pk])
    assert Notification.objects.filter(user=hire.seeker, url=link).count() == 1
    assert [m.phone for m in sms_outbox] == [hire.seeker.phone]
    assert "入职第7天回访" in sms_outbox[0].message


def test_the_command_prints_how_many_it_sent(capsys):
    with time_machine.travel(_at(START), tick=False):
        onboarded_make(hire_make(), started_on=START - dt.timedelta(days=40))
        call_command("send_due_checkins")
    assert "sent 2 check-in reminder(s)" in capsys.readouterr().out


def test_an_answered_checkin_is_not_reminded():
    with time_machine.travel(_at(START + dt.timedelta(days=7)), tick=False):
        onboarded_make(hire_make(), started_on=START)
        checkin_answered(CheckIn.objects.get(day=7), wage="yes", board="yes", work="yes")
        assert checkins_send_due() == 0


def test_due_checkins_show_on_the_seekers_pages_by_date_even_before_the_command_ran(client):
    # given
    with time_machine.travel(_at(START), tick=False):
        hire = hire_make()
        onboarded_make(hire, started_on=START)
    client.force_login(hire.seeker)
    day7 = CheckIn.objects.get(day=7)
    url = reverse("contracts:seeker_checkin", args=[day7.pk])
    # when not yet due: neither listed nor reachable
    with time_machine.travel(_at(START + dt.timedelta(days=6)), tick=False):
        assert (
            f'data-checkin-id="{day7.pk}"'
            not in client.get(reverse("contracts:seeker_todo")).content.decode()
        )
        assert client.get(url).status_code == 404
    # when due
    with time_machine.travel(_at(START + dt.timedelta(days=7)), tick=False):
        todo = client.get(reverse("contracts:seeker_todo")).content.decode()
        assert f'data-checkin-id="{day7.pk}"' in todo
        page = client.get(url)
        assert page.status_code == 200 and 'id="checkin-form"' in page.content.decode()


def test_the_seeker_answers_once_and_a_second_answer_changes_nothing(client):
    # given
    with time_machine.travel(_at(START), tick=False):
        hire = hire_make()
        onboarded_make(hire, started_on=START)
    day7 = CheckIn.objects.get(day=7)
    client.force_login(hire.seeker)
    url = reverse("contracts:seeker_checkin", args=[day7.pk])
    with time_machine.travel(_at(START + dt.timedelta(days=8)), tick=False):
        # when an answer is missing
        missing = client.post(url, {"wage": "yes", "board": "no"})
        assert missing.status_code == 400 and "请选择一个回答" in missing.content.decode()
        # when answered
        first = client.post(
            url, {"wage": "yes", "board": "partly", "work": "no", "work_comment": "天天加班"}
        )
        second = client.post(url, {"wage": "no", "board": "no", "work": "no"})
    # then
    assert first.status_code == second.status_code == 302
    day7.refresh_from_db()
    assert (day7.wage_answer, day7.board_answer, day7.work_answer) == ("yes", "partly", "no")
    assert day7.work_comment == "天天加班"


def test_a_checkin_cannot_be_answered_before_it_is_due():
    with time_machine.travel(_at(START), tick=False):
        hire = hire_make()
        onboarded_make(hire, started_on=START)
        with pytest.raises(ValidationError, match="还没到"):
            checkin_answer(
                checkin=CheckIn.objects.get(day=7),
                seeker=hire.seeker,
                answers=CheckInAnswers(wage="yes", board="yes", work="yes"),
            )


def test_onboarding_on_the_page(client):
    hire = hire_make()
    signed_contract_make(hire)
    client.force_login(hire.owner)
    url = reverse("contracts:manage_onboard", args=[hire.organisation.pk, hire.application.pk])
    today = timezone.localdate()
    late = client.post(url, {"started_on": (today + dt.timedelta(days=2)).isoformat()})
    assert late.status_code == 400 and "入职日期不能晚于今天" in late.content.decode()
    response = client.post(url, {"started_on": today.isoformat()})
    assert response.status_code == 302
    assert Onboarding.objects.get().started_on == today
    page = client.get(
        reverse("contracts:manage_offer", args=[hire.organisation.pk, hire.application.pk])
    ).content.decode()
    assert 'id="onboarded"' in page
