"""Who asks for an SMS code: the browser session and the address it comes from.

Codes are tied to the session that asked (a stranger's guesses never spend the owner's code)
and sending is budgeted per session and per address.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpRequest
from django.utils.crypto import salted_hmac

# Stored in the session so that a first visit gets a session (and its cookie) to tie codes to.
_SESSION_MARK = "phone_client"


@dataclass(frozen=True)
class PhoneClient:
    session_key: str
    address: str

    @property
    def session_hash(self) -> str:
        """Stored with the code instead of the session key, which logs a browser in."""
        return salted_hmac(
            "daigang.accounts.phone_client", self.session_key, algorithm="sha256"
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
    assert session.session_key is not None
    return PhoneClient(
        session_key=session.session_key, address=request.META.get("REMOTE_ADDR") or ""
    )
