from __future__ import annotations

import pytest

from daigang.accounts import sms


@pytest.fixture
def outbox(settings):
    """SMS go to a list the test can read, like django.core.mail.outbox."""
    settings.SMS_BACKEND = "daigang.accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
