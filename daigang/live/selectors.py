"""Reads about rooms. The ones that check permission raise Http404 for outsiders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db.models import Case, F, Q, QuerySet, When
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power, roles_with
from daigang.accounts.selectors import membership_get, membership_has
from daigang.jobs import presenters
from daigang.jobs.listen import job_listen_url
from daigang.jobs.models import Job
from daigang.live.audience import room_viewers_get
from daigang.live.models import Room

# A scheduled room that never went live drops off the public lists this long after its
# planned start, so a forgotten room does not sit under "即将开播" for ever.
UPCOMING_GRACE = dt.timedelta(hours=2)
STRIP_SIZE = 12


# The seeker's own state per job for the room's cards ({job id: "applied" | "withdrawn"}):
# daigang.hiring fills it from its AppConfig.ready() (live may not import hiring). One read
# per page, never per card.
job_apply_states_hooks: list[Callable[[Any, list[int]], dict[int, str]]] = []


def viewer_apply_states(*, user: Any, job_ids: list[int]) -> dict[int, str]:
    """What each job card shows `user` about their application to it (see the hook above);
    empty for an anonymous viewer."""
    states: dict[int, str] = {}
    if getattr(user, "is_authenticated", False) and job_ids:
        for hook in job_apply_states_hooks:
            states.update(hook(user, job_ids))
    return states


def jobs_schedulable(*, organisation: Organisation) -> QuerySet[Job]:
    """The organisation's published, open jobs: the ones a room may show."""
    return Job.objects.filter(
        organisation=organisation,
        status=Job.Status.PUBLISHED,
        valid_until__gte=timezone.localdate(),
        taken_down_at__isnull=True,
    ).order_by("-published_at", "-id")


def anchors_possible(*, organisation: Organisation) -> QuerySet[User]:
    """Members of the organisation; any of them may be put on camera."""
    return User.objects.filter(memberships__organisation=organisation, is_active=True).order_by(
        "name", "phone"
    )


def rooms_of_organisation(*, organisation: Organisation) -> QuerySet[Room]:
    """The organisation's rooms as its members work with them: live ones first, then those
    still to come, soonest first; ended ones after, latest first."""
    return (
        Room.objects.filter(organisation=organisation)
        .prefetch_related("anchors", "jobs")
        .annotate(
            state_rank=Case(
                When(state__in=[Room.State.LIVE, Room.State.INTERRUPTED], then=0),
                When(state=Room.State.SCHEDULED, then=1),
                default=2,
            ),
            upcoming_start=Case(
                When(state=Room.State.ENDED, then=None), default=F("planned_start")
            ),
        )
        .order_by("state_rank", F("upcoming_start").asc(nulls_last=True), "-planned_start", "-id")
    )


def _rooms_public() -> QuerySet[Room]:
    """Live rooms and rooms still to come, of verified organisations, live ones first."""
    now = timezone.now()
    return (
        Room.objects.filter(Organisation.verified_q(now, prefix="organisation__"))
        .filter(taken_down_at__isnull=True)
        .filter(
            # An interrupted room is still on: its anchor is expected back.
            Q(state__in=[Room.State.LIVE, Room.State.INTERRUPTED])
            | Q(state=Room.State.SCHEDULED, planned_start__gte=now - UPCOMING_GRACE)
        )
        .select_related("organisation")
        .annotate(
            live_first=Case(
                When(state__in=[Room.State.LIVE, Room.State.INTERRUPTED], then=0), default=1
            )
        )
        .order_by("live_first", "planned_start", "id")
    )


def rooms_runnable_ids(*, user: User, rooms: Iterable[Room]) -> set[int]:
    """Which of `rooms` (one organisation's) `user` may run (room_can_run): all of them for
    an owner, those they anchor for another member, none for anyone else. One query (the
    rooms' anchors prefetched by rooms_of_organisation are read, not queried again)."""
    rooms = list(rooms)
    if not rooms:
        return set()
    membership = membership_get(
        user=user, organisation_id=rooms[0].organisation_id, power=Power.ORGANISATION_SEE
    )
    if membership is None:
        return set()
    if membership.role in roles_with(Power.ROOMS_RUN):
        return {room.pk for room in rooms}
    return {room.pk for room in rooms if any(a.pk == user.pk for a in room.anchors.all())}


def rooms_live_and_upcoming(*, limit: int = STRIP_SIZE) -> list[Room]:
    """Live rooms first, then scheduled ones by start time; verified organisations only.

    One query, so it can sit on the home page without a cost per room.
    """
    return list(_rooms_public()[:limit])


def rooms_by_state(*, state: str | None, limit: int = 50) -> list[Room]:
    """Public list for the API: `live`, `scheduled` or both (state None)."""
    rooms = _rooms_public()
    if state:
        rooms = rooms.filter(state=state)
    return list(rooms[:limit])


def room_hidden_q(prefix: str = "") -> Q:
    """Rooms the public no longer sees: taken down by a moderator, or of a suspended
    organisation (daigang.safety). The one place that says so for rooms of any state."""
    return Q(**{f"{prefix}taken_down_at__isnull": False}) | Q(
        **{f"{prefix}organisation__suspended_at__isnull": False}
    )


def room_is_hidden(*, room: Room) -> bool:
    return room.taken_down_at is not None or room.organisation.suspended_at is not None


def _room_get(*, room_id: int) -> Room:
    try:
        return (
            Room.objects.select_related("organisation", "pinned_job", "pinned_job__organisation")
            .prefetch_related("jobs")
            .get(pk=room_id)
        )
    except Room.DoesNotExist as exc:
        raise Http404 from exc


def room_get_public(*, room_id: int) -> Room:
    """The room for its public page; 404 if there is none or it is hidden (room_hidden_q)."""
    room = _room_get(room_id=room_id)
    if room_is_hidden(room=room):
        raise Http404
    return room


def room_can_run(*, user: User | AnonymousUser, room: Room) -> bool:
    """Owners of the room's organisation, and those of its anchors who are still members of
    it, run the room: console, pin, stream key. Being on the room's anchors is not enough on
    its own: a member removed from the organisation runs nothing from that moment."""
    if not user.is_authenticated:
        return False
    if membership_has(user=user, organisation_id=room.organisation_id, power=Power.ROOMS_RUN):
        return True
    return (
        membership_has(
            user=user, organisation_id=room.organisation_id, power=Power.ORGANISATION_SEE
        )
        and room.anchors.filter(pk=user.pk).exists()
    )


def room_for_runner(*, user: User, room_id: int) -> Room:
    """The room if `user` may run it (hidden or not); 404 otherwise so outsiders learn
    nothing."""
    room = _room_get(room_id=room_id)
    if not room_can_run(user=user, room=room):
        raise Http404
    return room


def room_jobs(*, room: Room) -> list[Job]:
    """The room's jobs, without those a moderator took down (daigang.safety)."""
    return list(
        room.jobs.filter(taken_down_at__isnull=True).select_related("organisation").order_by("id")
    )


def job_card(*, job: Job, room: Room) -> dict[str, Any]:
    """Everything a job card in the room shows, as plain JSON-ready data (event and page
    alike). The texts are the job's own card (daigang.jobs.presenters), as on its page."""
    card = presenters.job_card(job=job)
    return {
        "id": card.id,
        "title": card.title,
        "organisation": card.organisation,
        "wage": card.wage,
        "place": card.place,
        # Agency and dispatch labels first: the room's card shows them as its first tags.
        "tags": [*card.labels, *card.tags],
        "url": card.url,
        # 听: the text the browser's voice reads, and the server's recording of it.
        "listen_text": presenters.job_listen_text(job),
        "listen_url": job_listen_url(job),
        "apply_url": f"{reverse('hiring:apply', args=[job.pk])}?{urlencode({'room': room.pk})}",
    }


def room_pinned_card(*, room: Room) -> dict[str, Any] | None:
    job = room.pinned_job  # no query when nothing is pinned
    if job is None:
        return None
    return job_card(job=job, room=room)


def room_viewer_count(*, room: Room) -> int | None:
    """Viewers now, as last aggregated by the realtime hub (0 when it has not counted yet;
    None when the count cannot be read just now)."""
    return room_viewers_get(room_id=room.pk)


def room_stream_path(*, room: Room) -> str:
    """The room's path on an external media server. Never the stream key: viewers see it.

    daigang.streaming.selectors.room_for_stream_path reads it back.
    """
    return f"room-{room.pk}"


def room_whep_url(*, room: Room, request: Any | None = None) -> str:
    """Where viewers play the room from: relative for the built-in relay unless `request`."""
    return _room_stream_url(room=room, kind="whep", request=request)


def room_whip_url(*, room: Room, request: Any | None = None) -> str:
    """Where the anchor publishes (OBS "Server"): relative for the built-in relay unless
    `request`."""
    return _room_stream_url(room=room, kind="whip", request=request)


def room_hls_url(*, room: Room) -> str:
    """The room's HLS playlist (daigang.streaming.hls), which viewers fall back to when its
    WebRTC seats are taken; "" when there is none (STREAM_HLS off, an external server)."""
    if settings.STREAM_SERVER_URL or settings.STREAM_HLS == "off":
        return ""
    return reverse("streaming:hls_playlist", args=[room.pk])


def _room_stream_url(*, room: Room, kind: str, request: Any | None) -> str:
    if settings.STREAM_SERVER_URL:
        return f"{settings.STREAM_SERVER_URL.rstrip('/')}/{room_stream_path(room=room)}/{kind}"
    # The built-in relay's endpoints, by URL name: live does not import streaming.
    url = reverse(f"streaming:{kind}", args=[room.pk])
    if request is not None:
        url = request.build_absolute_uri(url)
    return url
