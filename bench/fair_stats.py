"""The fair dashboard's numbers: precomputed counters against counting the raw rows.

    python -m bench.fair_stats [--db sqlite|postgres] [--database-url postgres://…/<new db>]
                               [--organisations 200] [--jobs-per-organisation 10]
                               [--applications 100000] [--view-events 1000000]
                               [--repeats 40] [--raw-repeats 8] [--json FILE]

What it does:
  1. a fresh database — SQLite in a temp dir (default), or with --db postgres a database
     created for the run on 127.0.0.1:5432 (trust auth, as the test server runs it) and dropped
     after (--database-url names another; it must not exist yet), as bench/apply_burst does;
  2. migrates it and builds one running fair with bulk inserts: ORGANISATIONS approved
     employers with JOBS_PER_ORGANISATION jobs each (headcount per job), one live room each in
     the fair's schedule, APPLICATIONS applications by seekers (about two each; 90% from a
     room, the rest from the fair page and a campus invite link; some moved to intention …
     hired) and VIEW_EVENTS view events (room entries by ~30% as many people: the rooms' views,
     and one raw row per person per room for the unique viewers);
  3. builds the counters from those rows with `fair_counters_rebuild` (timed);
  4. measures the dashboard's numbers (every figure, per organisation, per day, per invite,
     per target group, the rooms and the pinned jobs' funnel) REPEATS times from the counters
     and RAW_REPEATS times by counting the raw rows, in the same run, and checks both say the
     same; prints p50 / p95 of each and the ratio;
  5. measures the counting itself: 10,000 viewers joining (as the room hubs hand them over,
     one call per process per period) and 1,000 applies (one second's flush at 1,000 applies/s)
     with 200 stage moves, each against a one-second budget; and what noting an apply costs on
     the apply path (no query); then checks the counters still equal the raw counts.

Targets (issue #13): p95 <= 200 ms from the counters, >= 10x faster than raw counting in the
same run; joins and applies counted faster than they arrive. The apply path's own benchmark
(bench/apply_burst.py) is run separately, before and after the counters.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.apply_burst import _pg_create, _pg_drop, _server_env

TARGET_P95_MS = 200.0
TARGET_RATIO = 10.0
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/daigang_fair_stats_bench"


def _ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered) * 1000, p95 * 1000


def _build(
    *, organisations: int, jobs_per_organisation: int, applications: int, view_events: int
) -> dict[str, Any]:
    """The fair, its employers, rooms, applications and view events, by bulk inserts."""
    from django.core.management import call_command
    from django.utils import timezone

    from daigang.accounts.models import Organisation, User
    from daigang.accounts.testing import organisation_make
    from daigang.fairs.counters import CARD_OPEN, SEEN_VIEWER, counters_add, person_of_viewer
    from daigang.fairs.models import (
        Fair,
        FairEntry,
        FairInvite,
        FairJob,
        FairRoom,
        FairSeen,
        Scope,
    )
    from daigang.hiring.models import STAGE_ROAD, Application
    from daigang.jobs.models import Job
    from daigang.jobs.testing import job_make
    from daigang.live.models import Room, RoomAudience
    from daigang.regions.models import Region

    rng = random.Random(13)
    call_command("migrate", verbosity=0)
    now = timezone.now()
    gansu = Region.objects.get(code="620000")
    bureau = organisation_make(name="甘肃省公共就业服务中心", kind=Organisation.Kind.BUREAU)
    bureau.region = gansu
    bureau.save(update_fields=["region"])
    fair = Fair.objects.create(
        bureau=bureau,
        title="春风行动 · 压测专场",
        target_group="migrant_workers",
        region=gansu,
        starts_at=now - dt.timedelta(days=2),
        ends_at=now + dt.timedelta(days=1),
        status=Fair.Status.PUBLISHED,
    )
    invite = FairInvite.objects.create(fair=fair, label="兰州大学")

    template = job_make(organisation=organisation_make(name="模板厂"), title="普工")
    fields = [f for f in Job._meta.concrete_fields if not f.primary_key]
    employers = [organisation_make(name=f"压测单位{n:03d}") for n in range(organisations)]
    jobs = []
    for employer in employers:
        for n in range(jobs_per_organisation):
            values = {f.attname: getattr(template, f.attname) for f in fields}
            values.update(organisation_id=employer.pk, title=f"普工{n}")
            jobs.append(Job(**values))
    Job.objects.bulk_create(jobs, batch_size=1000)
    jobs = list(Job.objects.filter(organisation__in=employers).order_by("pk"))
    entries = FairEntry.objects.bulk_create(
        [
            FairEntry(fair=fair, organisation=employer, status=FairEntry.Status.APPROVED)
            for employer in employers
        ]
    )
    entry_of = {entry.organisation_id: entry.pk for entry in entries}
    FairJob.objects.bulk_create(
        [FairJob(entry_id=entry_of[job.organisation_id], job=job, headcount=5) for job in jobs],
        batch_size=2000,
    )
    rooms = Room.objects.bulk_create(
        [
            Room(
                organisation=employer,
                title=f"{employer.name}直播",
                planned_start=now - dt.timedelta(hours=1),
                state=Room.State.LIVE,
            )
            for employer in employers
        ]
    )
    room_of = {room.organisation_id: room.pk for room in rooms}
    Room.jobs.through.objects.bulk_create(
        [Room.jobs.through(room_id=room_of[job.organisation_id], job_id=job.pk) for job in jobs],
        batch_size=2000,
    )
    FairRoom.objects.bulk_create([FairRoom(fair=fair, room=room) for room in rooms])

    seekers_n = max(1, applications // 2)
    User.objects.bulk_create(
        [User(phone=f"13{n:09d}", password="!") for n in range(seekers_n)], batch_size=5000
    )
    seekers = list(User.objects.filter(phone__startswith="13").values_list("pk", "phone"))
    period = (fair.ends_at - fair.starts_at).total_seconds() / 2
    made: set[tuple[int, int]] = set()
    batch: list[Application] = []
    for n in range(applications):
        seeker_id, phone = seekers[n % len(seekers)]
        job = jobs[(n * 7919 + n // len(seekers)) % len(jobs)]
        if (seeker_id, job.pk) in made:
            continue
        made.add((seeker_id, job.pk))
        roll = rng.random()
        reached = 0 if roll < 0.8 else rng.choice(range(1, len(STAGE_ROAD)))
        where = rng.random()
        at = fair.starts_at + dt.timedelta(seconds=rng.random() * period)
        batch.append(
            Application(
                seeker_id=seeker_id,
                job_id=job.pk,
                organisation_id=job.organisation_id,
                room_id=room_of[job.organisation_id] if where < 0.9 else None,
                source=""
                if where < 0.9
                else (f"fair:{fair.pk}" if where < 0.95 else f"fair:{fair.pk}:{invite.pk}"),
                name="求职者",
                phone=phone,
                consent_text="同意",
                consented_at=at,
                idempotency_key=f"b{n}",
                stage=STAGE_ROAD[reached],
                stage_reached=reached,
                created_at=at,
            )
        )
        if len(batch) >= 5000:
            Application.objects.bulk_create(batch)
            batch = []
    Application.objects.bulk_create(batch)

    people = max(1, int(view_events * 0.3))
    per_room = [0] * len(rooms)
    pairs: set[int] = set()
    for _ in range(view_events):
        index = rng.randrange(len(rooms))
        per_room[index] += 1
        pairs.add(index << 32 | rng.randrange(people))
    RoomAudience.objects.bulk_create(
        [
            RoomAudience(room=room, views=per_room[i], viewers_peak=rng.randrange(50, 3000))
            for i, room in enumerate(rooms)
        ]
    )
    rows: list[FairSeen] = []
    for pair in pairs:
        rows.append(
            FairSeen(
                scope=Scope.ROOM,
                scope_id=rooms[pair >> 32].pk,
                figure=SEEN_VIEWER,
                person=person_of_viewer(f"c{pair & 0xFFFFFFFF}"),
            )
        )
        if len(rows) >= 10000:
            FairSeen.objects.bulk_create(rows)
            rows = []
    FairSeen.objects.bulk_create(rows)

    # Three jobs pinned in each room, with the viewers present and the cards opened (a raw
    # row per viewer per pin, as the room page's beacon leaves them).
    pins: dict[tuple[str, int, str, str], int] = {}
    opens: list[FairSeen] = []
    room_jobs: dict[int, list[Any]] = {}
    for job in jobs:
        room_jobs.setdefault(room_of[job.organisation_id], []).append(job)
    for room in rooms:
        for job in room_jobs[room.pk][:3]:
            pins[(Scope.ROOM, room.pk, "pins", f"j{job.pk}")] = 2
            pins[(Scope.ROOM, room.pk, "pin_viewers", f"j{job.pk}")] = rng.randrange(100, 2000)
            opens += [
                FairSeen(
                    scope=Scope.ROOM,
                    scope_id=room.pk,
                    figure=f"{CARD_OPEN}:j{job.pk}",
                    person=f"{person_of_viewer(f'c{n}')}:2",
                )
                for n in range(rng.randrange(10, 60))
            ]
    counters_add(pins)
    FairSeen.objects.bulk_create(opens, batch_size=10000)
    return {
        "fair": fair,
        "rooms": rooms,
        "jobs": jobs,
        "seekers": seekers,
        "people": people,
        "room_viewer_rows": len(pairs),
        "applications": Application.objects.count(),
    }


def _dashboard(fair: Any, *, raw: bool) -> tuple:
    """Every number the dashboard shows, as the page reads them (or by raw counting)."""
    from daigang.fairs import stats

    if raw:
        return (
            stats.fair_numbers_raw(fair=fair),
            stats.fair_numbers_by_organisation_raw(fair=fair),
            stats.fair_applications_by_day_raw(fair=fair),
            stats.fair_numbers_by_invite_raw(fair=fair),
            stats.fair_applicants_by_group_raw(fair=fair),
        )
    rooms = stats.fair_rooms_numbers(fair=fair)
    stats.fair_funnel(rooms=rooms)
    return (
        stats.fair_numbers(fair=fair),
        stats.fair_numbers_by_organisation(fair=fair),
        stats.fair_applications_by_day(fair=fair),
        stats.fair_numbers_by_invite(fair=fair),
        stats.fair_applicants_by_group(fair=fair),
    )


def _timed(call: Any, repeats: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = call()
        times.append(time.perf_counter() - started)
    return times, result


def _joins(built: dict[str, Any], joins: int, processes: int = 4) -> float:
    """`joins` people entering rooms, half of them seen before, handed over as `processes`
    room hubs would in one period each: seconds taken."""
    from daigang.fairs.counters import viewers_count

    rng = random.Random(7)
    rooms = built["rooms"]
    calls: list[dict[int, list[str]]] = [{} for _ in range(processes)]
    for n in range(joins):
        person = rng.randrange(built["people"]) if n % 2 else built["people"] + n
        calls[n % processes].setdefault(rooms[rng.randrange(len(rooms))].pk, []).append(
            f"c{person}"
        )
    started = time.perf_counter()
    for seen in calls:
        viewers_count(seen)
    return time.perf_counter() - started


def _applies(built: dict[str, Any], applies: int, moves: int) -> tuple[float, float]:
    """One second's worth of applies (and stage moves) at `applies`/s, inserted as the apply
    path would, noted (the hook) and flushed: (seconds noting them, seconds flushing)."""
    from django.db import transaction
    from django.utils import timezone

    from daigang.accounts.models import User
    from daigang.fairs import counters
    from daigang.hiring.models import STAGE_ROAD, Application, Stage

    jobs, rooms = built["jobs"], built["rooms"]
    room_of = {room.organisation_id: room.pk for room in rooms}
    users = User.objects.bulk_create(
        [User(phone=f"15{n:09d}", password="!") for n in range(applies)], batch_size=5000
    )
    now = timezone.now()
    fresh = Application.objects.bulk_create(
        [
            Application(
                seeker_id=user.pk,
                job_id=jobs[n % len(jobs)].pk,
                organisation_id=jobs[n % len(jobs)].organisation_id,
                room_id=room_of[jobs[n % len(jobs)].organisation_id],
                name="求职者",
                phone=user.phone,
                consent_text="同意",
                consented_at=now,
                idempotency_key=f"f{n}",
                created_at=now,
            )
            for n, user in enumerate(users)
        ]
    )
    intention = STAGE_ROAD.index(Stage.INTENTION)
    moved = fresh[:moves]
    Application.objects.filter(pk__in=[a.pk for a in moved]).update(
        stage=Stage.INTENTION, stage_reached=intention
    )
    started = time.perf_counter()
    for application in fresh:  # one hook call per apply, as the apply path makes them
        counters.applications_created([application])
    for application in moved:
        counters.application_reached(application, 0, intention)
    noted = time.perf_counter() - started
    started = time.perf_counter()
    with transaction.atomic():
        counters.flush()
    return noted, time.perf_counter() - started


def run(
    *,
    db: str = "sqlite",
    database_url: str = "",
    organisations: int = 200,
    jobs_per_organisation: int = 10,
    applications: int = 100_000,
    view_events: int = 1_000_000,
    repeats: int = 40,
    raw_repeats: int = 8,
    joins: int = 10_000,
    applies: int = 1_000,
    moves: int = 200,
    json_path: str = "",
) -> dict[str, Any]:
    """Build, measure, print; return the figures. Sets Django up for its own database: call
    it in a process of its own."""
    if db == "postgres" and not database_url:
        database_url = DEFAULT_PG_URL
    var_dir = Path(tempfile.mkdtemp(prefix="daigang-fair-stats-"))
    os.environ.update(_server_env(var_dir=var_dir, database_url=database_url))
    # The bench writes the counters itself: the apply hook notes, the bench flushes.
    os.environ["FAIR_COUNTERS_FLUSH_MS"] = "3600000"
    created_pg = False
    try:
        if database_url:
            _pg_create(database_url)
            created_pg = True
        import django

        django.setup()
        from django.db import connection

        from daigang.fairs.counters import counters_rebuild
        from daigang.live.audience import VIEWERS_PERIOD

        print(
            f"daigang fair stats — {connection.vendor}, {organisations} organisations, "
            f"{organisations * jobs_per_organisation} jobs, {applications} applications, "
            f"{view_events} view events"
        )
        started = time.perf_counter()
        built = _build(
            organisations=organisations,
            jobs_per_organisation=jobs_per_organisation,
            applications=applications,
            view_events=view_events,
        )
        build_s = time.perf_counter() - started
        print(
            f"  built in {build_s:.1f} s: {built['applications']} applications, "
            f"{built['room_viewer_rows']} room-viewer rows ({built['people']} people)"
        )
        started = time.perf_counter()
        counters_rebuild()
        rebuild_s = time.perf_counter() - started
        print(f"  counters rebuilt from the raw rows in {rebuild_s:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")

        fair = built["fair"]
        _dashboard(fair, raw=False)  # warm
        counted_times, counted = _timed(lambda: _dashboard(fair, raw=False), repeats)
        raw_times, raw = _timed(lambda: _dashboard(fair, raw=True), raw_repeats)
        same = counted == raw
        c50, c95 = _ms(counted_times)
        r50, r95 = _ms(raw_times)
        ratio = r95 / c95 if c95 else float("inf")
        print(f"  dashboard from counters: p50 {c50:8.1f} ms  p95 {c95:8.1f} ms  ({repeats} runs)")
        print(
            f"  dashboard by raw counts: p50 {r50:8.1f} ms  p95 {r95:8.1f} ms  ({raw_repeats} runs)"
        )
        print(f"  ratio raw / counters (p95, same run): {ratio:.1f}x; same numbers: {same}")

        joins_s = _joins(built, joins)
        noted_s, flush_s = _applies(built, applies, moves)
        after_counted = _dashboard(fair, raw=False)
        after_raw = _dashboard(fair, raw=True)
        still_same = after_counted == after_raw
        print(
            f"  {joins} viewer joins counted in {joins_s * 1000:.0f} ms "
            f"({joins / joins_s:,.0f} joins/s)"
        )
        print(
            f"  {applies} applies + {moves} stage moves: noted on the apply path in "
            f"{noted_s * 1e6 / (applies + moves):.1f} µs each; flushed in {flush_s * 1000:.0f} ms "
            f"({applies / flush_s:,.0f} applies/s); counters == raw afterwards: {still_same}"
        )
        checks = [
            (
                f"p95 <= {TARGET_P95_MS:g} ms from the counters",
                c95 <= TARGET_P95_MS,
                f"{c95:.1f} ms",
            ),
            (
                f">= {TARGET_RATIO:g}x faster than raw counting",
                ratio >= TARGET_RATIO,
                f"{ratio:.1f}x",
            ),
            ("counters say what raw counting says", same and still_same, str(same and still_same)),
            # The room hubs hand joins over once per period (daigang.live.audience).
            (
                f"{joins} joins counted within a hub period ({VIEWERS_PERIOD} s)",
                joins_s < VIEWERS_PERIOD,
                f"{joins_s * 1000:.0f} ms",
            ),
            (
                f"{applies} applies/s counted within a second",
                flush_s < 1.0,
                f"{flush_s * 1000:.0f} ms",
            ),
        ]
        for label, ok, measured in checks:
            print(f"  [{'PASS' if ok else 'MISS'}] {label:<45} measured {measured}")
        figures = {
            "vendor": connection.vendor,
            "applications": built["applications"],
            "room_viewer_rows": built["room_viewer_rows"],
            "build_s": build_s,
            "rebuild_s": rebuild_s,
            "counted_p50_ms": c50,
            "counted_p95_ms": c95,
            "raw_p50_ms": r50,
            "raw_p95_ms": r95,
            "ratio": ratio,
            "same": same,
            "still_same": still_same,
            "joins": joins,
            "joins_s": joins_s,
            "applies": applies,
            "noted_us_per_item": noted_s * 1e6 / max(1, applies + moves),
            "flush_s": flush_s,
            "numbers": counted[0],
        }
        if json_path:
            Path(json_path).write_text(json.dumps(figures, indent=2, default=str))
        connection.close()
        return figures
    finally:
        if created_pg:
            try:
                _pg_drop(database_url)
            except Exception as exc:
                print(f"  could not drop the bench database: {exc}", file=sys.stderr)
        shutil.rmtree(var_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--database-url", default="", help="postgres://…/<database to create>")
    parser.add_argument("--organisations", type=int, default=200)
    parser.add_argument("--jobs-per-organisation", type=int, default=10)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--view-events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=40)
    parser.add_argument("--raw-repeats", type=int, default=8)
    parser.add_argument("--json", default="", help="file: also write the figures as JSON")
    args = parser.parse_args(argv)
    run(
        db=args.db,
        database_url=args.database_url,
        organisations=args.organisations,
        jobs_per_organisation=args.jobs_per_organisation,
        applications=args.applications,
        view_events=args.view_events,
        repeats=args.repeats,
        raw_repeats=args.raw_repeats,
        json_path=args.json,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
