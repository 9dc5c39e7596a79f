"""Domain errors of accounts. Each carries a message a person can act on (in Chinese)."""

from __future__ import annotations


class AccountsError(Exception):
    """A request the rules do not allow; `message` says why and what to do."""

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class PhoneCodeError(AccountsError):
    """The code is wrong, expired, used up, or there is none."""


class PhoneCodeThrottled(AccountsError):
    """Too many codes asked for; `retry_after` seconds until the next may be sent."""

    def __init__(self, message: str, *, retry_after: int, code: str = "throttled") -> None:
        super().__init__(message, code=code)
        self.retry_after = retry_after


class SmsNotSent(AccountsError):
    """The SMS provider did not take the message; nothing was counted against the limits."""


class OrganisationError(AccountsError):
    """A registration, review or membership change the rules do not allow."""


class NotAllowed(AccountsError):
    """The user may not do this to this organisation (e.g. not its owner)."""
