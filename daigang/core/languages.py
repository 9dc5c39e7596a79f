"""The UI language of a WebSocket: what LocaleMiddleware would pick for its page.

Channels has no locale middleware, so a consumer's notices and refusals would otherwise always
be in LANGUAGE_CODE (Chinese), even on a page served in English.
"""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.utils import translation


def language_from_scope(scope: dict[str, Any]) -> str:
    """The switcher's cookie, else Accept-Language, else LANGUAGE_CODE (as for a page)."""
    headers = dict(scope.get("headers") or [])
    request = SimpleNamespace(
        COOKIES=scope.get("cookies") or {},
        META={"HTTP_ACCEPT_LANGUAGE": headers.get(b"accept-language", b"").decode("latin-1")},
    )
    return translation.get_language_from_request(request)  # type: ignore[arg-type]


def site_language() -> translation.override:
    """Write in the site's language (LANGUAGE_CODE, Chinese) whatever the acting user reads.

    People do not choose a language that is stored yet, so a text meant for SOMEONE ELSE —
    an SMS or notification to a seeker, a pinned card every viewer sees, a contract — must
    not follow the language of the employer who happened to trigger it.
    """
    from django.conf import settings

    return translation.override(settings.LANGUAGE_CODE)
