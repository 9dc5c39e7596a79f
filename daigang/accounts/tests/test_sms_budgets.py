"""Budgets of distinct numbers per session and per client address, per hour."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zoneinfo

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from daigang.accounts.testing import organisation_make
from daigang.jobs.testing import job_make

LOGIN = reverse("accounts:login")
MORNING = dt.datetime(2026, 11, 24, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


def number(i: int) -> str:
    return f"1390000{i:04d}"


def send(client, phone, **extra):
    return client.post(LOGIN, {"step": "send", "phone": phone}, **extra)


def test_one_session_may_ask_for_five_numbers_an_hour_then_gets_429(sms_outbox, settings):
    settings.SMS_NUMBERS_PER_SESSION_HOUR = 5
    client = Client()
    with time_machine.travel(MORNING + dt.timedelta(minutes=15), tick=False):
        for i in range(5):
            assert send(client, number(i)).status_code == 200
        # when
        response = send(client, number(5))
    # then
    assert response.status_code == 429
    assert response["Retry-After"] == str(45 * 60)
    assert "获取验证码的手机号太多" in response.content.decode()
    assert len(sms_outbox) == 5


def test_the_same_number_again_does_not_count_as_another(sms_outbox, settings):
    settings.SMS_NUMBERS_PER_SESSION_HOUR = 2
    client = Client()
    with time_machine.travel(MORNING, tick=False) as clock:
        for _ in range(3):
            assert send(client, number(0)).status_code == 200
            clock.shift(dt.timedelta(minutes=2))
        assert send(client, number(1)).status_code == 200
        assert send(client, number(2)).status_code == 429
    assert len(sms_outbox) == 4


def test_one_address_may_ask_for_its_budget_of_numbers_across_sessions(sms_outbox, settings):
    settings.SMS_NUMBERS_PER_ADDRESS_HOUR = 8
    with time_machine.travel(MORNING, tick=False):
        # given eight numbers from eight sessions behind one carrier address
        for i in range(8):
            assert send(Client(REMOTE_ADDR="10.1.1.1"), number(i)).status_code == 200
        # when a ninth session there asks
        refused = send(Client(REMOTE_ADDR="10.1.1.1"), number(8))
        # then it is refused, while another address is not
        allowed = send(Client(REMOTE_ADDR="10.2.2.2"), number(8))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == 3600
    assert allowed.status_code == 200


def test_the_default_address_budget_lets_a_busy_live_session_through(sms_outbox):
    # 60 viewers behind one mainland carrier address asking within the hour
    with time_machine.travel(MORNING, tick=False):
        answers = [send(Client(), number(i)).status_code for i in range(60)]
    assert answers == [200] * 60


def test_the_budgets_start_again_in_the_next_hour(sms_outbox, settings):
    settings.SMS_NUMBERS_PER_SESSION_HOUR = 1
    client = Client()
    with time_machine.travel(MORNING + dt.timedelta(minutes=59), tick=False) as clock:
        assert send(client, number(0)).status_code == 200
        assert send(client, number(1)).status_code == 429
        clock.shift(dt.timedelta(minutes=1))
        assert send(client, number(1)).status_code == 200


def test_the_apply_page_refuses_with_429_and_retry_after_too(sms_outbox, settings):
    # given a session that used its budget on the login page
    settings.SMS_NUMBERS_PER_SESSION_HOUR = 1
    job = job_make(organisation=organisation_make())
    client = Client()
    with time_machine.travel(MORNING, tick=False):
        send(client, number(0))
        # when it asks for another number's code on the apply page
        response = client.post(
            reverse("hiring:apply", args=[job.pk]),
            {"action": "send_code", "phone": number(1), "name": "张三"},
        )
    # then
    assert response.status_code == 429
    assert response["Retry-After"] == "3600"
    assert "获取验证码的手机号太多" in response.content.decode()
    assert len(sms_outbox) == 1


@pytest.mark.parametrize("value", ["lots", "0"])
def test_a_bad_budget_in_the_environment_stops_start_up(value):
    env = {**os.environ, "SMS_NUMBERS_PER_SESSION_HOUR": value}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SMS_NUMBERS_PER_SESSION_HOUR" in result.stderr
