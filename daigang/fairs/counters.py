"""Precomputed counters for the fair dashboard, kept in step by the writes they count.

The dashboard polls every 5 s; counting 100,000 applications and a million view events on every
poll is what this avoids. Each figure is a FairCounter row, (scope, scope id, figure, bucket) ->
n, raised by an upsert `n = n + k` (INSERT ... ON CONFLICT DO UPDATE, the same SQL on SQLite
and PostgreSQL). Unique figures (applicants, viewers, a card opened once per pin) first insert
the person into FairSeen (INSERT ... ON CONFLICT DO NOTHING RETURNING): only the rows that
came back new raise the counter, so a person is counted exactly once — exact, not estimated.

Who feeds them (lower apps call hooks daigang.fairs fills in apps.py):
- a new application (hiring's application_created_hooks): appended to this process's buffer,
  no query on the apply path; the buffer is written once a second by a flusher thread
  (FAIR_COUNTERS_FLUSH_MS; 0 writes at once, as the tests do). A process that dies loses at
  most that second: `manage.py fair_counters_rebuild` recounts from the raw rows;
- a stage change that takes an application further (pipeline's application_reached_hooks):
  intentions, interviews, offers, signed, hires — same buffer;
- people entering rooms (live's room_viewers_seen_hooks, one call per room hub period with
  everyone counted in it): unique viewers per room and per fair;
- a pin (live's room_pin_hooks): pins and the viewers present then, per room and job;
- a card open (the room page's beacon, views.room_card_open): once per viewer per pin.

Scopes and roll-up: additive figures of a fair count its own rooms and pages, and a fair's
number is the sum over its family (fair_family_ids: itself and every fair inside it). Unique
figures are written to the fair and every fair above it, so a fair's own unique counter is
already its family's: a person who applied in two counties counts once in the city.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import threading
import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone

from daigang.fairs.models import Fair, FairCounter, FairRoom, FairSeen, Scope
from daigang.hiring.models import STAGE_ROAD, Application, Stage
from daigang.live.audience import room_viewers_get

logger = logging.getLogger(__name__)

FAIR, ROOM = Scope.FAIR.value, Scope.ROOM.value
# Figures whose counters `fair_counters_rebuild` recounts from raw rows (pins and the viewers
# present at a pin are events with no row of their own: a rebuild keeps them).
REACHED = {
    "intentions": STAGE_ROAD.index(Stage.INTENTION),
    "interviews": STAGE_ROAD.index(Stage.INTERVIEW),
    "offers": STAGE_ROAD.index(Stage.OFFER),
    "signed": STAGE_ROAD.index(Stage.SIGNED),
    "hires": STAGE_ROAD.index(Stage.ONBOARDED),
}
ADDITIVE = ("applications", *REACHED)
UNIQUE = ("applicants", "viewers")
APPLICATION_FIGURES = (*ADDITIVE, "applied", "applicants")
SEEN_APPLICANT, SEEN_GROUP, SEEN_VIEWER = "applicant", "applicant_group", "viewer"
CARD_OPEN = "card_open"  # FairSeen figure "card_open:j<job>", person "<viewer>:<pin number>"
FUNNEL_FIGURES = ("pin_viewers", "card_opens", "applied", "intentions", "hires")

Key = tuple[str, int, str, str]
_BATCH = 400


# --- writing ------------------------------------------------------------------------------------


def counters_add(deltas: dict[Key, int]) -> None:
    """n = n + k for each key (a row made when missing), in one statement per batch, in key
    order (two flushers on PostgreSQL lock rows in the same order)."""
    items = sorted((key, k) for key, k in deltas.items() if k)
    table = connection.ops.quote_name(FairCounter._meta.db_table)
    with connection.cursor() as cursor:
        for start in range(0, len(items), _BATCH):
            chunk = items[start : start + _BATCH]
            values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(chunk))
            params: list[Any] = []
            for (scope, scope_id, figure, bucket), k in chunk:
                params += [scope, scope_id, figure, bucket, k]
            cursor.execute(
                f"INSERT INTO {table} (scope, scope_id, figure, bucket, n) VALUES {values} "
                f"ON CONFLICT (scope, scope_id, figure, bucket) "
                f"DO UPDATE SET n = {table}.n + excluded.n",
                params,
            )


def seen_add(rows: Iterable[Key]) -> set[Key]:
    """Insert (scope, scope id, figure, person) rows not there yet; return those that were new."""
    wanted = sorted(set(rows))
    table = connection.ops.quote_name(FairSeen._meta.db_table)
    new: set[Key] = set()
    with connection.cursor() as cursor:
        for start in range(0, len(wanted), _BATCH):
            chunk = wanted[start : start + _BATCH]
            values = ", ".join(["(%s, %s, %s, %s)"] * len(chunk))
            params = [value for row in chunk for value in row]
            cursor.execute(
                f"INSERT INTO {table} (scope, scope_id, figure, person) VALUES {values} "
                f"ON CONFLICT (scope, scope_id, figure, person) DO NOTHING "
                f"RETURNING scope, scope_id, figure, person",
                params,
            )
            new.update((row[0], int(row[1]), row[2], row[3]) for row in cursor.fetchall())
    return new


def person_of_viewer(viewer: str) -> str:
    """A viewer key (u<id>, c<cookie id>, a<address>) as a keyed hash: the same person gives
    the same value, and no address or cookie id is stored."""
    key = f"{settings.SECRET_KEY}:daigang.fairs.viewer".encode()
    return hmac.new(key, viewer.encode(), hashlib.sha256).hexdigest()[:32]


@dataclass(frozen=True, slots=True)
class Family:
    """Where a room or a fair source counts: its fair and the fairs above it."""

    fair_of_room: dict[int, int]
    parent: dict[int, int | None]
    group: dict[int, str]

    def chain(self, fair_id: int) -> list[int]:
        """The fair and every fair above it (三级联动), nearest first."""
        chain: list[int] = []
        current: int | None = fair_id
        while current is not None and current in self.parent and current not in chain:
            chain.append(current)
            current = self.parent[current]
        return chain


def family_load(*, room_ids: Iterable[int] = (), fair_ids: Iterable[int] = ()) -> Family:
    """The fairs of these rooms, and the parents and target groups of every fair involved."""
    fair_of_room = dict(
        FairRoom.objects.filter(room_id__in=set(room_ids)).values_list("room_id", "fair_id")
    )
    parent: dict[int, int | None] = {}
    group: dict[int, str] = {}
    wanted = set(fair_ids) | set(fair_of_room.values())
    for _depth in range(8):  # a province, a city, a county: three; a loop ends here
        wanted -= parent.keys()
        if not wanted:
            break
        for pk, parent_id, target_group in Fair.objects.filter(pk__in=wanted).values_list(
            "pk", "parent_id", "target_group"
        ):
            parent[pk] = parent_id
            group[pk] = target_group
        wanted = {p for p in parent.values() if p is not None}
    return Family(fair_of_room=fair_of_room, parent=parent, group=group)


def _source_fair(source: str) -> tuple[int | None, int | None]:
    """(fair id, invite id) of an Application.source "fair:<id>" or "fair:<id>:<invite>"."""
    if not source.startswith("fair:"):
        return None, None
    parts = source.split(":")
    try:
        fair_id = int(parts[1])
        invite_id = int(parts[2]) if len(parts) > 2 else None
    except (IndexError, ValueError):
        return None, None
    return fair_id, invite_id


@dataclass(frozen=True, slots=True)
class Counted:
    """What the counters need of an application (taken without a query on the apply path)."""

    room_id: int | None
    source: str
    seeker_id: int
    job_id: int
    organisation_id: int
    created_at: Any
    before: int  # stage_reached before (-1: a new application)
    after: int  # stage_reached now

    @classmethod
    def of(cls, application: Application, *, before: int, after: int) -> Counted:
        return cls(
            room_id=application.room_id,
            source=application.source or "",
            seeker_id=application.seeker_id,
            job_id=application.job_id,
            organisation_id=application.organisation_id,
            created_at=application.created_at,
            before=before,
            after=after,
        )

    def counts(self) -> bool:
        """Whether any counter cares: a room's application or a fair's."""
        return self.room_id is not None or self.source.startswith("fair:")


def applications_count(items: Sequence[Counted], *, rooms: bool = True) -> None:
    """Raise every counter these applications (new ones, before = -1) and stage moves touch
    (`rooms` False: the fairs' counters only, for a room that joins a fair late)."""
    if not items:
        return
    family = family_load(
        room_ids={item.room_id for item in items if item.room_id is not None},
        fair_ids={f for item in items if (f := _source_fair(item.source)[0]) is not None},
    )
    deltas: dict[Key, int] = defaultdict(int)
    seen: list[tuple[Key, Key]] = []  # (FairSeen row, counter key it raises when new)
    for item in items:
        source_fair, invite = _source_fair(item.source)
        fair_id = family.fair_of_room.get(item.room_id) if item.room_id is not None else None
        if fair_id is None and source_fair in family.parent:
            fair_id = source_fair
        new = item.before < 0
        job = f"j{item.job_id}"
        room_id = item.room_id if rooms else None
        if new:
            if room_id is not None:
                deltas[(ROOM, room_id, "applications", "")] += 1
                deltas[(ROOM, room_id, "applied", job)] += 1
            if rooms and invite is not None and source_fair in family.parent:
                deltas[(FAIR, source_fair, "applications", f"i{invite}")] += 1  # type: ignore[index]
            if fair_id is not None:
                day = timezone.localdate(item.created_at).isoformat()
                deltas[(FAIR, fair_id, "applications", "")] += 1
                deltas[(FAIR, fair_id, "applications", f"d{day}")] += 1
                deltas[(FAIR, fair_id, "applications", f"o{item.organisation_id}")] += 1
                group = family.group.get(fair_id, "")
                for above in family.chain(fair_id):
                    person = f"s{item.seeker_id}"
                    seen.append(
                        ((FAIR, above, SEEN_APPLICANT, person), (FAIR, above, "applicants", ""))
                    )
                    seen.append(
                        (
                            (FAIR, above, SEEN_GROUP, f"{group}:{person}"),
                            (FAIR, above, "applicants", f"g{group}"),
                        )
                    )
        for name, index in REACHED.items():
            if item.before < index <= item.after:
                if fair_id is not None:
                    deltas[(FAIR, fair_id, name, "")] += 1
                    deltas[(FAIR, fair_id, name, f"o{item.organisation_id}")] += 1
                if room_id is not None:
                    deltas[(ROOM, room_id, name, "")] += 1
                    deltas[(ROOM, room_id, name, job)] += 1
    if seen:
        new_rows = seen_add(row for row, _key in seen)
        for row, key in seen:
            if row in new_rows:
                deltas[key] += 1
                new_rows.discard(row)
    counters_add(deltas)


def viewers_count(seen: dict[int, list[str]]) -> None:
    """People who entered rooms (live's room_viewers_seen_hooks): unique viewers of each room,
    and of its fair and every fair above it."""
    rows = {
        (ROOM, room_id, SEEN_VIEWER, person_of_viewer(viewer))
        for room_id, viewers in seen.items()
        for viewer in viewers
        if viewer
    }
    if not rows:
        return
    with transaction.atomic():
        new_in_room = seen_add(rows)
        deltas: dict[Key, int] = defaultdict(int)
        for _scope, room_id, _figure, _person in new_in_room:
            deltas[(ROOM, room_id, "viewers", "")] += 1
        family = family_load(room_ids={row[1] for row in new_in_room})
        fair_rows = {
            (FAIR, above, SEEN_VIEWER, person)
            for _scope, room_id, _figure, person in new_in_room
            if room_id in family.fair_of_room
            for above in family.chain(family.fair_of_room[room_id])
        }
        for _scope, fair_id, _figure, _person in seen_add(fair_rows):
            deltas[(FAIR, fair_id, "viewers", "")] += 1
        counters_add(deltas)


def pin_count(room_id: int, job_id: int) -> None:
    """A job was pinned (live's room_pin_hooks): one more pin, and the viewers present now."""
    present = room_viewers_get(room_id=room_id) or 0
    counters_add(
        {
            (ROOM, room_id, "pins", f"j{job_id}"): 1,
            (ROOM, room_id, "pin_viewers", f"j{job_id}"): present,
        }
    )


def card_open_count(room_id: int, job_id: int, pinned_job_id: int | None, viewer: str) -> bool:
    """A viewer opened the pinned job's card (live's room_card_open_hooks): counted once per
    viewer per pin (a repeat, or a card that is not the room's pinned one, counts nothing).
    True when it counted."""
    if not viewer or pinned_job_id != job_id:
        return False
    pins = (
        FairCounter.objects.filter(scope=ROOM, scope_id=room_id, figure="pins", bucket=f"j{job_id}")
        .values_list("n", flat=True)
        .first()
    ) or 0
    row = (ROOM, room_id, f"{CARD_OPEN}:j{job_id}", f"{person_of_viewer(viewer)}:{pins}")
    with transaction.atomic():
        if not seen_add([row]):
            return False
        counters_add({(ROOM, room_id, "card_opens", f"j{job_id}"): 1})
    return True


def room_joined_fair(*, room_id: int) -> None:
    """A room was put in a fair's schedule (inside the caller's transaction): count for the
    fair what the room already had — its applications and its viewers. A room joins one fair
    once (fair_room_add), so nothing is counted twice."""
    flush()  # what this process noted about the room is counted before the room's rows are read
    applications = Application.objects.filter(room_id=room_id).only(*_COUNTED_FIELDS).order_by("pk")
    items = [Counted.of(a, before=-1, after=a.stage_reached) for a in applications]
    applications_count(items, rooms=False)
    family = family_load(room_ids=[room_id])
    if room_id not in family.fair_of_room:
        return
    chain = family.chain(family.fair_of_room[room_id])
    people = FairSeen.objects.filter(scope=ROOM, scope_id=room_id, figure=SEEN_VIEWER)
    deltas: dict[Key, int] = defaultdict(int)
    for row in seen_add(
        (FAIR, above, SEEN_VIEWER, person)
        for person in people.values_list("person", flat=True)
        for above in chain
    ):
        deltas[(FAIR, row[1], "viewers", "")] += 1
    counters_add(deltas)


_COUNTED_FIELDS = (
    "id",
    "room_id",
    "source",
    "seeker_id",
    "job_id",
    "organisation_id",
    "created_at",
    "stage_reached",
)


# --- rebuilding from the raw rows -----------------------------------------------------------------


def counters_rebuild(*, chunk: int = 2000) -> dict[str, int]:
    """Recount every counter that has raw rows behind it, in one transaction: applications and
    their stages (Application), unique applicants, unique viewers (the per-room FairSeen rows
    the room hubs wrote) and card opens. Pins and the viewers present at a pin are events
    with no row of their own: they are kept. Returns how many rows of each were read."""
    read = {"applications": 0, "room_viewers": 0}
    with transaction.atomic():
        FairCounter.objects.filter(
            figure__in=(*APPLICATION_FIGURES, "viewers", "card_opens")
        ).delete()
        FairSeen.objects.filter(
            Q(figure__in=(SEEN_APPLICANT, SEEN_GROUP)) | Q(scope=FAIR, figure=SEEN_VIEWER)
        ).delete()
        applications = (
            Application.objects.filter(Q(room_id__isnull=False) | Q(source__startswith="fair:"))
            .only(*_COUNTED_FIELDS)
            .order_by("pk")
        )
        batch: list[Counted] = []
        for application in applications.iterator(chunk_size=chunk):
            batch.append(Counted.of(application, before=-1, after=application.stage_reached))
            if len(batch) >= chunk:
                applications_count(batch)
                read["applications"] += len(batch)
                batch = []
        applications_count(batch)
        read["applications"] += len(batch)

        deltas: dict[Key, int] = defaultdict(int)
        for room_id, n in (
            FairSeen.objects.filter(scope=ROOM, figure=SEEN_VIEWER)
            .values_list("scope_id")
            .annotate(n=Count("id"))
            .order_by()
        ):
            deltas[(ROOM, room_id, "viewers", "")] += n
        for room_id, figure, n in (
            FairSeen.objects.filter(scope=ROOM, figure__startswith=f"{CARD_OPEN}:")
            .values_list("scope_id", "figure")
            .annotate(n=Count("id"))
            .order_by()
        ):
            deltas[(ROOM, room_id, "card_opens", figure.split(":", 1)[1])] += n
        family = family_load(room_ids=FairRoom.objects.values_list("room_id", flat=True))
        people = (
            FairSeen.objects.filter(
                scope=ROOM, figure=SEEN_VIEWER, scope_id__in=list(family.fair_of_room)
            )
            .values_list("scope_id", "person")
            .order_by("pk")
        )
        rows: set[Key] = set()
        for room_id, person in people.iterator(chunk_size=chunk * 5):
            read["room_viewers"] += 1
            rows.update(
                (FAIR, above, SEEN_VIEWER, person)
                for above in family.chain(family.fair_of_room[room_id])
            )
            if len(rows) >= chunk * 5:
                for row in seen_add(rows):
                    deltas[(FAIR, row[1], "viewers", "")] += 1
                rows = set()
        for row in seen_add(rows):
            deltas[(FAIR, row[1], "viewers", "")] += 1
        counters_add(deltas)
    return read


# --- the buffer: the apply path appends, a thread writes ------------------------------------------

_pending: list[Counted] = []
_pending_lock = threading.Lock()
_flusher: threading.Thread | None = None


def flush_seconds() -> float:
    return float(getattr(settings, "FAIR_COUNTERS_FLUSH_MS", 1000)) / 1000


def applications_created(applications: list[Application]) -> None:
    """application_created_hooks: note the new applications (no query)."""
    items = [
        Counted.of(a, before=-1, after=a.stage_reached)
        for a in applications
        if a.room_id is not None or a.source.startswith("fair:")
    ]
    if items:
        _note(items)


def application_reached(application: Application, before: int, after: int) -> None:
    """application_reached_hooks: note a move further along the road (no query)."""
    item = Counted.of(application, before=before, after=after)
    if item.counts():
        _note([item])


def _note(items: list[Counted]) -> None:
    with _pending_lock:
        _pending.extend(items)
    if flush_seconds() <= 0:
        flush()
    else:
        _flusher_ensure()


def flush() -> int:
    """Write what this process has noted; return how many items. Lost items (a failed write)
    are logged: the rebuild command recounts them."""
    global _pending
    with _pending_lock:
        items, _pending = _pending, []
    if not items:
        return 0
    try:
        with transaction.atomic():
            applications_count(items)
    except Exception:
        logger.exception(
            "fair counters: %s applications not counted (run fair_counters_rebuild)", len(items)
        )
    return len(items)


def _flusher_ensure() -> None:
    global _flusher
    if _flusher is not None:
        return
    with _pending_lock:
        if _flusher is not None and _flusher.is_alive():
            return
        if _flusher is not None and _flusher.is_alive():
            return
        _flusher = threading.Thread(target=_flush_loop, name="fair-counters", daemon=True)
        _flusher.start()


def _flush_loop() -> None:
    from django.db import close_old_connections

    while True:
        time.sleep(max(0.05, flush_seconds()))
        try:
            flush()
        finally:
            close_old_connections()
