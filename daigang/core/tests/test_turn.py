"""Time-limited TURN credentials (coturn's use-auth-secret); the real coturn: tests/test_coturn.py."""

from __future__ import annotations

import logging
import re

import pytest

from daigang.core.turn import (
    browser_ice_servers,
    turn_credential,
    turn_credentials,
    turn_opaque_id,
    turn_subject,
)

SECRET = "north-gate-secret-0123456789abcdef"


@pytest.fixture
def turn(settings):
    settings.WEBRTC_ICE_SERVERS = ["stun:stun.example.cn:3478", "turn:turn.example.cn:3478"]
    settings.WEBRTC_TURN_SECRET = SECRET
    settings.WEBRTC_TURN_USERNAME = settings.WEBRTC_TURN_CREDENTIAL = ""
    settings.WEBRTC_TURN_TTL_S = 3600
    return settings


def test_the_credential_is_base64_of_hmac_sha1_of_the_username_as_coturn_computes_it():
    # given: `echo -n 1700003600:0123456789abcdef | openssl dgst -sha1 -hmac <secret> -binary | base64`
    assert (
        turn_credential(secret=SECRET, username="1700003600:0123456789abcdef")
        == "Ix6Z7Z3EoVJ++9wJ2wEu/HM5mCw="
    )


def test_the_username_is_the_expiry_and_an_opaque_id_of_the_account(turn):
    # when credentials are made at a known time for account 42
    username, credential = turn_credentials(subject="user:42", now=1_700_000_000)

    # then the username expires an hour later and names the account only by a keyed hash
    expiry, opaque = username.split(":")
    assert int(expiry) == 1_700_003_600
    assert opaque == turn_opaque_id("user:42")
    assert re.fullmatch(r"[0-9a-f]{16}", opaque) and "42" not in opaque
    assert credential == turn_credential(secret=SECRET, username=username)


def test_someone_not_logged_in_gets_an_id_of_this_request_alone(turn):
    first, _ = turn_credentials(subject=None, now=1_700_000_000)
    second, _ = turn_credentials(subject=None, now=1_700_000_000)

    assert first != second
    assert first.startswith("1700003600:")


def test_browsers_get_credentials_on_turn_urls_only(turn):
    stun, relay = browser_ice_servers(subject="user:7")

    assert stun == {"urls": "stun:stun.example.cn:3478"}
    assert relay["urls"] == "turn:turn.example.cn:3478"
    assert relay["username"].endswith(":" + turn_opaque_id("user:7"))
    assert relay["credential"] == turn_credential(secret=SECRET, username=relay["username"])


def test_without_a_secret_the_static_pair_is_handed_out(settings):
    settings.WEBRTC_ICE_SERVERS = ["turn:turn.example.cn:3478"]
    settings.WEBRTC_TURN_SECRET = ""
    settings.WEBRTC_TURN_USERNAME, settings.WEBRTC_TURN_CREDENTIAL = "daigang", "static"

    assert browser_ice_servers(subject="user:7") == [
        {"urls": "turn:turn.example.cn:3478", "username": "daigang", "credential": "static"}
    ]


def test_the_subject_of_a_request_is_its_account_or_nobody(django_user_model):
    from django.contrib.auth.models import AnonymousUser

    assert turn_subject(AnonymousUser()) is None
    assert turn_subject(django_user_model(pk=5)) == "user:5"


@pytest.mark.django_db
def test_a_room_page_hands_its_viewer_fresh_credentials_and_logs_none(client, turn, caplog):
    from django.urls import reverse

    from daigang.live.testing import room_make

    # given a room, and everything logged at any level
    room = room_make()
    caplog.set_level(logging.DEBUG)

    # when two people not logged in open its page
    first = client.get(reverse("live:room", args=[room.pk])).context["player"]["ice_servers"]
    client.cookies.clear()
    second = client.get(reverse("live:room", args=[room.pk])).context["player"]["ice_servers"]

    # then each got a credential of their own for the TURN URL, and none was logged
    assert first[1]["username"] != second[1]["username"]
    for servers in (first, second):
        assert servers[1]["credential"] == turn_credential(
            secret=SECRET, username=servers[1]["username"]
        )
        assert servers[1]["credential"] not in caplog.text
        assert servers[1]["username"] not in caplog.text
