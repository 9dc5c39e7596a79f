"""HLS benchmark: a live room's HLS through Debian's nginx with proxy_cache, to 2,000 players.

    scripts/in-loopback-netns .venv/bin/python -m bench.hls [--clients 2000] [--baseline 20]
                                                           [--seconds 20]

A real room: an aiortc publisher (this process) sends 640x480 30 fps VP8 (a moving bar over a
scrolling texture) and a tone to the relay (a process of its own, as `manage.py relay`), which
encodes H.264 + AAC once and writes 2 s segments (daigang/streaming/hls.py, STREAM_HLS=always).
The origin is uvicorn serving config.asgi (another process; its views serve the files), and
Debian's nginx runs deploy/nginx/daigang.conf in front of it, as shipped (tests/e2e/nginx_site.py
makes the deployment's substitutions and adds a plain-HTTP listener for the clients).

Players (asyncio, one keep-alive HTTP/1.1 connection each, bench/http_client.py, in a process
of their own) behave like hls.js at the live edge: they read the playlist every second, fetch
each new segment once, and start at the newest one. First `--baseline` players for `--seconds`,
then `--clients` players for as long, and for each window:

- origin requests per segment: segment requests that reached uvicorn (its access log) divided
  by the distinct segments fetched (target ≈ 1: the cache collapses them, proxy_cache_lock);
- origin playlist requests per second (≈ 1: max-age=1);
- origin CPU (utime + stime of the uvicorn process, /proc/<pid>/stat) as a share of one core,
  and the ratio 2,000 : baseline (target ≈ 1: the origin's work does not grow with players);
  nginx's CPU beside it (that one does grow: it is the part a CDN takes over);
- glass-to-glass delay: when a player has the newest segment, the wall clock minus that
  segment's EXT-X-PROGRAM-DATE-TIME (when its first frame reached the relay), p50 and p95; a
  player that starts it then shows that frame that late. Target ≤ 6 s with 2 s segments.
  Frames reach the relay a few tens of ms after the publisher made them (loopback): not counted.

Everything runs on 127.0.0.1, on the same 2 cores: the players' own CPU is printed too.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from multiprocessing.connection import Connection
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ["WEBRTC_HOST_ADDRESSES"] = "127.0.0.1"
os.environ["WEBRTC_ICE_SERVERS"] = ""

ROOT = Path(__file__).resolve().parent.parent
ROOM_ID = 1
PLAYLIST = f"/stream/rooms/{ROOM_ID}/hls/index.m3u8"
SEGMENT_SECONDS = 2
POLL_SECONDS = 1.0
ENTRY = re.compile(r"#EXT-X-PROGRAM-DATE-TIME:(\S+)\s+(seg-\d+\.ts)")


# -- the relay process -----------------------------------------------------------------------
def relay_serve(conn: Connection, hls_root: str) -> None:
    import django

    django.setup()
    asyncio.run(_relay(conn, hls_root))


async def _relay(conn: Connection, hls_root: str) -> None:
    from daigang.streaming import ice
    from daigang.streaming.hls import HlsConfig
    from daigang.streaming.loop import relay_await
    from daigang.streaming.relay import Relay, RelayConfig

    ice.host_addresses_install()
    relay = Relay()
    config = RelayConfig(
        hls=HlsConfig(mode="always", root=Path(hls_root), segment_seconds=SEGMENT_SECONDS)
    )
    while True:
        op, *args = await asyncio.to_thread(conn.recv)
        if op == "stop":
            await relay_await(relay.close_all())
            conn.send(None)
            return
        try:
            answer = await relay_await(
                relay.publish(room_id=ROOM_ID, offer_sdp=args[0], config=config)
            )
            conn.send(answer.sdp)
        except Exception as exc:
            conn.send(exc)


# -- the players' process ----------------------------------------------------------------------
def players_run(conn: Connection, port: int, count: int, seconds: float) -> None:
    from bench.chat_fanout_servers import nofile_raise

    nofile_raise()
    conn.send(asyncio.run(_players(port, count, seconds)))


async def _players(port: int, count: int, seconds: float) -> dict:
    stats = {"segments": 0, "bytes": 0, "errors": 0, "playlists": 0, "delays": []}
    start = time.time()
    measure_from = start + 2 * POLL_SECONDS  # everyone has joined
    stop_at = measure_from + seconds
    names: set[str] = set()

    async def player() -> None:
        from bench.http_client import Conn

        conn = Conn(port)
        seen: set[str] = set()
        await asyncio.sleep(random.uniform(0, POLL_SECONDS))
        while time.time() < stop_at:
            try:
                status, body = await conn.request("GET", PLAYLIST, {}, b"")
                entries = ENTRY.findall(body.decode()) if status == 200 else []
                if not entries:
                    stats["errors"] += 1
                if not seen:
                    seen.update(name for _, name in entries[:-1])  # start at the live edge
                for when, name in entries:
                    if name in seen:
                        continue
                    seen.add(name)
                    status, segment = await conn.request(
                        "GET", PLAYLIST.replace("index.m3u8", name), {}, b""
                    )
                    now = time.time()
                    if status != 200 or not segment:
                        stats["errors"] += 1
                        continue
                    if now >= measure_from:
                        stats["segments"] += 1
                        stats["bytes"] += len(segment)
                        names.add(name)
                        if name == entries[-1][1]:
                            pdt = datetime.strptime(when, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
                            stats["delays"].append(now - pdt)
                if time.time() >= measure_from:
                    stats["playlists"] += 1
            except (OSError, TimeoutError):
                stats["errors"] += 1
            await asyncio.sleep(POLL_SECONDS)
        conn.close()

    await asyncio.gather(*(player() for _ in range(count)))
    stats["names"] = sorted(names)
    stats["cpu"] = _cpu_seconds(os.getpid())
    return stats


# -- measurement -------------------------------------------------------------------------------
def _cpu_seconds(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_tree(pid: int) -> float:
    """CPU seconds of `pid` and its children (nginx's master and worker)."""
    total = _cpu_seconds(pid)
    for child in Path(f"/proc/{pid}/task").glob("*/children"):
        for child_pid in child.read_text().split():
            total += _cpu_seconds(int(child_pid))
    return total


def _window(
    *,
    label: str,
    count: int,
    seconds: float,
    port: int,
    origin: subprocess.Popen,
    nginx: subprocess.Popen,
    access_log: Path,
) -> dict:
    parent, child = multiprocessing.get_context("spawn").Pipe()
    process = multiprocessing.get_context("spawn").Process(
        target=players_run, args=(child, port, count, seconds), daemon=True
    )
    process.start()
    time.sleep(2 * POLL_SECONDS + 0.5)  # players joined (as _players' measure_from)
    log_from = access_log.stat().st_size
    origin_from, nginx_from, started = _cpu_seconds(origin.pid), _cpu_tree(nginx.pid), time.time()
    time.sleep(seconds)
    origin_cpu = _cpu_seconds(origin.pid) - origin_from
    nginx_cpu = _cpu_tree(nginx.pid) - nginx_from
    elapsed = time.time() - started
    log_to = access_log.stat().st_size
    stats = parent.recv()
    process.join(30)
    text = access_log.read_bytes().decode(errors="replace")
    # Each segment the players fetched in the window, however often the origin served it
    # (before the window too: a segment made just before it).
    fetched = re.findall(r"GET /stream/rooms/\d+/hls/(seg-\d+\.ts)", text)
    segment_hits = sum(fetched.count(name) for name in stats["names"])
    playlist_hits = text[log_from:log_to].count("index.m3u8")
    stats["distinct"] = len(stats["names"])
    delays = sorted(stats["delays"])
    result = {
        "label": label,
        "players": count,
        "segments": stats["segments"],
        "distinct": stats["distinct"],
        "errors": stats["errors"],
        "mbit_s": stats["bytes"] * 8 / seconds / 1e6,
        "origin_per_segment": segment_hits / max(stats["distinct"], 1),
        "origin_playlists_s": playlist_hits / elapsed,
        "origin_cpu": 100 * origin_cpu / elapsed,
        "nginx_cpu": 100 * nginx_cpu / elapsed,
        "players_cpu": 100 * stats["cpu"] / (seconds + 2 * POLL_SECONDS),
        "delay_p50": statistics.median(delays) if delays else float("nan"),
        "delay_p95": delays[int(0.95 * (len(delays) - 1))] if delays else float("nan"),
    }
    print(
        f"{label:>9} {count:>6} players: {stats['segments']:>6} segments fetched "
        f"({stats['distinct']} distinct, {result['mbit_s']:.0f} Mbit/s), errors {stats['errors']}; "
        f"origin {result['origin_per_segment']:.2f} requests/segment, "
        f"{result['origin_playlists_s']:.2f} playlists/s, CPU {result['origin_cpu']:.1f} %; "
        f"nginx CPU {result['nginx_cpu']:.1f} %; players CPU {result['players_cpu']:.0f} %; "
        f"glass-to-glass p50 {result['delay_p50']:.2f} s, p95 {result['delay_p95']:.2f} s",
        flush=True,
    )
    return result


# -- servers -----------------------------------------------------------------------------------
def _wait_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    import socket

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"a server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("a server did not start")


def _nginx_start(workdir: Path, upstream_port: int) -> tuple[subprocess.Popen, int]:
    """deploy/nginx/daigang.conf as shipped (tests/e2e/nginx_site.py's substitutions) plus a
    plain-HTTP listener on the site for the players (no TLS: the players' CPU is the
    server's on this machine)."""
    from tests.e2e.nginx_site import NGINX, _certificate, _site, free_port

    cert, key = _certificate(workdir)
    http, https, plain = free_port(), free_port(), free_port()
    site = _site(
        upstreams=[f"127.0.0.1:{upstream_port}"],
        http=http,
        https=https,
        static=workdir / "static",
        cert=cert,
        key=key,
        cache=workdir / "hls-cache",
    )
    listen = f"listen 127.0.0.1:{https} ssl http2;"
    site = site.replace(listen, f"{listen}\n    listen 127.0.0.1:{plain};")
    (workdir / "site.conf").write_text(site)
    temp = {name: workdir / name for name in ("body", "proxy", "fastcgi", "uwsgi", "scgi")}
    for folder in temp.values():
        folder.mkdir()
    (workdir / "nginx.conf").write_text(f"""
{"user root;" if os.geteuid() == 0 else ""}
daemon off;
worker_processes 1;
worker_rlimit_nofile 16384;
pid {workdir}/nginx.pid;
error_log {workdir}/error.log warn;
events {{ worker_connections 8192; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp["body"]};
    proxy_temp_path {temp["proxy"]};
    fastcgi_temp_path {temp["fastcgi"]};
    uwsgi_temp_path {temp["uwsgi"]};
    scgi_temp_path {temp["scgi"]};
    include {workdir}/site.conf;
}}
""")
    process = subprocess.Popen([NGINX, "-c", str(workdir / "nginx.conf")])
    _wait_port(plain, process)
    return process, plain


def _origin_start(workdir: Path, hls_root: Path) -> tuple[subprocess.Popen, int, Path]:
    from tests.e2e.nginx_site import free_port

    port = free_port()
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(workdir / "bench.sqlite3"),
        DAIGANG_VAR_DIR=str(workdir),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",
        SMS_CONSOLE_ALLOWED="1",
        STREAM_HLS="always",  # the playlist view touches no database then
        STREAM_HLS_ROOT=str(hls_root),
        LOG_LEVEL="WARNING",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    access_log = workdir / "origin-access.log"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "uvicorn",
            "config.asgi:application",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--lifespan",
            "off",
            "--log-level",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=access_log.open("wb"),
        stderr=subprocess.DEVNULL,
    )
    _wait_port(port, process)
    return process, port, access_log


# -- the run -----------------------------------------------------------------------------------
async def _publish(conn: Connection):
    from aiortc import RTCConfiguration, RTCPeerConnection, RTCRtpSender, RTCSessionDescription

    from bench.relay import rpc, textured_pattern_track
    from daigang.streaming.testing import ToneAudioTrack

    publisher = RTCPeerConnection(RTCConfiguration(iceServers=[]))
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
    answer = await rpc(conn, "publish", publisher.localDescription.sdp)
    await publisher.setRemoteDescription(RTCSessionDescription(sdp=answer, type="answer"))
    return publisher


async def main_async(clients: int, baseline: int, seconds: float) -> None:
    import django

    django.setup()
    from daigang.streaming import ice

    ice.host_addresses_install()
    workdir = Path(tempfile.mkdtemp(prefix="daigang-bench-hls-"))
    hls_root = workdir / "hls"
    relay_conn, child = multiprocessing.get_context("spawn").Pipe()
    relay = multiprocessing.get_context("spawn").Process(
        target=relay_serve, args=(child, str(hls_root)), daemon=True
    )
    relay.start()
    origin, origin_port, access_log = _origin_start(workdir, hls_root)
    (workdir / "nginx").mkdir()
    nginx, port = _nginx_start(workdir / "nginx", origin_port)
    publisher = None
    try:
        publisher = await _publish(relay_conn)
        playlist = hls_root / f"room-{ROOM_ID}" / "index.m3u8"
        deadline = time.monotonic() + 30
        while playlist.read_text().count("#EXTINF") < 3 if playlist.exists() else True:
            if time.monotonic() > deadline:
                raise RuntimeError("no HLS playlist after 30 s")
            await asyncio.sleep(0.5)
        print(f"HLS benchmark: 640x480 30 fps, {SEGMENT_SECONDS} s segments, {seconds:g} s windows")
        window = {
            "seconds": seconds,
            "port": port,
            "origin": origin,
            "nginx": nginx,
            "access_log": access_log,
        }
        base = await asyncio.to_thread(_window, label="baseline", count=baseline, **window)
        many = await asyncio.to_thread(_window, label="load", count=clients, **window)
        ratio = many["origin_cpu"] / max(base["origin_cpu"], 0.01)
        print(
            f"origin requests per segment with {clients} players: "
            f"{many['origin_per_segment']:.2f} (target ≈ 1; baseline "
            f"{base['origin_per_segment']:.2f})"
        )
        print(
            f"origin CPU: {many['origin_cpu']:.1f} % of a core with {clients} players, "
            f"{base['origin_cpu']:.1f} % with {baseline}: ratio {ratio:.2f} (target ≈ 1)"
        )
        print(
            f"glass-to-glass with {clients} players: p50 {many['delay_p50']:.2f} s, p95 "
            f"{many['delay_p95']:.2f} s (target ≤ 6 s): "
            f"{'met' if many['delay_p95'] <= 6 else 'NOT met'}"
        )
    finally:
        if publisher is not None:
            await publisher.close()
        from bench.relay import rpc

        try:
            await asyncio.wait_for(rpc(relay_conn, "stop"), 10)
        except Exception:
            relay.terminate()
        nginx.terminate()
        origin.terminate()
        nginx.wait(10)
        origin.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=2000)
    parser.add_argument("--baseline", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20.0)
    args = parser.parse_args()
    started = time.monotonic()
    with open("/proc/loadavg") as loadavg:
        print(f"load average before: {' '.join(loadavg.read().split()[:3])}", file=sys.stderr)
    asyncio.run(main_async(args.clients, args.baseline, args.seconds))
    print(f"(took {time.monotonic() - started:.0f} s)", file=sys.stderr)


if __name__ == "__main__":
    main()
