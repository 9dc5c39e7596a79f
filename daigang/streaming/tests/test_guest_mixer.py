"""The mic-link mixer: guests are added into the anchor's audio before its one encode."""

from __future__ import annotations

import math
import struct

import av

from daigang.streaming.media import AudioEncoder, RelayCounters
from daigang.streaming.mixer import PREBUFFER_BYTES, GuestMixer

SAMPLES = 960


def tone(frequency: float, *, amplitude: int = 6000, start: int = 0) -> av.AudioFrame:
    """20 ms of a stereo s16 48 kHz tone, as aiortc's Opus decoder hands frames over."""
    values = []
    for i in range(start, start + SAMPLES):
        value = int(amplitude * math.sin(2 * math.pi * frequency * i / 48_000))
        values += [value, value]
    frame = av.AudioFrame(format="s16", layout="stereo", samples=SAMPLES)
    frame.planes[0].update(struct.pack(f"<{len(values)}h", *values))
    frame.sample_rate = 48_000
    return frame


def level(frame: av.AudioFrame, frequency: float) -> float:
    """How much of `frequency` the left channel holds (Goertzel), 0..~1 of full scale."""
    samples = struct.unpack(f"<{frame.samples * 2}h", bytes(frame.planes[0])[: frame.samples * 4])
    left = samples[::2]
    coefficient = 2 * math.cos(2 * math.pi * frequency / 48_000)
    s1 = s2 = 0.0
    for sample in left:
        s1, s2 = sample + coefficient * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - coefficient * s1 * s2
    return math.sqrt(max(power, 0.0)) / (len(left) / 2) / 32768


def feed(mixer: GuestMixer, key: int, frequency: float, chunks: int) -> None:
    for index in range(chunks):
        mixer.push(key, tone(frequency, start=index * SAMPLES))


def test_the_mixed_chunk_holds_the_anchor_and_the_guest():
    # given
    mixer = GuestMixer()
    mixer.guest_add(7)
    feed(mixer, 7, 1000, 4)
    # when
    mixed = mixer.mix(tone(440))
    # then
    assert level(mixed, 440) > 0.1
    assert level(mixed, 1000) > 0.1
    assert mixer.counters.audio_frames_mixed == 1


def test_a_guest_is_not_heard_before_its_prebuffer_fills():
    # given
    mixer = GuestMixer()
    mixer.guest_add(7)
    mixer.push(7, tone(1000))  # 20 ms, less than the prebuffer
    assert PREBUFFER_BYTES > SAMPLES * 4
    # when
    anchor = tone(440)
    mixed = mixer.mix(anchor)
    # then the anchor's chunk goes through untouched
    assert mixed is anchor


def test_removing_a_guest_stops_its_sound_at_the_next_chunk():
    # given
    mixer = GuestMixer()
    mixer.guest_add(7)
    feed(mixer, 7, 1000, 8)
    assert level(mixer.mix(tone(440)), 1000) > 0.1
    # when
    mixer.guest_remove(7)
    after = mixer.mix(tone(440))
    # then
    assert level(after, 1000) < 0.01
    assert not mixer.active()


def test_a_muted_guest_is_not_mixed():
    # given
    mixer = GuestMixer()
    mixer.guest_add(7)
    feed(mixer, 7, 1000, 8)
    # when
    mixer.guest_mute(7, True)
    feed(mixer, 7, 1000, 8)
    # then
    assert level(mixer.mix(tone(440)), 1000) < 0.01


def test_loud_voices_saturate_instead_of_wrapping_around():
    # given two near-full-scale tones in phase
    mixer = GuestMixer()
    mixer.guest_add(1)
    feed(mixer, 1, 440, 4)
    # when
    mixed = mixer.mix(tone(440, amplitude=30000))
    # then no sample flipped sign where both were large and positive
    samples = struct.unpack(f"<{SAMPLES * 2}h", bytes(mixed.planes[0])[: SAMPLES * 4])
    assert max(samples) == 32767
    assert min(samples) == -32768


def test_a_guest_running_ahead_adds_no_more_than_the_buffer_limit_of_delay():
    # given
    mixer = GuestMixer()
    mixer.guest_add(7)
    # when a burst of 2 s arrives at once
    feed(mixer, 7, 1000, 100)
    # then at most 200 ms of it is kept (the oldest dropped)
    chunks = 0
    while level(mixer.mix(tone(440)), 1000) > 0.1:
        chunks += 1
        assert chunks <= 10


def test_the_rooms_encoder_mixes_before_its_one_encode():
    # given
    counters = RelayCounters()
    mixer = GuestMixer(counters)
    encoder = AudioEncoder(counters=counters, mix=mixer.mix, mixing=mixer.active)
    mixer.guest_add(3)
    feed(mixer, 3, 1000, 10)
    # when
    packets = []
    for index in range(5):
        packets += encoder.encode(tone(440, start=index * SAMPLES))
    # then one Opus packet per chunk, each of them mixed
    assert len(packets) >= 4
    assert counters.audio_frames_mixed >= 4


def test_the_rooms_hls_hears_the_guest_too():
    # given a room's encoder whose chunks also go to its HLS (the tap), with a guest on mic
    counters = RelayCounters()
    mixer = GuestMixer(counters)
    tapped: list[av.AudioFrame] = []
    encoder = AudioEncoder(counters=counters, mix=mixer.mix, mixing=mixer.active, tap=tapped.append)
    mixer.guest_add(3)
    feed(mixer, 3, 1000, 10)
    # when the anchor speaks
    for index in range(5):
        encoder.encode(tone(440, start=index * SAMPLES))
    # then HLS gets the chunks WebRTC viewers hear: the anchor and the guest
    assert len(tapped) >= 4
    assert level(tapped[-1], 440) > 0.1
    assert level(tapped[-1], 1000) > 0.1
