"""Reads of the matchmaking app: caseloads, a seeker's progress, the numbers per matchmaker,
the jobs recommended to a seeker (为您推荐, scored by daigang.matchmaking.recommend)."""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from django.db.models import Case as SqlCase
from django.db.models import Count, Max, Min, Q, QuerySet, When
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, SeekerProfile, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_get, organisation_for_member
from daigang.contracts.models import CheckIn, Contract, Offer
from daigang.hiring.models import (
    STAGE_ROAD,
    Application,
    Stage,
    StageChange,
    referral_membership_id,
    referral_source,
    stage_rank,
)
from daigang.interviews.models import JOIN_LATE, Interview, InterviewParticipant
from daigang.jobs.models import Job
from daigang.jobs.selectors import jobs_open
from daigang.matchmaking import recommend
from daigang.matchmaking.models import Case, Dismissal, GuidanceSlot, InviteLink
from daigang.matchmaking.services import CASELOAD_KINDS
from daigang.regions.selectors import region_for_filter

# A placement (安置): a seeker whose application reached 已签约 (signed) or 已入职.
PLACED_RANK = stage_rank(Stage.SIGNED)
PLACED_STAGES = (Stage.SIGNED, Stage.ONBOARDED)


def caseload_organisation_for(*, user: User, organisation_id: int, power: Power) -> Organisation:
    """A bureau or labour agency the user may use `power` for; 404 otherwise."""
    organisation = organisation_for_member(user=user, organisation_id=organisation_id, power=power)
    if organisation.kind not in CASELOAD_KINDS:
        raise Http404
    return organisation


def matchmaker_membership(*, user: User, organisation_id: int) -> Membership | None:
    membership = membership_get(user=user, organisation_id=organisation_id, power=Power.CASELOAD)
    if membership is None or membership.organisation.kind not in CASELOAD_KINDS:
        return None
    return membership


def matchmakers_of(*, organisation: Organisation) -> list[Membership]:
    return list(
        organisation.memberships.filter(role=Membership.Role.MATCHMAKER)
        .select_related("user")
        .order_by("created_at", "id")
    )


@dataclass
class CaseRow:
    case: Case
    name: str
    masked_phone: str
    furthest_stage: str  # label, "" when the seeker has applied nowhere (or cannot be seen)
    placed: bool
    overdue: bool
    applications: int = 0


def _furthest(seeker_ids: list[int]) -> dict[int, tuple[int, int]]:
    """seeker id → (furthest road stage index, number of applications)."""
    rows = (
        Application.objects.filter(seeker_id__in=seeker_ids)
        .values("seeker_id")
        .annotate(reached=Max("stage_reached"))
    )
    counts: dict[int, int] = {}
    for seeker_id in Application.objects.filter(seeker_id__in=seeker_ids).values_list(
        "seeker_id", flat=True
    ):
        counts[seeker_id] = counts.get(seeker_id, 0) + 1
    return {row["seeker_id"]: (row["reached"], counts.get(row["seeker_id"], 0)) for row in rows}


def _display_name(case: Case, profiles: dict[int, SeekerProfile]) -> str:
    profile = profiles.get(case.seeker_id)
    if profile is not None and profile.name:
        return profile.name
    return case.seeker.name


def caseload_rows(*, membership: Membership, today: dt.date | None = None) -> list[CaseRow]:
    """The matchmaker's seekers (not those who left): overdue follow-ups first, then by the
    next follow-up date, then those with none, newest first. Progress and names only of
    seekers who consent; the others show a masked phone and "waiting for consent"."""
    today = today or timezone.localdate()
    cases = list(
        Case.objects.filter(membership=membership, withdrawn_at__isnull=True).select_related(
            "seeker"
        )
    )
    consenting = [case.seeker_id for case in cases if case.consent_active]
    furthest = _furthest(consenting)
    profiles = {p.user_id: p for p in SeekerProfile.objects.filter(user_id__in=consenting)}
    rows = []
    for case in cases:
        reached, count = furthest.get(case.seeker_id, (None, 0))
        consent = case.consent_active
        rows.append(
            CaseRow(
                case=case,
                name=_display_name(case, profiles) if consent else "",
                masked_phone=case.seeker.masked_phone,
                furthest_stage=(
                    str(Stage(STAGE_ROAD[reached]).label) if consent and reached is not None else ""
                ),
                placed=consent and reached is not None and reached >= PLACED_RANK,
                overdue=case.next_follow_up_on is not None and case.next_follow_up_on < today,
                applications=count if consent else 0,
            )
        )
    far_future = dt.date.max
    rows.sort(
        key=lambda row: (
            not row.overdue,
            row.case.next_follow_up_on or far_future,
            -row.case.created_at.timestamp(),
        )
    )
    return rows


def case_for_matchmaker(*, user: User, organisation_id: int, case_id: int) -> Case:
    """One of the user's own cases (as the organisation's matchmaker); 404 otherwise."""
    membership = matchmaker_membership(user=user, organisation_id=organisation_id)
    if membership is None:
        raise Http404
    return get_object_or_404(
        Case.objects.select_related("seeker", "membership__user", "membership__organisation"),
        pk=case_id,
        membership=membership,
        withdrawn_at__isnull=True,
    )


def seeker_applications(*, seeker_id: int) -> QuerySet[Application]:
    """Every application of the seeker, across employers, newest first (built-in stages)."""
    return (
        Application.objects.filter(seeker_id=seeker_id)
        .select_related("job", "organisation")
        .order_by("-created_at", "-id")
    )


def cases_of_seeker(*, seeker: User) -> list[Case]:
    """Who follows the seeker, or asks to (those they left are not listed)."""
    return list(
        Case.objects.filter(seeker=seeker, withdrawn_at__isnull=True)
        .select_related("membership__user", "membership__organisation")
        .order_by("-created_at", "-id")
    )


def invite_link_get(*, token: str) -> InviteLink:
    return get_object_or_404(
        InviteLink.objects.select_related("membership__user", "membership__organisation"),
        token=token,
        membership__role=Membership.Role.MATCHMAKER,
        membership__organisation__kind__in=CASELOAD_KINDS,
    )


@dataclass
class MatchmakerNumbers:
    membership: Membership
    caseload: int = 0
    placements: int = 0
    median_days_to_hire: float | None = None
    days: list[float] = field(default_factory=list)
    # Applications the matchmaker (or broker) referred, with any employer, and the hires.
    referrals: int = 0
    referral_hires: int = 0
    # Retention of the seekers they placed: of the day-7 (day-30) check-ins due, how many were
    # answered (入职回访: the platform's only sign the person is still in the job), in %.
    retention: dict[int, int | None] = field(default_factory=lambda: {7: None, 30: None})


def matchmaker_numbers(*, organisation: Organisation) -> list[MatchmakerNumbers]:
    """Per matchmaker: seekers followed with consent now, placements among them (an
    application reached 已签约 or 已入职), and the median days from joining the caseload to
    the first such move."""
    numbers = {
        m.pk: MatchmakerNumbers(membership=m) for m in matchmakers_of(organisation=organisation)
    }
    cases = list(
        Case.objects.filter(
            membership_id__in=list(numbers),
            consented_at__isnull=False,
            withdrawn_at__isnull=True,
        ).values("membership_id", "seeker_id", "created_at")
    )
    seeker_ids = {case["seeker_id"] for case in cases}
    hired_at = dict(
        StageChange.objects.filter(
            application__seeker_id__in=seeker_ids, to_stage__in=PLACED_STAGES
        )
        .values("application__seeker_id")
        .annotate(first=Min("at"))
        .values_list("application__seeker_id", "first")
    )
    for case in cases:
        row = numbers[case["membership_id"]]
        row.caseload += 1
        at = hired_at.get(case["seeker_id"])
        # A hire before the seeker joined the caseload is not the matchmaker's placement.
        if at is not None and at >= case["created_at"]:
            row.placements += 1
            row.days.append(max(0.0, (at - case["created_at"]).total_seconds() / 86400))
    for row in numbers.values():
        if row.days:
            row.median_days_to_hire = round(statistics.median(row.days), 1)
    _referrals_count(numbers)
    _retention_count(numbers, cases)
    return list(numbers.values())


def _referrals_count(numbers: dict[int, MatchmakerNumbers]) -> None:
    hired = stage_rank(Stage.ONBOARDED)
    counted = (
        Application.objects.filter(source__in=[referral_source(membership_id=pk) for pk in numbers])
        .values("source")
        .annotate(n=Count("pk"), hires=Count("pk", filter=Q(stage_reached__gte=hired)))
        .order_by()
    )
    for row in counted:
        membership_id = referral_membership_id(row["source"])
        if membership_id in numbers:
            numbers[membership_id].referrals = row["n"]
            numbers[membership_id].referral_hires = row["hires"]


def _retention_count(numbers: dict[int, MatchmakerNumbers], cases: Sequence[Mapping]) -> None:
    """Check-ins due by today of jobs the seekers started after joining the caseload."""
    followers: dict[int, list[tuple[int, dt.datetime]]] = {}
    for case in cases:
        followers.setdefault(case["seeker_id"], []).append(
            (case["membership_id"], case["created_at"])
        )
    tally: dict[tuple[int, int], list[int]] = {}
    for seeker_id, day, marked_at, answered_at in CheckIn.objects.filter(
        seeker_id__in=list(followers), due_on__lte=timezone.localdate(), day__in=(7, 30)
    ).values_list("seeker_id", "day", "onboarding__marked_at", "answered_at"):
        for membership_id, since in followers[seeker_id]:
            if marked_at >= since:
                due_answered = tally.setdefault((membership_id, day), [0, 0])
                due_answered[0] += 1
                due_answered[1] += answered_at is not None
    for (membership_id, day), (due, answered) in tally.items():
        numbers[membership_id].retention[day] = round(100 * answered / due)


@dataclass
class SeekerProgress:
    """What a consenting seeker's matchmaker sees beyond the applications. Check-ins say only
    whether the seeker answered: what they answered reaches nobody (contracts.CheckIn)."""

    interviews: list[InterviewParticipant]
    offers: list[Offer]
    contracts: list[Contract]
    checkins: list[CheckIn]


def seeker_progress(*, seeker_id: int) -> SeekerProgress:
    return SeekerProgress(
        interviews=list(
            InterviewParticipant.objects.filter(
                user_id=seeker_id,
                role=InterviewParticipant.Role.CANDIDATE,
                removed=False,
                # Employers' interviews only: guidance calls with any matchmaker are theirs.
                interview__kind=Interview.Kind.INTERVIEW,
            )
            .select_related("interview__organisation")
            .order_by("-interview__starts_at")[:20]
        ),
        offers=list(
            Offer.objects.filter(seeker_id=seeker_id)
            .select_related("application__organisation")
            .order_by("-id")[:20]
        ),
        contracts=list(
            Contract.objects.filter(seeker_id=seeker_id)
            .select_related("application__organisation")
            .order_by("-id")[:20]
        ),
        checkins=list(
            CheckIn.objects.filter(seeker_id=seeker_id)
            .select_related("organisation")
            .order_by("due_on", "id")[:20]
        ),
    )


REASON_SEPARATOR = " · "
# How many of the seeker's latest applications and dismissals feed their recommendations.
BEHAVIOUR_MAX = 200
_CANDIDATE_FIELDS = (
    "id",
    "region_id",
    "province",
    "city",
    "district",
    "kind_of_work",
    "wage_min_fen",
    "wage_max_fen",
    "wage_unit",
    "board",
    "couple_rooms",
    "shift",
    "pay_schedule",
    "search_text",
    "published_at",
    "created_at",
)


@dataclass(frozen=True)
class RecommendedJob:
    job: Job
    reasons: list[recommend.Reason]

    @property
    def why(self) -> str:
        """ "就在您家乡东莞市 · 包吃住 · 工价高于您的期望": to the seeker."""
        return REASON_SEPARATOR.join(recommend.reason_text(r) for r in self.reasons)

    @property
    def why_for_matchmaker(self) -> str:
        """The same about the seeker, to their matchmaker (求职者, not 您)."""
        return REASON_SEPARATOR.join(
            recommend.reason_text(r, to_seeker=False) for r in self.reasons
        )


def seeker_features(*, user: User) -> recommend.SeekerFeatures:
    """What the scorer knows of the seeker: their profile's place, kinds, wage, needs and
    certificates, and their latest applications and dismissals (nothing else: see
    daigang.matchmaking.recommend)."""
    profile = SeekerProfile.objects.filter(user=user).first()
    applied = list(
        Application.objects.filter(seeker=user)
        .order_by("-created_at")
        .values_list("job_id", "job__kind_of_work", "job__region_id")[:BEHAVIOUR_MAX]
    )
    dismissed = list(
        Dismissal.objects.filter(seeker=user)
        .order_by("-at")
        .values_list("job_id", "job__kind_of_work")[:BEHAVIOUR_MAX]
    )
    applied_kinds: dict[str, int] = {}
    for _job_id, kind, _region in applied:
        applied_kinds[kind] = applied_kinds.get(kind, 0) + 1
    dismissed_kinds: dict[str, int] = {}
    for _job_id, kind in dismissed:
        dismissed_kinds[kind] = dismissed_kinds.get(kind, 0) + 1
    current_code = ""
    if profile is not None and profile.current_city:
        region = region_for_filter(value=profile.current_city)
        current_code = region.code if region is not None else ""
    return recommend.SeekerFeatures(
        home_code=(profile.home_region_id or "") if profile is not None else "",
        current_code=current_code,
        work_kinds=tuple(profile.work_kinds) if profile is not None else (),
        wage_wanted_fen=(
            profile.wage_wanted * 100 if profile is not None and profile.wage_wanted else None
        ),
        needs=frozenset(profile.needs) if profile is not None else frozenset(),
        certificates=tuple(profile.certificates) if profile is not None else (),
        applied_kinds=applied_kinds,
        applied_cities=frozenset(region[:4] for _id, _kind, region in applied if region),
        dismissed_kinds=dismissed_kinds,
        excluded=frozenset(row[0] for row in applied) | frozenset(row[0] for row in dismissed),
    )


def seeker_has_profile(*, user: User) -> bool:
    return SeekerProfile.objects.filter(user=user).exists()


def job_features(row: dict) -> recommend.JobFeatures:
    """A job as the scorer reads it, from a row of _CANDIDATE_FIELDS."""
    unit = row["wage_unit"]
    published = row["published_at"] or row["created_at"]
    return recommend.JobFeatures(
        id=row["id"],
        region_code=row["region_id"] or "",
        province=row["province"],
        city=row["city"],
        district=row["district"],
        kind=row["kind_of_work"],
        month_min_fen=recommend.month_fen(fen=row["wage_min_fen"], unit=unit),
        month_max_fen=recommend.month_fen(fen=row["wage_max_fen"], unit=unit),
        board=row["board"],
        couple_rooms=row["couple_rooms"],
        shift=row["shift"],
        pay_schedule=row["pay_schedule"],
        text=row["search_text"],
        published_ts=published.timestamp(),
        wage_unit=unit,
    )


def jobs_recommended(
    *, user: User, limit: int = 10, now: dt.datetime | None = None
) -> list[RecommendedJob]:
    """The open jobs (jobs_open: verified organisations, nothing taken down) that fit the
    seeker best, best first, each with why in words. Empty for a seeker with no profile and no
    applications. Candidates: open jobs in the provinces of their home, current place and
    applications, or of the kinds they want or applied to (recommend.candidate_scopes)."""
    now = now or timezone.now()
    seeker = seeker_features(user=user)
    if seeker.is_blank():
        return []
    provinces, kinds = recommend.candidate_scopes(seeker=seeker)
    in_place = Q(pk__in=[])
    for prefix in provinces:
        in_place |= Q(region__code__startswith=prefix)
    of_kind = Q(pk__in=[])
    for kind in kinds:
        of_kind |= Q(kind_of_work__contains=kind)
    when = [When(in_place & of_kind, then=0)] if provinces and kinds else []
    when += [When(in_place, then=1)] if provinces else []
    rows = (
        jobs_open(now=now)
        .filter(in_place | of_kind)
        .annotate(candidate_tier=SqlCase(*when, default=2))
        .order_by("candidate_tier", "-published_at", "-id")
        .values(*_CANDIDATE_FIELDS)[: recommend.CANDIDATES_MAX]
    )
    ranked = recommend.jobs_rank(
        seeker=seeker, jobs=map(job_features, rows), now_ts=now.timestamp(), limit=limit
    )
    jobs = Job.objects.select_related("organisation").in_bulk([r.job.id for r in ranked])
    return [RecommendedJob(job=jobs[r.job.id], reasons=r.reasons) for r in ranked]


# --- career guidance (职业指导) -------------------------------------------------------------------

# A booked slot stays listed while its call may still be open (it closes JOIN_LATE after the end).
GUIDANCE_LISTED_AFTER = dt.timedelta(hours=2) + JOIN_LATE
OPEN_SLOTS_SHOWN = 12


@dataclass
class SlotRow:
    """A slot as one viewer sees it: who booked it (as they may see them) and their link."""

    slot: GuidanceSlot
    who: str = ""  # the seeker's name with consent, else their masked phone; "" when open
    call_url: str = ""  # the viewer's own link into the call; "" when not booked


def _call_urls(*, slots: list[GuidanceSlot], user_id: int) -> dict[int, str]:
    """interview id → `user_id`'s personal call link, for the booked slots."""
    seats = InterviewParticipant.objects.filter(
        interview_id__in=[slot.interview_id for slot in slots if slot.interview_id],
        user_id=user_id,
        removed=False,
    ).values_list("interview_id", "token")
    return {interview_id: reverse("interviews:call", args=[token]) for interview_id, token in seats}


def _who(case: Case | None) -> str:
    if case is None:
        return ""
    if case.consent_active:
        return case.seeker.name or case.seeker.masked_phone
    return case.seeker.masked_phone


def _rows(slots: list[GuidanceSlot], *, user_id: int) -> list[SlotRow]:
    urls = _call_urls(slots=slots, user_id=user_id)
    return [
        SlotRow(
            slot=slot,
            who=_who(slot.case),
            call_url=urls.get(slot.interview_id, "") if slot.interview_id else "",
        )
        for slot in slots
    ]


def guidance_slots_of_matchmaker(
    *, membership: Membership, now: dt.datetime | None = None
) -> list[SlotRow]:
    """The matchmaker's slots to come (and booked ones whose call may still be open), soonest
    first, with who booked each and the matchmaker's own link into the call. Three queries."""
    now = now or timezone.now()
    slots = list(
        GuidanceSlot.objects.filter(
            membership=membership,
            cancelled_at__isnull=True,
            starts_at__gt=now - GUIDANCE_LISTED_AFTER,
        )
        .select_related("case__seeker")
        .order_by("starts_at", "id")
    )
    slots = [s for s in slots if s.starts_at > now or (s.is_booked and s.ends_at + JOIN_LATE > now)]
    return _rows(slots, user_id=membership.user_id)


def guidance_slots_of_case(*, case: Case) -> list[SlotRow]:
    """The slots the case's seeker holds with their matchmaker, newest first (on the case page:
    cancelled bookings are in the follow-ups)."""
    slots = list(
        GuidanceSlot.objects.filter(case=case)
        .select_related("case__seeker", "interview")
        .order_by("-starts_at")[:20]
    )
    return _rows(slots, user_id=case.membership.user_id)


@dataclass
class SeekerGuidance:
    """On 谁在跟进我, per matchmaker: the seeker's bookings and the slots they may book."""

    booked: list[SlotRow] = field(default_factory=list)
    open: list[GuidanceSlot] = field(default_factory=list)


def guidance_for_seeker(
    *, seeker: User, cases: list[Case], now: dt.datetime | None = None
) -> dict[int, SeekerGuidance]:
    """case id → that matchmaker's slots for the seeker, only for cases with consent."""
    now = now or timezone.now()
    consenting = {case.membership_id: case for case in cases if case.consent_active}
    found: dict[int, SeekerGuidance] = {case.pk: SeekerGuidance() for case in consenting.values()}
    if not consenting:
        return found
    slots = list(
        GuidanceSlot.objects.filter(
            membership_id__in=list(consenting),
            cancelled_at__isnull=True,
            starts_at__gt=now - GUIDANCE_LISTED_AFTER,
        )
        .select_related("case__seeker")
        .order_by("starts_at", "id")
    )
    mine = [s for s in slots if s.case is not None and s.case.seeker_id == seeker.pk]
    urls = _call_urls(slots=mine, user_id=seeker.pk)
    for slot in slots:
        case = consenting[slot.membership_id]
        if slot in mine:
            if slot.ends_at + JOIN_LATE > now:
                found[case.pk].booked.append(
                    SlotRow(slot=slot, who="", call_url=urls.get(slot.interview_id or 0, ""))
                )
        elif not slot.is_booked and slot.starts_at > now:
            if len(found[case.pk].open) < OPEN_SLOTS_SHOWN:
                found[case.pk].open.append(slot)
    return found


def guidance_slot_for_matchmaker(*, user: User, organisation_id: int, slot_id: int) -> GuidanceSlot:
    """One of the user's own slots (as the organisation's matchmaker); 404 otherwise."""
    membership = matchmaker_membership(user=user, organisation_id=organisation_id)
    if membership is None:
        raise Http404
    return get_object_or_404(
        GuidanceSlot.objects.select_related("membership__organisation", "membership__user"),
        pk=slot_id,
        membership=membership,
    )


def guidance_slot_for_seeker(*, seeker: User, slot_id: int) -> GuidanceSlot:
    """A slot of a matchmaker who follows the seeker (or asks to); 404 for anyone else."""
    if not seeker.is_authenticated:
        raise Http404
    slot = (
        GuidanceSlot.objects.filter(pk=slot_id)
        .select_related("membership__organisation", "membership__user")
        .first()
    )
    if (
        slot is None
        or not Case.objects.filter(
            membership_id=slot.membership_id, seeker=seeker, withdrawn_at__isnull=True
        ).exists()
    ):
        raise Http404
    return slot
