"""One way for a service to say no: `Refused(code, message, field=...)`.

A service that will not do what it was asked raises `Refused`; it does not know who asked.
Whoever asked maps it in one place:

- an HTML form: `refused_to_form(form, refused)` puts the message on `refused.field` (or on
  the form as a whole);
- the JSON API: endpoints let it propagate; the handler installed by
  `api_exception_handlers_install` (daigang.core.api) answers `refused.status` with
  {code, message, detail, field, ...extra};
- a WebSocket: `refused.as_data()` is {code, message, ...extra}, wrapped in the consumer's own
  frame;
- anything else (a WHIP client, the admin, a flash message): `refused.message`.

`code` is machine-readable and stable (clients branch on it); `message` is for a person,
already translated (a lazy translation is fine: it is turned into text when answered).
`status` is the HTTP status an answer gets — 400 unless the raiser says otherwise (404 not
found, 409 conflict with the current state, 422 well-formed but not acceptable, 429
throttled, 503 try later); only the raiser knows which, so it says so where it raises.
"""

from __future__ import annotations

from typing import Any

from django.forms import BaseForm

HTTP_STATUSES = frozenset({400, 401, 403, 404, 409, 413, 422, 429, 503})


class Refused(Exception):
    """A request the rules do not allow; `message` says why (and what to do) to a person."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        field: str | None = None,
        status: int = 400,
        extra: dict[str, Any] | None = None,
    ) -> None:
        if status not in HTTP_STATUSES:
            raise ValueError(f"Refused status {status} is not one of {sorted(HTTP_STATUSES)}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field
        self.status = status
        # More members of the answer (e.g. apply_url: where a person can finish by hand).
        self.extra = dict(extra or {})

    def __str__(self) -> str:
        return str(self.message)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.code!r}, {str(self.message)!r}, field={self.field!r})"

    def as_data(self) -> dict[str, Any]:
        """{code, message, ...extra}: what a WebSocket error frame carries."""
        return {"code": self.code, "message": str(self.message), **self.extra}


class Throttled(Refused):
    """Too many of these too fast; `retry_after` seconds until the next may succeed.

    A subclass because callers show the wait (a countdown, a Retry-After header)."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        retry_after: float,
        field: str | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(code, message, field=field, status=429, extra=extra)
        self.retry_after = retry_after


def refused_to_form(form: BaseForm, refused: Refused) -> None:
    """Put the refusal on its field, or on the whole form when the form has no such field."""
    field = refused.field if refused.field in form.fields else None
    form.add_error(field, str(refused.message))
