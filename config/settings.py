"""daigang settings, read from the environment.

Embedded defaults (no variables set): SQLite in WAL mode, in-memory channel layer, the
built-in media relay, SMS codes printed to the console. Scale out by configuration:
DATABASE_URL (PostgreSQL), REDIS_URL (channel layer + cache), STREAM_SERVER_URL (an
external WHIP/WHEP server), SMS_BACKEND (a real SMS provider).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from daigang.core.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("DAIGANG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", True)
_DEV_SECRET = "dev-only-insecure-secret-key-change-me-in-production-0123456789"
SECRET_KEY = env_str("DJANGO_SECRET_KEY", _DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG is off")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    "daigang.core",
    "daigang.accounts",
    "daigang.jobs",
    "daigang.live",
    "daigang.streaming",
    "daigang.hiring",
    "daigang.interviews",
    "daigang.contracts",
    "daigang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- database -------------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    # conn_max_age=0: under ASGI every request runs in a fresh thread, so a "persistent"
    # connection is never reused and piles up until garbage-collected; a burst of applies
    # exhausted PostgreSQL's max_connections ("too many clients") with 60 here.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(VAR_DIR / "daigang.sqlite3")))
    # A fresh clone has no var/: SQLite creates the file but not its folder.
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write
                # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file like production, not ":memory:": an in-memory shared-cache
            # database fails concurrent writers at once ("database table is locked")
            # instead of queueing them as WAL does. Per process, so parallel runs don't clash.
            "TEST": {
                "NAME": str(Path(tempfile.gettempdir()) / f"daigang-test-{os.getpid()}.sqlite3")
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- channel layer and cache -------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [REDIS_URL]},
        }
    }
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# How often a thread holding the GIL is made to hand it over (Python's default: 5000 µs). The
# event loop sending a big room's frames never waits, so the live database thread (chat
# writes) got the GIL back only every 5 ms, once per statement: chat stored 50-100 ms late at
# 10,000 viewers. 1 ms halves the chat fan-out p99 there (bench/chat_fanout) at no measurable
# CPU cost. Set by config.asgi when the ASGI application loads.
GIL_SWITCH_INTERVAL_US = env_int("GIL_SWITCH_INTERVAL_US", 1000)
if GIL_SWITCH_INTERVAL_US <= 0:
    raise ImproperlyConfigured("GIL_SWITCH_INTERVAL_US must be a positive number of microseconds")

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# SMS: like Django's e-mail backends. The console backend prints codes to stdout.
SMS_BACKEND = env_str("SMS_BACKEND", "daigang.accounts.sms.ConsoleBackend")

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Licences and other private uploads: never under a public URL; served by a view that checks
# who is asking.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# Request bodies are capped in ASGI before Django reads them (daigang.core.body_limit):
# REQUEST_BODY_MAX_BYTES everywhere, REQUEST_UPLOAD_MAX_BYTES on the paths that take files
# (regular expressions matched against the path from its start).
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 64 * 1024)
REQUEST_UPLOAD_MAX_BYTES = env_int("REQUEST_UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
REQUEST_UPLOAD_PATHS = env_list(
    "REQUEST_UPLOAD_PATHS",
    [
        r"/accounts/organisations/new/$",
        r"/accounts/organisations/\d+/documents/$",
        r"/contracts/verify/$",
    ],
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Django's own checks, in step with the caps above: form fields (files excluded) may not
# exceed the plain body limit, and no upload route sees more than its cap anyway.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
UPLOAD_MAX_BYTES = 10 * 1024 * 1024

# --- live video -----------------------------------------------------------------------------
# An external WHIP/WHEP server (e.g. MediaMTX). Empty: the built-in relay serves rooms.
STREAM_SERVER_URL = env_str("STREAM_SERVER_URL", "")
# ICE servers handed to browsers and to the relay; empty means host candidates only.
WEBRTC_ICE_SERVERS = env_list("WEBRTC_ICE_SERVERS", [])
# Addresses the relay may gather candidates on (empty: all of the machine's, loopback excluded).
# An entry "local=public" binds `local` and announces `public` (a server behind a 1:1 NAT).
WEBRTC_HOST_ADDRESSES = env_list("WEBRTC_HOST_ADDRESSES", [])
# Credentials for the turn:/turns: URLs in WEBRTC_ICE_SERVERS.
WEBRTC_TURN_USERNAME = env_str("WEBRTC_TURN_USERNAME", "")
WEBRTC_TURN_CREDENTIAL = env_str("WEBRTC_TURN_CREDENTIAL", "")
# The built-in relay encodes each room once: VP8 scaled down to at most this many lines, at this
# bitrate, for every viewer; a process takes at most STREAM_RELAY_MAX_VIEWERS per room.
STREAM_RELAY_MAX_HEIGHT = env_int("STREAM_RELAY_MAX_HEIGHT", 480)
STREAM_RELAY_VIDEO_BITRATE = env_int("STREAM_RELAY_VIDEO_BITRATE", 800_000)
STREAM_RELAY_MAX_VIEWERS = env_int("STREAM_RELAY_MAX_VIEWERS", 500)
# A publisher that drops without stopping (network loss, OBS crash) may reconnect this long
# before its room ends.
STREAM_PUBLISHER_GRACE_SECONDS = env_int("STREAM_PUBLISHER_GRACE_SECONDS", 60)

# --- security (production) ------------------------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"aioice": {"level": "WARNING"}, "aiortc": {"level": "WARNING"}},
}
