"""A code belongs to the session that asked for it: strangers cannot spend or replace it."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.contrib.auth import get_user
from django.test import Client
from django.urls import reverse

from daigang.accounts.models import User
from daigang.accounts.testing import sms_code_last

PHONE = "13812345678"
LOGIN = reverse("accounts:login")
MORNING = dt.datetime(2026, 11, 24, 9, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))

pytestmark = pytest.mark.django_db


def send(client, phone=PHONE, **extra):
    return client.post(LOGIN, {"step": "send", "phone": phone}, **extra)


def verify(client, code, phone=PHONE, **extra):
    return client.post(LOGIN, {"step": "code", "phone": phone, "code": code}, **extra)


def wrong_codes(right: str, n: int) -> list[str]:
    return [f"{i:06d}" for i in range(n + 1) if f"{i:06d}" != right][:n]


def test_ten_wrong_guesses_from_another_client_leave_the_owners_code_working(client, sms_outbox):
    # given the owner asked for a code
    send(client)
    code = sms_code_last(sms_outbox)
    stranger = Client(REMOTE_ADDR="10.9.8.7")
    # when a stranger guesses ten times
    for guess in wrong_codes(code, 10):
        response = verify(stranger, guess)
        assert not get_user(stranger).is_authenticated
    # then the owner's right code still logs them in, with all their tries left before it
    response = verify(client, code)
    assert response.status_code == 302
    assert get_user(client).phone == PHONE


def test_a_strangers_wrong_guess_does_not_spend_the_owners_tries(client, sms_outbox):
    # given
    send(client)
    code = sms_code_last(sms_outbox)
    verify(Client(), wrong_codes(code, 1)[0])
    # when the owner mistypes once
    response = verify(client, wrong_codes(code, 1)[0])
    # then they still have 4 of their 5 tries
    assert "验证码错误，还可以再试4次" in response.content.decode()


def test_the_right_code_from_another_session_does_not_log_in(client, sms_outbox):
    # given
    send(client)
    stranger = Client()
    # when
    response = verify(stranger, sms_code_last(sms_outbox))
    # then
    assert response.status_code == 200
    assert not get_user(stranger).is_authenticated
    assert not User.objects.exists()


def test_a_stranger_asking_for_a_code_neither_makes_the_owner_wait_nor_replaces_theirs(
    client, sms_outbox
):
    with time_machine.travel(MORNING, tick=False) as clock:
        # given a stranger asked for a code for the owner's number a moment ago
        stranger = Client(REMOTE_ADDR="10.9.8.7")
        send(stranger)
        clock.shift(dt.timedelta(seconds=10))
        # when the owner asks for one, and the stranger asks again a minute later
        response = send(client)
        owners_code = sms_code_last(sms_outbox)
        clock.shift(dt.timedelta(seconds=70))
        assert send(stranger).status_code == 200
        # then the owner got their own code at once, and it still works
        assert response.status_code == 200
        assert verify(client, owners_code).status_code == 302
    assert get_user(client).phone == PHONE


def test_a_stranger_who_asked_for_a_code_has_only_their_own_five_tries(client, sms_outbox):
    # given both asked; the SMS goes to the owner, so the stranger can only guess
    send(client)
    owners_code = sms_code_last(sms_outbox)
    stranger = Client(REMOTE_ADDR="10.9.8.7")
    send(stranger)
    # when the stranger guesses until refused
    for guess in wrong_codes(owners_code, 6):
        response = verify(stranger, guess)
    # then the stranger is locked out of their code, the owner is not
    assert "请重新获取" in response.content.decode()
    assert verify(client, owners_code).status_code == 302
