"""Relay in its own process: what the hop costs a WHEP answer, against the in-process relay.

    scripts/in-loopback-netns .venv/bin/python -m bench.relay_process [--offers 40]

The same recvonly offer (Chromium-like: VP8 + Opus, from aiortc) is answered --offers times,
one after the other, by:
- in process: `relay_await(relay.view(...))` on this process's relay loop (STREAM_RELAY=inprocess);
- out of process: `relay_control.relay_ask(op="view")` through a Redis of the bench's own to
  `manage.py relay`'s server (RelayServer) in a subprocess (STREAM_RELAY=process).
Each session is ended (not timed) before the next. Prints median and p95 answer latency of
each and the ratio out/in, and the relay subprocess's CPU per answer.

Per-viewer media CPU is not measured here: out of process it is bench.relay's figure (that
bench already runs the relay in a subprocess of its own, the layout `manage.py relay` has).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["WEBRTC_HOST_ADDRESSES"] = "127.0.0.1"
os.environ["WEBRTC_ICE_SERVERS"] = ""

ROOM_ID = 1


def serve(redis_url: str) -> None:
    """The subprocess: what `manage.py relay` serves (without its database sweep)."""
    os.environ.update(REDIS_URL=redis_url, STREAM_RELAY="process")
    import django

    django.setup()
    from daigang.streaming import ice, relay_control, services
    from daigang.streaming.loop import relay_loop

    ice.host_addresses_install()
    server = relay_control.RelayServer(index=0, handle=services.relay_request_handle)
    running = asyncio.run_coroutine_threadsafe(
        server.serve(drain=services.relay_drain), relay_loop()
    )
    print("serving", flush=True)
    sys.stdin.read()  # until the parent closes our stdin
    server.stop_soon()
    running.result(30)


async def _offer() -> str:
    from aiortc import RTCPeerConnection

    pc = RTCPeerConnection()
    pc.addTransceiver("video", direction="recvonly")
    pc.addTransceiver("audio", direction="recvonly")
    await pc.setLocalDescription(await pc.createOffer())
    offer = pc.localDescription.sdp
    await pc.close()
    return offer


async def _answers(mode: str, offer: str, count: int) -> list[float]:
    from django.conf import settings

    from daigang.streaming import relay_control, services
    from daigang.streaming.loop import relay_await

    settings.STREAM_RELAY = mode
    timings = []
    for _ in range(count):
        started = time.perf_counter()
        if mode == "process":
            reply = await relay_control.relay_ask(op="view", room_id=ROOM_ID, offer_sdp=offer)
            session_id = reply["answer"]["session_id"]
        else:
            answer = await relay_await(
                services.relay_request_handle_session("view", ROOM_ID, offer)
            )
            session_id = answer.session_id
        timings.append(time.perf_counter() - started)
        if mode == "process":
            await relay_control.relay_ask(
                op="session_end", room_id=ROOM_ID, session_id=session_id, role="viewer"
            )
        else:
            await relay_await(
                services.relay_serving().session_end(
                    room_id=ROOM_ID, session_id=session_id, role="viewer"
                )
            )
    return timings


def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _line(name: str, timings: list[float]) -> tuple[float, float]:
    ordered = sorted(timings)
    median = statistics.median(ordered) * 1000
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000
    print(f"{name:<16} median {median:7.2f} ms   p95 {p95:7.2f} ms   ({len(timings)} answers)")
    return median, p95


def run(*, offers: int = 40) -> dict[str, float]:
    """Answer `offers` WHEP offers in process, then through the relay process; print the
    figures and return them (ms; CPU of the relay process per answer)."""
    from daigang.core.testing_faults import PrivateRedis, free_port

    with tempfile.TemporaryDirectory() as folder:
        redis = PrivateRedis(free_port(), Path(folder))
        redis.start()
        os.environ.update(REDIS_URL=redis.url)
        relay = subprocess.Popen(
            [sys.executable, "-m", "bench.relay_process", "--serve", redis.url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert relay.stdout is not None and relay.stdout.readline().strip() == "serving"
            import django

            django.setup()
            from daigang.streaming import ice

            ice.host_addresses_install()
            offer = asyncio.run(_offer())
            # Warm both paths (imports, the first DTLS certificate, the Redis connection).
            asyncio.run(_answers("inprocess", offer, 3))
            asyncio.run(_answers("process", offer, 3))
            inprocess = asyncio.run(_answers("inprocess", offer, offers))
            cpu_before = _cpu_seconds(relay.pid)
            process = asyncio.run(_answers("process", offer, offers))
            relay_cpu = _cpu_seconds(relay.pid) - cpu_before
        finally:
            assert relay.stdin is not None
            relay.stdin.close()
            relay.wait(30)
            redis.stop()

    print(f"WHEP answer latency, {offers} offers one after the other, loopback:")
    in_median, in_p95 = _line("in process", inprocess)
    out_median, out_p95 = _line("relay process", process)
    cpu_ms = relay_cpu / offers * 1000
    print(
        f"ratio relay process / in process: median {out_median / in_median:.2f}x, "
        f"p95 {out_p95 / in_p95:.2f}x; relay process CPU per answer (+ its end) {cpu_ms:.1f} ms"
    )
    return {
        "answers_in": len(inprocess),
        "answers_out": len(process),
        "median_in_ms": in_median,
        "median_out_ms": out_median,
        "relay_cpu_ms": cpu_ms,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--offers", type=int, default=40)
    parser.add_argument("--serve", default="")
    args = parser.parse_args()
    if args.serve:
        serve(args.serve)
    else:
        run(offers=args.offers)


if __name__ == "__main__":
    main()
