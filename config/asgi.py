"""ASGI entry point: HTTP through Django, WebSockets through Channels.

One exception: `POST /api/v1/applications` (one-tap apply, which comes in bursts when a live
room pins a job) is served by daigang.hiring.fastpath in front of Django, with the same
checks and business rules as its django-ninja view; every other request reaches Django.
"""

from __future__ import annotations

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from config.routing import websocket_urlpatterns  # noqa: E402
from daigang.hiring.fastpath import apply_fastpath  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": apply_fastpath(django_asgi_app),
        "websocket": AllowedHostsOriginValidator(
            AuthMiddlewareStack(URLRouter(websocket_urlpatterns))
        ),
    }
)
