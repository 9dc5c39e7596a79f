"""Who asks for an SMS code: the browser session and the address it comes from.

Codes are tied to the session that asked (a stranger's guesses never spend the owner's code)
and sending is budgeted per session and per address.

A browser that has logged in with a number before is that number's known device: a long-lived
signed cookie names it, so codes it asks for are counted apart from strangers' (who could
otherwise spend a number's daily codes and lock its owner out until midnight).
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

# Stored in the session so that a first visit gets a session (and its cookie) to tie codes to.
_SESSION_MARK = "phone_client"
# The device id of a browser with no device cookie yet, kept until a login sets the cookie.
_SESSION_DEVICE = "phone_device"
DEVICE_COOKIE = "dg_device"
_DEVICE_SALT = "daigang.accounts.device"
DEVICE_COOKIE_AGE = dt.timedelta(days=365)


@dataclass(frozen=True)
class PhoneClient:
    session_key: str
    address: str
    device: str = ""

    @property
    def session_hash(self) -> str:
        """Stored with the code instead of the session key, which logs a browser in."""
        return salted_hmac(
            "daigang.accounts.phone_client", self.session_key, algorithm="sha256"
        ).hexdigest()

    @property
    def address_hash(self) -> str:
        """Stored with a code to count a number's codes per address, without the address."""
        return salted_hmac(
            "daigang.accounts.phone_address", self.address, algorithm="sha256"
        ).hexdigest()

    @property
    def device_hash(self) -> str:
        if not self.device:
            return ""
        return salted_hmac(
            "daigang.accounts.phone_device", self.device, algorithm="sha256"
        ).hexdigest()


def phone_client_of(request: HttpRequest) -> PhoneClient:
    """The session (created if the browser has none yet) and the client address.

    The address is REMOTE_ADDR. Behind a reverse proxy that is the proxy's address for
    everyone; X-Forwarded-For would then need a trusted-proxy setting that strips what the
    client sent. It is not trusted here: anyone can write that header.
    """
    session = request.session
    # Reading loads the session, which drops a cookie naming no live session (expired or
    # made up), so the key below is one this server issued.
    if session.get(_SESSION_MARK) is None or session.session_key is None:
        session[_SESSION_MARK] = 1
        if session.session_key is None:
            session.save()
    device = request.get_signed_cookie(DEVICE_COOKIE, default=None, salt=_DEVICE_SALT)
    if not device:
        device = session.get(_SESSION_DEVICE)
        if not device:
            device = session[_SESSION_DEVICE] = secrets.token_urlsafe(18)
    assert session.session_key is not None
    return PhoneClient(
        session_key=session.session_key,
        address=request.META.get("REMOTE_ADDR") or "",
        device=device,
    )


def device_cookie_set(response: HttpResponse, client: PhoneClient) -> None:
    """After a login by SMS code: remember this browser as a known device of the number."""
    response.set_signed_cookie(
        DEVICE_COOKIE,
        client.device,
        salt=_DEVICE_SALT,
        max_age=int(DEVICE_COOKIE_AGE.total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
