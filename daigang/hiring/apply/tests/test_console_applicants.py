"""The room's arriving applicants in the anchor's console: masked for an anchor, in full (and
recorded) for a member with the applications power, redrawn when an application commits."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.testing import capture_events
from daigang.hiring.models import PhoneView
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    organisation = organisation_make()
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    owner = member_make(organisation=organisation, name="王经理", role=Membership.Role.OWNER)
    job = job_make(organisation=organisation, title="电子厂普工")
    room = room_make(organisation=organisation, anchors=[anchor], jobs=[job], state="live")
    seeker = seeker_make(phone="13912345678", name="王小明")
    return room, anchor, owner, job, seeker


def test_an_anchor_sees_the_rooms_applicants_masked_with_their_job(client, world):
    # given an application made from the room, and another made elsewhere
    room, anchor, _owner, job, seeker = world
    application_make(job=job, seeker=seeker, room=room, name="王小明")
    other = job_make(organisation=room.organisation, title="仓库分拣员")
    application_make(job=other, seeker=seeker_make(phone="13900001111", name="李四"))
    client.force_login(anchor)
    # when
    page = client.get(reverse("live:console", args=[room.pk])).content.decode()
    # then
    assert 'id="console-applicants"' in page
    assert "王**" in page and "139****5678" in page and "电子厂普工" in page
    assert "王小明" not in page and "13912345678" not in page
    assert "李" not in page.split('id="console-applicants"')[1]
    assert not PhoneView.objects.exists()


def test_the_owner_sees_full_phones_in_the_console_and_each_view_is_recorded(client, world):
    # given
    room, _anchor, owner, job, seeker = world
    application = application_make(job=job, seeker=seeker, room=room, name="王小明")
    client.force_login(owner)
    # when
    panel = client.get(reverse("hiring:room_applicants", args=[room.pk])).content.decode()
    # then
    assert "王小明" in panel and "13912345678" in panel
    view = PhoneView.objects.get()
    assert (view.viewer_id, view.application_id, view.source) == (
        owner.pk,
        application.pk,
        "live_console",
    )


@pytest.mark.parametrize("who", ["anonymous", "hr_not_running_the_room", "member_elsewhere"])
def test_whoever_does_not_run_the_room_gets_404_for_its_applicants(client, world, who):
    room, *_ = world
    if who == "hr_not_running_the_room":
        client.force_login(
            member_make(organisation=room.organisation, role=Membership.Role.HR, name="小王")
        )
    elif who == "member_elsewhere":
        client.force_login(member_make(organisation=organisation_make(name="别家"), name="小赵"))

    response = client.get(reverse("hiring:room_applicants", args=[room.pk]))

    assert response.status_code == 404


def test_an_application_from_the_room_tells_the_room_once_it_commits_and_says_nobodys_name(
    world, django_capture_on_commit_callbacks
):
    room, _anchor, _owner, job, seeker = world
    with capture_events() as events, django_capture_on_commit_callbacks(execute=True):
        application_make(job=job, seeker=seeker, room=room, name="王小明")

    assert [(e.room_id, e.kind, e.data) for e in events] == [(room.pk, "applicants", {})]
