"""The room's one VP8 encoder: 480 lines at most, strictly increasing 90 kHz timestamps."""

from __future__ import annotations

import fractions

import av

from daigang.streaming.media import RelayCounters, VideoEncoder, scaled_size

TIME_BASE = fractions.Fraction(1, 90_000)


def frame(pts: int, width: int = 640, height: int = 480) -> av.VideoFrame:
    made = av.VideoFrame(width, height, "yuv420p")
    made.pts, made.time_base = pts, TIME_BASE
    return made


def test_pictures_taller_than_480_lines_are_scaled_down_keeping_the_aspect():
    assert scaled_size(1280, 720, 480) == (854, 480)
    assert scaled_size(1920, 1080, 480) == (854, 480)
    assert scaled_size(720, 1280, 480) == (270, 480)
    assert scaled_size(640, 480, 480) == (640, 480)


def test_timestamps_follow_the_publisher_and_keep_increasing_across_a_reconnect():
    # given
    encoder = VideoEncoder(counters=RelayCounters())
    first = [encoder.encode(frame(90_000 + 3_000 * i))[0].pts for i in range(3)]
    # when: a new publisher starts its clock at zero again
    encoder.segment_start()
    second = [encoder.encode(frame(3_000 * i))[0].pts for i in range(2)]
    # then
    assert first == [0, 3_000, 6_000]
    assert second == [9_000, 12_000]


def test_the_first_frame_and_requested_ones_are_keyframes_the_others_not():
    counters = RelayCounters()
    encoder = VideoEncoder(counters=counters, keyframe_interval=100)

    kinds = [encoder.encode(frame(3_000 * i), keyframe=(i == 3))[0].is_keyframe for i in range(5)]

    assert kinds == [True, False, False, True, False]
    assert counters.video_frames_encoded == 5
    assert counters.video_keyframes == 2
