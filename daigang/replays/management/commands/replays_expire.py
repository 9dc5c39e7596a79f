"""Delete replays older than REPLAY_RETENTION_DAYS (file and row). Idempotent: run it daily
from cron; a second run finds nothing more to delete."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from daigang.live.replays import replays_expire


class Command(BaseCommand):
    help = "Delete replays older than REPLAY_RETENTION_DAYS (files and rows)."

    def handle(self, *args: Any, **options: Any) -> None:
        deleted = replays_expire()
        self.stdout.write(
            f"{deleted} replay(s) older than {settings.REPLAY_RETENTION_DAYS} days deleted"
        )
