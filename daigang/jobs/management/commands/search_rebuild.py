"""Rebuild the keyword index (FTS5 on SQLite, the GIN index on PostgreSQL) from the jobs'
stored search text: after a restore, a bulk load that bypassed the services, or to compact it.
`refresh_job_search` recomputes the search text itself."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from daigang.jobs.search_index import search_index_engine, search_index_rebuild


class Command(BaseCommand):
    help = "Rebuild the keyword search index of every job."

    def handle(self, *args: object, **options: object) -> None:
        engine = search_index_engine()
        if not engine:
            self.stdout.write("no keyword index on this database (search uses LIKE)")
            return
        started = time.perf_counter()
        count = search_index_rebuild()
        self.stdout.write(
            f"indexed {count} job(s) on {engine} in {time.perf_counter() - started:.1f} s"
        )
