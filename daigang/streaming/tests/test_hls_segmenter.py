"""The HLS segmenter (hls.py) with a real libx264 + AAC encode and FFmpeg's hls muxer."""

from __future__ import annotations

import re
import time
from datetime import datetime
from pathlib import Path

import av
import pytest

from daigang.streaming.hls import HlsConfig, HlsFeed, HlsWriter, demand_marker

FPS = 30


def picture(width: int, height: int, index: int) -> av.VideoFrame:
    frame = av.VideoFrame(width, height, "yuv420p")
    for plane_index, plane in enumerate(frame.planes):
        data = memoryview(plane)
        data[:] = bytes([(index * 5 + plane_index * 70) % 256]) * len(data)
    return frame


def sound(samples: int = 960) -> av.AudioFrame:
    frame = av.AudioFrame(format="s16", layout="stereo", samples=samples)
    frame.sample_rate = 48_000
    for plane in frame.planes:
        plane.update(bytes(plane.buffer_size))
    return frame


def publish(
    writer: HlsWriter, *, seconds: float, start: float = 0.0, width: int = 1280, height: int = 720
) -> float:
    """`seconds` of 30 fps video and 20 ms audio from `start` (default now), as fast as it
    encodes; returns when the next frame would be."""
    start = start or time.time()
    for index in range(int(seconds * FPS)):
        at = start + index / FPS
        writer.push_video(picture(width, height, index), at=at)
        if index % 3 == 0:
            for chunk in range(2):
                writer.push_audio(sound(), at=at + chunk * 0.02)
        deadline = time.monotonic() + 10
        while writer.counters.video_frames_encoded < index - 20 and time.monotonic() < deadline:
            time.sleep(0.005)
    return start + int(seconds * FPS) / FPS


def playlist_wait(directory: Path, segments: int) -> str:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            text = (directory / "index.m3u8").read_text()
        except FileNotFoundError:
            text = ""
        if text.count("#EXTINF") >= segments:
            return text
        time.sleep(0.05)
    raise AssertionError(f"no playlist with {segments} segments in {directory}")


@pytest.fixture
def config(tmp_path: Path) -> HlsConfig:
    return HlsConfig(mode="always", root=tmp_path, segment_seconds=1.0, window=3)


def test_a_published_room_gets_a_live_playlist_of_decodable_h264_and_aac_segments(config):
    writer = HlsWriter(7, config)
    writer.start()
    try:
        publish(writer, seconds=4.5)
        text = playlist_wait(writer.directory, 3)
    finally:
        writer.stop(remove=False, wait=True)

    assert text.startswith("#EXTM3U")
    assert re.search(r"^#EXT-X-TARGETDURATION:\d+$", text, re.M)
    assert re.search(r"^#EXT-X-MEDIA-SEQUENCE:\d+$", text, re.M)
    names = re.findall(r"^(seg-\d+\.ts)$", text, re.M)
    dates = re.findall(r"^#EXT-X-PROGRAM-DATE-TIME:(.+)$", text, re.M)
    assert len(dates) == len(names) == 3
    for date in dates:
        when = datetime.strptime(date, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
        assert abs(when - time.time()) < 60
    with av.open(str(writer.directory / names[0])) as segment:
        video = segment.streams.video[0]
        assert video.codec_context.name == "h264"
        assert segment.streams.audio[0].codec_context.name == "aac"
        pictures = list(segment.decode(video=0))
    assert pictures[0].key_frame  # every segment starts with a keyframe
    assert pictures[0].height == 480  # scaled to STREAM_RELAY_MAX_HEIGHT
    assert 20 <= len(pictures) <= 40  # about one second at 30 fps


def test_the_window_slides_and_segments_that_left_it_are_deleted(config):
    writer = HlsWriter(8, config)
    writer.start()
    try:
        end = publish(writer, seconds=1.5)
        first = re.findall(r"^(seg-\d+\.ts)$", playlist_wait(writer.directory, 1), re.M)[0]
        publish(writer, seconds=8.0, start=end)
        text = playlist_wait(writer.directory, 3)
        on_disk = sorted(p.name for p in writer.directory.glob("seg-*.ts"))
    finally:
        writer.stop(wait=True)

    listed = re.findall(r"^(seg-\d+\.ts)$", text, re.M)
    assert len(listed) == 3
    assert first not in listed
    assert first not in on_disk  # segments that left the window are deleted...
    assert len(on_disk) <= 3 + 3  # ...but for a couple kept for slow readers
    assert int(listed[-1][4:-3]) - int(first[4:-3]) >= 4
    assert not writer.directory.exists()  # stopped: the room's files are removed


def test_hls_in_auto_mode_starts_when_the_playlist_is_asked_for_and_stops_when_nobody_does(
    tmp_path,
):
    config = HlsConfig(mode="auto", root=tmp_path, idle_seconds=0.0, viewer_threshold=10)
    feed = HlsFeed(9, config, viewers=lambda: 0)
    feed.video(picture(320, 240, 0))
    assert feed.writer is None

    demand_marker(tmp_path, 9).touch()
    feed._check_at = 0.0
    config_wanted = HlsConfig(mode="auto", root=tmp_path, idle_seconds=30.0, viewer_threshold=10)
    feed.config = config_wanted
    feed.video(picture(320, 240, 1))
    assert feed.writer is not None

    feed.config = config
    feed._wanted_until = 0.0
    feed._check_at = 0.0
    feed.video(picture(320, 240, 2))
    assert feed.writer is None
    assert not demand_marker(tmp_path, 9).exists()


def test_hls_in_auto_mode_starts_when_webrtc_viewers_reach_the_threshold(tmp_path):
    viewers = [3]
    config = HlsConfig(mode="auto", root=tmp_path, viewer_threshold=4)
    feed = HlsFeed(10, config, viewers=lambda: viewers[0])
    feed.video(picture(320, 240, 0))
    assert feed.writer is None

    viewers[0] = 4
    feed._check_at = 0.0
    feed.video(picture(320, 240, 1))
    try:
        assert feed.writer is not None
    finally:
        feed.stop()


def test_hls_off_never_starts_even_with_demand(tmp_path):
    demand_marker(tmp_path, 11).touch()
    feed = HlsFeed(11, HlsConfig(mode="off", root=tmp_path), viewers=lambda: 10_000)
    feed.video(picture(320, 240, 0))
    assert feed.writer is None


def test_a_room_whose_hls_stops_and_starts_again_at_once_keeps_the_new_files(config):
    old = HlsWriter(12, config)
    old.start()
    end = publish(old, seconds=1.5)
    playlist_wait(old.directory, 1)
    # when the room's HLS stops (its files go) and a new one starts straight away
    old.stop()
    new = HlsWriter(12, config)
    new.start()
    try:
        publish(new, seconds=2.5, start=end)
        text = playlist_wait(new.directory, 2)
    finally:
        new.stop(wait=True)

    # then the new playlist and its segments were written after the old ones were removed
    assert text.count("#EXTINF") >= 2
