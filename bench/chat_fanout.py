"""Chat fan-out benchmark: N viewers in one room, chat at 50 messages/s, on loopback.

    python -m bench.chat_fanout [--viewers 1000,5000,10000] [--seconds 10]
    python -m bench.chat_fanout --viewers 200 --seconds 3          # quick

For each viewer count it runs three servers, one after another, each in its own process
(bench/chat_fanout_servers.py):

- daigang  uvicorn serving config.asgi: the real RoomConsumer, chat services (validation, rate
           limit, database write), room_event_publish and the per-process hub (rounds of at
           most one frame per socket per 100 ms, each chunk's frame encoded once and written
           straight to uvicorn's transports; daigang.live.uvicorn_write);
- naive    Channels `group_send` per consumer: every socket joins the group, one frame per
           message (the usual first Channels chat);
- bare     a bare `websockets` server, 100 ms tick, one frame per tick, websockets.broadcast.

Viewers are asyncio clients in separate processes, many connections each, speaking WebSocket
through the `websockets` library's Sans-I/O protocol (one asyncio.Protocol per connection, no
task per socket, so the clients stay cheap enough to share two cores with the server). After
the handshake a viewer reads the server's frames itself (unmasked, and uncompressed unless
--deflate): websockets' parser took 5-6 µs a frame, and at 10,000 viewers the clients then
used more of the two cores than the servers they measure. Senders
are logged-in users (a session cookie made in the bench's own SQLite database); the rate limit
of one message per 2 s per user means 50 messages/s needs 125 senders, each sending every
2.5 s. Each message's text carries its sequence number and send time; a viewer records the
latency of each message it receives (time.time() on receipt minus the send time) and which
ones it got.

Printed per run: deliveries/s (messages × viewers received, per second of chat), p50/p99
latency, lost (expected − received within the drain window), server CPU-seconds (utime+stime
of the server process from /proc/<pid>/stat, over the chat and drain window), deliveries per
server CPU-second, frames each viewer got per second (10 = one per 100 ms tick; fewer means
the server's ticks stretched and batches grew, which also makes each delivery cheaper), server
CPU-µs per frame received (the all-in cost of one socket send; it does not depend on batch
size, so it compares servers fairly when their tick rates differ) and the 1-minute load
average when the run started (clients share the machine with the server, and so may other
work: on a busy machine every figure moves); then daigang's ratios to the two baselines.
"r" after "sent" counts messages the server refused (the 2 s rate limit, when a sender's two
messages reach the server less than 2 s apart); they are not expected and not counted lost.

--processes N (needs REDIS_URL) runs daigang twice: one server process, then N processes
(uvicorn with `make serve`'s options, each on a port of its own so the bench splits the
viewers exactly evenly, where `make serve WORKERS=N` leaves the split to the kernel's hash
(daigang.core.serve); one database and one Redis shared), the viewers split across the
processes and the senders taking turns on each; CPU is summed over the processes. It prints
the N-process figures beside the one-process run of the same invocation, and "subs": the
room's subscribers in Redis (PUBSUB NUMSUB of its group channel) once everyone has joined —
one per process, never one per viewer.

The naive baseline collapses on the in-memory layer: InMemoryChannelLayer scans every channel
on every receive, so per-consumer groups cost O(viewers²); with --redis it is CPU-bound instead.

The bench uses a temporary SQLite database and the in-memory channel layer unless --redis is
given (then REDIS_URL from the environment: channels_redis pub/sub layer and Redis cache).
uvicorn runs with --ws websockets-sansio (about a fifth cheaper per frame than the legacy
`websockets` implementation) and without permessage-deflate; --deflate makes the clients offer
it as browsers do, which roughly doubles the server's CPU per frame (each socket compresses
every frame on its own): a reason to serve the room sockets with --ws-per-message-deflate false.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.chat_fanout_servers import nofile_raise

ROOT = Path(__file__).resolve().parent.parent
RATE = 50  # chat messages per second
SENDERS = 125  # 125 senders × one message per 2.5 s = 50/s, within the 2 s per-user limit
HIST_MS = 10_000  # latency histogram: 1 ms buckets up to 10 s, the last one "10 s or more"
CONNECT_CONCURRENCY = 200
IMPLEMENTATIONS = ("daigang", "naive", "bare")


# --- the client side (runs in `clients` processes, and in the orchestrator for senders) -------


def _parse_chat(data: bytes, tag: str) -> list[tuple[int, float]]:
    """(sequence, send time) of each bench chat message in one frame."""
    try:
        frame = json.loads(data)
    except ValueError:
        return []
    found = []
    for event in frame.get("events", ()):
        if event.get("kind") != "chat":
            continue
        text = event["data"].get("text", "")
        parts = text.split(":")
        if len(parts) == 3 and parts[0] == tag:
            found.append((int(parts[1]), float(parts[2])))
        elif event.get("kind") == "history":
            pass
    return found


class ViewerStats:
    """What one client process saw, across its connections."""

    def __init__(self, tag: str, max_seq: int) -> None:
        self.tag = tag
        self.max_seq = max_seq
        self.hist = [0] * (HIST_MS + 1)
        self.received = 0
        self.frames = 0
        self.errors: dict[str, int] = {}
        self.closed = 0
        self._parsed: dict[bytes, list[tuple[int, float]]] = {}

    def parsed(self, data: bytes) -> list[tuple[int, float]]:
        # Every viewer gets the same frame text: parse it once per process, not per socket.
        data = bytes(data)
        found = self._parsed.get(data)
        if found is None:
            if len(self._parsed) > 512:
                self._parsed.clear()
            found = self._parsed[data] = _parse_chat(data, self.tag)
        return found


def _client_protocol_class() -> type:
    import websockets.frames as wsframes
    from websockets.client import ClientProtocol
    from websockets.extensions.permessage_deflate import ClientPerMessageDeflateFactory
    from websockets.http11 import Response
    from websockets.protocol import OPEN
    from websockets.typing import Origin
    from websockets.uri import parse_uri

    text_op = wsframes.Opcode.TEXT
    deflate = os.environ.get("BENCH_DEFLATE") == "1"

    class Viewer(asyncio.Protocol):
        """One WebSocket connection driven by websockets' Sans-I/O ClientProtocol."""

        def __init__(
            self, url: str, origin: str, stats: ViewerStats, cookie: str = "", sender: bool = False
        ) -> None:
            self.ws = ClientProtocol(
                parse_uri(url),
                origin=Origin(origin),
                max_size=None,
                # Offer compression as browsers do, with --deflate.
                extensions=[ClientPerMessageDeflateFactory()] if deflate else None,
            )
            self.stats = stats
            self.cookie = cookie
            self.sender = sender
            self.seen = bytearray(stats.max_seq + 1)
            self.opened: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
            self.transport: Any = None
            self.lean = not deflate
            self.pending = b""
            self.fragments: list[bytes] = []

        def connection_made(self, transport: Any) -> None:
            self.transport = transport
            request = self.ws.connect()
            if self.cookie:
                request.headers["Cookie"] = self.cookie
            self.ws.send_request(request)
            transport.write(b"".join(self.ws.data_to_send()))

        def data_received(self, data: bytes) -> None:
            if self.lean:
                self._lean_received(data)
                return
            ws = self.ws
            ws.receive_data(data)
            now = time.time()
            for event in ws.events_received():
                if type(event) is Response:
                    self._response(event)
                elif event.opcode is text_op:
                    self._text(event.data, now)
            if ws.writes:  # pongs, close replies
                self.transport.write(b"".join(ws.data_to_send()))

        def _response(self, response: Any) -> None:
            if not self.opened.done():
                if response.status_code == 101:
                    self.opened.set_result(True)
                else:
                    self.opened.set_exception(OSError(f"HTTP {response.status_code}"))

        def _lean_received(self, data: bytes) -> None:
            """Frames read here, not by websockets' parser: a server's frames are unmasked
            and uncompressed (no --deflate), and at 10,000 viewers the parser's 5-6 µs a
            frame made the clients take more of the two cores than the servers."""
            buf = self.pending + data if self.pending else data
            if not self.opened.done():
                head_end = buf.find(b"\r\n\r\n")
                if head_end < 0:
                    self.pending = buf
                    return
                # The handshake's response through websockets (it checks the accept key and
                # opens the protocol, which then masks what this viewer sends).
                self.ws.receive_data(buf[: head_end + 4])
                for event in self.ws.events_received():
                    if type(event) is Response:
                        self._response(event)
                buf = buf[head_end + 4 :]
                if not self.opened.done() or self.opened.exception() is not None:
                    self.pending = b""
                    return
            now = time.time()
            pos, size = 0, len(buf)
            while size - pos >= 2:
                first, length, head = buf[pos], buf[pos + 1] & 0x7F, 2
                if length == 126:
                    if size - pos < 4:
                        break
                    length, head = int.from_bytes(buf[pos + 2 : pos + 4], "big"), 4
                elif length == 127:
                    if size - pos < 10:
                        break
                    length, head = int.from_bytes(buf[pos + 2 : pos + 10], "big"), 10
                end = pos + head + length
                if end > size:
                    break
                self._lean_frame(first, buf[pos + head : end], now)
                pos = end
            self.pending = buf[pos:]

        def _lean_frame(self, first: int, payload: bytes, now: float) -> None:
            opcode, fin = first & 0x0F, first & 0x80
            if opcode == 0x1 and fin:
                self._text(payload, now)
            elif opcode == 0x1:
                self.fragments = [payload]
            elif opcode == 0x0:
                self.fragments.append(payload)
                if fin:
                    self._text(b"".join(self.fragments), now)
                    self.fragments = []
            elif opcode == 0x9:  # ping
                self.ws.send_pong(payload)
                self.transport.write(b"".join(self.ws.data_to_send()))
            elif opcode == 0x8 and self.ws.state is OPEN:  # close: answer it
                self.ws.send_close()
                self.transport.write(b"".join(self.ws.data_to_send()))

        def _text(self, data: bytes, now: float) -> None:
            stats = self.stats
            stats.frames += 1
            if self.sender:
                self._sender_frame(data)
                return
            seen = self.seen
            hist = stats.hist
            for seq, sent_at in stats.parsed(data):
                if seq <= stats.max_seq and not seen[seq]:
                    seen[seq] = 1
                    stats.received += 1
                    ms = int((now - sent_at) * 1000)
                    hist[ms if 0 <= ms < HIST_MS else (HIST_MS if ms >= 0 else 0)] += 1

        def _sender_frame(self, data: bytes) -> None:
            if b'"kind":"error"' not in data:
                return
            for event in json.loads(data)["events"]:
                if event["kind"] == "error":
                    code = event["data"].get("code", "?")
                    self.stats.errors[code] = self.stats.errors.get(code, 0) + 1

        def connection_lost(self, exc: Exception | None) -> None:
            self.stats.closed += 1
            if not self.opened.done():
                self.opened.set_exception(exc or OSError("closed during handshake"))

        def send_text(self, text: str) -> None:
            self.ws.send_text(text.encode())
            self.transport.write(b"".join(self.ws.data_to_send()))

    return Viewer


async def connections_open(
    *,
    url: str,
    origin: str,
    count: int,
    stats: ViewerStats,
    cookies: list[str] | None = None,
    sender: bool = False,
) -> list[Any]:
    """Open `count` connections, CONNECT_CONCURRENCY handshakes at a time; return the open ones."""
    viewer_class = _client_protocol_class()
    loop = asyncio.get_running_loop()
    host, port = url.split("//", 1)[1].split("/", 1)[0].split(":")
    gate = asyncio.Semaphore(CONNECT_CONCURRENCY)

    async def open_one(index: int) -> Any:
        async with gate:
            cookie = cookies[index] if cookies else ""
            for attempt in range(4):
                try:
                    _, proto = await loop.create_connection(
                        lambda: viewer_class(url, origin, stats, cookie, sender), host, int(port)
                    )
                    await asyncio.wait_for(proto.opened, 60)
                    return proto
                except (TimeoutError, OSError):
                    await asyncio.sleep(0.2 * (attempt + 1))
            return None

    opened = await asyncio.gather(*(open_one(i) for i in range(count)))
    return [proto for proto in opened if proto is not None]


async def _clients_main(url: str, origin: str, count: int, tag: str, max_seq: int) -> None:
    stats = ViewerStats(tag, max_seq)
    viewers = await connections_open(url=url, origin=origin, count=count, stats=stats)
    print(json.dumps({"ready": len(viewers)}), flush=True)
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    await reader.readline()  # "stop"
    per_viewer = [sum(v.seen) for v in viewers]
    hist = {str(ms): n for ms, n in enumerate(stats.hist) if n}
    print(
        json.dumps(
            {
                "viewers": len(viewers),
                "received": stats.received,
                "frames": stats.frames,
                "closed": stats.closed,
                "min_per_viewer": min(per_viewer, default=0),
                "hist": hist,
            }
        ),
        flush=True,
    )
    for viewer in viewers:
        viewer.transport.abort()


def clients_main(argv: list[str]) -> None:
    nofile_raise()
    url, origin, count, tag, max_seq = argv[0], argv[1], int(argv[2]), argv[3], int(argv[4])
    _loop_run(_clients_main(url, origin, count, tag, max_seq))


def _loop_run(coro: Any) -> Any:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:  # pragma: no cover
        return asyncio.run(coro)


# --- the orchestrator ----------------------------------------------------------------------------


@dataclass
class Result:
    impl: str
    viewers: int
    connected: int = 0
    sent: int = 0
    refused: dict[str, int] = field(default_factory=dict)
    received: int = 0
    expected: int = 0
    p50_ms: float = math.nan
    p99_ms: float = math.nan
    max_ms: float = math.nan
    cpu_s: float = 0.0
    chat_seconds: float = 0.0
    frames: int = 0
    closed: int = 0
    load: float = 0.0
    note: str = ""
    # daigang server processes serving the room (viewers split across them, senders on each)
    processes: int = 1
    # Redis pub/sub subscribers of the room's group channel once everyone joined (-1: no Redis)
    subscriptions: int = -1

    @property
    def label(self) -> str:
        return f"{self.impl}×{self.processes}" if self.processes > 1 else self.impl

    @property
    def lost(self) -> int:
        return max(0, self.expected - self.received)

    @property
    def deliveries_per_s(self) -> float:
        return self.received / self.chat_seconds if self.chat_seconds else 0.0

    @property
    def frames_per_viewer_s(self) -> float:
        """Frames each viewer got per second of chat (10 means one per 100 ms tick)."""
        if not self.connected or not self.chat_seconds:
            return 0.0
        return self.frames / self.connected / self.chat_seconds

    @property
    def us_per_frame(self) -> float:
        """Server CPU per frame a viewer received: the cost of one socket send, all in."""
        return self.cpu_s / self.frames * 1e6 if self.frames else math.nan

    @property
    def per_cpu_s(self) -> float:
        return self.received / self.cpu_s if self.cpu_s else 0.0


def _percentile(hist: list[int], q: float) -> float:
    total = sum(hist)
    if not total:
        return math.nan
    rank = q * total
    running = 0
    for ms, n in enumerate(hist):
        running += n
        if running >= rank:
            return float(ms)
    return float(HIST_MS)


def cpu_seconds(pid: int) -> float:
    """utime + stime of a process (all its threads), from /proc/<pid>/stat."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    # After the ")" field 3 (state) is fields[0]; utime and stime are fields 14 and 15.
    ticks = int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_port(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def bench_database_prepare(env: dict[str, str], rooms: int) -> tuple[list[int], list[str]]:
    """Migrate the bench database; make rooms and SENDERS logged-in users with session cookies."""
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    os.environ.update(env)
    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from daigang.accounts.models import Organisation, User
    from daigang.live.models import Room

    organisation, _ = Organisation.objects.get_or_create(
        uscc="91110000BENCH00001",
        defaults={
            "name": "压测用人单位",
            "kind": Organisation.Kind.COMPANY,
            "contact_name": "压测",
            "contact_phone": "010-00000000",
            "address": "本机",
            "status": Organisation.Status.VERIFIED,
            "verified_at": timezone.now(),
            "verified_until": timezone.now() + timezone.timedelta(days=30),
        },
    )
    # Redis pub/sub channels are global across its databases: room ids of this run's own, far
    # above any test's or other run's, keep its room group channels (and their count) apart.
    first_id = 10**12 + secrets.randbelow(10**11) * 100
    room_ids = [
        Room.objects.create(
            pk=first_id + n,
            organisation=organisation,
            title=f"压测直播间 {n}",
            planned_start=timezone.now(),
            state=Room.State.LIVE,
        ).pk
        for n in range(rooms)
    ]
    cookies = []
    for n in range(SENDERS):
        user, _ = User.objects.get_or_create(phone=f"199{n:08d}", defaults={"name": f"压测{n}"})
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session.session_key}")
    return room_ids, cookies


async def _read_json_line(stream: asyncio.StreamReader, timeout: float) -> dict[str, Any]:
    while True:
        line = await asyncio.wait_for(stream.readline(), timeout)
        if not line:
            raise RuntimeError("client process ended early")
        try:
            return json.loads(line)
        except ValueError:
            sys.stderr.write(line.decode(errors="replace"))


async def run_one(
    *,
    impl: str,
    viewers: int,
    seconds: float,
    drain: float,
    env: dict[str, str],
    room_id: int,
    cookies: list[str],
    ws: str,
    client_processes: int,
    tag: str,
    profile: str = "",
    processes: int = 1,
) -> Result:
    result = Result(impl=impl, viewers=viewers, processes=processes)
    # Several processes: each its own port (`make serve` puts them on one, split by the kernel's
    # hash; here the bench decides which viewer goes where, so the split is exactly even), all
    # on the same Redis and database.
    ports = [_free_port() for _ in range(processes)]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "bench.chat_fanout_servers", impl, str(port), ws, "16384"],
            cwd=ROOT,
            env=env,
        )
        for port in ports
    ]
    clients: list[asyncio.subprocess.Process] = []
    senders: list[Any] = []
    try:
        for port, server in zip(ports, servers, strict=True):
            _wait_port(port, server)
        path = f"/ws/rooms/{room_id}/" if impl == "daigang" else "/"
        urls = [f"ws://127.0.0.1:{port}{path}" for port in ports]
        origins = [f"http://127.0.0.1:{port}" for port in ports]
        max_seq = int(seconds * RATE) + 1
        client_processes = max(client_processes, processes)
        shares = [
            viewers // client_processes + (i < viewers % client_processes)
            for i in range(client_processes)
        ]
        for i, share in enumerate(shares):
            url, origin = urls[i % processes], origins[i % processes]
            clients.append(
                await asyncio.create_subprocess_exec(
                    sys.executable,
                    "-m",
                    "bench.chat_fanout",
                    "clients",
                    url,
                    origin,
                    str(share),
                    tag,
                    str(max_seq),
                    cwd=ROOT,
                    env=env,
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    limit=2**24,
                )
            )
        ready = [await _read_json_line(c.stdout, 600) for c in clients]  # type: ignore[arg-type]
        result.connected = sum(r["ready"] for r in ready)
        sender_stats = ViewerStats(tag, max_seq)
        # Senders on every process, interleaved: consecutive messages come in through each.
        per_server = [
            await connections_open(
                url=urls[n],
                origin=origins[n],
                count=len(cookies[n::processes]),
                stats=sender_stats,
                cookies=cookies[n::processes],
                sender=True,
            )
            for n in range(processes)
        ]
        senders = [
            proto
            for group in itertools.zip_longest(*per_server)
            for proto in group
            if proto is not None
        ]
        if len(senders) < SENDERS:
            result.note = f"only {len(senders)} senders connected"
        await asyncio.sleep(1.0)  # let join frames settle before measuring
        result.subscriptions = room_subscribers(env, room_id)

        if profile:
            # Sample the server while it works (py-spy must be on PATH); collapsed stacks.
            subprocess.Popen(
                [
                    "py-spy",
                    "record",
                    "--pid",
                    str(servers[0].pid),
                    "--format",
                    "raw",
                    "--duration",
                    str(int(seconds + drain)),
                    "--rate",
                    "200",
                    "--nonblocking",
                    "-o",
                    f"{profile}-{impl}-{viewers}.txt",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        loop = asyncio.get_running_loop()
        result.load = os.getloadavg()[0]
        cpu_start = sum(cpu_seconds(server.pid) for server in servers)
        started = loop.time()
        for seq in range(1, max_seq + 1):
            delay = started + (seq - 1) / RATE - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            text = f"{tag}:{seq}:{time.time():.6f}"
            senders[(seq - 1) % len(senders)].send_text(json.dumps({"kind": "chat", "text": text}))
            result.sent += 1
        result.chat_seconds = loop.time() - started
        await asyncio.sleep(drain)
        result.cpu_s = sum(cpu_seconds(server.pid) for server in servers) - cpu_start
        result.refused = dict(sender_stats.errors)

        hist = [0] * (HIST_MS + 1)
        for client in clients:
            client.stdin.write(b"stop\n")  # type: ignore[union-attr]
            await client.stdin.drain()  # type: ignore[union-attr]
        for client in clients:
            report = await _read_json_line(client.stdout, 120)  # type: ignore[arg-type]
            result.received += report["received"]
            result.frames += report["frames"]
            result.closed += report["closed"]
            for ms, n in report["hist"].items():
                hist[int(ms)] += n
        accepted = result.sent - sum(result.refused.values())
        result.expected = accepted * result.connected
        result.p50_ms = _percentile(hist, 0.50)
        result.p99_ms = _percentile(hist, 0.99)
        result.max_ms = max((ms for ms, n in enumerate(hist) if n), default=math.nan)
        if result.closed:
            result.note += f" {result.closed} viewers were disconnected"
        if result.connected < viewers:
            result.note += f" {viewers - result.connected} viewers failed to connect"
    finally:
        for proto in senders:
            proto.transport.abort()
        for client in clients:
            if client.returncode is None:
                client.kill()
            await client.wait()
        for server in servers:
            server.terminate()
        for server in servers:
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
    return result


def room_subscribers(env: dict[str, str], room_id: int) -> int:
    """Subscribers of the room's group channel in Redis (PUBSUB NUMSUB): one per process
    holding viewers of the room, never one per viewer. -1 without Redis."""
    url = env.get("REDIS_URL", "")
    if not url:
        return -1
    import redis

    from daigang.core.realtime import room_group

    # channels_redis' RedisPubSubChannelLayer names a group's channel "<prefix>__group__<group>".
    channel = f"asgi__group__{room_group(room_id)}"
    client = redis.Redis.from_url(url)
    try:
        return int(dict(client.pubsub_numsub(channel)).get(channel.encode(), 0))
    finally:
        client.close()


def _row(r: Result) -> str:
    refused = sum(r.refused.values())
    return (
        f"{r.label:10} {r.viewers:>7,} {r.connected:>7,} {r.sent:>5}"
        f"{('/' + str(refused) + 'r') if refused else '':>6} {r.deliveries_per_s:>12,.0f}"
        f" {r.p50_ms:>7.0f} {r.p99_ms:>7.0f} {r.lost:>9,} {r.cpu_s:>7.2f}"
        f" {r.per_cpu_s:>12,.0f} {r.frames_per_viewer_s:>7.1f} {r.us_per_frame:>7.1f}"
        f" {r.load:>5.1f} {r.subscriptions if r.subscriptions >= 0 else '-':>4}  {r.note.strip()}"
    )


HEADER = (
    f"{'server':10} {'viewers':>7} {'conn':>7} {'sent':>5} {'':>6} {'deliveries/s':>12}"
    f" {'p50 ms':>7} {'p99 ms':>7} {'lost':>9} {'cpu s':>7} {'deliv/cpu-s':>12}"
    f" {'frm/v/s':>7} {'µs/frm':>7} {'load':>5} {'subs':>4}"
)


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "clients":
        clients_main(argv[1:])
        return
    parser = argparse.ArgumentParser(
        prog="python -m bench.chat_fanout",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--viewers",
        default="1000,5000,10000",
        help="comma-separated viewer counts (default 1000,5000,10000)",
    )
    parser.add_argument("--seconds", type=float, default=10, help="chat seconds per run")
    parser.add_argument(
        "--drain",
        type=float,
        default=3,
        help="seconds after the last message before counting what arrived",
    )
    parser.add_argument(
        "--servers", default=",".join(IMPLEMENTATIONS), help="which of daigang,naive,bare to run"
    )
    parser.add_argument(
        "--ws",
        default="websockets-sansio",
        help="uvicorn WebSocket implementation for daigang and naive",
    )
    parser.add_argument(
        "--clients",
        type=int,
        default=0,
        help="client processes per run (default: one per 5,000 viewers)",
    )
    parser.add_argument(
        "--py-spy",
        dest="profile",
        default="",
        help="record each server with py-spy into <PREFIX>-<server>-<n>.txt",
    )
    parser.add_argument(
        "--deflate",
        action="store_true",
        help="clients offer permessage-deflate, as browsers do (servers accept it)",
    )
    parser.add_argument(
        "--redis",
        action="store_true",
        help="use REDIS_URL from the environment (pub/sub layer + cache)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="postgres://…/<database to create>: the chat on PostgreSQL (created for the run "
        "and dropped after; it must not exist yet) instead of a temporary SQLite file",
    )
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="daigang server processes sharing REDIS_URL (above 1: daigang runs once with one "
        "process and once with N, on Redis, and prints the ratio)",
    )
    args = parser.parse_args(argv)
    run(
        counts=[int(v) for v in args.viewers.split(",") if v.strip()],
        seconds=args.seconds,
        drain=args.drain,
        impls=[s.strip() for s in args.servers.split(",") if s.strip()],
        ws=args.ws,
        clients=args.clients,
        profile=args.profile,
        deflate=args.deflate,
        redis=args.redis,
        processes=args.processes,
        database_url=args.database_url,
    )


def run(
    *,
    counts: list[int],
    seconds: float = 10,
    drain: float = 3,
    impls: list[str] | tuple[str, ...] = IMPLEMENTATIONS,
    ws: str = "websockets-sansio",
    clients: int = 0,
    profile: str = "",
    deflate: bool = False,
    redis: bool = False,
    processes: int = 1,
    database_url: str = "",
) -> list[Result]:
    """Run each server at each viewer count; print the table and return one Result per run.

    Django is set up in this process (for the bench's own database): call it from a process
    of its own, not one whose Django is already configured.
    """
    limit = nofile_raise()
    if max(counts) + 1000 > limit:
        print(f"warning: open-files limit {limit} is low for {max(counts)} viewers")

    workdir = Path(tempfile.mkdtemp(prefix="daigang-bench-"))
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings",
        SQLITE_PATH=str(workdir / "bench.sqlite3"),
        DAIGANG_VAR_DIR=str(workdir),
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        SMS_CONSOLE_ALLOWED="1",  # no SMS is sent by the bench
        LOG_LEVEL="WARNING",
        # Every bench client is 127.0.0.1: lift the per-address socket cap.
        LIVE_ROOM_SOCKETS_PER_ADDRESS="0",
        PYTHONPATH=str(ROOT),
    )
    env.pop("DATABASE_URL", None)
    if database_url:
        from bench.apply_burst import _pg_create

        _pg_create(database_url)
        env["DATABASE_URL"] = database_url
    env["BENCH_DEFLATE"] = "1" if deflate else "0"
    redis = redis or processes > 1
    if not redis:
        env.pop("REDIS_URL", None)
    elif not env.get("REDIS_URL"):
        raise SystemExit("--redis and --processes above 1 need REDIS_URL")
    # daigang's runs: one process, and N for the comparison (both on Redis).
    daigang_processes = [1, processes] if processes > 1 else [1]
    if processes > 1:
        # As `make serve WORKERS=N` sets it; the settings' check also asks for an external
        # WHIP/WHEP server, which the chat never calls.
        env.update(
            WEB_WORKERS=str(processes),
            STREAM_SERVER_URL="http://127.0.0.1:9/",
            STREAM_SERVER_HOOK_TOKEN="bench-only-hook-token-" + "x" * 20,
        )

    print(
        f"chat fan-out: {RATE} msgs/s for {seconds:g} s, drain {drain:g} s, "
        f"{SENDERS} senders, uvicorn --ws {ws}, deflate {'on' if deflate else 'off'}, "
        f"layer {'redis pub/sub' if redis else 'in-memory'}, "
        f"{'PostgreSQL' if database_url else 'SQLite'}, {os.cpu_count()} CPUs"
        + (f", daigang with 1 and {processes} processes" if processes > 1 else "")
    )
    results: list[Result] = []
    try:
        runs_per_count = len(impls) + ("daigang" in impls) * (len(daigang_processes) - 1)
        room_ids, cookies = bench_database_prepare(env, rooms=len(counts) * runs_per_count)
        print(HEADER, flush=True)
        started = time.monotonic()
        rooms = iter(room_ids)
        for viewers in counts:
            clients_n = clients or max(1, math.ceil(viewers / 5000))
            for impl in impls:
                for n in daigang_processes if impl == "daigang" else [1]:
                    result = asyncio.run(
                        run_one(
                            impl=impl,
                            viewers=viewers,
                            seconds=seconds,
                            drain=drain,
                            env=env,
                            room_id=next(rooms),
                            cookies=cookies,
                            ws=ws,
                            client_processes=clients_n,
                            tag=f"b{len(results)}",
                            profile=profile,
                            processes=n,
                        )
                    )
                    results.append(result)
                    print(_row(result), flush=True)
            same = [r for r in results if r.viewers == viewers]
            scaled = [r for r in same if r.impl == "daigang" and r.processes > 1]
            single = [r for r in same if r.impl == "daigang" and r.processes == 1]
            if scaled and single and single[0].per_cpu_s:
                one, many = single[0], scaled[0]
                print(
                    f"  daigang×{many.processes}/daigang×1 at {viewers:,}: p99 {many.p99_ms:.0f} /"
                    f" {one.p99_ms:.0f} ms ({many.p99_ms / one.p99_ms if one.p99_ms else 0:.2f}×),"
                    f" deliveries per CPU-second {many.per_cpu_s / one.per_cpu_s:.2f}×,"
                    f" room subscriptions in Redis {many.subscriptions} / {one.subscriptions}"
                )
            by_impl = {r.impl: r for r in same if r.processes == 1}
            if "daigang" in by_impl and "bare" in by_impl and by_impl["bare"].per_cpu_s:
                ratio = by_impl["daigang"].per_cpu_s / by_impl["bare"].per_cpu_s
                print(f"  daigang/bare deliveries per CPU-second at {viewers:,}: {ratio:.2f}×")
            if "daigang" in by_impl and "naive" in by_impl and by_impl["naive"].per_cpu_s:
                ratio = by_impl["daigang"].per_cpu_s / by_impl["naive"].per_cpu_s
                print(f"  daigang/naive deliveries per CPU-second at {viewers:,}: {ratio:.2f}×")
        print(f"total {time.monotonic() - started:.0f} s")
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
        if database_url:
            from django.db import connections

            from bench.apply_burst import _pg_drop

            connections.close_all()
            _pg_drop(database_url)
    return results


if __name__ == "__main__":
    main()
