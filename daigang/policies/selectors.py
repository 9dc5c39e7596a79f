"""Reads of policies: the public list by region, kind and keyword; a bureau's own list."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from daigang.accounts.models import Organisation, SeekerProfile, User
from daigang.accounts.roles import Power
from daigang.accounts.selectors import organisation_for_member
from daigang.jobs.search import search_query_tokens
from daigang.policies.models import Policy
from daigang.regions.models import Region
from daigang.regions.selectors import region_for_filter, region_get, region_prefix

# More than any one region publishes; the list is a page, not an export.
PUBLIC_LIST_MAX = 200


def _not_expired(today: dt.date) -> Q:
    return Q(valid_until__isnull=True) | Q(valid_until__gte=today)


def policy_region_codes(*, region: Region) -> list[str]:
    """The codes whose policies apply in `region`: its own and every region above it (a
    province's policies hold in its cities and counties, a city's in its counties)."""
    code = region.code
    return sorted({code[:2] + "0000", code[:4] + "00", code})


def policies_public(
    *,
    region: Region | None = None,
    kind: str = "",
    query: str = "",
    bureau_id: int | None = None,
    today: dt.date | None = None,
) -> QuerySet[Policy]:
    """Published policies still valid, newest first.

    With `region`: those that apply there (its own and above it) and those of the regions below
    it (a seeker who picks a city sees its counties' too). `query`: every jieba token of it in
    the policy's texts, region or bureau (as the jobs search).
    """
    today = today or timezone.localdate()
    policies = Policy.objects.filter(state=Policy.State.PUBLISHED).filter(_not_expired(today))
    if region is not None:
        policies = policies.filter(
            Q(region_id__in=policy_region_codes(region=region))
            | Q(region__code__startswith=region_prefix(region=region))
        )
    if kind in Policy.Kind.values:
        policies = policies.filter(kind=kind)
    if bureau_id is not None:
        policies = policies.filter(bureau_id=bureau_id)
    for token in search_query_tokens(query):
        policies = policies.filter(search_text__contains=f" {token} ")
    return policies.select_related("bureau", "region").order_by("-published_at", "-id")


def policy_public_get(*, policy_id: int) -> Policy:
    """A published policy (expired ones too: their page says 已过期); 404 otherwise."""
    policy = (
        Policy.objects.select_related("bureau", "region", "region__parent")
        .filter(pk=policy_id, state=Policy.State.PUBLISHED)
        .first()
    )
    if policy is None:
        raise Http404
    return policy


def seeker_region(*, user: User | AnonymousUser) -> Region | None:
    """Where a seeker's policies are: their profile's home region, else the city they say they
    are in now; None when they said neither (or are not logged in)."""
    if not user.is_authenticated:
        return None
    profile = SeekerProfile.objects.filter(user=user).select_related("home_region").first()
    if profile is None:
        return None
    if profile.home_region is not None:
        return profile.home_region
    if profile.current_city:
        return region_for_filter(value=profile.current_city)
    return None


def region_from_choice(*, value: str) -> Region | None:
    """The region a ?region= chip or picker names: a code or a place name."""
    value = (value or "").strip()[:20]
    if not value:
        return None
    return region_get(code=value) if value.isdigit() else region_for_filter(value=value)


def policy_regions_public(*, today: dt.date | None = None) -> list[Region]:
    """The regions that have a public policy: the chips of the region picker."""
    today = today or timezone.localdate()
    codes = (
        Policy.objects.filter(state=Policy.State.PUBLISHED)
        .filter(_not_expired(today))
        .values_list("region_id", flat=True)
        .distinct()
    )
    return list(Region.objects.filter(code__in=list(codes)).order_by("code"))


def bureau_for_member(*, user: User, organisation_id: int, power: Power) -> Organisation:
    """A bureau the user may use `power` for; 404 for anyone else and for a non-bureau."""
    organisation = organisation_for_member(user=user, organisation_id=organisation_id, power=power)
    if organisation.kind != Organisation.Kind.BUREAU:
        raise Http404
    return organisation


def policies_of_bureau(*, bureau: Organisation) -> QuerySet[Policy]:
    """The bureau's policies, drafts and expired ones included, newest first."""
    return (
        Policy.objects.filter(bureau=bureau).select_related("region").order_by("-updated_at", "-id")
    )


def policy_for_member(*, user: User, policy_id: int, power: Power) -> Policy:
    """A policy of a bureau the user may use `power` for; 404 otherwise."""
    policy = Policy.objects.select_related("bureau", "region").filter(pk=policy_id).first()
    if policy is None:
        raise Http404
    bureau_for_member(user=user, organisation_id=policy.bureau_id, power=power)
    return policy


def policies_pinnable(*, bureau_id: int, today: dt.date | None = None) -> QuerySet[Policy]:
    """What a 宣策 room of the bureau may pin: its published policies still valid."""
    today = today or timezone.localdate()
    return (
        Policy.objects.filter(bureau_id=bureau_id, state=Policy.State.PUBLISHED)
        .filter(_not_expired(today))
        .select_related("region")
        .order_by("-published_at", "-id")
    )
