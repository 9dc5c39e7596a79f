from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.db import connection

from daigang.accounts.clients import PhoneClient
from daigang.accounts.models import PhoneCode, User
from daigang.accounts.services import phone_code_hash, phone_code_send, phone_code_verify
from daigang.accounts.sms import SmsSendError
from daigang.accounts.testing import sms_code_last
from daigang.core.refused import Refused, Throttled

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MORNING = dt.datetime(2026, 11, 24, 9, 0, tzinfo=SHANGHAI)
PHONE = "13812345678"
CLIENT = PhoneClient(session_key="a-session-key", address="127.0.0.1")

pytestmark = pytest.mark.django_db


def test_code_is_sent_by_sms_and_stored_only_as_a_keyed_hash(sms_outbox, settings):
    # when
    phone_code_send(phone=PHONE, client=CLIENT)
    # then
    code = sms_code_last(sms_outbox)
    assert sms_outbox[-1].phone == PHONE
    assert "5分钟内有效" in sms_outbox[-1].message
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM accounts_phonecode")
        rows = cursor.fetchall()
    assert len(rows) == 1
    assert all(code not in str(value) for value in rows[0])
    stored = PhoneCode.objects.get()
    assert stored.code_hash == phone_code_hash(phone=PHONE, code=code)
    settings.SECRET_KEY = "another-secret-key-another-secret-key-another-secret-key"
    assert stored.code_hash != phone_code_hash(phone=PHONE, code=code)


def test_a_number_written_with_spaces_and_prefix_is_the_same_number(sms_outbox):
    phone_code_send(phone="+86 138-1234-5678", client=CLIENT)
    assert sms_outbox[-1].phone == PHONE


def test_a_number_that_is_not_a_mainland_mobile_is_refused(sms_outbox):
    with pytest.raises(Refused, match="11位"):
        phone_code_send(phone="12812345678", client=CLIENT)
    assert sms_outbox == []


def test_right_code_logs_in_and_creates_a_job_seeker_for_an_unknown_number(sms_outbox):
    phone_code_send(phone=PHONE, client=CLIENT)
    user = phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=CLIENT)
    assert user.phone == PHONE
    assert not user.is_staff
    assert not user.memberships.exists()
    assert not user.has_usable_password()


def test_known_number_logs_in_as_the_same_user(sms_outbox):
    existing = User.objects.create_user(PHONE, name="张三")
    phone_code_send(phone=PHONE, client=CLIENT)
    assert phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=CLIENT) == existing
    assert User.objects.count() == 1


def test_code_expires_after_five_minutes(sms_outbox):
    with time_machine.travel(MORNING, tick=False) as clock:
        # given a code sent at 09:00:00 and one sent at 09:10:00
        phone_code_send(phone=PHONE, client=CLIENT)
        clock.shift(dt.timedelta(minutes=5))
        # when it is tried at 09:05:00
        with pytest.raises(Refused, match="已过期") as error:
            phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=CLIENT)
        assert error.value.code == "expired"
        # then a new code works just before its own five minutes are up
        clock.shift(dt.timedelta(minutes=5))
        phone_code_send(phone=PHONE, client=CLIENT)
        clock.shift(dt.timedelta(minutes=4, seconds=59))
        assert (
            phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=CLIENT).phone
            == PHONE
        )


def test_wrong_code_says_how_many_tries_are_left(sms_outbox):
    phone_code_send(phone=PHONE, client=CLIENT)
    wrong = "000000" if sms_code_last(sms_outbox) != "000000" else "111111"
    with pytest.raises(Refused, match="还可以再试4次"):
        phone_code_verify(phone=PHONE, code=wrong, client=CLIENT)
    with pytest.raises(Refused, match="还可以再试3次"):
        phone_code_verify(phone=PHONE, code=wrong, client=CLIENT)
    assert PhoneCode.objects.get().attempts == 2


def test_after_five_wrong_tries_even_the_right_code_is_refused(sms_outbox):
    # given
    phone_code_send(phone=PHONE, client=CLIENT)
    code = sms_code_last(sms_outbox)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(4):
        with pytest.raises(Refused, match="还可以再试"):
            phone_code_verify(phone=PHONE, code=wrong, client=CLIENT)
    with pytest.raises(Refused, match="请重新获取") as fifth:
        phone_code_verify(phone=PHONE, code=wrong, client=CLIENT)
    assert fifth.value.code == "too_many_attempts"
    # when
    with pytest.raises(Refused, match="次数过多") as error:
        phone_code_verify(phone=PHONE, code=code, client=CLIENT)
    # then
    assert error.value.code == "too_many_attempts"
    assert not User.objects.filter(phone=PHONE).exists()


def test_a_code_works_only_once(sms_outbox):
    phone_code_send(phone=PHONE, client=CLIENT)
    code = sms_code_last(sms_outbox)
    phone_code_verify(phone=PHONE, code=code, client=CLIENT)
    with pytest.raises(Refused, match="已使用"):
        phone_code_verify(phone=PHONE, code=code, client=CLIENT)


def test_a_new_code_replaces_the_earlier_one(sms_outbox):
    with time_machine.travel(MORNING, tick=False) as clock:
        phone_code_send(phone=PHONE, client=CLIENT)
        first = sms_code_last(sms_outbox)
        clock.shift(dt.timedelta(seconds=61))
        phone_code_send(phone=PHONE, client=CLIENT)
        second = sms_code_last(sms_outbox)
        if first != second:
            with pytest.raises(Refused, match="验证码错误"):
                phone_code_verify(phone=PHONE, code=first, client=CLIENT)
        assert phone_code_verify(phone=PHONE, code=second, client=CLIENT).phone == PHONE


def test_verifying_without_asking_for_a_code_says_to_ask_first(sms_outbox):
    with pytest.raises(Refused, match="请先获取验证码"):
        phone_code_verify(phone=PHONE, code="123456", client=CLIENT)


def test_a_second_code_within_sixty_seconds_is_refused_with_the_wait(sms_outbox):
    with time_machine.travel(MORNING, tick=False) as clock:
        # given
        phone_code_send(phone=PHONE, client=CLIENT)
        clock.shift(dt.timedelta(seconds=35))
        # when
        with pytest.raises(Throttled) as error:
            phone_code_send(phone=PHONE, client=CLIENT)
        # then
        assert error.value.retry_after == 25
        assert "25秒后再试" in error.value.message
        assert len(sms_outbox) == 1
        clock.shift(dt.timedelta(seconds=25))
        phone_code_send(phone=PHONE, client=CLIENT)
        assert len(sms_outbox) == 2


def _stranger(n: int) -> PhoneClient:
    """A browser that never logged in with PHONE, from address 10.0.0.<n // 4>."""
    return PhoneClient(session_key=f"stranger-{n}", address=f"10.0.0.{n // 4}", device=f"d{n}")


def test_the_eleventh_code_of_a_day_is_refused_until_midnight(sms_outbox):
    with time_machine.travel(MORNING, tick=False) as clock:
        # given ten codes today, a minute apart, from three addresses
        for n in range(10):
            phone_code_send(phone=PHONE, client=_stranger(n))
            clock.shift(dt.timedelta(seconds=60))
        # when
        with pytest.raises(Throttled) as error:
            phone_code_send(phone=PHONE, client=CLIENT)
        # then: 09:10 → midnight is 14 h 50 min
        assert error.value.code == "daily_limit"
        assert error.value.retry_after == 14 * 3600 + 50 * 60
        assert "10次" in error.value.message
        assert "14小时50分钟" in error.value.message
        assert len(sms_outbox) == 10
        clock.move_to(dt.datetime(2026, 11, 25, 0, 0, 1, tzinfo=SHANGHAI))
        phone_code_send(phone=PHONE, client=CLIENT)
        assert len(sms_outbox) == 11


def test_one_address_may_take_only_four_of_a_numbers_codes_a_day(sms_outbox):
    with time_machine.travel(MORNING, tick=False) as clock:
        # given a script at one address asking for the number from fresh sessions
        for n in range(4):
            phone_code_send(phone=PHONE, client=_stranger(n))
            clock.shift(dt.timedelta(seconds=1))
        # when it asks a fifth time
        with pytest.raises(Throttled) as error:
            phone_code_send(phone=PHONE, client=PhoneClient(session_key="5th", address="10.0.0.0"))
        # then it is refused until midnight, and another address still gets codes
        assert error.value.code == "daily_limit"
        assert "当前网络" in error.value.message
        assert len(sms_outbox) == 4
        phone_code_send(phone=PHONE, client=_stranger(4))
        assert len(sms_outbox) == 5


def test_strangers_spending_a_numbers_codes_do_not_lock_out_its_known_device(sms_outbox):
    owner = PhoneClient(session_key="owner-1", address="192.0.2.1", device="owners-phone")
    with time_machine.travel(MORNING, tick=False) as clock:
        # given the owner logged in on this phone yesterday
        phone_code_send(phone=PHONE, client=owner)
        phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=owner)
        clock.move_to(MORNING + dt.timedelta(days=1))
        # and strangers from three addresses spent all ten of today's codes
        for n in range(10):
            phone_code_send(phone=PHONE, client=_stranger(n))
        with pytest.raises(Throttled):
            phone_code_send(phone=PHONE, client=_stranger(11))
        # when the owner, in a new session on the same phone, asks for a code
        owner = PhoneClient(session_key="owner-2", address="192.0.2.1", device="owners-phone")
        phone_code_send(phone=PHONE, client=owner)
        # then it is sent and works
        user = phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=owner)
        assert user.phone == PHONE


def test_a_known_device_has_five_codes_a_day_of_its_own(sms_outbox):
    owner = PhoneClient(session_key="owner", address="192.0.2.1", device="owners-phone")
    with time_machine.travel(MORNING, tick=False) as clock:
        phone_code_send(phone=PHONE, client=owner)
        phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=owner)
        # (that first code was a stranger's: the phone was not known yet)
        for _ in range(5):
            clock.shift(dt.timedelta(seconds=60))
            phone_code_send(phone=PHONE, client=owner)
        clock.shift(dt.timedelta(seconds=60))
        with pytest.raises(Throttled) as error:
            phone_code_send(phone=PHONE, client=owner)
        assert error.value.code == "daily_limit"
        assert "5次" in error.value.message


def test_limits_are_per_number(sms_outbox):
    with time_machine.travel(MORNING, tick=False):
        phone_code_send(phone=PHONE, client=CLIENT)
        phone_code_send(phone="13912345678", client=CLIENT)
    assert len(sms_outbox) == 2


class FailingBackend:
    def send(self, *, phone: str, message: str) -> None:
        raise SmsSendError("provider down")


def test_a_failed_sms_is_not_counted_against_the_limits(settings, sms_outbox):
    # given
    settings.SMS_BACKEND = f"{__name__}.FailingBackend"
    # when
    with pytest.raises(Refused, match="短信发送失败"):
        phone_code_send(phone=PHONE, client=CLIENT)
    # then
    assert not PhoneCode.objects.exists()
    settings.SMS_BACKEND = "daigang.accounts.sms.LocmemBackend"
    phone_code_send(phone=PHONE, client=CLIENT)
    assert len(sms_outbox) == 1


def test_a_banned_user_cannot_log_in(sms_outbox):
    User.objects.create_user(PHONE, is_active=False)
    phone_code_send(phone=PHONE, client=CLIENT)
    with pytest.raises(Refused, match="停用"):
        phone_code_verify(phone=PHONE, code=sms_code_last(sms_outbox), client=CLIENT)
