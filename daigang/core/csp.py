"""The Content-Security-Policy header, with the origins only a request can tell.

settings.CONTENT_SECURITY_POLICY holds the fixed policy. Two origins are added to connect-src
per response: the request's own host as ws:/wss: (room chat and interviews are WebSockets;
older browsers do not count them as 'self'), and STREAM_SERVER_URL's origin, which the
players and the console reach with fetch (WHIP/WHEP) when an external server is configured.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponseBase


def csp_connect_origins(*, request: HttpRequest) -> list[str]:
    """The origins connect-src needs besides 'self' for this request."""
    origins: list[str] = []
    try:
        host = request.get_host()
    except DisallowedHost:
        host = ""
    if host:
        origins += [f"ws://{host}", f"wss://{host}"]
    stream = urlsplit(getattr(settings, "STREAM_SERVER_URL", "") or "")
    if stream.scheme in ("http", "https") and stream.netloc:
        origins.append(f"{stream.scheme}://{stream.netloc}")
    return origins


class SameHostCSPMiddleware(CSPMiddleware):
    def get_policy_parts(
        self,
        request: HttpRequest,
        response: HttpResponseBase,
        report_only: bool = False,
    ) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        if report_only:
            return parts
        update = dict(parts.update or {})
        connect = update.get("connect-src") or []
        if isinstance(connect, str):
            connect = [connect]
        update["connect-src"] = [*connect, *csp_connect_origins(request=request)]
        parts.update = update
        return parts
