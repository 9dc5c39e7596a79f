from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from daigang.accounts.models import Membership, Organisation
from daigang.accounts.testing import member_make, organisation_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make
from daigang.live import services
from daigang.live.models import Room

pytestmark = pytest.mark.django_db


def _form(*, jobs, anchors, title="周末电子厂专场", start=None):
    start = start or timezone.localtime() + dt.timedelta(days=1)
    return {
        "title": title,
        "planned_start": start.strftime("%Y-%m-%dT%H:%M"),
        "jobs": [job.pk for job in jobs],
        "anchors": [anchor.pk for anchor in anchors],
    }


@pytest.mark.parametrize(
    "role", [Membership.Role.OWNER, Membership.Role.HR, Membership.Role.ANCHOR]
)
def test_a_member_of_a_verified_organisation_schedules_a_room_with_its_jobs_and_anchors(
    client, role
):
    # given
    organisation = organisation_make()
    member = member_make(organisation=organisation, role=role, name="王经理")
    anchor = member_make(organisation=organisation, name="主播小李", role=Membership.Role.ANCHOR)
    job = job_make(organisation=organisation)
    client.force_login(member)
    # when
    response = client.post(
        reverse("live:room_new", args=[organisation.pk]), _form(jobs=[job], anchors=[anchor])
    )
    # then
    assert response.status_code == 302
    room = Room.objects.get()
    assert room.organisation == organisation
    assert room.title == "周末电子厂专场"
    assert room.state == Room.State.SCHEDULED
    assert list(room.jobs.all()) == [job]
    assert list(room.anchors.all()) == [anchor]
    listing = client.get(response["Location"])
    assert "周末电子厂专场" in listing.content.decode()


def test_the_scheduling_form_offers_only_the_organisations_open_published_jobs(client):
    organisation = organisation_make()
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="小李")
    job_make(organisation=organisation, title="招聘中的普工")
    job_make(organisation=organisation, title="还是草稿的岗位", status=Job.Status.DRAFT)
    job_make(
        organisation=organisation,
        title="过期的岗位",
        valid_until=timezone.localdate() - dt.timedelta(days=1),
    )
    job_make(organisation=organisation_make(name="别家公司"), title="别家的岗位")
    client.force_login(owner)

    page = client.get(reverse("live:room_new", args=[organisation.pk])).content.decode()

    assert "招聘中的普工" in page
    assert "还是草稿的岗位" not in page
    assert "过期的岗位" not in page
    assert "别家的岗位" not in page


def test_a_member_of_another_organisation_gets_404_on_scheduling_pages(client):
    organisation = organisation_make()
    outsider = member_make(
        organisation=organisation_make(name="别家公司"), role="owner", name="小李"
    )
    client.force_login(outsider)

    assert client.get(reverse("live:manage_rooms", args=[organisation.pk])).status_code == 404
    assert client.get(reverse("live:room_new", args=[organisation.pk])).status_code == 404
    response = client.post(
        reverse("live:room_new", args=[organisation.pk]), _form(jobs=[], anchors=[outsider])
    )
    assert response.status_code == 404
    assert not Room.objects.exists()


def test_an_unverified_organisation_is_told_clearly_why_it_cannot_schedule(client):
    # given
    organisation = organisation_make(status=Organisation.Status.PENDING)
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="小李")
    client.force_login(owner)
    # when
    page = client.get(reverse("live:room_new", args=[organisation.pk]))
    posted = client.post(
        reverse("live:room_new", args=[organisation.pk]), _form(jobs=[], anchors=[owner])
    )
    # then
    assert page.status_code == 403
    assert "单位尚未通过认证" in page.content.decode()
    assert posted.status_code == 403
    assert not Room.objects.exists()


def test_a_lapsed_verification_stops_scheduling_in_the_service(client):
    organisation = organisation_make()
    organisation.verified_until = timezone.now() - dt.timedelta(minutes=1)
    organisation.save()
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="小李")

    with pytest.raises(ValidationError, match="单位尚未通过认证"):
        services.room_schedule(
            organisation=organisation,
            by=owner,
            title="过期单位的直播",
            planned_start=timezone.now() + dt.timedelta(hours=1),
            jobs=[],
            anchors=[owner],
        )


def test_a_job_of_another_organisation_cannot_be_put_in_a_room():
    organisation = organisation_make()
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="小李")
    foreign_job = job_make(organisation=organisation_make(name="别家公司"))

    with pytest.raises(ValidationError, match="只能选择本单位正在招聘中的岗位"):
        services.room_schedule(
            organisation=organisation,
            by=owner,
            title="专场",
            planned_start=timezone.now() + dt.timedelta(hours=1),
            jobs=[foreign_job],
            anchors=[owner],
        )
    assert not Room.objects.exists()


def test_an_anchor_must_be_a_member_of_the_organisation(client):
    organisation = organisation_make()
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="小李")
    stranger = member_make(
        organisation=organisation_make(name="别家公司"), name="小李", role=Membership.Role.ANCHOR
    )
    client.force_login(owner)

    response = client.post(
        reverse("live:room_new", args=[organisation.pk]), _form(jobs=[], anchors=[stranger])
    )

    assert response.status_code == 400
    assert "主播必须是本单位成员" in response.content.decode()
    assert not Room.objects.exists()


def test_a_start_in_the_past_is_refused_and_the_typed_title_is_kept(client):
    organisation = organisation_make()
    owner = member_make(organisation=organisation, role=Membership.Role.OWNER, name="小李")
    client.force_login(owner)

    response = client.post(
        reverse("live:room_new", args=[organisation.pk]),
        _form(
            jobs=[],
            anchors=[owner],
            title="昨天的直播",
            start=timezone.localtime() - dt.timedelta(days=1),
        ),
    )

    page = response.content.decode()
    assert response.status_code == 400
    assert "开播时间不能早于现在" in page
    assert 'value="昨天的直播"' in page
    assert not Room.objects.exists()


def test_anonymous_visitors_are_sent_to_log_in(client):
    organisation = organisation_make()
    response = client.get(reverse("live:room_new", args=[organisation.pk]))
    assert response.status_code == 302
    assert "/accounts/" in response["Location"]
