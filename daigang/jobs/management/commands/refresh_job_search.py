"""Recompute jobs' search text, e.g. after daigang/jobs/search.py's domain words change."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.jobs.services import jobs_search_text_refresh


class Command(BaseCommand):
    help = "Recompute the jieba search text of every job."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(f"refreshed {jobs_search_text_refresh()} job(s)")
