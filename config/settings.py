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
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from daigang.core.dependencies import (
    postgres_options,
    redis_cache_settings,
    redis_channel_layer_settings,
)
from daigang.core.env import env_bool, env_choice, env_int, env_list, env_secret, env_str

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
    "csp",
    "daigang.core",
    "daigang.regions",
    "daigang.rules",
    "daigang.accounts",
    "daigang.jobs",
    "daigang.live",
    "daigang.streaming",
    "daigang.hiring",
    "daigang.replays",
    "daigang.interviews",
    "daigang.contracts",
    "daigang.fairs",
    "daigang.policies",
    "daigang.courses",
    "daigang.matchmaking",
    "daigang.privacy",
    "daigang.safety",
    "daigang.workspace",
    "daigang.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The Content-Security-Policy below, plus this request's own WebSocket and stream origins.
    "daigang.core.csp.SameHostCSPMiddleware",
    # Under /api/v1/, every error answer as JSON {code, message}, never an HTML page.
    "daigang.core.api.ApiErrorsAsJsonMiddleware",
    "daigang.core.static_files.StaticFilesMiddleware",
    # HTML compressed (brotli or gzip) once every middleware below has finished the page.
    "daigang.core.compression.HtmlCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees a view's exception first: a database that cannot serve is a 503.
    "daigang.core.unavailable.DatabaseUnavailableMiddleware",
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
# How long a request waits for a busy database before it answers 503 with Retry-After.
DB_BUSY_TIMEOUT_S = env_int("DB_BUSY_TIMEOUT_S", 5)
if DB_BUSY_TIMEOUT_S <= 0:
    raise ImproperlyConfigured("DB_BUSY_TIMEOUT_S must be a positive number of seconds")
# How long anything waits for PostgreSQL or Redis that has stopped answering (connect, a
# statement, a cache read, a publish, a one-tap apply's writer) before it answers 503 or
# degrades: see daigang.core.dependencies.
DEPENDENCY_TIMEOUT_S = env_int("DEPENDENCY_TIMEOUT_S", 5)
if DEPENDENCY_TIMEOUT_S <= 0:
    raise ImproperlyConfigured("DEPENDENCY_TIMEOUT_S must be a positive number of seconds")
if DATABASE_URL:
    # conn_max_age=0: under ASGI every request runs in a fresh thread, so a "persistent"
    # connection is never reused and piles up until garbage-collected; a burst of applies
    # exhausted PostgreSQL's max_connections ("too many clients") with 60 here.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            postgres_options(timeout_s=DEPENDENCY_TIMEOUT_S)
        )
else:
    SQLITE_PATH = Path(env_str("SQLITE_PATH", str(VAR_DIR / "daigang.sqlite3")))
    # A fresh clone has no var/: SQLite creates the file but not its folder.
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            # Django's backend plus one writer at a time per process, a single busy timeout
            # and WAL set once (see daigang/core/sqlite/base.py).
            "ENGINE": "daigang.core.sqlite",
            "NAME": str(SQLITE_PATH),
            "OPTIONS": {
                # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write
                # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
                "init_command": "PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                # The one busy timeout: how long a write waits for the lock before 503.
                "timeout": DB_BUSY_TIMEOUT_S,
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
        "default": redis_channel_layer_settings(url=REDIS_URL, timeout_s=DEPENDENCY_TIMEOUT_S)
    }
    CACHES = {"default": redis_cache_settings(url=REDIS_URL, timeout_s=DEPENDENCY_TIMEOUT_S)}
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

# One-tap apply (POST /api/v1/applications) is served by a fast path in front of Django
# (daigang.hiring.apply.fastpath, mounted by config.asgi). 0 leaves every request to Django and
# the django-ninja view, which answer the same (test_fastpath_switch.py), only slower under a
# burst: a way to rule the fast path out.
APPLY_FASTPATH = env_bool("APPLY_FASTPATH", True)

# --- auth -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

# SMS: like Django's e-mail backends. The console backend prints codes to stdout.
SMS_BACKEND = env_str("SMS_BACKEND", "daigang.accounts.sms.ConsoleBackend")
# How many distinct numbers one client address / one session may ask codes for in an hour
# (counted in the cache, so shared by all processes when REDIS_URL is set). Mainland
# carriers put many people behind one address: the address budget must let a busy live room
# through while stopping a script; a person needs one or two numbers.
SMS_NUMBERS_PER_ADDRESS_HOUR = env_int("SMS_NUMBERS_PER_ADDRESS_HOUR", 200)
SMS_NUMBERS_PER_SESSION_HOUR = env_int("SMS_NUMBERS_PER_SESSION_HOUR", 5)
# Of a number's 10 daily codes asked by browsers that never logged in with it, how many one
# client address may take (a known device of the number has 5 of its own).
SMS_CODES_PER_NUMBER_ADDRESS_DAY = env_int("SMS_CODES_PER_NUMBER_ADDRESS_DAY", 4)
# Seekers who asked to be reminded of an upcoming job fair are told this many minutes before
# it starts (`manage.py send_fair_reminders`, run every few minutes).
FAIR_REMINDER_LEAD_MINUTES = env_int("FAIR_REMINDER_LEAD_MINUTES", 60)
for _name in (
    "SMS_NUMBERS_PER_ADDRESS_HOUR",
    "SMS_NUMBERS_PER_SESSION_HOUR",
    "SMS_CODES_PER_NUMBER_ADDRESS_DAY",
    "FAIR_REMINDER_LEAD_MINUTES",
):
    if globals()[_name] <= 0:
        raise ImproperlyConfigured(f"{_name} must be a positive number")
# Login codes printed to a server's console let whoever reads its logs log in as anyone, and
# nobody receives them: in production it is a mistake unless someone chose it (a demo, a bench).
SMS_CONSOLE_ALLOWED = env_bool("SMS_CONSOLE_ALLOWED", DEBUG)
if SMS_BACKEND == "daigang.accounts.sms.ConsoleBackend" and not SMS_CONSOLE_ALLOWED:
    raise ImproperlyConfigured(
        "SMS_BACKEND is the console backend (login codes printed, never sent) while "
        "DJANGO_DEBUG is off: set SMS_BACKEND to a real provider's backend, or "
        "SMS_CONSOLE_ALLOWED=1 if printing codes is really what you want"
    )

# Personal information (daigang.privacy; README "Personal information"): `manage.py
# privacy_retention` deletes applications never signed after this many days without activity,
# and a deleted account's signed records this many days after their last activity.
PRIVACY_UNHIRED_RETENTION_DAYS = env_int("PRIVACY_UNHIRED_RETENTION_DAYS", 365)
PRIVACY_SIGNED_RETENTION_DAYS = env_int("PRIVACY_SIGNED_RETENTION_DAYS", 3 * 365)
for _name in ("PRIVACY_UNHIRED_RETENTION_DAYS", "PRIVACY_SIGNED_RETENTION_DAYS"):
    if globals()[_name] <= 0:
        raise ImproperlyConfigured(f"{_name} must be a positive number of days")

# --- i18n -----------------------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- files ----------------------------------------------------------------------------------
STATIC_URL = "/static/"
# Filled by `collectstatic` (`make run` runs it): hashed names, .gz and .br copies, a manifest
# (daigang.core.static_files). Pages link the hashed names in every mode, DEBUG included.
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "daigang.core.static_files.HashedStaticFilesStorage"},
}
# WhiteNoise serves what collectstatic wrote, as production does: not static/ through the
# finders, and nothing re-read per request. Only the hashed names are kept (and compressed).
WHITENOISE_USE_FINDERS = False
WHITENOISE_AUTOREFRESH = False
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Licences and other private uploads: never under a public URL; served by a view that checks
# who is asking.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private")))
# 听岗位: jobs read aloud by espeak-ng (Debian's package, `make install` installs it), one MP3
# per version of a job (daigang.jobs.listen). Without it the pages use the browser's voice.
LISTEN_ESPEAK = env_str("LISTEN_ESPEAK", "espeak-ng")
LISTEN_AUDIO_DIR = Path(env_str("LISTEN_AUDIO_DIR", str(VAR_DIR / "listen")))
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
        r"/manage/\d+/fairs/new/$",
        r"/fairs/\d+/manage/edit/$",
        # A report's screenshot and an appeal's evidence (daigang.safety), pages and API.
        r"/report/[a-z]+/\d+/$",
        r"/manage/\d+/cases/\d+/appeal/$",
        r"/api/v1/reports/\d+/screenshot$",
        r"/api/v1/organisations/\d+/cases/\d+/appeal/evidence$",
        # A course certificate's PDF, checked on its verification page (daigang.courses).
        r"/certificates/[A-Z0-9-]+/$",
    ],
)
# A course lesson's video (daigang.courses) and a company or job introduction video
# (daigang.jobs): up to VIDEO_UPLOAD_MAX_BYTES (100 MB) of file, plus the form around it, on
# those forms only.
VIDEO_UPLOAD_MAX_BYTES = 100 * 1024 * 1024
REQUEST_VIDEO_MAX_BYTES = env_int("REQUEST_VIDEO_MAX_BYTES", VIDEO_UPLOAD_MAX_BYTES + 1024 * 1024)
REQUEST_VIDEO_PATHS = env_list(
    "REQUEST_VIDEO_PATHS",
    [
        r"/manage/\d+/courses/\d+/lessons/new/$",
        r"/manage/\d+/courses/\d+/lessons/\d+/$",
        r"/manage/\d+/video/$",
        r"/manage/\d+/jobs/\d+/video/$",
    ],
)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Django's own checks, in step with the caps above: form fields (files excluded) may not
# exceed the plain body limit, and no upload route sees more than its cap anyway.
DATA_UPLOAD_MAX_MEMORY_SIZE = REQUEST_BODY_MAX_BYTES
UPLOAD_MAX_BYTES = 10 * 1024 * 1024
# Licence images are decoded and re-encoded; a header declaring more pixels than this is
# refused before any pixel is decoded (a phone photo is 12–50 MP; a small file can declare
# billions: a decompression bomb).
UPLOAD_IMAGE_MAX_PIXELS = env_int("UPLOAD_IMAGE_MAX_PIXELS", 40_000_000)

# Sockets one client address may hold in one live room (per ASGI process); 0 = no cap. Viewers
# are counted as people (daigang.live.viewers) either way; this keeps one client from holding
# hundreds of sockets. A factory dormitory's Wi-Fi or a mobile carrier's NAT puts dozens of
# real viewers behind one address during a recruitment session, so the default leaves room for
# them (as the SMS budget per address does). The chat fan-out benchmark lifts it (0).
LIVE_ROOM_SOCKETS_PER_ADDRESS = env_int("LIVE_ROOM_SOCKETS_PER_ADDRESS", 50)
if LIVE_ROOM_SOCKETS_PER_ADDRESS < 0:
    raise ImproperlyConfigured("LIVE_ROOM_SOCKETS_PER_ADDRESS must be 0 (no cap) or more")

# The fair dashboard's counters (daigang.fairs.counters): applies and stage moves are noted in
# memory on the apply path and written this often by a thread of each process; 0 writes them
# as each one commits (the tests).
FAIR_COUNTERS_FLUSH_MS = env_int("FAIR_COUNTERS_FLUSH_MS", 1000)

# --- live video -----------------------------------------------------------------------------
# An external WHIP/WHEP server (e.g. MediaMTX). Empty: the built-in relay serves rooms.
STREAM_SERVER_URL = env_str("STREAM_SERVER_URL", "")
# The external server tells daigang when a room's stream is ready and when it stops (MediaMTX's
# runOnReady / runOnNotReady, daigang/streaming/README.md) with this token: nothing else puts
# such a room live, so it is required with STREAM_SERVER_URL.
STREAM_SERVER_HOOK_TOKEN = env_str("STREAM_SERVER_HOOK_TOKEN", "")
if STREAM_SERVER_URL and len(STREAM_SERVER_HOOK_TOKEN) < 20:
    raise ImproperlyConfigured(
        "STREAM_SERVER_URL needs STREAM_SERVER_HOOK_TOKEN (20 characters or more): the media "
        "server's ready / not-ready hooks send it to put rooms live and interrupt them"
    )
# Where the built-in relay runs: "inprocess" (the default: `make run` is one command) or
# "process", its own (`manage.py relay`, daigang/streaming/README.md): web processes then hand
# it the WHIP/WHEP offers over Redis and hold no media. STREAM_RELAYS relay processes share the
# rooms (room id modulo their number); a web process waits STREAM_RELAY_TIMEOUT_SECONDS for an
# answer, then answers 503 with Retry-After.
STREAM_RELAY = env_choice("STREAM_RELAY", "inprocess", ("inprocess", "process"))
STREAM_RELAYS = env_int("STREAM_RELAYS", 1)
STREAM_RELAY_TIMEOUT_SECONDS = env_int("STREAM_RELAY_TIMEOUT_SECONDS", 10)
if STREAM_RELAY == "process" and not REDIS_URL:
    raise ImproperlyConfigured(
        "STREAM_RELAY=process needs REDIS_URL: web processes hand the relay process its "
        "WHIP/WHEP offers through Redis"
    )
if STREAM_RELAYS < 1 or STREAM_RELAY_TIMEOUT_SECONDS < 1:
    raise ImproperlyConfigured("STREAM_RELAYS and STREAM_RELAY_TIMEOUT_SECONDS must be 1 or more")
# How many web processes serve the port (`make serve WORKERS=N`, deploy/systemd). Above one they
# share chat, room events, rate limits, viewer counts and caches only through Redis, and the
# built-in relay serves a room from a single process (a WHEP viewer may reach another web
# process): the relay in its own process, or an external server, is needed.
WEB_WORKERS = env_int("WEB_WORKERS", 1)
if WEB_WORKERS < 1:
    raise ImproperlyConfigured("WEB_WORKERS must be 1 or more")
if WEB_WORKERS > 1 and not REDIS_URL:
    raise ImproperlyConfigured(
        "WEB_WORKERS above 1 needs REDIS_URL: without it each process has its own chat, "
        "room events, rate limits and caches"
    )
if WEB_WORKERS > 1 and not STREAM_SERVER_URL and STREAM_RELAY != "process":
    raise ImproperlyConfigured(
        "WEB_WORKERS above 1 needs STREAM_RELAY=process (`manage.py relay` beside the web "
        "processes) or STREAM_SERVER_URL (an external WHIP/WHEP server): the built-in relay "
        "serves a room from one process only"
    )
# ICE servers handed to browsers and to the relay; empty means host candidates only.
WEBRTC_ICE_SERVERS = env_list("WEBRTC_ICE_SERVERS", [])
# Addresses the relay may gather candidates on (empty: all of the machine's, loopback excluded).
# An entry "local=public" binds `local` and announces `public` (a server behind a 1:1 NAT).
WEBRTC_HOST_ADDRESSES = env_list("WEBRTC_HOST_ADDRESSES", [])
# Credentials for the turn:/turns: URLs in WEBRTC_ICE_SERVERS. With WEBRTC_TURN_SECRET (coturn's
# static-auth-secret, deploy/coturn) each request gets its own, valid WEBRTC_TURN_TTL_S seconds
# (daigang.core.turn); else the static pair below (a coturn `user=` line) for everyone.
WEBRTC_TURN_SECRET = env_secret("WEBRTC_TURN_SECRET", min_length=32)
# 12 h: coturn checks the expiry again whenever the allocation is refreshed, so a live room or
# a call relayed through TURN ends when its credential does; anyone may load a room page and
# get a credential anyway, so a shorter life would protect little.
WEBRTC_TURN_TTL_S = env_int("WEBRTC_TURN_TTL_S", 12 * 3600)
if WEBRTC_TURN_TTL_S < 60:
    raise ImproperlyConfigured("WEBRTC_TURN_TTL_S must be 60 seconds or more")
WEBRTC_TURN_USERNAME = env_str("WEBRTC_TURN_USERNAME", "")
WEBRTC_TURN_CREDENTIAL = env_str("WEBRTC_TURN_CREDENTIAL", "")
if WEBRTC_TURN_SECRET and (WEBRTC_TURN_USERNAME or WEBRTC_TURN_CREDENTIAL):
    raise ImproperlyConfigured(
        "set WEBRTC_TURN_SECRET (time-limited credentials) or WEBRTC_TURN_USERNAME and "
        "WEBRTC_TURN_CREDENTIAL (static ones), not both"
    )
# The built-in relay encodes each room once: VP8 scaled down to at most this many lines, at this
# bitrate, for every viewer; a process takes at most STREAM_RELAY_MAX_VIEWERS per room.
STREAM_RELAY_MAX_HEIGHT = env_int("STREAM_RELAY_MAX_HEIGHT", 480)
STREAM_RELAY_VIDEO_BITRATE = env_int("STREAM_RELAY_VIDEO_BITRATE", 800_000)
STREAM_RELAY_MAX_VIEWERS = env_int("STREAM_RELAY_MAX_VIEWERS", 500)
# A publisher that drops without stopping (network loss, OBS crash) may reconnect this long
# before its room ends.
STREAM_PUBLISHER_GRACE_SECONDS = env_int("STREAM_PUBLISHER_GRACE_SECONDS", 60)
# HLS for rooms bigger than the relay's seats (daigang/streaming/hls.py): H.264 + AAC encoded
# once per room, segments of STREAM_HLS_SEGMENT_SECONDS under STREAM_HLS_ROOT (the relay writes
# them, web processes serve them: with STREAM_RELAY=process both need the same directory).
# "auto" runs it while a room's WebRTC viewers reach STREAM_HLS_VIEWER_PERCENT of
# STREAM_RELAY_MAX_VIEWERS or its playlist is asked for, until STREAM_HLS_IDLE_SECONDS without.
STREAM_HLS = env_choice("STREAM_HLS", "auto", ("auto", "always", "off"))
STREAM_HLS_ROOT = Path(env_str("STREAM_HLS_ROOT", str(VAR_DIR / "hls")))
STREAM_HLS_SEGMENT_SECONDS = env_int("STREAM_HLS_SEGMENT_SECONDS", 2)
STREAM_HLS_WINDOW = env_int("STREAM_HLS_WINDOW", 6)
STREAM_HLS_VIEWER_PERCENT = env_int("STREAM_HLS_VIEWER_PERCENT", 80)
STREAM_HLS_IDLE_SECONDS = env_int("STREAM_HLS_IDLE_SECONDS", 60)
# A room whose publisher went away stays "interrupted" (it can go on air again) until its
# anchor ends it, or until this many hours after its planned start (the end_overdue_rooms
# command, run from cron, ends it then).
LIVE_ROOM_END_AFTER_HOURS = env_int("LIVE_ROOM_END_AFTER_HOURS", 12)
# Replays (回放): the relay records every room it serves from the packets it already encoded
# (daigang.streaming.recorder), one WebM per run of the room's relay, under REPLAY_ROOT (served
# by a view that checks the replay is public: never under MEDIA_URL). `manage.py
# replays_expire` deletes replays older than REPLAY_RETENTION_DAYS (files and rows).
REPLAYS_ENABLED = env_bool("REPLAYS_ENABLED", True)
REPLAY_ROOT = Path(env_str("REPLAY_ROOT", str(VAR_DIR / "replays")))
REPLAY_RETENTION_DAYS = env_int("REPLAY_RETENTION_DAYS", 180)

# --- security (production) ------------------------------------------------------------------
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
# HTTPS everywhere by default in production; each can be turned off for a plain-HTTP intranet
# deployment (then `manage.py check --deploy` says so).
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if not DEBUG else None
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True

# No inline script or style anywhere: templates load static files only and pass data through
# json_script (data, not script). connect-src also gets the request's own ws:/wss: origin and
# STREAM_SERVER_URL's origin, added per request by daigang.core.csp.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"aioice": {"level": "WARNING"}, "aiortc": {"level": "WARNING"}},
}
