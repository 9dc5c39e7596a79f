"""Sending SMS, with pluggable backends like Django's e-mail backends.

settings.SMS_BACKEND names a class with `send(*, phone, message) -> None`. A real provider's
backend raises `SmsSendError` when the message could not be handed over.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_SMS_BACKEND = "daigang.accounts.sms.ConsoleBackend"


class SmsSendError(Exception):
    """The provider did not accept the message."""


@dataclass(frozen=True)
class SmsMessage:
    phone: str
    message: str


class SmsBackend(Protocol):
    def send(self, *, phone: str, message: str) -> None: ...


class ConsoleBackend:
    """The embedded default: prints each message so a developer can read the code."""

    def __init__(self, stream=None) -> None:
        self.stream = stream

    def send(self, *, phone: str, message: str) -> None:
        stream = self.stream or sys.stdout
        stream.write(f"[SMS] {phone}: {message}\n")
        stream.flush()


# Messages "sent" by LocmemBackend, like django.core.mail.outbox. Tests clear it.
outbox: list[SmsMessage] = []
_outbox_lock = threading.Lock()


class LocmemBackend:
    """Keeps messages in `outbox` so tests (including browser tests) can read codes."""

    def send(self, *, phone: str, message: str) -> None:
        with _outbox_lock:
            outbox.append(SmsMessage(phone=phone, message=message))


def sms_backend_get() -> SmsBackend:
    path = getattr(settings, "SMS_BACKEND", "") or DEFAULT_SMS_BACKEND
    return import_string(path)()


def sms_send(*, phone: str, message: str) -> None:
    """Send `message` to `phone` through the configured backend."""
    sms_backend_get().send(phone=phone, message=message)
