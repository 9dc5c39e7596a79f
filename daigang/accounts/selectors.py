"""Reads that check permission. Views call these instead of querying directly."""

from __future__ import annotations

from collections.abc import Iterable

from django.http import Http404

from daigang.accounts.models import Membership, Organisation, User


def organisation_for_member(
    *, user: User, organisation_id: int, roles: Iterable[str] | None = None
) -> Organisation:
    """The organisation if `user` is a member (with one of `roles`, if given); else 404.

    404 rather than 403 so outsiders cannot learn which organisations exist.
    """
    if not user.is_authenticated:
        raise Http404
    memberships = Membership.objects.filter(user=user, organisation_id=organisation_id)
    if roles is not None:
        memberships = memberships.filter(role__in=list(roles))
    membership = memberships.select_related("organisation").first()
    if membership is None:
        raise Http404
    return membership.organisation


def organisations_of_member(*, user: User) -> list[Organisation]:
    if not user.is_authenticated:
        return []
    return list(Organisation.objects.filter(memberships__user=user).order_by("name"))
