from __future__ import annotations

from django import template
from django.utils.dateparse import parse_date, parse_datetime

register = template.Library()


@register.filter
def readable_time(value: str | None) -> str:
    """An export's ISO time as people read it (2026-12-05 01:38); the JSON keeps the ISO."""
    if not value:
        return ""
    moment = parse_datetime(value)
    if moment is not None:
        return moment.strftime("%Y-%m-%d %H:%M")
    day = parse_date(value)
    return day.isoformat() if day is not None else value
