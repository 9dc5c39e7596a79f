"""The HLS views: the relay's files served with headers any HTTP cache or CDN can follow."""

from __future__ import annotations

import pytest

from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.streaming.hls import demand_marker, room_dir

PLAYLIST = (
    "#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n#EXT-X-MEDIA-SEQUENCE:1796524937\n"
    "#EXTINF:2.0,\n#EXT-X-PROGRAM-DATE-TIME:2026-12-06T02:40:46.718+0000\nseg-1796524937.ts\n"
)


@pytest.fixture
def hls_root(settings, tmp_path):
    settings.STREAM_HLS_ROOT = tmp_path
    settings.STREAM_HLS = "auto"
    return tmp_path


def files_write(root, room_id):
    directory = room_dir(root, room_id)
    directory.mkdir(parents=True)
    (directory / "index.m3u8").write_text(PLAYLIST)
    (directory / "seg-1796524937.ts").write_bytes(b"\x47" * 188 * 10)
    return directory


@pytest.mark.django_db
def test_the_playlist_is_served_short_lived_and_the_segment_immutable(client, hls_root):
    room = room_make(state=Room.State.LIVE)
    files_write(hls_root, room.pk)

    playlist = client.get(f"/stream/rooms/{room.pk}/hls/index.m3u8")
    segment = client.get(f"/stream/rooms/{room.pk}/hls/seg-1796524937.ts")

    assert playlist.status_code == 200
    assert playlist["Content-Type"] == "application/vnd.apple.mpegurl"
    assert playlist["Cache-Control"] == "public, max-age=1"
    assert playlist.content.decode() == PLAYLIST
    assert segment.status_code == 200
    assert segment["Content-Type"] == "video/mp2t"
    assert segment["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"".join(segment.streaming_content) == b"\x47" * 188 * 10


@pytest.mark.django_db
def test_a_segment_is_served_without_a_database_query(client, hls_root, django_assert_num_queries):
    files_write(hls_root, 4242)

    with django_assert_num_queries(0):
        response = client.get("/stream/rooms/4242/hls/seg-1796524937.ts")

    assert response.status_code == 200


@pytest.mark.django_db
def test_a_live_room_without_hls_answers_404_and_asks_the_relay_for_it(client, hls_root):
    room = room_make(state=Room.State.LIVE)

    response = client.get(f"/stream/rooms/{room.pk}/hls/index.m3u8")

    assert response.status_code == 404
    assert int(response["Retry-After"]) > 0
    assert demand_marker(hls_root, room.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("state", [Room.State.SCHEDULED, Room.State.ENDED])
def test_a_room_not_live_gets_404_and_no_hls_is_asked_for(client, hls_root, state):
    room = room_make(state=state)

    response = client.get(f"/stream/rooms/{room.pk}/hls/index.m3u8")

    assert response.status_code == 404
    assert not demand_marker(hls_root, room.pk).exists()


@pytest.mark.django_db
def test_an_unknown_room_gets_404(client, hls_root):
    assert client.get("/stream/rooms/987654/hls/index.m3u8").status_code == 404
    assert client.get("/stream/rooms/987654/hls/seg-1.ts").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name",
    [
        "..%2Findex.m3u8",
        "..%2F..%2Fsecret.ts",
        "%2Fetc%2Fpasswd",
        "seg-1.ts%00.png",
        "seg-x.ts",
        "seg-1.mp4",
        "index.m3u8.tmp",
        ".seg-1.ts",
    ],
)
def test_a_segment_name_that_is_not_seg_number_ts_is_404_and_reads_nothing(client, hls_root, name):
    room = room_make(state=Room.State.LIVE)
    files_write(hls_root, room.pk)
    (hls_root / "secret.ts").write_bytes(b"secret")

    response = client.get(f"/stream/rooms/{room.pk}/hls/{name}")

    assert response.status_code == 404
    assert b"secret" not in response.content


@pytest.mark.django_db
def test_with_hls_off_the_playlist_is_404_even_if_files_are_left(client, hls_root, settings):
    settings.STREAM_HLS = "off"
    room = room_make(state=Room.State.LIVE)
    files_write(hls_root, room.pk)

    assert client.get(f"/stream/rooms/{room.pk}/hls/index.m3u8").status_code == 404


@pytest.mark.django_db
def test_posting_to_the_playlist_is_405(client, hls_root):
    response = client.post("/stream/rooms/1/hls/index.m3u8")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
