"""Replays (回放) drawn in the pages of apps below this one (live's room page, the
organisation's page, a fair's page), which never import it: {% load replays_tags %}."""

from __future__ import annotations

from typing import Any

from django import template

from daigang.accounts.models import Organisation
from daigang.live.models import Room
from daigang.replays import selectors

register = template.Library()


@register.filter
def duration(seconds: float | int | None) -> str:
    """12:05, or 1:02:03 for an hour and more."""
    total = int(seconds or 0)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.inclusion_tag("replays/_list.html")
def room_replays(room: Room) -> dict[str, Any]:
    """An ended room's replays (its page shows them instead of only 直播已结束)."""
    return {"replays": selectors.replays_of_room(room=room), "with_title": False}


@register.inclusion_tag("replays/_list.html")
def organisation_replays(organisation: Organisation) -> dict[str, Any]:
    return {
        "replays": selectors.replays_of_organisation(organisation=organisation),
        "with_title": True,
    }


@register.simple_tag
def replays_by_room(rooms: list[Room]) -> dict[int, list[Any]]:
    """{room id: its public replays} for a list of rooms (a fair's ended ones), one query."""
    return selectors.replays_by_room(room_ids=[room.pk for room in rooms])


@register.filter
def of_room(replays: dict[int, list[Any]], room: Room) -> list[Any]:
    return replays.get(room.pk, [])
