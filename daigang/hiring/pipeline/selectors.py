"""Reads for the pipeline: the board and table, one application with its history and its
time in each stage, the same phone's other applications, and what the seeker sees.

Functions that take a `user` check permission themselves (404 for anyone who may not see);
the others expect the caller to have found the organisation with organisation_for_member
(power=Power.APPLICATIONS).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypedDict

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.hiring.apply.selectors import filter_choices
from daigang.hiring.models import (
    STAGE_ENDS,
    STAGE_ROAD,
    Application,
    Note,
    OrganisationStage,
    RejectionReason,
    Stage,
    StageChange,
    Tag,
    stage_rank,
)
from daigang.hiring.pipeline.services import CUSTOM_PREFIX, stage_next_sentence

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

TABLE_PAGE_SIZE = 200
BOARD_COLUMN_SIZE = 50


@dataclass(frozen=True)
class StageOption:
    """One place an application can be: a built-in stage or one of the organisation's."""

    key: str  # "contacted" or "custom:<id>"
    label: str
    stage: str  # the built-in stage (for a custom one: the one it comes after)
    custom: OrganisationStage | None = None

    @property
    def position(self) -> tuple[int, int, int]:
        if self.custom is not None:
            return self.custom.position
        if self.stage in STAGE_ROAD:
            return (stage_rank(self.stage), 0, 0)
        return (len(STAGE_ROAD) + STAGE_ENDS.index(self.stage), 0, 0)

    @property
    def is_end(self) -> bool:
        return self.stage in STAGE_ENDS


def pipeline_stage_options(*, organisation: Organisation) -> list[StageOption]:
    """Every stage of the organisation's pipeline in order: the road with its own stages
    slotted in, then 不合适 and 已撤回."""
    options = [StageOption(key=s, label=str(Stage(s).label), stage=s) for s in STAGE_ROAD]
    options += [
        StageOption(key=custom.key, label=custom.name, stage=custom.after_stage, custom=custom)
        for custom in OrganisationStage.objects.filter(organisation=organisation, is_active=True)
    ]
    options += [StageOption(key=s, label=str(Stage(s).label), stage=s) for s in STAGE_ENDS]
    return sorted(options, key=lambda option: option.position)


def stage_options_forward(
    *, options: list[StageOption], application: Application
) -> list[StageOption]:
    """The stages a member may move this application to next (the "移到…" menu)."""
    if application.is_closed():
        return []
    current = (
        application.custom_stage.position
        if application.custom_stage is not None
        else (stage_rank(application.stage), 0, 0)
    )
    return [
        option
        for option in options
        if option.stage != Stage.WITHDRAWN and (option.is_end or option.position > current)
    ]


def _other_applications_count() -> Coalesce:
    others = (
        Application.objects.filter(
            organisation_id=OuterRef("organisation_id"), phone=OuterRef("phone")
        )
        .exclude(pk=OuterRef("pk"))
        .order_by()
        .values("organisation_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(others), Value(0))


@dataclass(frozen=True)
class TableFilters:
    job_id: int | None = None
    room_id: int | None = None
    stage_key: str | None = None
    tag_id: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None  # inclusive

    def query_items(self) -> list[tuple[str, str]]:
        items = [
            ("job", self.job_id),
            ("room", self.room_id),
            ("stage", self.stage_key),
            ("tag", self.tag_id),
            ("from", self.date_from.isoformat() if self.date_from else None),
            ("to", self.date_to.isoformat() if self.date_to else None),
        ]
        return [(key, str(value)) for key, value in items if value not in (None, "")]


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


class PipelineAnnotations(TypedDict):
    other_count: int


def applications_for_pipeline(
    *, organisation: Organisation, filters: TableFilters | None = None
) -> QuerySet[WithAnnotations[Application, PipelineAnnotations]]:
    """The organisation's applications matching `filters`, newest first, each with its job,
    room, custom stage, tags (prefetched) and `other_count` (same phone, other jobs here)."""
    return (
        _applications_filtered(organisation=organisation, filters=filters or TableFilters())
        .select_related("job", "room", "custom_stage")
        .prefetch_related(Prefetch("tags", queryset=Tag.objects.order_by("name")))
        .annotate(other_count=_other_applications_count())
        .order_by("-id")
    )


def _applications_filtered(
    *, organisation: Organisation, filters: TableFilters
) -> QuerySet[Application]:
    applications = Application.objects.filter(organisation=organisation)
    if filters.job_id is not None:
        applications = applications.filter(job_id=filters.job_id)
    if filters.room_id is not None:
        applications = applications.filter(room_id=filters.room_id)
    if filters.stage_key:
        if filters.stage_key.startswith(CUSTOM_PREFIX):
            raw = filters.stage_key[len(CUSTOM_PREFIX) :]
            applications = applications.filter(custom_stage_id=int(raw) if raw.isdigit() else 0)
        else:
            applications = applications.filter(stage=filters.stage_key, custom_stage=None)
    if filters.tag_id is not None:
        applications = applications.filter(tags__id=filters.tag_id)
    if filters.date_from is not None:
        applications = applications.filter(created_at__gte=_local_midnight(filters.date_from))
    if filters.date_to is not None:
        next_day = filters.date_to + dt.timedelta(days=1)
        applications = applications.filter(created_at__lt=_local_midnight(next_day))
    return applications


@dataclass
class BoardColumn:
    option: StageOption
    applications: list[Application] = field(default_factory=list)
    total: int = 0


def pipeline_board(
    *,
    organisation: Organisation,
    filters: TableFilters | None = None,
    options: list[StageOption] | None = None,
) -> list[BoardColumn]:
    """One column per stage, newest first; each shows at most BOARD_COLUMN_SIZE cards and
    its full count. A fixed number of queries however many applications there are."""
    if options is None:
        options = pipeline_stage_options(organisation=organisation)
    columns = {option.key: BoardColumn(option=option) for option in options}
    filters = filters or TableFilters()
    applications = applications_for_pipeline(organisation=organisation, filters=filters)
    counts = (
        _applications_filtered(organisation=organisation, filters=filters)
        .order_by()
        .values("stage", "custom_stage_id")
        .annotate(n=Count("pk", distinct=True))
    )
    for row in counts:
        key = f"{CUSTOM_PREFIX}{row['custom_stage_id']}" if row["custom_stage_id"] else row["stage"]
        if key in columns:
            columns[key].total = row["n"]
    # Newest cards of every column; a column over its size says "还有 N 个" instead.
    for application in applications[: BOARD_COLUMN_SIZE * len(columns)]:
        column = columns.get(application.stage_key)
        if column is not None and len(column.applications) < BOARD_COLUMN_SIZE:
            column.applications.append(application)
    return [columns[option.key] for option in options]


def pipeline_board_version(
    *, organisation: Organisation, filters: TableFilters | None = None
) -> str:
    """A short token that changes whenever the board under `filters` would change: an
    application arrived, moved or left, or its seeker withdrew consent (the full phone must
    go). One aggregate query; the open board polls it (views.pipeline_board_changes) and
    redraws only when it differs.

    An arrival raises the newest id, a move the newest stage change, a deletion the count.
    """
    row = _applications_filtered(
        organisation=organisation, filters=filters or TableFilters()
    ).aggregate(
        n=Count("pk", distinct=True),
        newest=Max("pk"),
        moved=Max("stage_changed_at"),
        withdrawn=Max("consent_withdrawn_at"),
    )
    return ".".join(
        [str(row["n"]), str(row["newest"] or 0), _micros(row["moved"]), _micros(row["withdrawn"])]
    )


def _micros(moment: dt.datetime | None) -> str:
    return str(int(moment.timestamp() * 1_000_000)) if moment is not None else "0"


def pipeline_filter_choices(*, organisation: Organisation) -> dict[str, list]:
    jobs, rooms = filter_choices(organisation=organisation)
    return {
        "jobs": jobs,
        "rooms": rooms,
        "tags": list(Tag.objects.filter(organisation=organisation)),
        "stages": pipeline_stage_options(organisation=organisation),
    }


def application_for_member(*, user: User, application_id: int) -> Application:
    """An application for a member of its organisation who may see applications (owner, HR:
    roles.Power.APPLICATIONS); 404 for everyone else, anchors included."""
    if not user.is_authenticated:
        raise Http404
    application = (
        Application.objects.filter(pk=application_id)
        .select_related("job", "room", "organisation", "custom_stage")
        .first()
    )
    if application is None or not membership_has(
        user=user, organisation_id=application.organisation_id, power=Power.APPLICATIONS
    ):
        raise Http404
    return application


def application_of_organisation(*, organisation: Organisation, application_id: int) -> Application:
    """One of `organisation`'s applications (the caller checked membership); else 404."""
    application = (
        Application.objects.filter(pk=application_id, organisation=organisation)
        .select_related("job", "room", "organisation", "custom_stage")
        .first()
    )
    if application is None:
        raise Http404
    return application


def application_for_seeker(*, user: User, application_id: int) -> Application:
    """The seeker's own application; 404 for anyone else (even the organisation's members)."""
    if not user.is_authenticated:
        raise Http404
    application = (
        Application.objects.filter(pk=application_id, seeker=user)
        .select_related("job", "room", "organisation")
        .first()
    )
    if application is None:
        raise Http404
    return application


def application_for_viewer(*, user: User, application_id: int) -> tuple[Application, bool]:
    """(application, is_member) for its seeker or a member of its organisation who may see
    applications (Power.APPLICATIONS: an anchor is not one); else 404."""
    if not user.is_authenticated:
        raise Http404
    application = (
        Application.objects.filter(pk=application_id)
        .select_related("job", "room", "organisation", "custom_stage")
        .first()
    )
    if application is None:
        raise Http404
    is_member = membership_has(
        user=user, organisation_id=application.organisation_id, power=Power.APPLICATIONS
    )
    if not is_member and application.seeker_id != user.pk:
        raise Http404
    return application, is_member


def application_history(*, application: Application) -> list[StageChange]:
    """Every move of the application, oldest first, with who made it."""
    return list(
        StageChange.objects.filter(application=application)
        .select_related("by", "from_custom", "to_custom", "rejection_reason")
        .order_by("at", "id")
    )


@dataclass(frozen=True)
class StageSpell:
    """A stretch of time the application spent in one stage."""

    key: str
    label: str
    started_at: dt.datetime
    ended_at: dt.datetime | None  # None: still there
    duration: dt.timedelta


def application_stage_spells(
    *,
    application: Application,
    history: list[StageChange] | None = None,
    now: dt.datetime | None = None,
) -> list[StageSpell]:
    """Time spent in each stage, from the history: applied from `created_at` to the first
    move, then each stage from its move to the next. The current stage runs until `now`;
    an ended application (rejected, withdrawn, onboarded) stops the clock at its last move."""
    now = now or timezone.now()
    history = application_history(application=application) if history is None else history
    spells: list[StageSpell] = []
    key, label, started = Stage.APPLIED.value, str(Stage.APPLIED.label), application.created_at
    for change in history:
        spells.append(
            StageSpell(
                key=key,
                label=label,
                started_at=started,
                ended_at=change.at,
                duration=max(change.at - started, dt.timedelta(0)),
            )
        )
        key = f"{CUSTOM_PREFIX}{change.to_custom_id}" if change.to_custom_id else change.to_stage
        label, started = change.to_label, change.at
    if not application.is_closed():
        spells.append(
            StageSpell(
                key=key,
                label=label,
                started_at=started,
                ended_at=None,
                duration=max(now - started, dt.timedelta(0)),
            )
        )
    return spells


def application_time_in_stages(
    *, application: Application, now: dt.datetime | None = None
) -> dict[str, dt.timedelta]:
    """Total time per stage key (a stage entered twice is impossible today, but summed)."""
    totals: dict[str, dt.timedelta] = {}
    for spell in application_stage_spells(application=application, now=now):
        totals[spell.key] = totals.get(spell.key, dt.timedelta(0)) + spell.duration
    return totals


def application_others(*, application: Application) -> list[Application]:
    """该求职者还报名了: the same phone's other applications to the same organisation."""
    return list(
        Application.objects.filter(organisation_id=application.organisation_id)
        .filter(Q(phone=application.phone) | Q(seeker_id=application.seeker_id))
        .exclude(pk=application.pk)
        .select_related("job", "custom_stage")
        .order_by("-id")
    )


def application_notes(*, application: Application) -> list[Note]:
    return list(application.notes.select_related("author").order_by("-created_at", "-id"))


def rejection_reasons_of(*, organisation: Organisation) -> list[RejectionReason]:
    """The organisation's active rejection reasons, in its order (reads only: seeding is
    `rejection_reasons_seed`, on verification)."""
    return list(RejectionReason.objects.filter(organisation=organisation, is_active=True))


def rejection_reason_of(*, organisation_id: int, reason_id: int | None) -> RejectionReason | None:
    """One of the organisation's active rejection reasons by id; None for an archived one,
    another organisation's, or no id at all."""
    if reason_id is None:
        return None
    return RejectionReason.objects.filter(
        organisation_id=organisation_id, is_active=True, pk=reason_id
    ).first()


@dataclass(frozen=True)
class SeekerStep:
    stage: str
    label: str
    at: dt.datetime
    reason: str


@dataclass
class SeekerApplication:
    """An application as its seeker sees it: the built-in stage in plain words (never the
    organisation's internal sub-stages, notes or who moved it), what happens next, the steps."""

    application: Application
    stage_label: str
    next_sentence: str
    steps: list[SeekerStep]
    can_withdraw: bool


def _seeker_steps(application: Application, changes: list[StageChange]) -> list[SeekerStep]:
    steps = [
        SeekerStep(
            stage=Stage.APPLIED,
            label=str(Stage.APPLIED.label),
            at=application.created_at,
            reason="",
        )
    ]
    for change in changes:
        if change.to_stage == change.from_stage:
            continue  # a move between the organisation's own sub-stages
        # A rejection shows its reason's name only (the free comment is internal).
        reason = change.rejection_reason.name if change.rejection_reason else ""
        steps.append(
            SeekerStep(
                stage=change.to_stage,
                label=str(Stage(change.to_stage).label),
                at=change.at,
                reason=reason if change.to_stage == Stage.REJECTED else "",
            )
        )
    return steps


def seeker_applications(*, seeker: User, limit: int = 200) -> list[SeekerApplication]:
    """我的报名: the seeker's applications newest first, each with stage, next step and steps.
    Two queries however many applications."""
    applications = list(
        Application.objects.filter(seeker=seeker)
        .select_related("job", "organisation", "room")
        .prefetch_related(
            Prefetch(
                "stage_changes",
                queryset=StageChange.objects.select_related("rejection_reason").order_by(
                    "at", "id"
                ),
            )
        )
        .order_by("-id")[:limit]
    )
    return [seeker_application_view(application=a) for a in applications]


def seeker_application_view(
    *, application: Application, changes: list[StageChange] | None = None
) -> SeekerApplication:
    if changes is None:
        changes = list(application.stage_changes.all())
    return SeekerApplication(
        application=application,
        stage_label=str(application.get_stage_display()),
        next_sentence=stage_next_sentence(application.stage),
        steps=_seeker_steps(application, changes),
        can_withdraw=not application.is_closed(),
    )
