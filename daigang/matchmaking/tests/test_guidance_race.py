"""Two seekers tapping the same guidance slot at the same moment: the slot's row lock lets one
book it; the other is told it was just taken. One call is made, never two."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from daigang.core.refused import Refused
from daigang.core.testing import race
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import seeker_make
from daigang.interviews.models import Interview
from daigang.matchmaking.guidance import guidance_slot_book, guidance_slots_open
from daigang.matchmaking.models import GuidanceSlot
from daigang.matchmaking.testing import case_make, matchmaker_make


def _book(slot_id: int, seeker):
    return guidance_slot_book(slot=GuidanceSlot.objects.get(pk=slot_id), seeker=seeker)


@pytest.mark.django_db(transaction=True)
def test_two_seekers_booking_one_slot_at_once_one_wins_and_the_other_is_told_it_is_taken():
    # given a matchmaker's open slot and two seekers they follow
    matchmaker = matchmaker_make(organisation=bureau_make(region="620100"))
    seekers = [seeker_make(name="马小军"), seeker_make(name="李四")]
    for seeker in seekers:
        case_make(membership=matchmaker, seeker=seeker)
    (slot,) = guidance_slots_open(
        membership=matchmaker,
        by=matchmaker.user,
        starts_at=timezone.now() + dt.timedelta(days=1),
        length_minutes=30,
        count=1,
        batch_key="race",
    )
    # when both book it at the same moment
    results = race(_book, [(slot.pk, seeker) for seeker in seekers])
    # then one booking, one "taken", one call
    booked = [r for r in results if isinstance(r, GuidanceSlot)]
    refused = [r for r in results if isinstance(r, Refused)]
    assert len(booked) == 1 and len(refused) == 1, results
    assert refused[0].code == "taken"
    assert Interview.objects.count() == 1
    assert GuidanceSlot.objects.get(pk=slot.pk).case.seeker in seekers


@pytest.mark.django_db(transaction=True)
def test_one_seeker_tapping_book_twice_at_once_gets_one_booking():
    matchmaker = matchmaker_make(organisation=bureau_make(region="620100"))
    seeker = seeker_make(name="马小军")
    case_make(membership=matchmaker, seeker=seeker)
    (slot,) = guidance_slots_open(
        membership=matchmaker,
        by=matchmaker.user,
        starts_at=timezone.now() + dt.timedelta(days=1),
        length_minutes=30,
        count=1,
        batch_key="twice",
    )
    results = race(_book, [(slot.pk, seeker), (slot.pk, seeker)])
    assert all(isinstance(r, GuidanceSlot) for r in results), results
    assert Interview.objects.count() == 1
