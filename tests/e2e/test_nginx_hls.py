"""deploy/nginx/daigang.conf caches a room's HLS: many players, one request to the application.

Debian's nginx with the shipped file in front of the application (tests/e2e/nginx_site.py);
the room's HLS files are what the relay writes (daigang/streaming/hls.py), put in place here.
"""

from __future__ import annotations

import http.client
import ssl
from concurrent.futures import ThreadPoolExecutor

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.tests.test_hls_views import files_write
from tests.e2e.nginx_site import nginx_serving

pytestmark = pytest.mark.e2e

PLAYERS = 40


@pytest.fixture
def room_with_hls(transactional_db, settings, tmp_path):
    settings.STREAM_HLS_ROOT = tmp_path / "hls"
    room = room_make(state=Room.State.LIVE)
    files_write(settings.STREAM_HLS_ROOT, room.pk)
    return room


@pytest.fixture
def nginx(room_with_hls, asgi_server, tmp_path):
    (tmp_path / "nginx").mkdir()
    with nginx_serving(tmp_path / "nginx", [asgi_server.removeprefix("http://")]) as bases:
        yield bases[0].removeprefix("https://")


def _get(host: str, path: str, language: str = "zh-hans") -> tuple[int, dict[str, str], bytes]:
    context = ssl._create_unverified_context()
    connection = http.client.HTTPSConnection(host, context=context, timeout=20)
    try:
        connection.request("GET", path, headers={"Accept-Language": language})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def test_players_asking_for_a_segment_at_once_make_one_request_to_the_application(
    nginx, room_with_hls
):
    path = f"/stream/rooms/{room_with_hls.pk}/hls/seg-1796524937.ts"
    languages = ["zh-hans", "en", "zh-CN,zh;q=0.9", "en-US"] * (PLAYERS // 4)

    with ThreadPoolExecutor(PLAYERS) as pool:
        answers = list(pool.map(lambda language: _get(nginx, path, language), languages))

    assert {status for status, _, _ in answers} == {200}
    statuses = [headers.get("x-cache-status") for _, headers, _ in answers]
    assert statuses.count("MISS") == 1, statuses  # one fetch, whatever the language
    assert all(body == answers[0][2] for _, _, body in answers)
    headers = answers[0][1]
    assert headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "vary" not in headers and "set-cookie" not in headers


def test_the_playlist_is_cached_for_a_second_and_passes_its_short_cache_control_on(
    nginx, room_with_hls
):
    path = f"/stream/rooms/{room_with_hls.pk}/hls/index.m3u8"

    first = _get(nginx, path)
    second = _get(nginx, path)

    assert first[0] == second[0] == 200
    assert first[1]["content-type"] == "application/vnd.apple.mpegurl"
    assert first[1]["cache-control"] == "public, max-age=1"
    assert second[1]["x-cache-status"] in ("HIT", "UPDATING", "EXPIRED")
