"""The assistance list (帮扶名单) of a county-scale bureau: how long one page view's
computation takes.

    python -m bench.assistance [--seekers 10000] [--repeats 20]

What it does:
  1. a fresh SQLite database in a temp dir, migrated;
  2. by bulk inserts: a bureau of 兰州市 (620100); 60 employers, 40 in 兰州's counties and 20
     in 天水 (620500), 10 jobs each; SEEKERS seekers, a third with a 兰州 home region in their
     profile, each with 0–9 applications (three quarters within the last 30 days, the rest
     older), a fifth of the applied seekers interviewed once or twice, and one in twelve
     applications moved to 录用 (a stage change) within the window;
  3. times `assistance_list` (the page's list: counts over the window, offers, names of the
     shown 200) and `assistance_numbers` REPEATS times each; prints p50 / p95 and how many
     seekers are listed.

Target: the page's computation well under a second at county scale (issue #14 asks only that a
page view does not scan everything slowly; three aggregate queries over the window are enough).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.apply_burst import _server_env

TARGET_P95_MS = 500.0


def _build(*, seekers: int) -> dict[str, Any]:
    from django.core.management import call_command
    from django.utils import timezone

    from daigang.accounts.models import Organisation, SeekerProfile, User
    from daigang.accounts.testing import organisation_make
    from daigang.hiring.models import STAGE_ROAD, Application, Stage, StageChange, stage_rank
    from daigang.interviews.models import Interview, InterviewParticipant
    from daigang.jobs.models import Job
    from daigang.jobs.testing import job_make
    from daigang.regions.models import Region

    rng = random.Random(14)
    call_command("migrate", verbosity=0)
    now = timezone.now()
    bureau = organisation_make(name="兰州市公共就业服务中心", kind=Organisation.Kind.BUREAU)
    bureau.region = Region.objects.get(code="620100")
    bureau.save(update_fields=["region"])
    lanzhou = list(Region.objects.filter(code__startswith="6201", level="county"))
    tianshui = list(Region.objects.filter(code__startswith="6205", level="county"))

    template = job_make(organisation=organisation_make(name="模板厂"), title="普工")
    fields = [f for f in Job._meta.concrete_fields if not f.primary_key]
    employers = []
    for n in range(60):
        employer = organisation_make(name=f"压测单位{n:03d}")
        employer.region = rng.choice(lanzhou if n < 40 else tianshui)
        employer.save(update_fields=["region"])
        employers.append(employer)
    jobs = []
    for employer in employers:
        for n in range(10):
            values = {f.attname: getattr(template, f.attname) for f in fields}
            values.update(organisation_id=employer.pk, title=f"普工{n}")
            jobs.append(Job(**values))
    Job.objects.bulk_create(jobs, batch_size=1000)
    jobs = list(Job.objects.filter(organisation__in=employers).order_by("pk"))

    User.objects.bulk_create(
        [User(phone=f"139{n:08d}", name=f"求职者{n}") for n in range(seekers)], batch_size=2000
    )
    users = list(User.objects.filter(phone__startswith="139").order_by("pk"))
    SeekerProfile.objects.bulk_create(
        [
            SeekerProfile(user=user, name=user.name, home_region=rng.choice(lanzhou))
            for user in users[: seekers // 3]
        ],
        batch_size=2000,
    )
    applications = []
    for user in users:
        for job in rng.sample(jobs, rng.randint(0, 9)):
            recent = rng.random() < 0.75
            days = rng.uniform(0, 29) if recent else rng.uniform(31, 120)
            applications.append(
                Application(
                    seeker=user,
                    job=job,
                    organisation_id=job.organisation_id,
                    name=user.name,
                    phone=user.phone,
                    consent_text="同意",
                    consented_at=now,
                    idempotency_key=f"b{job.pk}",
                    created_at=now - dt.timedelta(days=days),
                )
            )
    Application.objects.bulk_create(applications, batch_size=2000)
    rows = list(Application.objects.values_list("pk", "seeker_id", "organisation_id", "created_at"))
    offered = [row for row in rows if rng.random() < 1 / 12]
    Application.objects.filter(pk__in=[row[0] for row in offered]).update(
        stage=Stage.OFFER, stage_reached=stage_rank(Stage.OFFER)
    )
    StageChange.objects.bulk_create(
        [
            StageChange(
                application_id=pk,
                from_stage=STAGE_ROAD[0],
                to_stage=Stage.OFFER,
                at=max(created, now - dt.timedelta(days=rng.uniform(0, 29))),
            )
            for pk, _seeker, _org, created in offered
        ],
        batch_size=2000,
    )
    seats = []
    interviews = 0
    by_seeker: dict[int, list[tuple[int, int]]] = {}
    for pk, seeker_id, organisation_id, _created in rows:
        by_seeker.setdefault(seeker_id, []).append((pk, organisation_id))
    for seeker_id, applied in by_seeker.items():
        if rng.random() >= 0.2:
            continue
        for pk, organisation_id in applied[: rng.randint(1, 2)]:
            interview = Interview.objects.create(
                organisation_id=organisation_id,
                title="普工面试",
                starts_at=now - dt.timedelta(days=rng.uniform(0, 40)),
                length_minutes=20,
                idempotency_key=f"b{seeker_id}-{pk}",
            )
            interviews += 1
            seats.append(
                InterviewParticipant(
                    interview=interview,
                    role=InterviewParticipant.Role.CANDIDATE,
                    user_id=seeker_id,
                    application_id=pk,
                    token=f"b{seeker_id}-{pk}",
                )
            )
    InterviewParticipant.objects.bulk_create(seats, batch_size=2000)
    return {
        "bureau": bureau,
        "applications": len(rows),
        "offers": len(offered),
        "interviews": interviews,
    }


def _timed(fn: Any, repeats: int) -> tuple[list[float], Any]:
    times, result = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return times, result


def _ms(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return statistics.median(ordered) * 1000, p95 * 1000


def run(*, seekers: int = 10_000, repeats: int = 20) -> dict[str, Any]:
    """Build, measure, print; return the figures. Sets Django up for its own database: call
    it in a process of its own."""
    var_dir = Path(tempfile.mkdtemp(prefix="daigang-assistance-"))
    os.environ.update(_server_env(var_dir=var_dir, database_url=""))
    try:
        import django

        django.setup()
        from daigang.matchmaking.assistance import assistance_list, assistance_numbers

        started = time.perf_counter()
        built = _build(seekers=seekers)
        print(
            f"daigang assistance list — sqlite, {seekers} seekers, {built['applications']} "
            f"applications, {built['interviews']} interviews, {built['offers']} offers "
            f"(built in {time.perf_counter() - started:.1f} s)"
        )
        bureau = built["bureau"]
        assistance_list(bureau=bureau)  # warm
        list_times, listing = _timed(lambda: assistance_list(bureau=bureau), repeats)
        numbers_times, _numbers = _timed(lambda: assistance_numbers(bureau=bureau), repeats)
        l50, l95 = _ms(list_times)
        n50, n95 = _ms(numbers_times)
        print(f"  listed: {listing.total} seekers (first {len(listing.rows)} shown)")
        print(f"  assistance_list:    p50 {l50:7.1f} ms  p95 {l95:7.1f} ms  ({repeats} runs)")
        print(f"  assistance_numbers: p50 {n50:7.1f} ms  p95 {n95:7.1f} ms  ({repeats} runs)")
        ok = l95 <= TARGET_P95_MS
        print(
            f"  [{'PASS' if ok else 'MISS'}] list p95 <= {TARGET_P95_MS:g} ms   measured {l95:.1f} ms"
        )
        return {"listed": listing.total, "list_p50_ms": l50, "list_p95_ms": l95, "ok": ok}
    finally:
        shutil.rmtree(var_dir, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seekers", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    run(seekers=args.seekers, repeats=args.repeats)


if __name__ == "__main__":
    main()
