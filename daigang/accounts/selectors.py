"""Reads that check permission. Views call these instead of querying directly."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import (
    Membership,
    Organisation,
    OrganisationDocument,
    User,
    VerificationReminder,
)
from daigang.accounts.roles import MODERATOR_POWERS, Power, roles_with


def membership_get(
    *, user: User | AnonymousUser | None, organisation_id: int, power: Power
) -> Membership | None:
    """`user`'s membership of the organisation if their role has `power` (roles.ROLES_WITH);
    None for anonymous users, outsiders and members whose role lacks it.

    The one membership check: every view, API endpoint, consumer and service asks this (or
    membership_has / organisation_for_member, built on it). It reads the row on every call,
    so a removed member or a changed role counts from the next request on.
    """
    if user is None or not user.is_authenticated:
        return None
    return (
        Membership.objects.filter(
            user=user, organisation_id=organisation_id, role__in=roles_with(power)
        )
        .select_related("organisation")
        .first()
    )


def _moderator_may(*, user: User | AnonymousUser | None, power: Power) -> bool:
    return (
        power in MODERATOR_POWERS
        and user is not None
        and user.is_authenticated
        and user.is_active
        and user.is_staff
    )


def membership_has(
    *, user: User | AnonymousUser | None, organisation_id: int, power: Power
) -> bool:
    """Whether `user` may use `power` for the organisation now (a moderator too, where
    roles.MODERATOR_POWERS says so). For services and consumers, which refuse rather than 404."""
    if _moderator_may(user=user, power=power):
        return True
    return membership_get(user=user, organisation_id=organisation_id, power=power) is not None


def members_with(*, organisation_id: int, user_ids: Iterable[int], power: Power) -> set[int]:
    """Which of `user_ids` are members of the organisation whose role has `power`: the same
    check as membership_get for several users at once (chat roles, interview panels)."""
    return set(
        Membership.objects.filter(
            organisation_id=organisation_id, user_id__in=list(user_ids), role__in=roles_with(power)
        ).values_list("user_id", flat=True)
    )


def organisation_for_member(
    *, user: User | AnonymousUser | None, organisation_id: int, power: Power
) -> Organisation:
    """The organisation if `user` may use `power` for it (membership_has); else 404.

    404 rather than 403 so outsiders cannot learn which organisations exist.
    """
    membership = membership_get(user=user, organisation_id=organisation_id, power=power)
    if membership is not None:
        return membership.organisation
    if _moderator_may(user=user, power=power):
        return get_object_or_404(Organisation, pk=organisation_id)
    raise Http404


def organisations_of_member(*, user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))


def login_landing_url(*, user: User) -> str | None:
    """Where a member lands after logging in without a `next`: the workspace (the
    organisation's page) of their only organisation, or the chooser ("我的单位") when they
    belong to several. None for a seeker, who lands on the default page (the home page)."""
    organisation_ids = list(
        Membership.objects.filter(user=user).values_list("organisation_id", flat=True)[:2]
    )
    if not organisation_ids:
        return None
    if len(organisation_ids) > 1:
        return reverse("accounts:my_organisations")
    return reverse("accounts:organisation_detail", args=[organisation_ids[0]])


def memberships_of_user(*, user: User) -> list[Membership]:
    """The user's memberships with their organisations, for "我的单位"."""
    if not user.is_authenticated:
        return []
    return list(
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name")
    )


_ROLE_ORDER: dict[str, int] = {
    Membership.Role.OWNER: 0,
    Membership.Role.HR: 1,
    Membership.Role.ANCHOR: 2,
}


def organisation_members(*, organisation: Organisation) -> list[Membership]:
    """Owners first, then HR, then anchors; each by when they joined."""
    members = organisation.memberships.select_related("user").order_by("created_at", "id")
    return sorted(members, key=lambda member: _ROLE_ORDER.get(member.role, 9))


def organisation_documents_current(*, organisation: Organisation) -> list[OrganisationDocument]:
    """The newest document of each kind: what a moderator reviews."""
    current: dict[str, OrganisationDocument] = {}
    for document in organisation.documents.order_by("kind", "-uploaded_at", "-id"):
        current.setdefault(document.kind, document)
    return list(current.values())


def _moderator_check(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise Http404


@dataclass(frozen=True)
class PendingReview:
    organisation: Organisation
    documents: list[OrganisationDocument]


def organisations_pending_review(*, user: User) -> list[PendingReview]:
    """Pending organisations, oldest submission first, each with its current documents.
    Moderators only. Two queries however many are pending."""
    _moderator_check(user)
    organisations = (
        Organisation.objects.filter(status=Organisation.Status.PENDING)
        .order_by("submitted_at", "id")
        .prefetch_related(
            Prefetch(
                "documents",
                queryset=OrganisationDocument.objects.order_by("kind", "-uploaded_at", "-id"),
            )
        )
    )
    pending = []
    for organisation in organisations:
        current: dict[str, OrganisationDocument] = {}
        for document in organisation.documents.all():
            current.setdefault(document.kind, document)
        pending.append(PendingReview(organisation=organisation, documents=list(current.values())))
    return pending


# What a moderator reviewing an organisation should know from apps above accounts (safety:
# its USCC or HR licence number is on the suspended list): hook(organisation) -> sentences.
# Added to from the apps' AppConfig.ready().
review_flags_hooks: list[Callable[[Organisation], list[str]]] = []


def organisation_review_flags(*, organisation: Organisation) -> list[str]:
    """Warnings for the review page, one sentence each (review_flags_hooks)."""
    return [flag for hook in review_flags_hooks for flag in hook(organisation)]


def organisation_for_moderator(*, user: User, organisation_id: int) -> Organisation:
    """Any organisation, for a moderator; 404 for everyone else."""
    _moderator_check(user)
    return get_object_or_404(Organisation, pk=organisation_id)


def document_for_viewer(*, user: User | AnonymousUser, document_id: int) -> OrganisationDocument:
    """A licence document for its organisation's members and for moderators; 404 otherwise
    (an outsider cannot even learn that the document exists)."""
    if not user.is_authenticated:
        raise Http404
    document = get_object_or_404(
        OrganisationDocument.objects.select_related("organisation"), pk=document_id
    )
    if not membership_has(
        user=user, organisation_id=document.organisation_id, power=Power.DOCUMENTS_SEE
    ):
        raise Http404
    return document


def organisation_reminders_current(
    *, organisation: Organisation, now: dt.datetime | None = None
) -> list[VerificationReminder]:
    """The reminders sent for the organisation's current end dates (verification, licence)
    that have not passed: the notice its page shows until it renews. One per subject, the
    latest (the 7-day one once sent)."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ends = organisation.ends()
    current: dict[str, VerificationReminder] = {}
    for reminder in organisation.verification_reminders.filter(ends_on__gte=today).order_by(
        "sent_at", "pk"
    ):
        if ends.get(reminder.subject) == reminder.ends_on:
            current[reminder.subject] = reminder
    return list(current.values())
