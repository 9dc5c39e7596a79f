"""Delete applications past their retention period (daily cron; idempotent)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daigang.privacy.services import applications_retention_run


class Command(BaseCommand):
    help = "Delete stale unhired applications and expired records of deleted accounts."

    def handle(self, *args: Any, **options: Any) -> None:
        result = applications_retention_run()
        self.stdout.write(
            f"privacy_retention: {result.unhired_deleted} unhired application(s) deleted, "
            f"{result.signed_deleted} expired signed record(s) of deleted accounts deleted"
        )
