"""Request types for annotations: what the middleware adds to Django's HttpRequest.

Only for type checking; the objects at run time are Django's own requests.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxRequest(HttpRequest):
    """A request that went through django_htmx's HtmxMiddleware (every request does)."""

    htmx: HtmxDetails
