"""The Content-Security-Policy header: scripts and styles from our own origin only."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, list[str]]:
    directives = [d.strip() for d in response["Content-Security-Policy"].split(";") if d.strip()]
    return {name: values for name, *values in (d.split() for d in directives)}


def test_pages_forbid_inline_scripts_and_styles_and_being_framed(client):
    response = client.get("/")

    policy = _policy(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert set(policy["img-src"]) == {"'self'", "data:", "blob:"}
    assert set(policy["media-src"]) == {"'self'", "blob:"}
    assert "unsafe-inline" not in response["Content-Security-Policy"]


def test_connect_src_allows_websockets_to_the_same_host_only(client):
    response = client.get("/", HTTP_HOST="localhost")

    assert set(_policy(response)["connect-src"]) == {"'self'", "ws://localhost", "wss://localhost"}


def test_connect_src_allows_the_external_stream_server_when_configured(client, settings):
    settings.STREAM_SERVER_URL = "https://media.example.gov.cn:8889/live"

    response = client.get("/")

    assert "https://media.example.gov.cn:8889" in _policy(response)["connect-src"]
