"""ASGI entry point: HTTP through Django, WebSockets through Channels.

One exception: `POST /api/v1/applications` (one-tap apply, which comes in bursts when a live
room pins a job) is served by daigang.hiring.apply.fastpath in front of Django, with the same
checks and business rules as its django-ninja view; every other request reaches Django. With
APPLY_FASTPATH=0 (settings) it is not mounted and Django serves that request too. In front of
both, daigang.core.body_limit refuses (413) a body over its path's limit before either reads it.

Loading it also sets how often Python hands the GIL between threads (settings
GIL_SWITCH_INTERVAL_US): the event loop and the live database thread share it; and, when the
built-in relay could be reached from this machine only, says so in one line.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.conf import settings  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from daigang.core.body_limit import body_limit  # noqa: E402
from daigang.hiring.apply.fastpath import apply_fastpath  # noqa: E402
from daigang.streaming.startup import host_addresses_startup_note  # noqa: E402

sys.setswitchinterval(settings.GIL_SWITCH_INTERVAL_US / 1_000_000)
# The built-in relay on a machine with only loopback: one line saying what to set.
host_addresses_startup_note()

application = ProtocolTypeRouter(
    {
        "http": body_limit(
            apply_fastpath(django_asgi_app) if settings.APPLY_FASTPATH else django_asgi_app
        ),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
