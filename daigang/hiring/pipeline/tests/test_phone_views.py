"""Every full phone an organisation sees is recorded: who, when, which seeker, where."""

from __future__ import annotations

import pytest

from daigang.hiring.models import PhoneView
from daigang.hiring.pipeline.consent import organisation_consent_withdraw
from daigang.hiring.testing import application_make, seeker_make
from daigang.hiring.tests.pipeline_world import world_make

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("/manage/{org}/applications/", "back_office"),
        ("/manage/{org}/pipeline/", "pipeline_board"),
        ("/manage/{org}/pipeline/table/", "pipeline_table"),
        ("/manage/{org}/applications/{app}/", "application_detail"),
        ("/manage/{org}/applications/{app}/offer/", "offer"),
        ("/api/v1/applications/{app}", "api:application"),
        ("/api/v1/organisations/{org}/applications", "api:organisation_applications"),
    ],
)
def test_each_page_showing_a_full_phone_records_one_view_per_seeker(client, path, source):
    # given
    world = world_make()
    client.force_login(world.hr)
    # when
    response = client.get(path.format(org=world.organisation.pk, app=world.application.pk))
    # then
    assert response.status_code == 200
    [view] = PhoneView.objects.all()
    assert (view.organisation, view.viewer, view.seeker, view.application, view.source) == (
        world.organisation,
        world.hr,
        world.seeker,
        world.application,
        source,
    )


def test_a_masked_phone_is_not_a_view(client):
    # given
    world = world_make()
    organisation_consent_withdraw(application=world.application, seeker=world.seeker)
    client.force_login(world.owner)
    # when
    client.get(f"/manage/{world.organisation.pk}/pipeline/table/")
    # then
    assert not PhoneView.objects.exists()


def test_a_page_of_many_seekers_writes_its_views_in_one_insert(
    client, django_assert_max_num_queries
):
    # given
    world = world_make()
    for n in range(20):
        application_make(job=world.job, seeker=seeker_make(phone=f"1370000{n:04d}"), name=f"工{n}")
    client.force_login(world.owner)
    client.get(f"/manage/{world.organisation.pk}/pipeline/table/")  # warm caches
    PhoneView.objects.all().delete()
    baseline_seekers = 21
    # when
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        client.get(f"/manage/{world.organisation.pk}/pipeline/table/")
    # then
    inserts = [q for q in queries.captured_queries if "hiring_phoneview" in q["sql"].lower()]
    assert len(inserts) == 1
    assert PhoneView.objects.count() == baseline_seekers


def test_the_owner_sees_the_audit_page_and_other_members_do_not(client):
    # given
    world = world_make()
    client.force_login(world.hr)
    client.get(f"/manage/{world.organisation.pk}/applications/{world.application.pk}/")
    url = f"/manage/{world.organisation.pk}/phone-views/"
    # when
    hr_response = client.get(url)
    client.force_login(world.owner)
    owner_response = client.get(url)
    client.force_login(world.outsider)
    outsider_response = client.get(url)
    # then
    assert hr_response.status_code == 404
    assert outsider_response.status_code == 404
    body = owner_response.content.decode()
    assert owner_response.status_code == 200
    assert "张三" in body and "报名详情" in body


def test_the_organisation_page_links_its_owner_to_the_audit(client):
    # given
    world = world_make()
    client.force_login(world.owner)
    # when
    from django.urls import reverse

    response = client.get(reverse("accounts:organisation_detail", args=[world.organisation.pk]))
    # then
    assert f"/manage/{world.organisation.pk}/phone-views/" in response.content.decode()


def test_moderators_see_the_audit_in_the_admin_read_only(admin_client):
    # given
    world = world_make()
    from daigang.hiring.phone_views import phone_views_record

    phone_views_record(
        viewer=world.owner,
        organisation_id=world.organisation.pk,
        applications=[world.application],
        source="pipeline_board",
    )
    view = PhoneView.objects.get()
    # when
    listing = admin_client.get("/admin/hiring/phoneview/")
    delete = admin_client.post(f"/admin/hiring/phoneview/{view.pk}/delete/", {"post": "yes"})
    # then
    assert listing.status_code == 200
    assert delete.status_code == 403
    assert PhoneView.objects.filter(pk=view.pk).exists()
