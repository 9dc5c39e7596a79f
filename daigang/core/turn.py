"""TURN credentials handed out per request: browsers, WHIP/WHEP clients and the relay.

With `WEBRTC_TURN_SECRET` set, each credential is made when it is handed out and expires
`WEBRTC_TURN_TTL_S` later. This is the TURN REST API scheme (draft-uberti-behave-turn-rest)
that coturn implements with `use-auth-secret` and `static-auth-secret` (deploy/coturn):

    username   = "<expiry, unix seconds>:<opaque id>"
    credential = base64(HMAC-SHA1(secret, username))

coturn computes the credential again from the username with the same secret and refuses it
once the expiry has passed; nothing is stored on either side, so several web processes and
the TURN server agree without talking to each other. The opaque id is a keyed hash of who
asked (an account, the relay) — never a phone number or a database id, since coturn logs
usernames — and a fresh random one when nobody is logged in; the site can still tell which
account a logged username belongs to (`turn_opaque_id`). Credentials are never logged.

Without the secret, the static `WEBRTC_TURN_USERNAME` / `WEBRTC_TURN_CREDENTIAL` (a coturn
`user=` line) are handed out as they are.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

from django.conf import settings


def turn_opaque_id(subject: str) -> str:
    """The opaque id for `subject` ("user:<pk>", "relay"): a keyed hash, 16 hex digits."""
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, f"turn:{subject}".encode(), hashlib.sha256).hexdigest()[:16]


def turn_credential(*, secret: str, username: str) -> str:
    """base64(HMAC-SHA1(secret, username)), as coturn's `use-auth-secret` computes it."""
    digest = hmac.new(secret.encode(), username.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def turn_credentials(*, subject: str | None = None, now: float | None = None) -> tuple[str, str]:
    """(username, credential) for the turn:/turns: URLs, or ("", "") when none are configured.

    `subject` None: someone not logged in, who gets an id of this request alone.
    """
    secret = settings.WEBRTC_TURN_SECRET
    if not secret:
        return settings.WEBRTC_TURN_USERNAME, settings.WEBRTC_TURN_CREDENTIAL
    expiry = int(time.time() if now is None else now) + settings.WEBRTC_TURN_TTL_S
    opaque = turn_opaque_id(subject) if subject else secrets.token_hex(8)
    username = f"{expiry}:{opaque}"
    return username, turn_credential(secret=secret, username=username)


def is_turn_url(url: str) -> bool:
    return url.startswith(("turn:", "turns:"))


def browser_ice_servers(*, subject: str | None = None) -> list[dict[str, str]]:
    """settings.WEBRTC_ICE_SERVERS as RTCPeerConnection's `iceServers`, TURN URLs with
    credentials made for this request (a browser behind a strict NAT gets through only so)."""
    urls = settings.WEBRTC_ICE_SERVERS
    username, credential = ("", "")
    if any(is_turn_url(url) for url in urls):
        username, credential = turn_credentials(subject=subject)
    servers = []
    for url in urls:
        server = {"urls": url}
        if is_turn_url(url) and username:
            server["username"] = username
            server["credential"] = credential
        servers.append(server)
    return servers


def turn_subject(user: object) -> str | None:
    """The subject for a request's user: "user:<pk>" when logged in, None otherwise."""
    if getattr(user, "is_authenticated", False):
        return f"user:{user.pk}"  # type: ignore[attr-defined]
    return None
