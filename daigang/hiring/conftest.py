from __future__ import annotations

import pytest

from daigang.accounts import sms


@pytest.fixture
def sms_outbox(settings):
    """SMS codes land in a list the test can read."""
    settings.SMS_BACKEND = "daigang.accounts.sms.LocmemBackend"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()
