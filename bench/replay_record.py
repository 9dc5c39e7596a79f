"""Recording benchmark: what recording a room (回放) adds to the relay's own encode.

    python -m bench.replay_record [--seconds 20]

The relay encodes each room once (VP8 640x480 30 fps + Opus 20 ms, media.py); the recorder
muxes those same packets into WebM (recorder.py), no second encode. This measures, in the same
run, the CPU time of the relay's encode of `--seconds` of a moving picture with a tone
(baseline) and the CPU time of the recorder's thread muxing the packets it produced, and
prints both with the ratio. Target: recording adds <= 5 % to the room's encode.

Then what silencing a deleted 连麦 guest costs (daigang.replays.redaction): the CPU time of
rewriting that file with every audio packet replaced by encoded silence (the worst case: the
guest on air the whole time), with its ratio to the same encode.
"""

from __future__ import annotations

import argparse
import fractions
import math
import os
import tempfile
import threading
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

import av  # noqa: E402

from daigang.streaming.media import AudioEncoder, RelayCounters, VideoEncoder  # noqa: E402
from daigang.streaming.recorder import (  # noqa: E402
    Recorder,
    RecordingHooks,
    webm_audio_silence,
)


def _frames(seconds: float) -> list[tuple[av.VideoFrame, av.AudioFrame | None]]:
    made = []
    for index in range(int(seconds * 30)):
        video = av.VideoFrame(640, 480, "yuv420p")
        y, u, v = video.planes
        row = bytes((x * 3 + index * 7) % 256 for x in range(y.line_size))
        y.update(row * 480)
        u.update(bytes([(index * 3) % 256]) * u.buffer_size)
        v.update(bytes([128]) * v.buffer_size)
        video.pts, video.time_base = 3_000 * index, fractions.Fraction(1, 90_000)
        audio = None
        if index % 3 != 2:
            audio = av.AudioFrame(format="s16", layout="stereo", samples=960)
            audio.sample_rate = 48_000
            samples = b"".join(
                int(8000 * math.sin(2 * math.pi * 440 * (index * 960 + n) / 48_000)).to_bytes(
                    2, "little", signed=True
                )
                * 2
                for n in range(960)
            )
            audio.planes[0].update(samples)
        made.append((video, audio))
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    frames = _frames(args.seconds)
    counters = RelayCounters()
    video, audio = VideoEncoder(counters=counters), AudioEncoder(counters=counters)

    # baseline: the relay's one encode
    started = time.thread_time()
    packets: list[tuple[str, av.Packet]] = []
    for picture, sound in frames:
        packets += [("v", p) for p in video.encode(picture)]
        if sound is not None:
            packets += [("a", p) for p in audio.encode(sound)]
    encode_cpu = time.thread_time() - started

    # recording: the recorder's thread muxing those packets
    path = Path(tempfile.mkdtemp(prefix="bench-replay-")) / "room.webm"
    cpu: dict[str, float] = {}
    done = threading.Event()

    def finish(_id: int, result: object) -> None:
        cpu["mux"] = time.thread_time()  # in the recorder's thread, since its start
        done.set()

    recorder = Recorder(hooks=RecordingHooks(begin=lambda: (1, path), finish=finish))
    recorder.segment_mark()
    for kind, packet in packets:
        (recorder.push_video if kind == "v" else recorder.push_audio)(packet)
    recorder.close()
    done.wait(60)
    recorder.join(60)
    mux_cpu = cpu["mux"]
    size = path.stat().st_size
    print(f"media: {args.seconds:.0f} s of 640x480 30 fps VP8 + Opus, {len(packets)} packets")
    print(f"relay encode (baseline): {encode_cpu * 1000:8.1f} ms CPU")
    print(f"recording (mux thread):  {mux_cpu * 1000:8.1f} ms CPU, file {size / 1024:.0f} KiB")
    print(f"ratio recording / encode: {mux_cpu / encode_cpu * 100:.2f} %  (target <= 5 %)")
    with av.open(str(path)) as container:
        print(f"file duration: {container.duration / 1_000_000:.2f} s")

    started = time.process_time()
    replaced, _ = webm_audio_silence(path, [(0.0, args.seconds + 1)])
    redact_cpu = time.process_time() - started
    print(f"silencing a guest (all {replaced} audio packets): {redact_cpu * 1000:8.1f} ms CPU")
    print(f"ratio silencing / encode: {redact_cpu / encode_cpu * 100:.2f} %")


if __name__ == "__main__":
    main()
