"""Relay benchmark: server CPU per WebRTC viewer, encode-once relay vs aiortc's stock MediaRelay.

    python -m bench.relay [--viewers 1,5,10,20] [--seconds 5] [--guest]

One 640x480 30 fps room (a moving bar over a scrolling texture, VP8, plus a 48 kHz tone) is
published to a relay running in a subprocess; 1, 5, 10, 20 viewers connect to it. For each
count the relay process's CPU time (/proc/<pid>/stat: user + system, all threads) is read over
a fixed window. The same is done with aiortc's stock `MediaRelay`, where the decoded frames go
to every viewer's sender, which encodes them again.

The publisher and the viewers run in this (the parent) process. Viewers count the frames they
receive but do not decode them (aiortc's decoder is replaced by a counter here), so the parent
stays light and every viewer can be checked to be receiving. Everything is on 127.0.0.1: ICE
gathers on WEBRTC_HOST_ADDRESSES=127.0.0.1 only and no STUN server is configured.

Prints a table: viewers, CPU % of one core for ours and stock, frames per second each viewer
received; then the marginal CPU per extra viewer and the ratio of stock to ours.
Targets: ours <= 1 % of a core per extra viewer; >= 10x cheaper per viewer than stock.

`--guest` measures the encode-once relay with a mic-link guest on air (连麦: a second aiortc
client publishing a 1000 Hz tone, audio only, to the room's guest path; the relay decodes it
and adds it into the anchor's audio before the one Opus encode) against the same relay with no
guest, in the same run: the per-viewer cost with a guest, the ratio to the no-guest baseline,
and the mixing cost (the guest's decode + mix: the CPU the relay adds at one viewer, and the
mixer's own time). Target: still <= 1 % of a core per extra viewer with a guest.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import multiprocessing
import os
import pstats
import sys
import time
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import ClassVar

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["WEBRTC_HOST_ADDRESSES"] = "127.0.0.1"
os.environ["WEBRTC_ICE_SERVERS"] = ""

ROOM_ID = 1
WIDTH, HEIGHT = 640, 480
CONNECT_TIMEOUT = 20.0
WARMUP = 2.0


# -- the relay process -----------------------------------------------------------------------
def serve(mode: str, conn: Connection, profile: str = "") -> None:
    import django

    django.setup()
    asyncio.run(_serve(mode, conn, profile))


async def _serve(mode: str, conn: Connection, profile: str) -> None:
    from daigang.streaming import ice
    from daigang.streaming.loop import relay_await

    ice.host_addresses_install()
    # "guest" is ours with a mic-link guest on air (OursServer.guest).
    server = StockServer() if mode == "stock" else OursServer()
    profiler = cProfile.Profile() if profile else None

    async def on_relay_thread(call) -> None:
        call()  # cProfile follows the thread that enables it: the relay's

    if profiler is not None:
        await relay_await(on_relay_thread(profiler.enable))
    while True:
        op, *args = await asyncio.to_thread(conn.recv)
        if op == "stop":
            await relay_await(server.close())
            if profiler is not None:
                await relay_await(on_relay_thread(profiler.disable))
                await asyncio.to_thread(profile_write, profiler, f"{profile}.{mode}.txt")
            conn.send(None)
            return
        try:
            # On the relay's own loop (daigang.streaming.loop), as in production, for both.
            conn.send(await relay_await(getattr(server, op)(*args)))
        except Exception as exc:
            conn.send(exc)


def profile_write(profiler: cProfile.Profile, path: str) -> None:
    with open(path, "w") as out:
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(40)


class OursServer:
    """The daigang relay, exactly as the WHIP/WHEP views drive it (minus HTTP)."""

    def __init__(self) -> None:
        from daigang.streaming.relay import Relay, RelayConfig

        self.relay = Relay()
        self.config = RelayConfig()

    async def publish(self, sdp: str) -> str:
        answer = await self.relay.publish(room_id=ROOM_ID, offer_sdp=sdp, config=self.config)
        return answer.sdp

    async def view(self, sdp: str) -> str:
        answer = await self.relay.view(room_id=ROOM_ID, offer_sdp=sdp, config=self.config)
        return answer.sdp

    async def guest(self, sdp: str) -> str:
        """A mic-link guest on air (request 1), as the guest WHIP view drives it."""
        answer = await self.relay.guest_publish(
            room_id=ROOM_ID, request_id=1, offer_sdp=sdp, config=self.config
        )
        return answer.sdp

    async def stats(self) -> dict:
        return self.relay.stats(ROOM_ID) or {}

    async def close(self) -> None:
        await self.relay.close_all()


class StockServer:
    """aiortc's MediaRelay: one decode, then each viewer's sender encodes the frames itself."""

    def __init__(self) -> None:
        from aiortc.contrib.media import MediaRelay

        self.relay = MediaRelay()
        self.sources: dict = {}
        self.pcs: list = []

    async def _answer(self, pc, sdp: str) -> str:
        from aiortc import RTCSessionDescription

        await pc.setRemoteDescription(RTCSessionDescription(sdp=sdp, type="offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def publish(self, sdp: str) -> str:
        from aiortc import RTCPeerConnection

        from daigang.streaming.ice import rtc_configuration

        pc = RTCPeerConnection(rtc_configuration())
        self.pcs.append(pc)
        pc.on("track", lambda track: self.sources.__setitem__(track.kind, track))
        return await self._answer(pc, sdp)

    async def view(self, sdp: str) -> str:
        from aiortc import RTCPeerConnection, RTCRtpSender

        from daigang.streaming.ice import rtc_configuration

        pc = RTCPeerConnection(rtc_configuration())
        self.pcs.append(pc)
        for kind, mime_types in (("video", ("video/VP8", "video/rtx")), ("audio", ("audio/opus",))):
            transceiver = pc.addTransceiver(
                self.relay.subscribe(self.sources[kind]), direction="sendonly"
            )
            transceiver.setCodecPreferences(
                [
                    codec
                    for codec in RTCRtpSender.getCapabilities(kind).codecs
                    if codec.mimeType in mime_types
                ]
            )
        return await self._answer(pc, sdp)

    async def stats(self) -> dict:
        return {}

    async def close(self) -> None:
        for pc in self.pcs:
            await pc.close()


# -- the parent: publisher, viewers, measurement ---------------------------------------------
class CountingDecoder:
    """Stands in for aiortc's decoders in the viewers: counts frames, decodes nothing."""

    instances: ClassVar[list[CountingDecoder]] = []

    def __init__(self, kind: str) -> None:
        self.kind = kind
        self.frames = 0
        CountingDecoder.instances.append(self)

    def decode(self, encoded_frame) -> list:
        self.frames += 1
        return []


def textured_pattern_track():
    """PatternVideoTrack over a scrolling diagonal texture: closer to a camera's work."""
    import av

    from daigang.streaming.testing import PATTERN_FRAMES, PatternVideoTrack

    track = PatternVideoTrack(WIDTH, HEIGHT)
    stride = av.VideoFrame(WIDTH, HEIGHT, "yuv420p").planes[0].line_size
    ramp = bytes(range(256)) * ((WIDTH + stride) // 256 + 3)
    bar = WIDTH // 8
    for index in range(PATTERN_FRAMES):
        start = index * (WIDTH - bar) // (PATTERN_FRAMES - 1)
        rows = []
        for y in range(HEIGHT):
            offset = (y + 8 * index) % 256
            row = bytearray(ramp[offset : offset + WIDTH])
            row[start : start + bar] = bytes([235]) * bar
            rows.append(bytes(row) + bytes(stride - WIDTH))
        track._planes[index][0] = b"".join(rows)
    return track


async def rpc(conn: Connection, *message):
    conn.send(message)
    result = await asyncio.to_thread(conn.recv)
    if isinstance(result, Exception):
        raise result
    return result


def cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # fields[11], fields[12] are utime and stime (fields 14 and 15 of the whole line)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@dataclass
class Sample:
    viewers: int
    cpu_percent: float
    fps_per_viewer: float
    stalled: int
    # With a mic-link guest: the share of a core the mixer itself took in the window.
    mix_percent: float = 0.0


async def run_mode(mode: str, counts: list[int], seconds: float, profile: str = "") -> list[Sample]:
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription

    from daigang.streaming.testing import ToneAudioTrack

    parent_conn, child_conn = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=serve, args=(mode, child_conn, profile), daemon=True
    )
    process.start()
    pcs: list[RTCPeerConnection] = []
    samples: list[Sample] = []
    try:
        publisher = RTCPeerConnection(RTCConfiguration(iceServers=[]))
        pcs.append(publisher)
        video = publisher.addTransceiver(textured_pattern_track(), direction="sendonly")
        video.setCodecPreferences(
            [
                c
                for c in RTCRtpSender.getCapabilities("video").codecs
                if c.mimeType in ("video/VP8", "video/rtx")
            ]
        )
        publisher.addTransceiver(ToneAudioTrack(), direction="sendonly")
        await publisher.setLocalDescription(await publisher.createOffer())
        answer = await rpc(parent_conn, "publish", publisher.localDescription.sdp)
        await publisher.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
        await asyncio.sleep(1.0)  # the source starts flowing into the relay
        if mode == "guest":
            guest = RTCPeerConnection(RTCConfiguration(iceServers=[]))
            pcs.append(guest)
            guest.addTransceiver(ToneAudioTrack(1000), direction="sendonly")
            await guest.setLocalDescription(await guest.createOffer())
            answer = await rpc(parent_conn, "guest", guest.localDescription.sdp)
            await guest.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
            deadline = time.monotonic() + CONNECT_TIMEOUT
            while (await rpc(parent_conn, "stats"))["counters"]["audio_frames_mixed"] == 0:
                if time.monotonic() > deadline:
                    raise RuntimeError("guest: its audio never reached the mix")
                await asyncio.sleep(0.1)

        viewers_video: list[CountingDecoder] = []
        for count in counts:
            while len(viewers_video) < count:
                before = len(CountingDecoder.instances)
                viewer = RTCPeerConnection(RTCConfiguration(iceServers=[]))
                pcs.append(viewer)
                viewer.addTransceiver("video", direction="recvonly")
                viewer.addTransceiver("audio", direction="recvonly")
                await viewer.setLocalDescription(await viewer.createOffer())
                answer = await rpc(parent_conn, "view", viewer.localDescription.sdp)
                await viewer.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
                deadline = time.monotonic() + CONNECT_TIMEOUT
                while True:
                    mine = [d for d in CountingDecoder.instances[before:] if d.kind == "video"]
                    if mine and mine[0].frames > 0:
                        viewers_video.append(mine[0])
                        break
                    if time.monotonic() > deadline:
                        raise RuntimeError(f"{mode}: viewer {len(viewers_video) + 1} got nothing")
                    await asyncio.sleep(0.05)
            await asyncio.sleep(WARMUP)
            frames_before = [d.frames for d in viewers_video]
            mix_before = (await rpc(parent_conn, "stats")).get("mix_seconds", 0.0)
            cpu_before, wall_before = cpu_seconds(process.pid), time.monotonic()
            await asyncio.sleep(seconds)
            cpu_after, wall_after = cpu_seconds(process.pid), time.monotonic()
            mix_after = (await rpc(parent_conn, "stats")).get("mix_seconds", 0.0)
            received = [d.frames - b for d, b in zip(viewers_video, frames_before, strict=True)]
            wall = wall_after - wall_before
            samples.append(
                Sample(
                    viewers=count,
                    cpu_percent=100 * (cpu_after - cpu_before) / wall,
                    fps_per_viewer=sum(received) / len(received) / wall,
                    stalled=sum(1 for r in received if r == 0),
                    mix_percent=100 * (mix_after - mix_before) / wall,
                )
            )
            print(
                f"  {mode:5} {count:3} viewers: {samples[-1].cpu_percent:6.1f} % CPU, "
                f"{samples[-1].fps_per_viewer:5.1f} fps/viewer",
                file=sys.stderr,
                flush=True,
            )
        if mode != "stock":
            stats = await rpc(parent_conn, "stats")
            print(f"  {mode} relay counters: {stats.get('counters')}", file=sys.stderr)
        await rpc(parent_conn, "stop")
    finally:
        for pc in pcs:
            await pc.close()
        process.join(5)
        if process.is_alive():
            process.kill()
    return samples


SOURCE_FPS = 30.0


def marginal(samples: list[Sample], index: int = -1) -> float:
    """CPU % of a core per extra viewer, from 1 viewer to samples[index].

    Counted per full-rate viewer: the extra viewer-frames delivered per second divided by the
    source's 30 fps. A relay that runs out of CPU delivers fewer frames to each viewer; dividing
    by the viewers connected would then understate what each one costs.
    """
    first, last = samples[0], samples[index]
    extra = (last.viewers * last.fps_per_viewer - first.viewers * first.fps_per_viewer) / (
        SOURCE_FPS
    )
    return (last.cpu_percent - first.cpu_percent) / max(extra, 0.1)


def report(ours: list[Sample], stock: list[Sample]) -> None:
    print()
    print(
        "viewers | ours CPU % | ours fps/viewer | ours +%/viewer "
        "| stock CPU % | stock fps/viewer | stock +%/viewer | ratio"
    )
    print(
        "--------|------------|-----------------|----------------"
        "|-------------|------------------|-----------------|------"
    )
    for index, (a, b) in enumerate(zip(ours, stock, strict=True)):
        if index == 0:
            ours_m = stock_m = ratio = "-"
        else:
            ours_m = f"{marginal(ours, index):.2f}"
            stock_m = f"{marginal(stock, index):.2f}"
            ratio = f"{marginal(stock, index) / max(marginal(ours, index), 0.01):.1f}x"
        print(
            f"{a.viewers:7} | {a.cpu_percent:10.1f} | {a.fps_per_viewer:15.1f} | {ours_m:>14} "
            f"| {b.cpu_percent:11.1f} | {b.fps_per_viewer:16.1f} | {stock_m:>15} | {ratio:>5}"
        )
    ours_marginal, stock_marginal = marginal(ours), marginal(stock)
    ratio_value = stock_marginal / max(ours_marginal, 0.01)
    print()
    print(
        f"marginal CPU per extra viewer (1 -> {ours[-1].viewers} viewers, per full-rate viewer): "
        f"ours {ours_marginal:.2f} % of a core, stock {stock_marginal:.2f} % of a core, "
        f"stock/ours {ratio_value:.1f}x"
    )
    raw_ours = (ours[-1].cpu_percent - ours[0].cpu_percent) / max(ours[-1].viewers - 1, 1)
    raw_stock = (stock[-1].cpu_percent - stock[0].cpu_percent) / max(stock[-1].viewers - 1, 1)
    print(f"(per viewer connected, not normalised: ours {raw_ours:.2f} %, stock {raw_stock:.2f} %)")
    saturated = [s.viewers for s in stock if s.fps_per_viewer < 0.8 * SOURCE_FPS]
    if saturated:
        print(
            f"note: stock delivered < 80 % of the frames at {saturated} viewers: out of CPU, "
            "it drops frames instead of costing more"
        )
    stalled = [(s.viewers, s.stalled) for s in ours + stock if s.stalled]
    if stalled:
        print(f"note: viewers that received nothing in a window (viewers, stalled): {stalled}")
    print(
        f"targets: ours <= 1 % per extra viewer: {'met' if ours_marginal <= 1 else 'NOT met'}; "
        f">= 10x cheaper per viewer than stock: {'met' if ratio_value >= 10 else 'NOT met'}"
    )


def report_guest(ours: list[Sample], guest: list[Sample]) -> None:
    """The encode-once relay with a mic-link guest on air against no guest, same run."""
    with_guest, baseline = marginal(guest), marginal(ours)
    print()
    print("viewers | no guest CPU % | with guest CPU % | fps/viewer (guest) | mixer % of a core")
    print("--------|----------------|------------------|--------------------|------------------")
    for a, b in zip(ours, guest, strict=True):
        print(
            f"{a.viewers:7} | {a.cpu_percent:14.1f} | {b.cpu_percent:16.1f} "
            f"| {b.fps_per_viewer:18.1f} | {b.mix_percent:17.2f}"
        )
    print()
    print(
        f"marginal CPU per extra viewer with a guest on air (1 -> {guest[-1].viewers} viewers): "
        f"{with_guest:.2f} % of a core; no guest (same run): {baseline:.2f} %; "
        f"ratio {with_guest / max(baseline, 0.01):.2f}x"
    )
    added = guest[0].cpu_percent - ours[0].cpu_percent
    mixer = sum(s.mix_percent for s in guest) / len(guest)
    print(
        f"mixing cost: a guest adds {added:.2f} % of a core at 1 viewer (its decode and the mix, "
        f"once per room), of which the mixer itself {mixer:.2f} %"
    )
    print(
        f"target: <= 1 % per extra viewer with a guest: {'met' if with_guest <= 1 else 'NOT met'}"
    )


async def main_async(
    counts: list[int], seconds: float, profile: str, modes: list[str]
) -> dict[str, list[Sample]]:
    import aiortc.rtcrtpreceiver
    import django

    django.setup()
    from daigang.streaming import ice

    ice.host_addresses_install()
    aiortc.rtcrtpreceiver.get_decoder = lambda codec: CountingDecoder(  # type: ignore[assignment]
        codec.mimeType.split("/")[0]
    )
    print(
        f"relay benchmark: {WIDTH}x{HEIGHT} 30 fps, viewers {counts}, {seconds:g} s windows",
        file=sys.stderr,
    )
    results = {}
    for mode in modes:
        CountingDecoder.instances.clear()
        results[mode] = await run_mode(mode, counts, seconds, profile)
    if "ours" in results and "stock" in results:
        report(results["ours"], results["stock"])
    if "ours" in results and "guest" in results:
        report_guest(results["ours"], results["guest"])
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--viewers", default="1,5,10,20")
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--modes", default="ours,stock", help="ours, stock or both")
    parser.add_argument("--profile", default="", help="write the relay's cProfile to PREFIX.*")
    parser.add_argument(
        "--guest",
        action="store_true",
        help="ours with a mic-link guest on air against ours without, instead of stock",
    )
    args = parser.parse_args()
    modes = ["ours", "guest"] if args.guest else args.modes.split(",")
    run(
        counts=sorted({int(n) for n in args.viewers.split(",")}),
        seconds=args.seconds,
        modes=[mode for mode in ("ours", "stock", "guest") if mode in modes],
        profile=args.profile,
    )


def run(
    *,
    counts: list[int],
    seconds: float = 5.0,
    modes: list[str] | tuple[str, ...] = ("ours", "stock"),
    profile: str = "",
) -> dict[str, list[Sample]]:
    """Measure each mode at each viewer count (ascending); print and return the samples by mode.

    Sets Django up and replaces aiortc's decoder in this process: call it from a process of its
    own (in a loopback-only network namespace, see the module doc).
    """
    started = time.monotonic()
    print(f"load average before: {_loadavg()}", file=sys.stderr)
    results = asyncio.run(asyncio.wait_for(main_async(counts, seconds, profile, list(modes)), 600))
    print(
        f"(took {time.monotonic() - started:.0f} s; load average after: {_loadavg()})",
        file=sys.stderr,
    )
    return results


def _loadavg() -> str:
    with open("/proc/loadavg") as loadavg:
        return " ".join(loadavg.read().split()[:3])


if __name__ == "__main__":
    main()
