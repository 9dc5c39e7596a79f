"""Owners are reminded 30 and 7 days before their verification or their licence ends: once
each, by SMS and on the organisation's page."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Organisation, VerificationReminder
from daigang.accounts.services.reminders import verification_reminders_send
from daigang.accounts.sms import SmsSendError
from daigang.accounts.testing import organisation_make, user_make

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 in Shanghai


def days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@pytest.fixture
def owner():
    return user_make(name="王经理")


def company_ending_in(owner, n: int) -> Organisation:
    return organisation_make(owner=owner, verified_until=NOW + days(n))


def test_the_command_reminds_once_at_30_days_and_once_at_7(sms_outbox, owner):
    # given a company whose verification ends in 40 days
    company_ending_in(owner, 40)
    sent_on: dict[int, int] = {}
    # when the command runs every day until the end
    for day in range(40):
        with time_machine.travel(NOW + days(day), tick=False):
            before = len(sms_outbox)
            call_command("send_verification_reminders", stdout=io.StringIO())
            if len(sms_outbox) > before:
                sent_on[day] = len(sms_outbox) - before
    # then the owner got one SMS 30 days before and one 7 days before, and no more
    assert sent_on == {10: 1, 33: 1}
    assert all(message.phone == owner.phone for message in sms_outbox)
    assert "平台认证将于" in sms_outbox[0].message
    assert "还剩30天" in sms_outbox[0].message
    assert "还剩7天" in sms_outbox[1].message
    assert VerificationReminder.objects.count() == 2


def test_running_twice_the_same_day_sends_nothing_more(sms_outbox, owner):
    company_ending_in(owner, 30)
    with time_machine.travel(NOW, tick=False):
        assert verification_reminders_send() == 1
        assert verification_reminders_send() == 0
    assert len(sms_outbox) == 1


def test_a_missed_day_is_caught_up_with_the_most_urgent_reminder_only(sms_outbox, owner):
    # given the command did not run for the 30-day reminder, and the end is 5 days away
    company_ending_in(owner, 5)
    # when it runs
    with time_machine.travel(NOW, tick=False):
        verification_reminders_send()
    # then only the 7-day reminder goes out
    assert len(sms_outbox) == 1
    assert VerificationReminder.objects.get().days_before == 7


def test_an_agency_is_reminded_of_its_licence(sms_outbox, owner):
    # given an agency whose verification runs for months but whose licence ends in 30 days
    with time_machine.travel(NOW, tick=False):
        organisation_make(
            kind=Organisation.Kind.AGENCY,
            owner=owner,
            verified_until=NOW + days(150),
            licence_expires_on=timezone.localdate() + days(30),
        )
        # when
        verification_reminders_send()
    # then
    assert len(sms_outbox) == 1
    assert "人力资源服务许可证将于" in sms_outbox[0].message
    assert VerificationReminder.objects.get().subject == VerificationReminder.Subject.LICENCE


def test_a_renewal_gets_its_own_reminders(sms_outbox, owner):
    # given a reminder already sent for the old end date
    organisation = company_ending_in(owner, 30)
    with time_machine.travel(NOW, tick=False):
        verification_reminders_send()
    # when the organisation is verified again for a date that is 30 days off later on
    Organisation.objects.filter(pk=organisation.pk).update(verified_until=NOW + days(60))
    with time_machine.travel(NOW + days(30), tick=False):
        verification_reminders_send()
    # then that date is reminded of as well
    assert len(sms_outbox) == 2


def test_lapsed_and_pending_organisations_are_not_reminded(sms_outbox, owner):
    organisation_make(owner=owner, lapsed=True)
    organisation_make(owner=user_make(), status=Organisation.Status.PENDING)
    with time_machine.travel(NOW, tick=False):
        assert verification_reminders_send() == 0
    assert sms_outbox == []


def test_a_reminder_whose_sms_failed_is_tried_again_the_next_run(settings, owner, monkeypatch):
    # given the SMS provider refuses the message
    company_ending_in(owner, 30)

    def refuse(*, phone: str, message: str) -> None:
        raise SmsSendError("provider down")

    monkeypatch.setattr("daigang.accounts.services.reminders.sms_send", refuse)
    with time_machine.travel(NOW, tick=False):
        assert verification_reminders_send() == 0
    # then nothing is recorded as sent, so the next run sends it
    assert not VerificationReminder.objects.exists()
    monkeypatch.setattr("daigang.accounts.services.reminders.sms_send", lambda **kw: None)
    with time_machine.travel(NOW + days(1), tick=False):
        assert verification_reminders_send() == 1


def test_the_organisation_page_shows_the_reminder(client, sms_outbox, owner):
    # given a reminder sent
    organisation = company_ending_in(owner, 30)
    with time_machine.travel(NOW, tick=False):
        verification_reminders_send()
        # when the owner opens the organisation's page
        client.force_login(owner)
        body = client.get(
            reverse("accounts:organisation_detail", args=[organisation.pk])
        ).content.decode()
    # then the notice says when it ends
    end = timezone.localdate(organisation.verified_until).isoformat()
    assert f"平台认证将于 {end} 到期" in body
