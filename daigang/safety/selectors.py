"""Reads about reports and cases. Those that check permission raise Http404 for outsiders."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Count, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from daigang.accounts.models import Organisation, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has, organisation_for_member
from daigang.safety.models import Case, Report, SuspensionListing


def _moderator_check(user: User | AnonymousUser) -> None:
    if not (user.is_authenticated and user.is_moderator):
        raise Http404


def cases_open(*, user: User | AnonymousUser) -> QuerySet[Case]:
    """The moderators' queue: open cases oldest first, each with its count of reports."""
    _moderator_check(user)
    return (
        Case.objects.filter(status=Case.Status.OPEN)
        .select_related("organisation")
        .annotate(report_count=Count("reports"))
        .order_by("opened_at", "id")
    )


def appeals_pending(*, user: User | AnonymousUser) -> QuerySet[Case]:
    """Appeals waiting for a second moderator, oldest first."""
    _moderator_check(user)
    return (
        Case.objects.filter(appealed_at__isnull=False, appeal_outcome="")
        .select_related("organisation", "decided_by")
        .annotate(report_count=Count("reports"))
        .order_by("appealed_at", "id")
    )


def cases_decided(*, user: User | AnonymousUser, limit: int = 50) -> list[Case]:
    """The latest decisions, newest first."""
    _moderator_check(user)
    return list(
        Case.objects.filter(status=Case.Status.DECIDED)
        .select_related("organisation", "decided_by")
        .annotate(report_count=Count("reports"))
        .order_by("-decided_at", "-id")[:limit]
    )


def case_for_moderator(*, user: User | AnonymousUser, case_id: int) -> Case:
    _moderator_check(user)
    return get_object_or_404(Case.objects.select_related("organisation"), pk=case_id)


def case_reports(*, case: Case) -> list[Report]:
    return list(case.reports.select_related("reporter").order_by("created_at", "id"))


def cases_of_organisation(*, organisation: Organisation) -> list[Case]:
    """The decided cases about an organisation (open ones are not its business yet)."""
    return list(
        Case.objects.filter(organisation=organisation, status=Case.Status.DECIDED)
        .annotate(report_count=Count("reports"))
        .order_by("-decided_at", "-id")
    )


def case_for_member(*, user: User | AnonymousUser, organisation_id: int, case_id: int) -> Case:
    """A decided case about the organisation, for its owners and HR (roles.CASES); else 404."""
    organisation = organisation_for_member(
        user=user, organisation_id=organisation_id, power=Power.CASES
    )
    case = Case.objects.filter(
        pk=case_id, organisation=organisation, status=Case.Status.DECIDED
    ).first()
    if case is None:
        raise Http404
    return case


def reports_of_reporter(*, user: User) -> QuerySet[Report]:
    return (
        Report.objects.filter(reporter=user).select_related("case").order_by("-created_at", "-id")
    )


def report_of_reporter(*, user: User | AnonymousUser, report_id: int) -> Report:
    """One of the user's own reports, with its case; 404 for anyone else's."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(Report.objects.select_related("case"), pk=report_id, reporter=user)


def report_for_evidence(*, user: User | AnonymousUser, report_id: int) -> Report:
    """A report's screenshot: moderators, and the owners and HR of the organisation once the
    case is decided; 404 for everyone else."""
    if not user.is_authenticated:
        raise Http404
    report = get_object_or_404(Report.objects.select_related("case"), pk=report_id)
    if not report.screenshot:
        raise Http404
    if user.is_moderator:
        return report
    if report.case.status == Case.Status.DECIDED and membership_has(
        user=user, organisation_id=report.case.organisation_id, power=Power.CASES
    ):
        return report
    raise Http404


def appeal_evidence_for(*, user: User | AnonymousUser, case_id: int) -> Case:
    """An appeal's evidence: moderators and the organisation's owners and HR."""
    if not user.is_authenticated:
        raise Http404
    case = get_object_or_404(Case, pk=case_id)
    if not case.appeal_evidence:
        raise Http404
    if user.is_moderator or membership_has(
        user=user, organisation_id=case.organisation_id, power=Power.CASES
    ):
        return case
    raise Http404


def suspension_list_may_see(*, user: User | AnonymousUser) -> bool:
    """Moderators, and members of a bureau whose role reads its numbers (roles.STATS_SEE)."""
    if not user.is_authenticated:
        return False
    if user.is_moderator:
        return True
    bureaus = Organisation.objects.filter(
        kind=Organisation.Kind.BUREAU, memberships__user=user
    ).values_list("pk", flat=True)
    return any(
        membership_has(user=user, organisation_id=bureau_id, power=Power.STATS_SEE)
        for bureau_id in bureaus
    )


def suspension_list(*, user: User | AnonymousUser) -> QuerySet[SuspensionListing]:
    """The suspended organisations and their USCC, newest first (lifted ones marked)."""
    if not suspension_list_may_see(user=user):
        raise Http404
    return SuspensionListing.objects.select_related("listed_by").order_by("-listed_at", "-id")
