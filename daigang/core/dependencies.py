"""How long the app waits for PostgreSQL and Redis before it gives up, in one place.

A dependency that stops answering without closing its sockets (a paused or overloaded server,
a dropped route) would otherwise hold a request, a chat batch or an apply for ever: the
drivers' defaults wait without limit. Every connection the app opens therefore gets a connect
timeout and a read timeout of DEPENDENCY_TIMEOUT_S (settings), after which the request answers
503 (daigang.core.unavailable) or the page degrades (daigang.live.audience), and the client
retries. Settings build their DATABASES, CACHES and CHANNEL_LAYERS entries with these helpers.
"""

from __future__ import annotations

from typing import Any


def postgres_options(*, timeout_s: int) -> dict[str, Any]:
    """libpq/psycopg connection options for DATABASES["default"]["OPTIONS"].

    connect_timeout bounds opening a connection (the whole handshake, so also a server that
    accepts TCP but never answers); statement_timeout makes the server cancel a statement that
    runs too long (a lock wait, a runaway query); TCP keepalives find a peer that vanished
    without closing (a host gone, not a process paused: its kernel still answers them).
    """
    return {
        # libpq (and psycopg) take anything under 2 seconds as 2.
        "connect_timeout": max(2, timeout_s),
        "options": f"-c statement_timeout={timeout_s * 1000}",
        "keepalives": 1,
        "keepalives_idle": max(1, timeout_s),
        "keepalives_interval": max(1, timeout_s // 2 or 1),
        "keepalives_count": 3,
    }


def redis_cache_settings(*, url: str, timeout_s: float) -> dict[str, Any]:
    """CACHES["default"] for Redis: connecting and every reply bounded by `timeout_s`."""
    return {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": url,
        "OPTIONS": {
            "socket_connect_timeout": timeout_s,
            "socket_timeout": timeout_s,
            "socket_keepalive": True,
        },
    }


def redis_channel_layer_settings(*, url: str, timeout_s: float) -> dict[str, Any]:
    """CHANNEL_LAYERS["default"] for Redis pub/sub, with the same bounds as the cache.

    A publish to a Redis that does not answer then fails after `timeout_s` (the event is not
    lost: daigang.core.realtime resyncs rooms from the database), and the subscription's own
    reads use short timeouts of their own, so an idle room is not mistaken for a dead server.
    """
    return {
        "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
        "CONFIG": {
            "hosts": [
                {
                    "address": url,
                    "socket_connect_timeout": timeout_s,
                    "socket_timeout": timeout_s,
                    "socket_keepalive": True,
                }
            ]
        },
    }
