"""Builders for room tests of every layer.

Functions, not fixtures, so a test's `# given` block says what it builds. Imports only
the layers below live (tests/test_architecture.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils import timezone

from daigang.accounts.models import Organisation, User
from daigang.accounts.testing import organisation_make
from daigang.jobs.models import Job
from daigang.live.models import Room


def room_make(
    *,
    organisation: Organisation | None = None,
    anchors: Iterable[User] = (),
    jobs: Iterable[Job] = (),
    state: str = Room.State.SCHEDULED,
    title: str = "苏州电子厂专场招聘",
    planned_start: dt.datetime | None = None,
) -> Room:
    """A room of `organisation` (a new verified one if none), planned an hour from now.

    A live room has started now, as room_go_live would have recorded.
    """
    room = Room.objects.create(
        organisation=organisation or organisation_make(),
        title=title,
        planned_start=planned_start or (timezone.now() + dt.timedelta(hours=1)),
        state=state,
        started_at=timezone.now() if state == Room.State.LIVE else None,
    )
    room.anchors.set(list(anchors))
    room.jobs.set(list(jobs))
    return room
