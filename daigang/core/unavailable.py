"""Answers for a database that cannot serve a request just now: 503 with Retry-After, and a
message that says what is true.

A busy SQLite ("database is locked") means many people are writing at once: try again in a
moment. A database that is down, a full disk or a read-only data folder is not the visitor's
doing nor a crowd's: "the system cannot save just now". Either way nothing was saved, the
client may retry (every retried write is idempotent), and the cause goes to the log — never
a 500 and never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from daigang.core.api import api_error

logger = logging.getLogger(__name__)

RETRY_AFTER_S = 2


@dataclass(frozen=True)
class Unavailable:
    code: str  # "busy" or "unavailable"
    message: str

    def payload(self) -> dict[str, Any]:
        return api_error(self.code, self.message)


def database_unavailable(exc: BaseException) -> Unavailable | None:
    """What to tell the user when `exc` means the database could not serve; None otherwise
    (a programming error, a constraint: those stay errors)."""
    if not isinstance(exc, OperationalError | InterfaceError):
        return None
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return Unavailable("busy", _("使用的人太多，请稍后再试"))
    return Unavailable("unavailable", _("系统暂时无法保存，请稍后重试"))


def unavailable_response(request: HttpRequest, unavailable: Unavailable) -> HttpResponse:
    """503 with Retry-After: JSON under the API, a small page elsewhere."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(unavailable.payload(), status=503)
    else:
        html = render_to_string("503.html", {"message": unavailable.message}, request=request)
        response = HttpResponse(html, status=503)
    response["Retry-After"] = str(RETRY_AFTER_S)
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database that cannot serve into a 503 (see the module docstring)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        unavailable = database_unavailable(exception)
        if unavailable is None:
            return None
        logger.error("database unavailable for %s %s: %s", request.method, request.path, exception)
        return unavailable_response(request, unavailable)


def api_database_error(request: HttpRequest, exc: DatabaseError) -> HttpResponse:
    """django-ninja exception handler: the same 503 for API operations (ninja catches
    exceptions before middleware sees them)."""
    unavailable = database_unavailable(exc)
    if unavailable is None:
        raise exc
    logger.error("database unavailable for %s %s: %s", request.method, request.path, exc)
    return unavailable_response(request, unavailable)
