"""Times as people read them in texts, SMS and exports: the site's local time (北京时间)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def local_time_text(moment: dt.datetime) -> str:
    """`moment` in the site's time zone as "2026-05-01 09:30"."""
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M")
