"""The workspace on the pages: the organisation's page is its home (numbers and a tile for each
page the member may open), and every member page carries the same navigation."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make
from daigang.live.models import Room
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def test_the_workspace_home_shows_todays_numbers_and_links_to_the_board(client):
    # given a company with two applications today and a room live now
    company = organisation_make()
    hr = member_make(organisation=company, role=Membership.Role.HR)
    job = job_make(organisation=company)
    application_make(job=job, seeker=seeker_make(phone="13900000001"))
    application_make(job=job, seeker=seeker_make(phone="13900000002"))
    room_make(organisation=company, state=Room.State.LIVE)
    client.force_login(hr)

    # when
    body = client.get(reverse("accounts:organisation_detail", args=[company.pk])).content.decode()

    # then
    assert 'data-number="applications_today">2<' in body
    assert 'data-number="applications_new">2<' in body
    assert 'data-number="rooms_live">1<' in body
    board = reverse("hiring:pipeline_board", args=[company.pk])
    assert f'<a class="ws-tile" href="{board}" data-tile="board">' in body
    assert f'href="{board}" data-nav="board"' in body


def test_an_anchor_sees_no_application_numbers_and_no_hiring_links(client):
    company = organisation_make()
    anchor = member_make(organisation=company, role=Membership.Role.ANCHOR)
    client.force_login(anchor)

    body = client.get(reverse("accounts:organisation_detail", args=[company.pk])).content.decode()

    assert 'data-number="rooms_live"' in body
    assert "applications_today" not in body
    assert reverse("hiring:pipeline_board", args=[company.pk]) not in body


def test_the_board_carries_the_navigation_with_the_board_as_the_current_page(client):
    company = organisation_make()
    hr = member_make(organisation=company, role=Membership.Role.HR)
    client.force_login(hr)

    body = client.get(reverse("hiring:pipeline_board", args=[company.pk])).content.decode()

    assert 'class="ws-page"' in body
    assert 'data-nav="board" aria-current="page"' in body


def test_a_page_found_by_its_url_alone_carries_the_navigation_too(client):
    # given an application page, whose context names no organisation
    company = organisation_make()
    hr = member_make(organisation=company, role=Membership.Role.HR)
    application = application_make(job=job_make(organisation=company), seeker=seeker_make())
    client.force_login(hr)

    # when
    url = reverse("hiring:application_detail", args=[company.pk, application.pk])
    body = client.get(url).content.decode()

    # then it is under 报名
    assert 'data-nav="applications" aria-current="page"' in body


def test_seeker_pages_stay_a_narrow_column_without_the_navigation(client):
    company = organisation_make()
    hr = member_make(organisation=company, role=Membership.Role.HR)
    client.force_login(hr)

    body = client.get(reverse("hiring:my_applications")).content.decode()

    assert "ws-page" not in body and "ws-nav" not in body


def test_the_workspace_costs_the_same_queries_however_many_rooms_and_applications(
    client, django_assert_num_queries
):
    # given a company whose HR staff open the board and the home once to warm up
    company = organisation_make()
    hr = member_make(organisation=company, role=Membership.Role.HR)
    job = job_make(organisation=company)
    client.force_login(hr)
    home = reverse("accounts:organisation_detail", args=[company.pk])
    with CaptureQueriesContext(connection) as before:
        client.get(home)

    # when many more rooms and applications arrive
    for n in range(5):
        room_make(organisation=company, state=Room.State.LIVE)
        application_make(job=job, seeker=seeker_make(phone=f"1390000{n:04d}"))

    # then the home asks the database exactly as often
    with django_assert_num_queries(len(before.captured_queries)):
        client.get(home)
