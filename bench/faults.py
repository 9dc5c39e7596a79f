"""One-tap apply under server crashes: acknowledged versus stored, across kill -9 and TERM.

    python -m bench.faults [--clients 16] [--seconds 30] [--every 4] [--signal kill|term|both]
                           [--database-url postgres://postgres@127.0.0.1:5432/faults_tmp]

Uses bench/apply_burst's pieces (a fresh database, seeded seekers with sessions, the server
in a subprocess on 127.0.0.1, the keep-alive client). For --seconds, M clients apply as fast
as they can, each apply with its own Idempotency-Key; every --every seconds the server is
killed (SIGKILL, SIGTERM, or alternately) mid-burst and started again on the same port. A
client whose request fails (connection reset, 503) retries with the SAME key until it is
answered, as apply.js does, or the run ends. At the end it prints:

    acknowledged N, stored M, lost L (acknowledged, not stored), duplicated D
    (more than one row for a seeker), unanswered U (still retrying at the end)

and exits 1 if anything acknowledged was lost or duplicated. The promise under test: an apply
is acknowledged only after its transaction committed, and a retry never makes a second one.
Traffic only goes to 127.0.0.1 and the run stops by itself (--seconds plus a few to restart).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from bench.apply_burst import (
    ROOT,
    Seed,
    _free_port,
    _pg_create,
    _pg_drop,
    _request_for,
    _rows,
    _seed,
    _server_env,
    _wait_for,
)
from bench.http_client import Conn


@dataclass
class Tally:
    acknowledged: dict[int, int] = field(default_factory=dict)  # seeker -> application id
    unanswered: int = 0
    failures: int = 0  # attempts that failed and were retried
    crashes: int = 0


def _start(port: int, env: dict[str, str]) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "bench.apply_burst", "--serve", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **env},
    )
    _wait_for(port, proc)
    return proc


async def _client(port: int, seed: Seed, seekers: list[int], deadline: float, tally: Tally):
    conn = Conn(port)
    try:
        for seeker in seekers:
            key = str(uuid.uuid4())
            path, headers, body = _request_for("fast", seed, seeker, key)
            while True:
                if time.monotonic() >= deadline:
                    tally.unanswered += 1
                    return
                try:
                    status, payload = await conn.request("POST", path, headers, body)
                except (OSError, TimeoutError, asyncio.IncompleteReadError):
                    status, payload = 0, b""
                if status in (200, 201):
                    tally.acknowledged[seeker] = json.loads(payload)["id"]
                    break
                # Down, restarting or 503: the same key again, as the browser does.
                tally.failures += 1
                conn.close()
                await asyncio.sleep(0.2)
    finally:
        conn.close()


async def _crasher(proc_box: list, port: int, env, every: float, mode: str, deadline, tally):
    n = 0
    while time.monotonic() + every < deadline:
        await asyncio.sleep(every)
        sig = {"kill": signal.SIGKILL, "term": signal.SIGTERM}.get(
            mode, signal.SIGKILL if n % 2 == 0 else signal.SIGTERM
        )
        n += 1
        proc = proc_box[0]
        proc.send_signal(sig)
        await asyncio.to_thread(proc.wait, 15)
        tally.crashes += 1
        print(f"  {time.strftime('%H:%M:%S')} server stopped with {sig.name}; restarting")
        proc_box[0] = await asyncio.to_thread(_start, port, env)


def run(
    *, clients: int, seconds: float, every: float, mode: str, database_url: str, pool: int
) -> dict:
    var_dir = Path(tempfile.mkdtemp(prefix="daigang-faults-"))
    env = _server_env(var_dir=var_dir, database_url=database_url)
    os.environ.update(env)
    created_pg = False
    proc_box: list[subprocess.Popen] = []
    try:
        if database_url:
            _pg_create(database_url)
            created_pg = True
        import django

        django.setup()
        from django.db import connection

        seed = _seed(pool)
        connection.close()
        port = _free_port()
        proc_box.append(_start(port, env))
        print(f"daigang faults — {connection.vendor}, {clients} clients, {seconds:g} s, {mode}")
        tally = Tally()
        deadline = time.monotonic() + seconds
        slices = [list(range(len(seed.seekers)))[i::clients] for i in range(clients)]

        async def main() -> None:
            crasher = asyncio.ensure_future(
                _crasher(proc_box, port, env, every, mode, deadline, tally)
            )
            await asyncio.gather(*(_client(port, seed, s, deadline, tally) for s in slices))
            await crasher

        asyncio.run(main())
        stored, duplicated, ids = _rows(seed.fast_job_id)
        lost = sum(1 for i in tally.acknowledged.values() if i not in ids)
        result = {
            "acknowledged": len(tally.acknowledged),
            "stored": stored,
            "lost": lost,
            "duplicated": duplicated,
            "unanswered": tally.unanswered,
            "retried_attempts": tally.failures,
            "crashes": tally.crashes,
        }
        print(
            f"  acknowledged {result['acknowledged']}, stored {stored}, lost {lost}, "
            f"duplicated {duplicated}, unanswered {tally.unanswered} "
            f"({tally.failures} attempts retried, {tally.crashes} crashes)"
        )
        connection.close()
        return result
    finally:
        for proc in proc_box:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if created_pg:
            _pg_drop(database_url)
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--every", type=float, default=4.0, help="seconds between crashes")
    parser.add_argument("--signal", choices=["kill", "term", "both"], default="both")
    parser.add_argument("--pool", type=int, default=20000, help="seeker users to create")
    parser.add_argument("--database-url", default="", help="postgres://…/<database to create>")
    args = parser.parse_args(argv)
    result = run(
        clients=args.clients,
        seconds=args.seconds,
        every=args.every,
        mode=args.signal,
        database_url=args.database_url,
        pool=args.pool,
    )
    return 1 if result["lost"] or result["duplicated"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
