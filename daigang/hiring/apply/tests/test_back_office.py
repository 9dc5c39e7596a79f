from __future__ import annotations

import re

import pytest
from django.urls import reverse

from daigang.accounts.testing import member_make, organisation_make
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _ids(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-application-id="(\d+)"', html)]


def test_members_see_applications_newest_first_with_the_full_phone(client):
    # given
    organisation = organisation_make()
    job = job_make(organisation=organisation, title="焊工")
    room = room_make(organisation=organisation, title="周五专场")
    older = application_make(job=job, seeker=seeker_make(phone="13511112222"), name="甲")
    newer = application_make(job=job, seeker=seeker_make(phone="13533334444"), name="乙", room=room)
    client.force_login(member_make(organisation=organisation))
    # when
    response = client.get(reverse("hiring:back_office", args=[organisation.pk]))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert _ids(html) == [newer.pk, older.pk]
    assert "13511112222" in html and "13533334444" in html
    assert "焊工" in html and "周五专场" in html and "直接报名" in html


def test_a_member_of_another_organisation_gets_404(client):
    organisation = organisation_make()
    application_make(job=job_make(organisation=organisation), seeker=seeker_make())
    client.force_login(member_make(organisation=organisation_make(name="别家")))

    response = client.get(reverse("hiring:back_office", args=[organisation.pk]))

    assert response.status_code == 404


def test_a_seeker_who_is_no_member_gets_404_even_for_their_own_application(client):
    organisation = organisation_make()
    seeker = seeker_make()
    application_make(job=job_make(organisation=organisation), seeker=seeker)
    client.force_login(seeker)

    assert client.get(reverse("hiring:back_office", args=[organisation.pk])).status_code == 404
    rows = reverse("hiring:back_office_rows", args=[organisation.pk])
    assert client.get(rows, {"after": 0}).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in_and_sees_no_phone(client):
    organisation = organisation_make()
    application_make(
        job=job_make(organisation=organisation), seeker=seeker_make(phone="13566667777")
    )

    page = client.get(reverse("hiring:back_office", args=[organisation.pk]))
    rows = client.get(reverse("hiring:back_office_rows", args=[organisation.pk]), {"after": 0})

    assert page.status_code == 302
    assert reverse("accounts:login") in page["Location"]
    assert rows.status_code == 404
    assert b"13566667777" not in page.content + rows.content


def test_the_list_filters_by_job_and_by_room(client):
    organisation = organisation_make()
    job_a = job_make(organisation=organisation, title="普工")
    job_b = job_make(organisation=organisation, title="叉车工")
    room = room_make(organisation=organisation)
    a = application_make(job=job_a, seeker=seeker_make())
    b = application_make(job=job_b, seeker=seeker_make(), room=room)
    client.force_login(member_make(organisation=organisation))
    url = reverse("hiring:back_office", args=[organisation.pk])

    by_job = client.get(url, {"job": job_a.pk}).content.decode()
    by_room = client.get(url, {"room": room.pk}).content.decode()

    assert _ids(by_job) == [a.pk]
    assert _ids(by_room) == [b.pk]


def test_the_polling_partial_returns_only_rows_newer_than_after(client):
    # given the page was loaded when one application existed
    organisation = organisation_make()
    job = job_make(organisation=organisation)
    seen = application_make(job=job, seeker=seeker_make())
    client.force_login(member_make(organisation=organisation))
    page = client.get(reverse("hiring:back_office", args=[organisation.pk])).content.decode()
    assert f"after={seen.pk}" in page
    # when two more arrive and the poller asks
    new_1 = application_make(job=job, seeker=seeker_make(phone="13700001111"))
    new_2 = application_make(job=job, seeker=seeker_make(phone="13700002222"))
    response = client.get(
        reverse("hiring:back_office_rows", args=[organisation.pk]),
        {"after": seen.pk},
        headers={"HX-Request": "true"},
    )
    # then only the new rows come, newest first, put on top, and the poller moves on
    html = response.content.decode()
    assert _ids(html) == [new_2.pk, new_1.pk]
    assert 'hx-swap-oob="afterbegin:#application-list"' in html
    assert f"after={new_2.pk}" in html
    assert "13700001111" in html


def test_the_polling_partial_answers_204_when_nothing_is_new(client):
    organisation = organisation_make()
    latest = application_make(job=job_make(organisation=organisation), seeker=seeker_make())
    client.force_login(member_make(organisation=organisation))

    response = client.get(
        reverse("hiring:back_office_rows", args=[organisation.pk]), {"after": latest.pk}
    )

    assert response.status_code == 204


def test_the_polling_partial_keeps_the_filter(client):
    organisation = organisation_make()
    job_a = job_make(organisation=organisation)
    job_b = job_make(organisation=organisation)
    client.force_login(member_make(organisation=organisation))
    application_make(job=job_b, seeker=seeker_make())
    a = application_make(job=job_a, seeker=seeker_make())

    html = client.get(
        reverse("hiring:back_office_rows", args=[organisation.pk]),
        {"after": 0, "job": job_a.pk},
    ).content.decode()

    assert _ids(html) == [a.pk]
    assert f"job={job_a.pk}" in html


def test_the_list_page_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries):
    organisation = organisation_make()
    job = job_make(organisation=organisation)
    room = room_make(organisation=organisation)
    for _ in range(15):
        application_make(job=job, seeker=seeker_make(), room=room)
    client.force_login(member_make(organisation=organisation))

    # session, user, membership, applications, jobs, rooms (+ base.html's own few)
    with django_assert_max_num_queries(10):
        client.get(reverse("hiring:back_office", args=[organisation.pk]))
