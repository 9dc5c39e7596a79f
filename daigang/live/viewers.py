"""Who a room socket belongs to, and from where: the identity viewers are counted by.

A person is counted once however many sockets they hold: a logged-in user by their id; an
anonymous browser by a signed viewer id the room page sets in a cookie (dg_viewer) (signed, so a client
cannot mint ids without fetching the page, and every page fetch from one address still meets
the per-address socket cap); a socket with neither (no cookie, or a forged one) by its client
address. The address is the ASGI client, which behind a reverse proxy is the real client only
with uvicorn's --proxy-headers (as REMOTE_ADDR elsewhere, daigang/accounts/clients.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from django.core import signing
from django.http import HttpRequest, HttpResponse

VIEWER_COOKIE = "dg_viewer"
SALT = "daigang.live.viewer"
_COOKIE_MAX_AGE = 365 * 24 * 3600


def _signer() -> signing.Signer:
    # Signed and read here, in one place, so the page and the socket agree on the salt.
    return signing.Signer(salt=SALT)


def viewer_cookie_ensure(*, request: HttpRequest, response: HttpResponse) -> None:
    """Give an anonymous browser a signed viewer id if it has no valid one yet."""
    if request.user.is_authenticated:
        return
    current = request.COOKIES.get(VIEWER_COOKIE)
    if current is not None and viewer_cookie_read(current) is not None:
        return
    response.set_cookie(
        VIEWER_COOKIE,
        _signer().sign(uuid.uuid4().hex),
        max_age=_COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def viewer_cookie_read(value: str) -> str | None:
    try:
        return _signer().unsign(value)
    except signing.BadSignature:
        return None


def request_viewer(request: HttpRequest) -> str:
    """The key a page request's person is counted by, as scope_viewer keys a socket: `u<id>`,
    `c<viewer id>`; "" for a browser with neither (not counted, rather than by address)."""
    if request.user.is_authenticated:
        return f"u{request.user.pk}"
    raw = request.COOKIES.get(VIEWER_COOKIE)
    viewer_id = viewer_cookie_read(raw) if raw else None
    return f"c{viewer_id}" if viewer_id is not None else ""


def scope_address(scope: Mapping[str, Any]) -> str:
    """The client address of an ASGI connection, '' when the server does not say."""
    client = scope.get("client")
    if not client:
        return ""
    return str(client[0])


def scope_viewer(scope: Mapping[str, Any]) -> str:
    """The key a socket's person is counted by: `u<id>`, `c<viewer id>` or `a<address>`."""
    user = scope.get("user")
    if user is not None and user.is_authenticated:
        return f"u{user.pk}"
    raw = (scope.get("cookies") or {}).get(VIEWER_COOKIE)
    if raw:
        viewer_id = viewer_cookie_read(raw)
        if viewer_id is not None:
            return f"c{viewer_id}"
    return f"a{scope_address(scope)}"
