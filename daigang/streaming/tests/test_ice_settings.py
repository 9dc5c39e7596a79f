"""ICE comes from settings only: never aiortc's default public STUN server."""

from __future__ import annotations

import aioice.ice

from daigang.streaming import ice


def test_no_ice_servers_configured_means_none_at_all(settings):
    settings.WEBRTC_ICE_SERVERS = []

    assert ice.rtc_configuration().iceServers == []


def test_turn_servers_get_the_configured_credentials(settings):
    settings.WEBRTC_ICE_SERVERS = ["stun:stun.example.cn:3478", "turn:turn.example.cn:3478"]
    settings.WEBRTC_TURN_USERNAME = "daigang"
    settings.WEBRTC_TURN_CREDENTIAL = "secret"

    stun, turn = ice.rtc_configuration().iceServers

    assert (stun.urls, stun.username) == ("stun:stun.example.cn:3478", None)
    assert (turn.urls, turn.username, turn.credential) == (
        "turn:turn.example.cn:3478",
        "daigang",
        "secret",
    )
    assert ice.ice_link_headers()[0] == '<stun:stun.example.cn:3478>; rel="ice-server"'


def test_candidates_are_gathered_on_exactly_the_configured_addresses(settings):
    ice.host_addresses_install()
    settings.WEBRTC_HOST_ADDRESSES = ["127.0.0.1", "::1", "10.0.0.5=203.0.113.7"]

    assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=False) == [
        "127.0.0.1",
        "10.0.0.5",
    ]
    assert aioice.ice.get_host_addresses(use_ipv4=True, use_ipv6=True) == [
        "127.0.0.1",
        "::1",
        "10.0.0.5",
    ]


def test_a_nat_mapping_announces_the_public_address(settings):
    settings.WEBRTC_HOST_ADDRESSES = ["10.0.0.5=203.0.113.7"]
    answer = (
        "m=video 40000 UDP/TLS/RTP/SAVPF 97\r\nc=IN IP4 10.0.0.5\r\n"
        "a=candidate:1 1 udp 2130706431 10.0.0.5 40000 typ host\r\n"
    )

    announced = ice.sdp_addresses_announce(answer)

    assert "10.0.0.5" not in announced
    assert "c=IN IP4 203.0.113.7" in announced
    assert "a=candidate:1 1 udp 2130706431 203.0.113.7 40000 typ host" in announced


def test_time_limited_credentials_reach_the_relay_and_whip_whep_clients(settings):
    from daigang.core.turn import turn_credential

    # given coturn's shared secret instead of a static pair
    settings.WEBRTC_ICE_SERVERS = ["turn:turn.example.cn:3478"]
    settings.WEBRTC_TURN_SECRET = "s" * 40
    settings.WEBRTC_TURN_USERNAME = settings.WEBRTC_TURN_CREDENTIAL = ""

    # when the relay asks for its servers and a WHEP answer for its Link header
    (relay,) = ice.ice_servers()
    (link,) = ice.ice_link_headers()

    # then each carries "<expiry>:<opaque id>" with the HMAC of it, the relay's under its own id
    assert relay.username and relay.credential == turn_credential(
        secret="s" * 40, username=relay.username
    )
    username = link.split('username="')[1].split('"')[0]
    credential = link.split('credential="')[1].split('"')[0]
    assert credential == turn_credential(secret="s" * 40, username=username)
    assert username.split(":")[1] != relay.username.split(":")[1]
