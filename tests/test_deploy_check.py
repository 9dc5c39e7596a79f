"""Production settings, checked the way a deployment starts: `manage.py` in a fresh process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "ci-" + "x7Qm2vL9pR4tW8zK1nB6cY3hJ5dF0gS" * 2,
    "DJANGO_ALLOWED_HOSTS": "jobs.example.gov.cn",
    # Stands in for a real provider's backend (anything but the console).
    "SMS_BACKEND": "daigang.accounts.sms.LocmemBackend",
}


def _manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "SMS_", "STREAM_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**environment, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_passes_with_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_with_the_console_sms_backend():
    # given: production, SMS_BACKEND left at its default (codes printed, never sent)
    env = {**PRODUCTION}
    del env["SMS_BACKEND"]

    # when
    result = _manage("check", **env)

    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SMS_CONSOLE_ALLOWED=1" in result.stderr


def test_production_starts_with_the_console_sms_backend_when_explicitly_allowed():
    env = {**PRODUCTION, "SMS_CONSOLE_ALLOWED": "1"}
    del env["SMS_BACKEND"]

    result = _manage("check", **env)

    assert result.returncode == 0, result.stdout + result.stderr


def test_https_settings_can_each_be_turned_off_for_a_plain_http_intranet():
    # given: production behind no TLS
    env = {
        **PRODUCTION,
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SESSION_COOKIE_SECURE": "0",
        "DJANGO_CSRF_COOKIE_SECURE": "0",
        "DJANGO_HSTS_SECONDS": "0",
    }

    # when
    result = _manage("check", "--deploy", **env)

    # then: it starts, and the deploy check names each choice so nobody makes it unknowingly
    assert result.returncode == 0, result.stdout + result.stderr
    for warning in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert warning in result.stderr, warning


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"REDIS_URL": ""}, "REDIS_URL"),
        ({"REDIS_URL": "redis://127.0.0.1:6379/0"}, "STREAM_SERVER_URL"),
    ],
)
def test_several_web_workers_refuse_to_start_without_what_they_must_share(extra, named):
    # given: `make serve WORKERS=2` (WEB_WORKERS=2), missing Redis or an external media server
    # when
    result = _manage("check", **PRODUCTION, WEB_WORKERS="2", **extra)
    # then: it says which setting, before serving anything
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_several_web_workers_start_with_redis_and_an_external_media_server():
    result = _manage(
        "check",
        **PRODUCTION,
        WEB_WORKERS="2",
        REDIS_URL="redis://127.0.0.1:6379/0",
        STREAM_SERVER_URL="https://media.example.gov.cn",
        STREAM_SERVER_HOOK_TOKEN="t" * 32,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_several_web_workers_start_with_redis_and_the_relay_in_its_own_process():
    result = _manage(
        "check",
        **PRODUCTION,
        WEB_WORKERS="2",
        REDIS_URL="redis://127.0.0.1:6379/0",
        STREAM_RELAY="process",
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({"STREAM_RELAY": "process", "REDIS_URL": ""}, "REDIS_URL"),
        ({"STREAM_RELAY": "elsewhere"}, "STREAM_RELAY"),
    ],
)
def test_the_relay_in_its_own_process_refuses_to_start_without_its_transport(extra, named):
    # given: STREAM_RELAY=process without Redis to reach it, or a value that is no choice
    # when
    result = _manage("check", **PRODUCTION, **extra)
    # then
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and named in result.stderr


def test_the_relay_unit_starts_a_management_command_that_exists():
    from django.core.management import get_commands

    unit = (ROOT / "deploy" / "systemd" / "daigang-relay.service").read_text()
    assert "manage.py relay" in unit
    assert "relay" in get_commands()


def test_every_systemd_timer_starts_a_management_command_that_exists():
    from django.core.management import get_commands

    timers = sorted((ROOT / "deploy" / "systemd").glob("daigang-*.timer"))
    assert len(timers) >= 6
    for timer in timers:
        (unit,) = [line for line in timer.read_text().splitlines() if line.startswith("Unit=")]
        command = unit.removeprefix("Unit=daigang-job@").removesuffix(".service")
        assert command in get_commands(), timer.name


def test_an_external_media_server_without_the_hook_token_refuses_to_start():
    # given: STREAM_SERVER_URL, but nothing that lets its hooks put rooms live
    result = _manage("check", **PRODUCTION, STREAM_SERVER_URL="https://media.example.gov.cn")
    # then
    assert result.returncode != 0
    assert "STREAM_SERVER_HOOK_TOKEN" in result.stderr
