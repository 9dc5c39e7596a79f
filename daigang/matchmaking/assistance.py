"""The assistance list (帮扶): a bureau's seekers who keep applying or being interviewed and get
no offer, its thresholds, assigning them to a matchmaker, and what came of it.

Reads (`assistance_*` selectors) and writes (`assistance_settings_save`, `assistance_assign`)
of one feature, kept together as fairs keeps its statistics in fairs/stats.py.

Who is the bureau's: a seeker who, within the window, applied to or was interviewed by an
organisation whose region is the bureau's region or below it, or whose profile's home region
(求职资料 · 户籍/家乡) is inside it. The profile's current city is free text and is not
matched. A seeker who is the bureau's is counted with all their applications and interviews in
the window, wherever they were.

Listed: applied at least N times or interviewed at least M times within the window, and no
application reached 录用 (offer) or beyond in the window (a stage change to offer, signed or
onboarded since the window began, or an application of the window that reached one). Seekers
the bureau already assigned are not listed again: they are on the "helped" part with the date,
their matchmaker and whether they were hired (signed or onboarded) after the assignment.

A page view runs a fixed handful of queries whatever the list's length: one grouped count over
the window's applications and one over its interviews (each also counting those with the
bureau's region), the home regions of those over a threshold who applied only elsewhere, the
window's offers (two scans), and the names of the 200 shown. No table is scanned beyond the
window's rows; bench/assistance.py measures it on 10,000 seekers (figures in the README).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from daigang.accounts.models import Membership, Organisation, SeekerProfile, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has, organisation_for_member
from daigang.core.refused import Refused
from daigang.hiring.models import Application, Stage, StageChange, stage_rank
from daigang.interviews.models import Interview, InterviewParticipant
from daigang.interviews.selectors import name_mask
from daigang.matchmaking.models import Assistance, AssistanceSettings, Case
from daigang.matchmaking.selectors import PLACED_STAGES
from daigang.matchmaking.services import case_assign
from daigang.regions.selectors import region_prefix

# An offer or anything after it ends a seeker's place on the list.
OFFER_RANK = stage_rank(Stage.OFFER)
OFFER_STAGES = (Stage.OFFER, Stage.SIGNED, Stage.ONBOARDED)
# What the page shows at once; the total is said beside it.
LIST_SHOWN_MAX = 200
# How many ids one IN (...) carries (SQLite's variable limit is far above; this keeps each
# statement small).
_CHUNK = 500

APPLICATIONS_MIN_RANGE = (1, 100)
INTERVIEWS_MIN_RANGE = (1, 50)
WINDOW_DAYS_RANGE = (7, 365)


def assistance_bureau_for(*, user: User, organisation_id: int) -> Organisation:
    """The bureau if the user may run its assistance list (Power.ASSISTANCE); 404 otherwise."""
    organisation = organisation_for_member(
        user=user, organisation_id=organisation_id, power=Power.ASSISTANCE
    )
    if organisation.kind != Organisation.Kind.BUREAU:
        raise Http404
    return organisation


def assistance_settings_of(*, organisation: Organisation) -> AssistanceSettings:
    """The bureau's thresholds; the defaults (unsaved) when it has set none."""
    found = AssistanceSettings.objects.filter(organisation=organisation).first()
    return found or AssistanceSettings(organisation=organisation)


def assistance_reason(*, applications: int, interviews: int, window_days: int) -> str:
    """Why a seeker is listed, in words: "30 天内报名 6 次，面试 2 次，没有录用"."""
    return _("%(days)d 天内报名 %(applications)d 次，面试 %(interviews)d 次，没有录用") % {
        "days": window_days,
        "applications": applications,
        "interviews": interviews,
    }


@dataclass
class Listed:
    """One seeker on the list, as the bureau may see them before they consent to anything:
    a masked name and phone, the counts and the reason."""

    seeker_id: int
    applications: int
    interviews: int
    reason: str = ""
    name: str = ""
    masked_phone: str = ""
    # One of the bureau's matchmakers already follows them (by invite link or an assignment
    # on the caseload page, not from this list): marked, still listed.
    followed: bool = False


@dataclass
class AssistanceList:
    settings: AssistanceSettings
    rows: list[Listed]  # the first LIST_SHOWN_MAX, most applications first
    total: int


def _chunks(ids: Iterable[int]) -> Iterator[list[int]]:
    chunk: list[int] = []
    for seeker_id in ids:
        chunk.append(seeker_id)
        if len(chunk) == _CHUNK:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _window_querysets(
    *, since: dt.datetime, now: dt.datetime
) -> tuple[QuerySet[Application], QuerySet[InterviewParticipant]]:
    applications = Application.objects.filter(
        created_at__gte=since, created_at__lte=now, seeker__is_active=True
    )
    interviews = InterviewParticipant.objects.filter(
        role=InterviewParticipant.Role.CANDIDATE,
        removed=False,
        user__is_active=True,
        interview__starts_at__gte=since,
        interview__starts_at__lte=now,
    ).exclude(interview__state=Interview.State.CANCELLED)
    return applications, interviews


def _counts(
    *,
    bureau: Organisation,
    settings: AssistanceSettings,
    now: dt.datetime,
    seeker_ids: list[int] | None = None,
) -> list[Listed]:
    """Every seeker of the bureau over a threshold with no offer, not yet assigned by it."""
    if bureau.region_id is None:
        return []
    since = now - dt.timedelta(days=settings.window_days)
    prefix = region_prefix(region=bureau.region)  # type: ignore[arg-type]
    applications, interviews = _window_querysets(since=since, now=now)
    if seeker_ids is not None:
        applications = applications.filter(seeker_id__in=seeker_ids)
        interviews = interviews.filter(user_id__in=seeker_ids)
    # One pass over each kind of row in the window, grouped by seeker, counting beside the
    # total how many were with organisations of the bureau's region (a seeker with one is the
    # bureau's). Measured in bench/assistance.py: this beats IN (subquery) filters.
    applied: dict[int, int] = {}
    here: set[int] = set()
    for seeker_id, total, local in (
        applications.values("seeker_id")
        .annotate(
            n=Count("id"),
            local=Count("id", filter=Q(organisation__region__code__startswith=prefix)),
        )
        .values_list("seeker_id", "n", "local")
        .order_by()
    ):
        applied[seeker_id] = total
        if local:
            here.add(seeker_id)
    interviewed: dict[int, int] = {}
    for seeker_id, total, local in (
        interviews.values("user_id")
        .annotate(
            n=Count("interview_id", distinct=True),
            local=Count(
                "interview_id",
                filter=Q(interview__organisation__region__code__startswith=prefix),
            ),
        )
        .values_list("user_id", "n", "local")
        .order_by()
    ):
        interviewed[seeker_id] = total
        if local:
            here.add(seeker_id)
    over = {
        seeker_id
        for seeker_id in applied.keys() | interviewed.keys()
        if applied.get(seeker_id, 0) >= settings.applications_min
        or interviewed.get(seeker_id, 0) >= settings.interviews_min
    }
    # Seekers over a threshold who applied elsewhere only: the bureau's if their home is here.
    for chunk in _chunks(sorted(over - here)):
        here.update(
            SeekerProfile.objects.filter(
                user_id__in=chunk, home_region__code__startswith=prefix
            ).values_list("user_id", flat=True)
        )
    over &= here
    if not over:
        return []
    excluded = set(
        Assistance.objects.filter(organisation=bureau).values_list("seeker_id", flat=True)
    )
    offers = StageChange.objects.filter(to_stage__in=OFFER_STAGES, at__gte=since)
    offered = Application.objects.filter(created_at__gte=since, stage_reached__gte=OFFER_RANK)
    if seeker_ids is not None:
        offers = offers.filter(application__seeker_id__in=seeker_ids)
        offered = offered.filter(seeker_id__in=seeker_ids)
    excluded.update(offers.values_list("application__seeker_id", flat=True).order_by())
    excluded.update(offered.values_list("seeker_id", flat=True).order_by())
    rows = [
        Listed(
            seeker_id=seeker_id,
            applications=applied.get(seeker_id, 0),
            interviews=interviewed.get(seeker_id, 0),
        )
        for seeker_id in over - excluded
    ]
    rows.sort(key=lambda row: (-row.applications, -row.interviews, row.seeker_id))
    return rows


def _with_reason(row: Listed, settings: AssistanceSettings) -> Listed:
    # Only for the rows shown: the words for two thousand rows cost more than their query.
    row.reason = assistance_reason(
        applications=row.applications, interviews=row.interviews, window_days=settings.window_days
    )
    return row


def _seeker_name(user: User, profiles: dict[int, SeekerProfile]) -> str:
    profile = profiles.get(user.pk)
    return (profile.name if profile is not None and profile.name else "") or user.name


def assistance_list(
    *, bureau: Organisation, now: dt.datetime | None = None, shown: int = LIST_SHOWN_MAX
) -> AssistanceList:
    """The bureau's assistance list under its thresholds; names and phones masked (the bureau
    has no consent from these seekers)."""
    settings = assistance_settings_of(organisation=bureau)
    rows = _counts(bureau=bureau, settings=settings, now=now or timezone.now())
    page = rows[:shown]
    ids = [row.seeker_id for row in page]
    users = {user.pk: user for user in User.objects.filter(pk__in=ids).only("id", "name", "phone")}
    profiles = {
        p.user_id: p for p in SeekerProfile.objects.filter(user_id__in=ids).only("user_id", "name")
    }
    followed = set(
        Case.objects.filter(
            membership__organisation=bureau, withdrawn_at__isnull=True, seeker_id__in=ids
        ).values_list("seeker_id", flat=True)
    )
    for row in page:
        _with_reason(row, settings)
        row.followed = row.seeker_id in followed
        user = users[row.seeker_id]
        row.name = name_mask(_seeker_name(user, profiles))
        row.masked_phone = user.masked_phone
    return AssistanceList(settings=settings, rows=page, total=len(rows))


def assistance_listed(
    *, bureau: Organisation, seeker_id: int, now: dt.datetime | None = None
) -> Listed | None:
    """The seeker's row if they are on the bureau's list now (not yet assigned); else None."""
    settings = assistance_settings_of(organisation=bureau)
    rows = _counts(
        bureau=bureau, settings=settings, now=now or timezone.now(), seeker_ids=[seeker_id]
    )
    return _with_reason(rows[0], settings) if rows else None


@dataclass
class Helped:
    """A seeker the bureau assigned. The name is shown, and whether they were hired, only while
    they consent to the matchmaker (the bureau's numbers count hires without names)."""

    assistance: Assistance
    name: str
    masked_phone: str
    matchmaker: str
    state: str  # "waiting", "consented" or "left"
    hired_at: dt.datetime | None


def _hired_after() -> QuerySet[StageChange]:
    return StageChange.objects.filter(
        application__seeker_id=OuterRef("seeker_id"),
        to_stage__in=PLACED_STAGES,
        at__gte=OuterRef("assigned_at"),
    )


def assistance_helped(*, bureau: Organisation, shown: int = LIST_SHOWN_MAX) -> list[Helped]:
    """The seekers the bureau assigned, newest first, with their matchmaker and consent."""
    assistances = list(
        Assistance.objects.filter(organisation=bureau)
        .select_related("seeker", "case__membership__user")
        .annotate(hired_at=Subquery(_hired_after().order_by("at").values("at")[:1]))
        .order_by("-assigned_at", "-id")[:shown]
    )
    ids = [a.seeker_id for a in assistances]
    profiles = {
        p.user_id: p for p in SeekerProfile.objects.filter(user_id__in=ids).only("user_id", "name")
    }
    rows = []
    for assistance in assistances:
        case = assistance.case
        if case is None or case.withdrawn_at is not None:
            state = "left"
        elif case.consent_active:
            state = "consented"
        else:
            state = "waiting"
        name = _seeker_name(assistance.seeker, profiles)
        matchmaker = case.membership.user if case is not None else None
        rows.append(
            Helped(
                assistance=assistance,
                name=name if state == "consented" else name_mask(name),
                masked_phone=assistance.seeker.masked_phone,
                matchmaker=(matchmaker.name or matchmaker.masked_phone) if matchmaker else "",
                state=state,
                hired_at=assistance.hired_at if state == "consented" else None,  # type: ignore[attr-defined]
            )
        )
    return rows


@dataclass(frozen=True)
class AssistanceNumbers:
    assisted: int  # 帮扶人数: seekers the bureau assigned to a matchmaker
    hired_after: int  # 帮扶后就业: of those, hired (signed or onboarded) after the assignment


def assistance_numbers(*, bureau: Organisation) -> AssistanceNumbers:
    counts = Assistance.objects.filter(organisation=bureau).aggregate(
        assisted=Count("id"), hired_after=Count("id", filter=Q(Exists(_hired_after())))
    )
    return AssistanceNumbers(assisted=counts["assisted"], hired_after=counts["hired_after"])


# --- writes ------------------------------------------------------------------------------------


def _may_run(*, organisation: Organisation, by: User) -> None:
    if organisation.kind != Organisation.Kind.BUREAU or not membership_has(
        user=by, organisation_id=organisation.pk, power=Power.ASSISTANCE
    ):
        raise Refused("not_allowed", _("没有权限管理帮扶名单"), status=403)


def _in_range(value: int, bounds: tuple[int, int], *, field: str, label: str) -> None:
    low, high = bounds
    if not low <= value <= high:
        raise Refused(
            "out_of_range",
            _("%(label)s应在 %(low)d 到 %(high)d 之间")
            % {"label": label, "low": low, "high": high},
            field=field,
        )


def assistance_settings_save(
    *,
    organisation: Organisation,
    by: User,
    applications_min: int,
    interviews_min: int,
    window_days: int,
    now: dt.datetime | None = None,
) -> AssistanceSettings:
    """Set the bureau's thresholds (the same values again leave the same list)."""
    _may_run(organisation=organisation, by=by)
    _in_range(
        applications_min, APPLICATIONS_MIN_RANGE, field="applications_min", label=_("报名次数")
    )
    _in_range(interviews_min, INTERVIEWS_MIN_RANGE, field="interviews_min", label=_("面试次数"))
    _in_range(window_days, WINDOW_DAYS_RANGE, field="window_days", label=_("统计天数"))
    settings, _created = AssistanceSettings.objects.update_or_create(
        organisation=organisation,
        defaults={
            "applications_min": applications_min,
            "interviews_min": interviews_min,
            "window_days": window_days,
            "updated_by": by,
            "updated_at": now or timezone.now(),
        },
    )
    return settings


def assistance_assign(
    *,
    organisation: Organisation,
    seeker_id: int,
    matchmaker: Membership,
    by: User,
    now: dt.datetime | None = None,
) -> Assistance:
    """Assign a seeker on the bureau's list to one of its matchmakers (帮扶 starts now).

    Through matchmaking's assignment: the seeker is told and must consent before the
    matchmaker sees anything. Assigning a seeker the bureau already assigned changes nothing
    and returns the first assignment (whichever matchmaker is chosen the second time).
    """
    _may_run(organisation=organisation, by=by)
    now = now or timezone.now()
    earlier = Assistance.objects.filter(organisation=organisation, seeker_id=seeker_id).first()
    if earlier is not None:
        return earlier
    listed = assistance_listed(bureau=organisation, seeker_id=seeker_id, now=now)
    if listed is None:
        raise Refused("not_listed", _("这位求职者不在帮扶名单上"), status=409, field="seeker")
    seeker = User.objects.get(pk=seeker_id)
    with transaction.atomic():
        case = case_assign(
            organisation=organisation, matchmaker=matchmaker, phone=seeker.phone, by=by, now=now
        )
        assistance, _created = Assistance.objects.get_or_create(
            organisation=organisation,
            seeker=seeker,
            defaults={
                "case": case,
                "reason": listed.reason,
                "assigned_by": by,
                "assigned_at": now,
            },
        )
    return assistance
