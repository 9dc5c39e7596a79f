"""Burst of one-tap applies against the real server, compared with a plain Django form view.

    python -m bench.apply_burst [--clients 32] [--seconds 10] [--workers 1] [--processes 2]
                                [--database-url postgres://postgres@127.0.0.1:5432/bench_tmp]
                                [--middleware project|sync] [--profile DIR] [--json FILE]

What it does:
  1. a fresh database — SQLite in a temp dir, or the PostgreSQL database named in
     --database-url, created for the run and dropped after (it must not exist yet);
  2. migrates it and seeds one verified organisation, published jobs (one per run, so the
     runs never collide) and a pool of seeker users, each with a session made directly in the
     database and a CSRF token, as a logged-in browser would hold;
  3. starts uvicorn serving config.asgi in a subprocess on 127.0.0.1 (DEBUG off), with two
     extra URLs: a plain sync Django view whose ModelForm does `form.save()` into the same
     table (the baseline), and a view that only returns "ok" (the floor of Django's stack);
  4. measures the floor, then runs M concurrent keep-alive clients for N seconds against
     POST /api/v1/applications (X-CSRFToken + Idempotency-Key) — under ASGI the fast path,
     daigang.hiring.apply.fastpath — each apply by a seeker not used before; 10% of applies are sent
     again with the same key (a retry after a lost response), which must come back 200 with
     the same application id;
  5. runs the same burst against the baseline view, then prints per run applies/s, p50/p99,
     rows written vs acknowledged, lost and duplicated, the server's CPU per apply (steadier
     than applies/s on a shared machine; how much of it is kernel time) and the client's CPU;
     then a table, the ratio fast / plain in this run, and each target of the issue with
     PASS or MISS:
       >= 1000 applies/s, >= 2x the plain view in the same run, p99 <= 250 ms,
       0 lost, 0 duplicated, every retry answered with the same id, no errors.

--processes N (needs REDIS_URL): after the runs above, the fast path again against a server of
N processes (daigang.core.serve --workers N, as `make serve WORKERS=N`; the one-process
server of the same invocation used the same REDIS_URL), on a job of its own, and the ratio of
the two with the target >= 1.5x. Each run also prints how busy the whole machine was (every
core, /proc/stat): on a machine whose cores the load generator, PostgreSQL and the server
already fill, a second process has nothing to run on, and the line says so.

On PostgreSQL the server CPU is the uvicorn process only; PostgreSQL's own backends use the
same cores but are not counted.

--middleware sync adds a sync-only no-op middleware innermost, to show what the project's
middleware order costs (see SyncOnlyMiddleware). --profile DIR samples the server with py-spy
(pip install py-spy) during each run: the thread holding the GIL, without pausing the server.

The load generator is bench/http_client.py (a minimal keep-alive client; uvloop when
installed): on a 2-core machine shared by client and server, a heavier client would eat the
CPU the server needs; its CPU per request is printed. Traffic only goes to 127.0.0.1 and the
run stops by itself.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlparse

from bench.http_client import HOST, Conn

ROOT = Path(__file__).resolve().parent.parent
FAST_PATH = "/api/v1/applications"
PLAIN_PATH = "/bench/plain-apply/"
PING_PATH = "/bench/ping/"
RETRY_SHARE = 0.10
TARGET_APPLIES_PER_S = 1000
TARGET_RATIO = 2.0
TARGET_P99_MS = 250.0
TARGET_SCALED_RATIO = 1.5  # --processes 2 against one process, same run


# --- the server side: settings, the baseline view, uvicorn --------------------------------------


def _server_env(*, var_dir: Path, database_url: str) -> dict[str, str]:
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",  # DEBUG would record every query
        "DJANGO_SECRET_KEY": "bench-" + "k" * 60,
        "DJANGO_ALLOWED_HOSTS": HOST,
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # plain HTTP on the loopback
        "SMS_CONSOLE_ALLOWED": "1",  # no SMS is sent by the bench
        "DAIGANG_VAR_DIR": str(var_dir),
        "SQLITE_PATH": str(var_dir / "bench.sqlite3"),
        "LOG_LEVEL": "ERROR",  # the baseline's 400s would log a line each
    }
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


# The baseline: what a plain Django form view doing the same insert looks like. Defined here,
# mounted next to the project's own URLs only in the bench server.
def _plain_urlpatterns() -> list:
    from django import forms
    from django.http import HttpRequest, HttpResponse, JsonResponse
    from django.urls import path
    from django.utils import timezone

    from config.urls import urlpatterns as project_urlpatterns
    from daigang.hiring.models import Application

    class PlainApplicationForm(forms.ModelForm):
        class Meta:
            model = Application
            fields = ("job", "seeker", "name", "idempotency_key", "consent_text")

    def plain_apply(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"detail": "login"}, status=401)
        data = request.POST.copy()
        data["seeker"] = str(request.user.pk)
        form = PlainApplicationForm(data)
        if not form.is_valid():  # validate_unique() answers a replay with a form error
            return JsonResponse({"errors": form.errors}, status=400)
        application = form.save(commit=False)
        application.organisation_id = application.job.organisation_id
        application.phone = request.user.phone
        application.consented_at = timezone.now()
        application.save()
        return JsonResponse({"id": application.pk}, status=201)

    def ping(request: HttpRequest) -> HttpResponse:
        return HttpResponse("ok")

    return [
        path(PLAIN_PATH.strip("/") + "/", plain_apply),
        path(PING_PATH.strip("/") + "/", ping),
        *project_urlpatterns,
    ]


class SyncOnlyMiddleware:
    """A no-op, sync-only middleware put innermost by --middleware=sync (an experiment).

    Django adapts the chain to its innermost sync-only middleware: the whole stack then runs
    in one worker thread per request instead of hopping between the event loop and a thread
    around every MiddlewareMixin method (WhiteNoise, sync-only and second in the project's
    list, makes the chain below it async and every hop happen).
    """

    sync_capable = True
    async_capable = False

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


urlpatterns: list = []  # filled in by _serve() so ROOT_URLCONF can point at this module


def _serve(port: int, workers: int) -> int:
    from daigang.core.serve import serve

    # As `make serve WORKERS=N`. Each process imports the app through this module's
    # __getattr__ below.
    return serve(
        app="bench.apply_burst:application",
        host=HOST,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
    )


def __getattr__(name: str):  # uvicorn imports "bench.apply_burst:application"
    if name == "application":
        import django

        django.setup()
        from django.conf import settings

        global urlpatterns
        if not urlpatterns:
            urlpatterns = _plain_urlpatterns()
        settings.ROOT_URLCONF = "bench.apply_burst"
        if os.environ.get("BENCH_MIDDLEWARE") == "sync":
            settings.MIDDLEWARE = [*settings.MIDDLEWARE, "bench.apply_burst.SyncOnlyMiddleware"]
        from config.asgi import application

        # The baseline's 400s would each log a warning line (set after the app's own setup).
        logging.getLogger("django.request").setLevel(logging.ERROR)

        return application
    raise AttributeError(name)


# --- the database: create, migrate, seed ----------------------------------------------------


def _pg_admin_url(database_url: str) -> tuple[str, str]:
    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/")
    if not name:
        raise SystemExit("--database-url must name a database, e.g. .../bench_tmp")
    return parsed._replace(path="/postgres").geturl(), name


def _pg_create(database_url: str) -> None:
    import psycopg

    admin_url, name = _pg_admin_url(database_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists:
            raise SystemExit(f"database {name!r} exists already; the bench only drops its own")
        conn.execute(f'CREATE DATABASE "{name}"')


def _pg_drop(database_url: str) -> None:
    import psycopg

    admin_url, name = _pg_admin_url(database_url)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Seed:
    fast_job_id: int
    plain_job_id: int
    scaled_job_id: int  # the fast path again, served by --processes N
    warm_job_id: int  # warm-up requests apply here, so they are not counted
    consent_text: str
    # (session key, csrf secret) per seeker, in pool order
    seekers: list[tuple[str, str]]


def _seed(pool: int) -> Seed:
    import datetime as dt

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.core.management import call_command
    from django.utils import timezone

    from daigang.accounts.models import User
    from daigang.accounts.testing import organisation_make
    from daigang.hiring.apply.services import application_consent_text
    from daigang.jobs.testing import job_make

    call_command("migrate", verbosity=0)
    organisation = organisation_make(name="压测电子厂")
    fast_job = job_make(organisation=organisation, title="普工（一键报名）")
    plain_job = job_make(organisation=organisation, title="普工（普通表单）")
    warm_job = job_make(organisation=organisation, title="普工（预热）")
    scaled_job = job_make(organisation=organisation, title="普工（多进程）")

    users = [User(phone=f"13{i:09d}", name=f"求职者{i}", password="!unusable") for i in range(pool)]
    User.objects.bulk_create(users, batch_size=2000)
    users = list(User.objects.filter(phone__startswith="13").order_by("pk"))
    store = SessionStore()
    expire = timezone.now() + dt.timedelta(days=1)
    sessions, seekers = [], []
    for user in users:
        key = secrets.token_hex(16)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        sessions.append(
            Session(session_key=key, session_data=store.encode(data), expire_date=expire)
        )
        seekers.append((key, secrets.token_hex(16)))  # 32 chars: an unmasked CSRF secret
    Session.objects.bulk_create(sessions, batch_size=2000)
    assert settings.SESSION_COOKIE_NAME == "sessionid"
    return Seed(
        fast_job_id=fast_job.pk,
        plain_job_id=plain_job.pk,
        scaled_job_id=scaled_job.pk,
        warm_job_id=warm_job.pk,
        consent_text=application_consent_text(organisation=organisation),
        seekers=seekers,
    )


# --- the load generator ---------------------------------------------------------------------


@dataclass
class Run:
    name: str
    latencies: list[float] = field(default_factory=list)
    acknowledged: dict[int, int] = field(default_factory=dict)  # seeker index -> id
    statuses: dict[int, int] = field(default_factory=dict)
    retries: int = 0
    retries_same: int = 0
    retries_different: int = 0  # a retry answered with ANOTHER id or a new row: a duplicate
    retries_refused: int = 0  # the baseline's 400 "already exists"
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    exhausted: int = 0
    elapsed: float = 0.0
    server_cpu: float = 0.0  # CPU seconds the server used per second of the run
    server_system_cpu: float = 0.0  # the part of server_cpu spent in the kernel
    machine_cpu: float = 0.0  # cores busy on the whole machine (PostgreSQL, other work too)
    postgres_cpu: float = 0.0  # cores busy in PostgreSQL's processes (0 on SQLite)
    client_cpu: float = 0.0  # CPU seconds this (client) process used per second of the run


def _request_for(
    mode: str, seed: Seed, seeker: int, key: str, job_id: int | None = None
) -> tuple[str, dict, bytes]:
    session_key, csrf = seed.seekers[seeker]
    headers = {"Cookie": f"sessionid={session_key}; csrftoken={csrf}", "X-CSRFToken": csrf}
    if mode == "fast":
        headers["Content-Type"] = "application/json"
        headers["Idempotency-Key"] = key
        body = json.dumps(
            {"job_id": job_id or seed.fast_job_id, "name": f"求职者{seeker}", "consent": True}
        ).encode()
        return FAST_PATH, headers, body
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = urlencode(
        {
            "job": job_id or seed.plain_job_id,
            "name": f"求职者{seeker}",
            "idempotency_key": key,
            "consent_text": seed.consent_text,
        }
    ).encode()
    return PLAIN_PATH, headers, body


async def _client(
    mode: str,
    port: int,
    seed: Seed,
    run: Run,
    seekers: list[int],
    deadline: float,
    rng: random.Random,
    job_id: int | None = None,
) -> None:
    conn = Conn(port)
    try:
        for seeker in seekers:
            if time.perf_counter() >= deadline:
                return
            key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            path, headers, body = _request_for(mode, seed, seeker, key, job_id)
            started = time.perf_counter()
            status, payload = await conn.request("POST", path, headers, body)
            run.latencies.append(time.perf_counter() - started)
            run.statuses[status] = run.statuses.get(status, 0) + 1
            if status not in (200, 201):
                run.errors += 1
                if len(run.error_samples) < 3:
                    run.error_samples.append(f"HTTP {status} {payload[:200]!r}")
                continue
            first_id = json.loads(payload)["id"]
            run.acknowledged[seeker] = first_id
            if rng.random() < RETRY_SHARE:  # the response "was lost": send it again
                run.retries += 1
                started = time.perf_counter()
                status, payload = await conn.request("POST", path, headers, body)
                run.latencies.append(time.perf_counter() - started)
                run.statuses[status] = run.statuses.get(status, 0) + 1
                if status == 200 and json.loads(payload)["id"] == first_id:
                    run.retries_same += 1
                elif status in (200, 201):
                    run.retries_different += 1
                elif status == 400 and mode == "plain":
                    run.retries_refused += 1
                else:
                    run.errors += 1
        run.exhausted += 1
    finally:
        conn.close()


async def _burst(
    mode: str,
    port: int,
    seed: Seed,
    clients: int,
    seconds: float,
    pool: range,
    *,
    job_id: int | None = None,
    name: str = "",
) -> Run:
    run = Run(name or mode)
    slices = [list(pool[i::clients]) for i in range(clients)]
    deadline = time.perf_counter() + seconds
    started = time.perf_counter()
    await asyncio.gather(
        *(
            _client(
                mode,
                port,
                seed,
                run,
                slices[i],
                deadline,
                random.Random(f"{run.name}-{i}"),
                job_id,
            )
            for i in range(clients)
        )
    )
    run.elapsed = time.perf_counter() - started
    return run


async def _floor(port: int, clients: int, seconds: float, server_pid: int) -> None:
    """The stack's floor: a sync view that returns "ok", through the same server and
    middleware. No apply can be faster than this on the machine at hand."""
    latencies: list[float] = []
    deadline = time.perf_counter() + seconds

    async def one() -> None:
        conn = Conn(port)
        try:
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                await conn.request("GET", PING_PATH, {}, b"")
                latencies.append(time.perf_counter() - started)
        finally:
            conn.close()

    started = time.perf_counter()
    cpu_before = _cpu_seconds(server_pid)
    await asyncio.gather(*(one() for _ in range(clients)))
    elapsed = time.perf_counter() - started
    cpu = _cpu_seconds(server_pid) - cpu_before
    latencies.sort()
    print(
        f'  floor: {len(latencies) / elapsed:7.0f} requests/s of a view returning "ok"  '
        f"p50 {statistics.median(latencies) * 1000:6.1f} ms  "
        f"p99 {latencies[int(len(latencies) * 0.99) - 1] * 1000:6.1f} ms\n"
        f"         server CPU {cpu / elapsed * 100:.0f}% = "
        f"{cpu / len(latencies) * 1000:.1f} ms CPU per request"
    )


def _rows(job_id: int) -> tuple[int, int, set[int]]:
    from django.db.models import Count

    from daigang.hiring.models import Application

    rows = Application.objects.filter(job_id=job_id)
    duplicates = rows.values("seeker_id").annotate(n=Count("id")).filter(n__gt=1).count()
    return rows.count(), duplicates, set(rows.values_list("id", flat=True))


def _report(run: Run, job_id: int) -> dict:
    rows, duplicate_rows, ids = _rows(job_id)
    acknowledged = len(run.acknowledged)
    lost = sum(1 for i in run.acknowledged.values() if i not in ids)
    latencies = sorted(run.latencies)
    p50 = statistics.median(latencies) * 1000 if latencies else float("nan")
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    server_cpu_s = run.server_cpu * run.elapsed
    result = {
        "applies_per_s": acknowledged / run.elapsed if run.elapsed else 0.0,
        "requests_per_s": len(latencies) / run.elapsed if run.elapsed else 0.0,
        "p50_ms": p50,
        "p99_ms": p99,
        "acknowledged": acknowledged,
        "rows": rows,
        "lost": lost,
        "duplicated": duplicate_rows + run.retries_different,
        "retries": run.retries,
        "retries_same_id": run.retries_same,
        "retries_refused": run.retries_refused,
        "errors": run.errors,
        "statuses": dict(sorted(run.statuses.items())),
        # Less sensitive than requests/s to other load on a shared machine.
        "cpu_ms_per_request": server_cpu_s / len(latencies) * 1000 if latencies else 0.0,
        "cpu_ms_per_apply": server_cpu_s / acknowledged * 1000 if acknowledged else 0.0,
        "server_cpu_share": run.server_cpu,
        "client_cpu_share": run.client_cpu,
        "machine_cpu_share": run.machine_cpu,
        "postgres_cpu_share": run.postgres_cpu,
        "client_cpu_ms_per_request": (
            run.client_cpu * run.elapsed / len(latencies) * 1000 if latencies else 0.0
        ),
    }
    print(
        f"  {run.name:5s}: {result['applies_per_s']:7.0f} applies/s "
        f"({result['requests_per_s']:.0f} requests/s)  p50 {p50:6.1f} ms  p99 {p99:6.1f} ms\n"
        f"         server CPU {run.server_cpu * 100:.0f}% = "
        f"{result['cpu_ms_per_apply']:.2f} ms CPU per apply "
        f"({result['cpu_ms_per_request']:.2f} per request, "
        f"{run.server_system_cpu / run.server_cpu * 100 if run.server_cpu else 0:.0f}% in the "
        "kernel); "
        f"client CPU {run.client_cpu * 100:.0f}% = "
        f"{result['client_cpu_ms_per_request']:.2f} ms per request; "
        f"machine {run.machine_cpu * 100:.0f}% of {(os.cpu_count() or 1) * 100}%\n"
        f"         acknowledged {acknowledged}, rows written {rows}, lost {lost}, "
        f"duplicated {result['duplicated']}; retries {run.retries} "
        f"(same id {run.retries_same}, refused {run.retries_refused}); "
        f"errors {run.errors}; statuses {result['statuses']}"
    )
    for sample in run.error_samples:
        print(f"         e.g. {sample}")
    if run.exhausted:
        print(f"         warning: {run.exhausted} clients ran out of seekers; raise --pool")
    return result


def _summary(fast: dict, plain: dict) -> float:
    """The table and each target with PASS/MISS; returns the fast / plain ratio."""
    ratio = fast["applies_per_s"] / plain["applies_per_s"] if plain["applies_per_s"] else 0.0
    print(
        "\n  run     applies/s   p50 ms   p99 ms  CPU-ms/apply  lost  duplicated\n"
        + "".join(
            f"  {name:6s} {r['applies_per_s']:9.0f} {r['p50_ms']:8.1f} {r['p99_ms']:8.1f} "
            f"{r['cpu_ms_per_apply']:13.2f} {r['lost']:5d} {r['duplicated']:11d}\n"
            for name, r in (("fast", fast), ("plain", plain))
        )
        + f"  ratio fast / plain (same run): {ratio:.2f}x applies/s, "
        f"{plain['cpu_ms_per_apply'] / fast['cpu_ms_per_apply'] if fast['cpu_ms_per_apply'] else 0:.1f}x "
        "less server CPU per apply\n\n  targets (fast path):"
    )
    checks = [
        (
            f">= {TARGET_APPLIES_PER_S} applies/s",
            f"{fast['applies_per_s']:.0f}",
            fast["applies_per_s"] >= TARGET_APPLIES_PER_S,
        ),
        (
            f">= {TARGET_RATIO:g}x the plain view in the same run",
            f"{ratio:.2f}x",
            ratio >= TARGET_RATIO,
        ),
        (
            f"p99 <= {TARGET_P99_MS:g} ms",
            f"{fast['p99_ms']:.1f} ms",
            fast["p99_ms"] <= TARGET_P99_MS,
        ),
        ("0 lost", str(fast["lost"]), fast["lost"] == 0),
        ("0 duplicated", str(fast["duplicated"]), fast["duplicated"] == 0),
        (
            "every retry answered 200 with the same id",
            f"{fast['retries_same_id']}/{fast['retries']}",
            fast["retries_same_id"] == fast["retries"],
        ),
        ("no errors", str(fast["errors"]), fast["errors"] == 0),
    ]
    for name, measured, ok in checks:
        print(f"  [{'PASS' if ok else 'MISS'}] {name:45s} measured {measured}")
    return ratio


# --- orchestration ----------------------------------------------------------------------------


def _server_start(workers: int, env: dict[str, str]) -> tuple[int, subprocess.Popen]:
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bench.apply_burst",
            "--serve",
            "--port",
            str(port),
            "--workers",
            str(workers),
        ],
        cwd=ROOT,
        env={**os.environ, **env, "WEB_WORKERS": str(workers)},
    )
    _wait_for(port, proc)
    return port, proc


def _server_stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _measured(
    mode: str,
    port: int,
    proc: subprocess.Popen,
    seed: Seed,
    clients: int,
    seconds: float,
    seekers: range,
    job_id: int,
    profile: str,
    *,
    name: str = "",
) -> Run:
    """One burst with the server's (all its workers'), this client's and the machine's CPU."""
    spy = _profile_start(profile, name or mode, proc.pid, seconds)
    cpu_before = _cpu_seconds(proc.pid)
    system_before = _cpu_seconds(proc.pid, system_only=True)
    client_before = time.process_time()
    machine_before = _machine_busy_seconds()
    postgres_before = _postgres_cpu_seconds()
    run = asyncio.run(_burst(mode, port, seed, clients, seconds, seekers, job_id=job_id, name=name))
    run.server_cpu = (_cpu_seconds(proc.pid) - cpu_before) / run.elapsed
    run.server_system_cpu = (_cpu_seconds(proc.pid, system_only=True) - system_before) / run.elapsed
    run.client_cpu = (time.process_time() - client_before) / run.elapsed
    run.machine_cpu = (_machine_busy_seconds() - machine_before) / run.elapsed
    run.postgres_cpu = (_postgres_cpu_seconds() - postgres_before) / run.elapsed
    if spy is not None:
        spy.wait(timeout=60)
    return run


def _other_share(r: dict) -> float:
    used = r["server_cpu_share"] + r["client_cpu_share"] + r["postgres_cpu_share"]
    return max(0.0, r["machine_cpu_share"] - used)


def _scaled_summary(one: dict, many: dict, processes: int) -> float:
    """The N-process fast path against the one-process run of this invocation."""
    ratio = many["applies_per_s"] / one["applies_per_s"] if one["applies_per_s"] else 0.0
    cores = os.cpu_count() or 1
    print(
        f"\n  CPU in % of one core; the machine has {cores * 100}%; other = the machine minus"
        " the server, the client and PostgreSQL (other work on the machine)\n"
        "  processes  applies/s   p99 ms  CPU-ms/apply  server  client  PostgreSQL  other"
        "  machine\n"
        + "".join(
            f"  {n:9d} {r['applies_per_s']:10.0f} {r['p99_ms']:8.1f} {r['cpu_ms_per_apply']:13.2f}"
            f" {r['server_cpu_share'] * 100:6.0f}% {r['client_cpu_share'] * 100:6.0f}%"
            f" {r['postgres_cpu_share'] * 100:10.0f}%"
            f" {_other_share(r) * 100:5.0f}% {r['machine_cpu_share'] * 100:7.0f}%\n"
            for n, r in ((1, one), (processes, many))
        )
        + f"  ratio {processes} processes / 1 (same run): {ratio:.2f}x applies/s\n"
    )
    checks = [
        (f">= {TARGET_SCALED_RATIO:g}x one process", f"{ratio:.2f}x", ratio >= TARGET_SCALED_RATIO),
        ("0 lost", str(many["lost"]), many["lost"] == 0),
        ("0 duplicated", str(many["duplicated"]), many["duplicated"] == 0),
        ("no errors", str(many["errors"]), many["errors"] == 0),
    ]
    for name, measured, ok in checks:
        print(f"  [{'PASS' if ok else 'MISS'}] {name:45s} measured {measured}")
    if ratio < TARGET_SCALED_RATIO and many["machine_cpu_share"] > 0.9 * cores:
        print(
            f"  the machine was {many['machine_cpu_share'] * 100:.0f}% busy of "
            f"{cores * 100}% (the load generator, PostgreSQL, the server and anything else "
            f"running share its {cores} cores): a second process found no idle core to run on"
        )
    return ratio


def _cpu_seconds(pid: int, *, system_only: bool = False) -> float:
    """User + system CPU time of a process and its children so far (Linux /proc)."""
    total = 0.0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for one in pids:
        try:
            fields = Path(f"/proc/{one}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks = int(fields[12]) if system_only else int(fields[11]) + int(fields[12])
        total += ticks / os.sysconf("SC_CLK_TCK")
    return total


def _machine_busy_seconds() -> float:
    """CPU-seconds every core of the machine spent busy so far (/proc/stat, all processes)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def _postgres_cpu_seconds() -> float:
    """CPU-seconds of every PostgreSQL process on the machine so far (the backends serving the
    bench, and any other database's: the line's "other" cannot tell them apart)."""
    total = 0.0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            if (proc / "comm").read_text().strip() != "postgres":
                continue
            fields = (proc / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def _wait_for(port: int, proc: subprocess.Popen, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("the server exited during start-up")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start in time")


async def _warm_up(port: int, seed: Seed, seekers: range, *, plain: bool = True) -> None:
    """A few requests per mode so imports, URL resolvers and templates are loaded (a fast
    apply repeated on a later server answers 200 with the first id; the plain view's 400)."""
    half = len(seekers) // 2
    modes = (("fast", seekers[:half]), ("plain", seekers[half:])) if plain else (("fast", seekers),)
    for mode, some in modes:
        conn = Conn(port)
        for seeker in some:
            key = str(uuid.uuid4())
            path, headers, body = _request_for(mode, seed, seeker, key, seed.warm_job_id)
            status, payload = await conn.request("POST", path, headers, body)
            if status not in (200, 201):
                raise SystemExit(f"warm-up {mode}: HTTP {status} {payload[:300]!r}")
        conn.close()


def _profile_start(directory: str, mode: str, pid: int, seconds: float):
    """py-spy (pip install py-spy) samples every thread of the server while a run lasts."""
    if not directory:
        return None
    Path(directory).mkdir(parents=True, exist_ok=True)
    out = Path(directory) / f"{mode}.txt"
    return subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record",
            "--pid",
            str(pid),
            "--subprocesses",
            "--duration",
            str(int(seconds)),
            "--format",
            "raw",
            "--output",
            str(out),
            "--rate",
            "200",
            # Sample without pausing the server (pausing skews a server waiting on a database)
            # and only the thread holding the GIL: where the CPU goes, not where it waits.
            "--nonblocking",
            "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=1, help="web processes (daigang.core.serve)")
    parser.add_argument(
        "--processes",
        type=int,
        default=1,
        help="above 1: the fast path again with N processes (needs REDIS_URL), and the ratio",
    )
    parser.add_argument(
        "--middleware",
        choices=["project", "sync"],
        default="project",
        help="sync: add a sync-only no-op middleware innermost (an experiment, see the docs)",
    )
    parser.add_argument("--pool", type=int, default=40000, help="seeker users to create")
    parser.add_argument("--database-url", default="", help="postgres://…/<database to create>")
    parser.add_argument(
        "--profile", default="", help="directory: record the server with py-spy during each run"
    )
    parser.add_argument("--json", default="", help="file: also write the figures as JSON")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.serve:
        return _serve(args.port, args.workers)
    run(
        clients=args.clients,
        seconds=args.seconds,
        workers=args.workers,
        middleware=args.middleware,
        pool=args.pool,
        database_url=args.database_url,
        profile=args.profile,
        json_path=args.json,
        processes=args.processes,
    )
    return 0


def run(
    *,
    clients: int = 32,
    seconds: float = 10.0,
    workers: int = 1,
    middleware: str = "project",
    pool: int = 40000,
    database_url: str = "",
    profile: str = "",
    json_path: str = "",
    processes: int = 1,
) -> dict:
    """Seed, serve, run the floor and both bursts; print the figures and return them.

    Returns {"fast": {...}, "plain": {...}, "vendor": ..., "ratio": ...} (see `_report`).
    Django is set up in this process for the bench's own database: call it from a process of
    its own, not one whose Django is already configured.
    """
    try:  # the client's own event loop: uvloop's is cheaper per request than asyncio's
        import uvloop

        asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    except ImportError:
        pass
    var_dir = Path(tempfile.mkdtemp(prefix="daigang-bench-"))
    env = _server_env(var_dir=var_dir, database_url=database_url)
    env["BENCH_MIDDLEWARE"] = middleware
    if processes > 1:
        # As `make serve WORKERS=N` runs: rate limits and caches shared through Redis, for the
        # one-process run too so both are served alike; the settings' check also asks for an
        # external WHIP/WHEP server, which applies never call.
        if not os.environ.get("REDIS_URL"):
            raise SystemExit("--processes above 1 needs REDIS_URL")
        env["REDIS_URL"] = os.environ["REDIS_URL"]
        env["STREAM_SERVER_URL"] = "http://127.0.0.1:9/"
        env["STREAM_SERVER_HOOK_TOKEN"] = "bench-only-hook-token-" + "x" * 20
    os.environ.update(env)
    created_pg = False
    proc: subprocess.Popen | None = None
    try:
        if database_url:
            _pg_create(database_url)
            created_pg = True
        import django

        django.setup()
        from django.db import connection

        print(
            f"daigang apply burst — {connection.vendor}, {clients} clients, "
            f"{seconds:g} s per run, {workers} web process(es)"
            + (f" then {processes}, " if processes > 1 else ", ")
            + f"{os.cpu_count()} CPUs"
        )
        started = time.perf_counter()
        seed = _seed(pool)
        connection.close()
        print(
            f"  seeded {len(seed.seekers)} seekers with sessions "
            f"in {time.perf_counter() - started:.1f} s"
        )

        warm = range(len(seed.seekers) - 40, len(seed.seekers))
        seekers = range(len(seed.seekers) - 40)
        port, proc = _server_start(workers, env)
        asyncio.run(_warm_up(port, seed, warm))

        asyncio.run(_floor(port, clients, min(seconds, 5.0), proc.pid))
        results: dict = {}
        for mode, job_id in (("fast", seed.fast_job_id), ("plain", seed.plain_job_id)):
            run = _measured(mode, port, proc, seed, clients, seconds, seekers, job_id, profile)
            results[mode] = _report(run, job_id)
            connection.close()

        results["vendor"] = connection.vendor
        results["ratio"] = _summary(results["fast"], results["plain"])
        if processes > 1:
            _server_stop(proc)
            print(
                f"\n  the fast path again, served by {processes} processes (daigang.core.serve --workers):"
            )
            port, proc = _server_start(processes, env)
            asyncio.run(_warm_up(port, seed, warm, plain=False))
            name = f"fast×{processes}"
            run = _measured(
                "fast",
                port,
                proc,
                seed,
                clients,
                seconds,
                seekers,
                seed.scaled_job_id,
                profile,
                name=name,
            )
            results["scaled"] = _report(run, seed.scaled_job_id)
            results["processes"] = processes
            results["scaled_ratio"] = _scaled_summary(results["fast"], results["scaled"], processes)
        if json_path:
            Path(json_path).write_text(json.dumps(results, indent=2))
        return results
    finally:
        if proc is not None:
            _server_stop(proc)
        if "django.db" in sys.modules:
            from django.db import connections

            connections.close_all()
        if created_pg:
            _pg_drop(database_url)
        shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
