"""Factories for matchmaking tests: a bureau with a matchmaker, a seeker in the caseload."""

from __future__ import annotations

from django.utils import timezone

from daigang.accounts.models import Membership, Organisation, User
from daigang.accounts.testing import member_make
from daigang.matchmaking.models import Case
from daigang.matchmaking.services import consent_text


def matchmaker_make(*, organisation: Organisation, name: str = "专员小周") -> Membership:
    user = member_make(organisation=organisation, role=Membership.Role.MATCHMAKER, name=name)
    return Membership.objects.get(organisation=organisation, user=user)


def case_make(*, membership: Membership, seeker: User, consented: bool = True) -> Case:
    """A seeker in the matchmaker's caseload, with consent given unless told otherwise."""
    now = timezone.now()
    return Case.objects.create(
        membership=membership,
        seeker=seeker,
        via=Case.Via.INVITE,
        created_at=now,
        consent_text=consent_text(membership=membership) if consented else "",
        consented_at=now if consented else None,
    )
