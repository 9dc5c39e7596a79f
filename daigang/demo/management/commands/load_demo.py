"""Load demo data (idempotent): run by `make run` on every start."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from daigang.demo.load import demo_load


class Command(BaseCommand):
    help = "Create demo organisations, jobs and accounts (safe to run again)."

    def handle(self, *args: object, **options: object) -> None:
        for line in demo_load():
            self.stdout.write(line)
