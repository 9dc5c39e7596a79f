"""Guests' voices added into the room's sound before its one Opus encode (连麦).

The anchor's audio stays the clock: every 20 ms chunk of it that the room's AudioEncoder is
about to encode is handed to `GuestMixer.mix`, which adds each unmuted guest's next 20 ms
(16-bit PCM, saturating at the limits instead of wrapping) and gives the chunk back. So
viewers still receive ONE Opus stream, encoded once per room, whatever the number of guests
or viewers.

A guest's decoded audio arrives on the relay loop (`push`) and is taken on the room's encoding
thread (`mix`): a lock guards the buffers. Each guest's buffer waits for PREBUFFER_BYTES before
it is heard (network jitter), and never holds more than MAX_BUFFER_BYTES (a guest whose clock
runs fast, or a burst after a stall, must not add delay: the oldest sound is dropped), so a
guest is at most ~200 ms behind the anchor in the mix. Removing a guest stops its sound from
the next chunk on.
"""

from __future__ import annotations

import threading
import time
import warnings
from dataclasses import dataclass, field

import av

from daigang.streaming.media import AUDIO_SAMPLES_PER_PACKET, RelayCounters

with warnings.catch_warnings():
    # audioop (C, in the standard library up to 3.12) adds PCM with saturation; the project
    # pins Python 3.11. Without it the add would need numpy, which nothing else here needs.
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop

SAMPLE_RATE = 48_000
BYTES_PER_SAMPLE = 4  # s16, stereo, packed
CHUNK_BYTES = AUDIO_SAMPLES_PER_PACKET * BYTES_PER_SAMPLE
PREBUFFER_BYTES = 3 * CHUNK_BYTES  # 60 ms
MAX_BUFFER_BYTES = 10 * CHUNK_BYTES  # 200 ms


@dataclass
class _Guest:
    muted: bool = False
    heard: bool = False  # prebuffered: its sound is being taken
    buffer: bytearray = field(default_factory=bytearray)
    resampler: av.AudioResampler | None = None


class GuestMixer:
    """One room's guests; `mix` is called once per chunk of the anchor's audio."""

    def __init__(self, counters: RelayCounters | None = None) -> None:
        self.counters = counters or RelayCounters()
        self._lock = threading.Lock()
        self._guests: dict[int, _Guest] = {}
        # Time spent adding guests into the anchor's chunks (the mixing cost, for bench.relay).
        self.mix_seconds = 0.0

    def guest_add(self, key: int, *, muted: bool = False) -> None:
        with self._lock:
            self._guests[key] = _Guest(muted=muted)

    def guest_remove(self, key: int) -> None:
        with self._lock:
            self._guests.pop(key, None)

    def guest_mute(self, key: int, muted: bool) -> None:
        with self._lock:
            guest = self._guests.get(key)
            if guest is not None:
                guest.muted = muted
                guest.buffer.clear()
                guest.heard = False

    def guests(self) -> list[int]:
        with self._lock:
            return list(self._guests)

    def active(self) -> bool:
        """Any guest to mix (a cheap check the encoder makes for every chunk)."""
        return bool(self._guests)

    def push(self, key: int, frame: av.AudioFrame) -> None:
        """A decoded frame of a guest's audio (relay loop). Unknown or muted guests: dropped."""
        with self._lock:
            guest = self._guests.get(key)
            if guest is None or guest.muted:
                return
            pcm = self._pcm(guest, frame)
            guest.buffer += pcm
            excess = len(guest.buffer) - MAX_BUFFER_BYTES
            if excess > 0:
                del guest.buffer[: excess - excess % BYTES_PER_SAMPLE]
            self.counters.guest_audio_frames_in += 1

    def mix(self, chunk: av.AudioFrame) -> av.AudioFrame:
        """The anchor's chunk (s16 stereo 48 kHz) with every heard guest added; the chunk
        itself when there is nobody to add."""
        started = time.perf_counter()
        size = chunk.samples * BYTES_PER_SAMPLE
        parts: list[bytes] = []
        with self._lock:
            for guest in self._guests.values():
                if guest.muted:
                    continue
                if not guest.heard:
                    if len(guest.buffer) < PREBUFFER_BYTES:
                        continue
                    guest.heard = True
                if len(guest.buffer) < size:
                    # Underrun (the guest's network stalled): what there is, then wait again.
                    part = bytes(guest.buffer) + bytes(size - len(guest.buffer))
                    guest.buffer.clear()
                    guest.heard = False
                else:
                    part = bytes(guest.buffer[:size])
                    del guest.buffer[:size]
                parts.append(part)
        if not parts:
            return chunk
        pcm = bytes(chunk.planes[0])[:size]
        for part in parts:
            pcm = audioop.add(pcm, part, 2)
        mixed = av.AudioFrame(format="s16", layout="stereo", samples=chunk.samples)
        mixed.planes[0].update(pcm + bytes(mixed.planes[0].buffer_size - size))
        mixed.sample_rate = SAMPLE_RATE
        mixed.pts = chunk.pts
        if chunk.time_base is not None:
            mixed.time_base = chunk.time_base
        self.counters.audio_frames_mixed += 1
        self.mix_seconds += time.perf_counter() - started
        return mixed

    @staticmethod
    def _pcm(guest: _Guest, frame: av.AudioFrame) -> bytes:
        if (
            frame.format.name == "s16"
            and frame.layout.name == "stereo"
            and frame.sample_rate == SAMPLE_RATE
        ):
            # What aiortc's Opus decoder gives: no conversion needed.
            return bytes(frame.planes[0])[: frame.samples * BYTES_PER_SAMPLE]
        if guest.resampler is None:
            guest.resampler = av.AudioResampler(format="s16", layout="stereo", rate=SAMPLE_RATE)
        frame.pts = None
        return b"".join(
            bytes(out.planes[0])[: out.samples * BYTES_PER_SAMPLE]
            for out in guest.resampler.resample(frame)
        )
