"""A fair report's export of 100,000 applications: the memory it adds while it streams.

    python -m bench.fair_export [--db sqlite|postgres] [--database-url postgres://…/<new db>]
                                [--applications 100000] [--json FILE]

What it does:
  1. a fresh database (as bench/fair_stats builds it, without view events): one running fair
     with 200 employers, 2,000 jobs and APPLICATIONS applications, and a bureau operator;
  2. after warming up on an empty fair (code and translations load once per process),
     downloads the report as the operator would, through Django's request handling
     (`fairs:export_csv`, streamed, and `fairs:export_xlsx`, written to a temporary file by
     openpyxl's write-only mode), reading the body chunk by chunk, while a thread samples the
     process's resident memory (/proc/self/statm) every 2 ms;
  3. as the baseline, in the same run, the export written the obvious way: every application
     loaded as a model instance with its job, organisation and seeker, then written as CSV;
  4. prints the peak memory each added above what the process held before it, and the ratio.

Target (issue #13): an export of 100,000 applications streams without holding them all in
memory: peak RSS added <= 100 MB.
"""

from __future__ import annotations

import argparse
import csv
import gc
import io
import json
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from bench.apply_burst import _pg_create, _pg_drop, _server_env
from bench.fair_stats import _build

TARGET_ADDED_MB = 100.0
DEFAULT_PG_URL = "postgres://postgres@127.0.0.1:5432/daigang_fair_export_bench"
PAGE = os.sysconf("SC_PAGE_SIZE")


def _rss() -> int:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * PAGE


def _peak_added(work: Callable[[], int]) -> tuple[float, float, int]:
    """(peak MB added above the RSS before `work`, seconds, what `work` returned)."""
    gc.collect()
    before = _rss()
    peak = before
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss())
            time.sleep(0.002)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    started = time.perf_counter()
    try:
        result = work()
    finally:
        seconds = time.perf_counter() - started
        done.set()
        sampler.join()
    peak = max(peak, _rss())
    return (peak - before) / 2**20, seconds, result


def _drain(chunks: Iterable[bytes]) -> int:
    size = 0
    for chunk in chunks:
        size += len(chunk)
    return size


def run(
    *,
    db: str = "sqlite",
    database_url: str = "",
    organisations: int = 200,
    jobs_per_organisation: int = 10,
    applications: int = 100_000,
    json_path: str = "",
) -> dict[str, Any]:
    """Build, measure, print; return the figures. Sets Django up for its own database: call
    it in a process of its own."""
    if db == "postgres" and not database_url:
        database_url = DEFAULT_PG_URL
    var_dir = Path(tempfile.mkdtemp(prefix="daigang-fair-export-"))
    os.environ.update(_server_env(var_dir=var_dir, database_url=database_url))
    os.environ["FAIR_COUNTERS_FLUSH_MS"] = "3600000"
    created_pg = False
    try:
        if database_url:
            _pg_create(database_url)
            created_pg = True
        import django

        django.setup()
        from django.db import connection
        from django.test import Client

        from daigang.accounts.models import Membership
        from daigang.accounts.testing import member_make
        from daigang.fairs.stats import fair_applications
        from daigang.fairs.testing import fair_make
        from daigang.hiring.models import Application

        print(
            f"daigang fair export — {connection.vendor}, {organisations} organisations, "
            f"{applications} applications"
        )
        built = _build(
            organisations=organisations,
            jobs_per_organisation=jobs_per_organisation,
            applications=applications,
            view_events=0,
        )
        fair = built["fair"]
        operator = member_make(organisation=fair.bureau, role=Membership.Role.OPERATOR)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(operator)

        def csv_export() -> int:
            response = client.get(f"/fairs/{fair.pk}/stats/report.csv")
            assert response.status_code == 200, response.status_code
            return _drain(response.streaming_content)

        def xlsx_export() -> int:
            response = client.get(f"/fairs/{fair.pk}/stats/report.xlsx")
            assert response.status_code == 200, response.status_code
            return _drain(response.streaming_content)

        def csv_obvious() -> int:
            rows = list(
                Application.objects.filter(pk__in=fair_applications(fair_ids=[fair.pk]))
                .select_related("job", "organisation", "seeker")
                .order_by("pk")
            )
            out = io.StringIO()
            writer = csv.writer(out)
            for application in rows:
                writer.writerow(
                    [
                        application.pk,
                        application.created_at,
                        application.organisation.name,
                        application.job.title,
                        application.masked_phone,
                        application.stage,
                        application.source,
                    ]
                )
            return len(out.getvalue().encode())

        # Warm up on an empty fair of the same bureau: code, templates and translations load
        # once per process, and are not what the export of many rows adds.
        empty = fair_make(bureau=fair.bureau, by=operator, title="预热")
        for path in ("stats/report.csv", "stats/report.xlsx"):
            warm = client.get(f"/fairs/{empty.pk}/{path}")
            assert warm.status_code == 200, (path, warm.status_code)
            _drain(warm.streaming_content if warm.streaming else [warm.content])
        streamed_mb, streamed_s, streamed_bytes = _peak_added(csv_export)
        xlsx_mb, xlsx_s, xlsx_bytes = _peak_added(xlsx_export)
        obvious_mb, obvious_s, obvious_bytes = _peak_added(csv_obvious)
        ratio = obvious_mb / max(streamed_mb, 0.1)
        print(
            f"  CSV, streamed:        {streamed_mb:6.1f} MB added at peak, {streamed_s:5.1f} s, "
            f"{streamed_bytes / 2**20:.1f} MB sent"
        )
        print(
            f"  XLSX, write-only:     {xlsx_mb:6.1f} MB added at peak, {xlsx_s:5.1f} s, "
            f"{xlsx_bytes / 2**20:.1f} MB sent"
        )
        print(
            f"  CSV, all rows loaded: {obvious_mb:6.1f} MB added at peak, {obvious_s:5.1f} s "
            f"(baseline); {ratio:.1f}x the streamed export's"
        )
        worst = max(streamed_mb, xlsx_mb)
        ok = worst <= TARGET_ADDED_MB
        print(
            f"  [{'PASS' if ok else 'MISS'}] peak RSS added <= {TARGET_ADDED_MB:g} MB"
            f"{'':<14} measured {worst:.1f} MB"
        )
        figures = {
            "vendor": connection.vendor,
            "applications": built["applications"],
            "csv_added_mb": streamed_mb,
            "csv_s": streamed_s,
            "csv_bytes": streamed_bytes,
            "xlsx_added_mb": xlsx_mb,
            "xlsx_s": xlsx_s,
            "xlsx_bytes": xlsx_bytes,
            "obvious_added_mb": obvious_mb,
            "obvious_bytes": obvious_bytes,
            "ratio": ratio,
        }
        if json_path:
            Path(json_path).write_text(json.dumps(figures, indent=2))
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
    parser.add_argument("--json", default="", help="file: also write the figures as JSON")
    args = parser.parse_args(argv)
    run(
        db=args.db,
        database_url=args.database_url,
        organisations=args.organisations,
        jobs_per_organisation=args.jobs_per_organisation,
        applications=args.applications,
        json_path=args.json,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
