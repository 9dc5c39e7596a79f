"""The workspace's navigation: each member sees the pages their role may open, and no more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import member_make, organisation_make, user_make
from daigang.live.models import Room
from daigang.live.testing import room_make
from daigang.workspace.selectors import BAR_SIZE, workspace_for

pytestmark = pytest.mark.django_db

EMPLOYER_PAGES = [
    "home",
    "jobs",
    "rooms",
    "applications",
    "board",
    "table",
    "interviews",
    "contracts",
    "stats",
    "settings",
]


def keys(user, organisation) -> list[str]:
    workspace = workspace_for(user=user, organisation_id=organisation.pk)
    assert workspace is not None
    return [item.key for item in workspace.items]


def test_an_owner_of_a_company_reaches_every_employer_page_but_no_bureau_page():
    # given
    owner = user_make()
    company = organisation_make(owner=owner)

    # when
    workspace = workspace_for(user=owner, organisation_id=company.pk)

    # then
    assert workspace is not None
    assert [item.key for item in workspace.items] == EMPLOYER_PAGES
    urls = {item.key: item.url for item in workspace.items}
    assert urls["board"] == reverse("hiring:pipeline_board", args=[company.pk])
    assert urls["home"] == reverse("accounts:organisation_detail", args=[company.pk])


def test_hr_staff_reach_the_hiring_pages_but_not_a_console_of_a_room_they_do_not_anchor():
    # given a company with a room live now, anchored by someone else
    company = organisation_make()
    hr = member_make(organisation=company, role=Membership.Role.HR)
    anchor = member_make(organisation=company, role=Membership.Role.ANCHOR, name="主播小李")
    room_make(organisation=company, anchors=[anchor], state=Room.State.LIVE)

    # then
    assert keys(hr, company) == EMPLOYER_PAGES


def test_an_anchor_reaches_rooms_and_the_console_of_their_live_room_and_no_applications():
    # given an anchor on a room that is live and another one still to come
    company = organisation_make()
    anchor = member_make(organisation=company, role=Membership.Role.ANCHOR)
    room_make(organisation=company, anchors=[anchor])
    live = room_make(organisation=company, anchors=[anchor], state=Room.State.LIVE)

    # when
    workspace = workspace_for(user=anchor, organisation_id=company.pk)

    # then the console item opens the live room's console
    assert workspace is not None
    assert [item.key for item in workspace.items] == ["home", "rooms", "console", "settings"]
    console = workspace.item("console")
    assert console is not None and console.url == reverse("live:console", args=[live.pk])
    # and with four items the phone's bar shows them all, nothing behind 更多
    assert len(workspace.bar) == 4 and workspace.more == ()


def test_the_console_item_opens_the_next_room_when_none_is_live_and_never_an_ended_one():
    # given an owner's company with an ended room and two still to come
    owner = user_make()
    company = organisation_make(owner=owner)
    now = timezone.now()
    room_make(organisation=company, state=Room.State.ENDED, planned_start=now)
    room_make(organisation=company, planned_start=now + dt.timedelta(hours=3))
    sooner = room_make(organisation=company, planned_start=now + dt.timedelta(hours=1))

    # when
    workspace = workspace_for(user=owner, organisation_id=company.pk)

    # then
    assert workspace is not None and workspace.console_room == sooner


def test_a_bureaus_viewer_reaches_its_fairs_numbers_and_policies_only():
    # given
    bureau = organisation_make(name="昆山市公共就业服务中心", kind=Organisation.Kind.BUREAU)
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)

    # then
    assert keys(viewer, bureau) == ["home", "fairs", "numbers", "policies", "courses", "settings"]


def test_a_bureaus_matchmaker_reaches_their_caseload():
    bureau = organisation_make(name="昆山市公共就业服务中心", kind=Organisation.Kind.BUREAU)
    matchmaker = member_make(organisation=bureau, role=Membership.Role.MATCHMAKER)

    assert keys(matchmaker, bureau) == [
        "home",
        "fairs",
        "caseload",
        "numbers",
        "policies",
        "courses",
        "settings",
    ]


def test_a_bureaus_operator_reaches_its_assistance_list_and_its_viewer_does_not():
    bureau = organisation_make(name="昆山市公共就业服务中心", kind=Organisation.Kind.BUREAU)
    operator = member_make(organisation=bureau, role=Membership.Role.OPERATOR)
    viewer = member_make(organisation=bureau, role=Membership.Role.VIEWER)

    assert {"fairs", "caseload", "numbers", "assistance", "courses"} <= set(keys(operator, bureau))
    assert "assistance" not in keys(viewer, bureau)


def test_an_agency_owner_also_reaches_caseloads_and_matchmakers_numbers():
    owner = user_make()
    agency = organisation_make(kind=Organisation.Kind.AGENCY, owner=owner)

    assert keys(owner, agency) == [*EMPLOYER_PAGES[:-1], "caseload", "numbers", "settings"]


def test_the_phone_bar_shows_the_most_used_and_puts_the_rest_behind_more():
    # given an HR member, who may open ten pages
    company = organisation_make()
    hr = member_make(organisation=company, role=Membership.Role.HR)

    # when
    workspace = workspace_for(user=hr, organisation_id=company.pk)

    # then the board is one tap away on a phone, and nothing is lost
    assert workspace is not None
    bar = [item.key for item in workspace.bar]
    assert len(bar) == BAR_SIZE - 1
    assert bar == ["home", "rooms", "applications", "board"]
    assert {item.key for item in workspace.more} | set(bar) == set(EMPLOYER_PAGES)


def test_outsiders_and_former_members_have_no_workspace():
    company = organisation_make()
    former = member_make(organisation=company)
    Membership.objects.filter(user=former).delete()

    assert workspace_for(user=user_make(), organisation_id=company.pk) is None
    assert workspace_for(user=former, organisation_id=company.pk) is None


def test_the_current_item_is_the_one_whose_page_the_path_is_under():
    owner = user_make()
    company = organisation_make(owner=owner)
    workspace = workspace_for(user=owner, organisation_id=company.pk)
    assert workspace is not None

    assert workspace.current(f"/manage/{company.pk}/applications/7/") == "applications"
    assert workspace.current(f"/manage/{company.pk}/pipeline/table/") == "table"
    assert workspace.current(f"/manage/{company.pk}/pipeline/") == "board"
    assert workspace.current(f"/accounts/organisations/{company.pk}/") == "home"
    assert workspace.current(f"/accounts/organisations/{company.pk}/edit/") is None


def test_the_console_item_opens_an_interrupted_room_so_its_anchor_can_resume_it():
    # given an anchor whose room was interrupted (their page closed), and a room still to come
    company = organisation_make()
    anchor = member_make(organisation=company, role=Membership.Role.ANCHOR)
    room_make(organisation=company, anchors=[anchor])
    interrupted = room_make(organisation=company, anchors=[anchor], state=Room.State.INTERRUPTED)

    # when
    workspace = workspace_for(user=anchor, organisation_id=company.pk)

    # then
    assert workspace is not None and workspace.console_room == interrupted
