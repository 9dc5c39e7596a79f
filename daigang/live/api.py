"""Rooms in the JSON API: what is live and upcoming, and one room's state for a player."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from daigang.core.api import api_errors
from daigang.core.ids import ObjectId
from daigang.live import selectors
from daigang.live.models import Room

router = Router(tags=["rooms"])


class OrganisationOut(Schema):
    id: int
    name: str


class JobCardOut(Schema):
    id: int
    title: str
    organisation: str
    wage: str
    place: str
    tags: list[str]
    url: str
    apply_url: str


class RoomOut(Schema):
    id: int
    title: str
    state: Literal["scheduled", "live", "ended"]
    state_display: str
    planned_start: dt.datetime
    started_at: dt.datetime | None
    organisation: OrganisationOut
    url: str


class RoomDetailOut(RoomOut):
    ended_at: dt.datetime | None
    viewers: int | None = Field(
        description="Viewers now; null when the count cannot be read just now (cache down)."
    )
    pinned_job: JobCardOut | None
    jobs: list[JobCardOut]
    whep_url: str


def _room_out(room: Room, request: HttpRequest) -> dict:
    return {
        "id": room.pk,
        "title": room.title,
        "state": room.state,
        "state_display": str(room.get_state_display()),
        "planned_start": room.planned_start,
        "started_at": room.started_at,
        "organisation": {"id": room.organisation_id, "name": room.organisation.name},
        "url": request.build_absolute_uri(reverse("live:room", args=[room.pk])),
    }


@router.get(
    "", response={200: list[RoomOut], **api_errors(422)}, summary="直播间列表：直播中 / 即将开播"
)
def rooms_list(
    request: HttpRequest, state: Literal["live", "scheduled"] | None = None
) -> list[dict]:
    """Live rooms first, then upcoming ones by planned start (verified organisations only)."""
    return [_room_out(room, request) for room in selectors.rooms_by_state(state=state)]


@router.get(
    "/{room_id}", response={200: RoomDetailOut, **api_errors(404, 422)}, summary="直播间详情"
)
def room_detail(request: HttpRequest, room_id: ObjectId) -> dict:
    """State, viewers now, the pinned job and the WHEP URL a player needs."""
    room = selectors.room_get_public(room_id=room_id)
    return {
        **_room_out(room, request),
        "ended_at": room.ended_at,
        "viewers": selectors.room_viewer_count(room=room),
        "pinned_job": selectors.room_pinned_card(room=room),
        "jobs": [selectors.job_card(job=job, room=room) for job in selectors.room_jobs(room=room)],
        "whep_url": selectors.room_whep_url(room=room, request=request),
    }
