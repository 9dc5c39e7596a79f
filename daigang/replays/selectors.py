"""Reads about replays (回放): what the public sees, chapters with their job cards, numbers."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, Q, QuerySet
from django.http import Http404

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.hiring.models import Application
from daigang.live import selectors as live_selectors
from daigang.live.models import Replay, Room
from daigang.live.replays import replay_chapters, replay_path

SOURCE_PREFIX = "replay:"


def replay_source(replay: Replay) -> str:
    """An application's source when it was made from the replay's card."""
    return f"{SOURCE_PREFIX}{replay.pk}"


def replays_public() -> QuerySet[Replay]:
    """Replays anyone may watch: ready, of a room the public still sees."""
    return (
        Replay.objects.filter(state=Replay.State.READY)
        .exclude(live_selectors.room_hidden_q("room__"))
        .select_related("room", "room__organisation")
    )


def replay_get_public(*, replay_id: int, user: User | AnonymousUser | None = None) -> Replay:
    """The replay for its page and its file; 404 unless the public may watch it. The
    organisation's own members also see one they hid (to check it before showing it)."""
    replay = (
        Replay.objects.filter(pk=replay_id).select_related("room", "room__organisation").first()
    )
    if replay is None or live_selectors.room_is_hidden(room=replay.room):
        raise Http404
    if replay.state == Replay.State.READY:
        return replay
    if replay.state == Replay.State.HIDDEN and membership_has(
        user=user, organisation_id=replay.room.organisation_id, power=Power.ROOMS_SCHEDULE
    ):
        return replay
    raise Http404


def replay_file_exists(replay: Replay) -> bool:
    return replay_path(replay).is_file()


def replays_of_room(*, room: Room) -> list[Replay]:
    return list(replays_public().filter(room=room).order_by("started_at", "pk"))


def replays_of_organisation(*, organisation: Organisation, limit: int = 12) -> list[Replay]:
    return list(replays_public().filter(room__organisation=organisation)[:limit])


def replays_by_room(*, room_ids: list[int]) -> dict[int, list[Replay]]:
    """Public replays of several rooms at once (a fair's schedule), oldest first per room."""
    found: dict[int, list[Replay]] = {}
    for replay in replays_public().filter(room_id__in=room_ids).order_by("started_at", "pk"):
        found.setdefault(replay.room_id, []).append(replay)
    return found


def replay_page_cards(*, replay: Replay, user: User | AnonymousUser) -> dict[str, Any]:
    """The room's job cards, the chapters (each with its job's card) and the viewer's own
    apply states, for the replay page."""
    room = replay.room
    jobs = {job.pk: job for job in live_selectors.room_jobs(room=room)}
    cards = {pk: live_selectors.job_card(job=job, room=room) for pk, job in jobs.items()}
    states = live_selectors.viewer_apply_states(user=user, job_ids=list(cards))
    for pk, card in cards.items():
        card["apply_state"] = states.get(pk, "")
    chapters = [
        {"job": cards[chapter.job_id], "start": chapter.start, "end": chapter.end}
        for chapter in replay_chapters(replay=replay)
        if chapter.job_id in cards  # a job taken down since is not offered
    ]
    return {
        "jobs": list(cards.values()),
        "chapters": chapters,
        "apply_states": {str(pk): state for pk, state in states.items()},
    }


def replays_of_organisation_managed(*, organisation: Organisation) -> list[Replay]:
    """Every replay of the organisation's rooms, with its views and the applications made
    from it, for its members."""
    replays: list[Replay] = list(
        Replay.objects.filter(room__organisation=organisation)
        .select_related("room")
        .annotate(viewers=Count("views"))
    )
    applies = dict(
        Application.objects.filter(
            organisation=organisation,
            source__in=[replay_source(replay) for replay in replays],
        )
        .values_list("source")
        .annotate(n=Count("id"))
        .values_list("source", "n")
    )
    for replay in replays:
        replay.applies = applies.get(replay_source(replay), 0)  # type: ignore[attr-defined]
    return replays


def replay_numbers_of_room(*, room: Room) -> dict[str, int]:
    """A room's replays' views (once per person per day) and applications made from them."""
    views = Replay.objects.filter(room=room).aggregate(n=Count("views"))["n"] or 0
    applies = Application.objects.filter(Q(room=room) & Q(source__startswith=SOURCE_PREFIX)).count()
    return {"replay_views": views, "replay_applications": applies}
