"""A lapsed organisation, or an agency whose HR service licence expired, has its jobs and rooms
hidden from seekers until it is verified again, and cannot go live."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Organisation
from daigang.accounts.testing import organisation_make
from daigang.jobs.selectors import jobs_open
from daigang.jobs.testing import job_make
from daigang.live.lifecycle import room_go_live
from daigang.live.models import Room
from daigang.live.selectors import rooms_live_and_upcoming
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def lapsed_company() -> Organisation:
    return organisation_make(name="认证过期的电子厂", lapsed=True)


def agency_with_expired_licence() -> Organisation:
    return organisation_make(
        name="许可证过期的人力公司",
        kind=Organisation.Kind.AGENCY,
        licence_expires_on=timezone.localdate() - dt.timedelta(days=1),
    )


@pytest.fixture(params=["lapsed", "licence_expired"])
def hidden_org(request) -> Organisation:
    return lapsed_company() if request.param == "lapsed" else agency_with_expired_licence()


def test_its_jobs_and_rooms_are_hidden_while_a_verified_ones_show(client, hidden_org):
    # given a verified organisation and one that is not (any longer), each with a job and room
    shown = organisation_make(name="正常认证的物流公司")
    shown_job = job_make(organisation=shown, title="分拣员")
    hidden_job = job_make(organisation=hidden_org, title="隐藏的岗位")
    shown_room = room_make(organisation=shown, title="物流专场")
    room_make(organisation=hidden_org, title="隐藏的直播")
    # when seekers look
    open_jobs = set(jobs_open())
    rooms = rooms_live_and_upcoming()
    home = client.get(reverse("jobs:home")).content.decode()
    api = client.get("/api/v1/jobs").json()
    # then only the verified organisation's job and room are there
    assert open_jobs == {shown_job}
    assert rooms == [shown_room]
    assert "分拣员" in home and "隐藏的岗位" not in home
    assert [item["id"] for item in api["items"]] == [shown_job.pk]
    # and the hidden job's page takes no applications
    detail = client.get(reverse("jobs:detail", args=[hidden_job.pk])).content.decode()
    assert 'id="apply-link"' not in detail


def test_it_cannot_go_live(hidden_org):
    room = room_make(organisation=hidden_org)
    with pytest.raises(ValidationError) as caught:
        room_go_live(room=room)
    assert caught.value.code == "organisation_unverified"
    assert Room.objects.get(pk=room.pk).state == Room.State.SCHEDULED


def test_an_agency_with_its_licence_in_force_shows(client):
    agency = organisation_make(kind=Organisation.Kind.AGENCY)
    job = job_make(organisation=agency)
    room = room_make(organisation=agency)
    assert list(jobs_open()) == [job]
    assert rooms_live_and_upcoming() == [room]
