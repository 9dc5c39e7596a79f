"""Close published jobs past their valid-until date. Safe to run as often as you like (cron)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.jobs.services import jobs_close_expired


class Command(BaseCommand):
    help = "Close published jobs whose valid-until date has passed."

    def handle(self, *args: object, **options: object) -> None:
        closed = jobs_close_expired()
        self.stdout.write(f"closed {closed} expired job(s)")
