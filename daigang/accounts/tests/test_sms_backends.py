from __future__ import annotations

import pytest

from daigang.accounts import sms
from daigang.accounts.sms import sms_send


def test_console_backend_is_the_default_and_prints_the_message(settings, capsys):
    del settings.SMS_BACKEND
    sms_send(phone="13800000000", message="您的验证码是 123456，5分钟内有效")
    assert "[SMS] 13800000000: 您的验证码是 123456，5分钟内有效" in capsys.readouterr().out


def test_locmem_backend_keeps_messages_in_the_outbox(sms_outbox):
    sms_send(phone="13800000000", message="hello")
    assert [(m.phone, m.message) for m in sms.outbox] == [("13800000000", "hello")]


def test_a_misnamed_backend_fails_loudly(settings):
    settings.SMS_BACKEND = "daigang.accounts.sms.NoSuchBackend"
    with pytest.raises(ImportError):
        sms_send(phone="13800000000", message="x")
