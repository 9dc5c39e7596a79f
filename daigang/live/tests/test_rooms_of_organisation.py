"""An organisation's list of rooms (直播间): live ones first, then those to come, ended ones last."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.live.models import Room
from daigang.live.selectors import rooms_of_organisation
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def test_live_rooms_come_first_then_the_soonest_to_come_then_the_latest_ended():
    # given rooms made in an order that explains nothing
    company = organisation_make()
    now = timezone.now()
    ended_long_ago = room_make(
        organisation=company, state=Room.State.ENDED, planned_start=now - dt.timedelta(days=9)
    )
    next_week = room_make(organisation=company, planned_start=now + dt.timedelta(days=7))
    ended_yesterday = room_make(
        organisation=company, state=Room.State.ENDED, planned_start=now - dt.timedelta(days=1)
    )
    live = room_make(
        organisation=company, state=Room.State.LIVE, planned_start=now - dt.timedelta(hours=1)
    )
    tomorrow = room_make(organisation=company, planned_start=now + dt.timedelta(days=1))

    # when
    rooms = list(rooms_of_organisation(organisation=company))

    # then
    assert rooms == [live, tomorrow, next_week, ended_yesterday, ended_long_ago]


def test_the_rooms_page_lists_them_in_that_order(client):
    # given
    owner = user_make()
    company = organisation_make(owner=owner)
    now = timezone.now()
    room_make(organisation=company, state=Room.State.ENDED, title="上周的专场", planned_start=now)
    room_make(organisation=company, title="明天的专场", planned_start=now + dt.timedelta(days=1))
    room_make(organisation=company, state=Room.State.LIVE, title="正在直播的专场")
    client.force_login(owner)

    # when
    body = client.get(reverse("live:manage_rooms", args=[company.pk])).content.decode()

    # then
    assert body.index("正在直播的专场") < body.index("明天的专场") < body.index("上周的专场")


def test_the_rooms_page_links_a_console_only_where_the_member_may_run_the_room(client):
    # given HR staff (who run no room), an anchor of one of two rooms, and the owner
    owner = user_make()
    company = organisation_make(owner=owner)
    hr = member_make(organisation=company, role=Membership.Role.HR)
    anchor = member_make(organisation=company, role=Membership.Role.ANCHOR, name="主播小李")
    theirs = room_make(organisation=company, anchors=[anchor])
    other = room_make(organisation=company)
    page = reverse("live:manage_rooms", args=[company.pk])

    def consoles(user) -> set[int]:
        client.force_login(user)
        body = client.get(page).content.decode()
        return {
            room.pk for room in (theirs, other) if reverse("live:console", args=[room.pk]) in body
        }

    # then
    assert consoles(owner) == {theirs.pk, other.pk}
    assert consoles(anchor) == {theirs.pk}
    assert consoles(hr) == set()
