from __future__ import annotations

import re

import pytest
from django.urls import reverse

from daigang.accounts.testing import organisation_make
from daigang.hiring.models import Application
from daigang.hiring.testing import seeker_make
from daigang.jobs.models import Job
from daigang.jobs.testing import job_make
from daigang.live.testing import room_make

pytestmark = pytest.mark.django_db


def _key_in(html: str) -> str:
    match = re.search(r'name="idempotency_key" value="([^"]+)"', html)
    assert match, "the form carries an idempotency key"
    return match.group(1)


def test_the_apply_page_renders_a_form_with_an_idempotency_key_and_the_room(client):
    job = job_make(organisation=organisation_make(name="昆山电子"))
    room = room_make(organisation=job.organisation)
    client.force_login(seeker_make(name="张三"))

    response = client.get(reverse("hiring:apply", args=[job.pk]), {"room": room.pk})

    html = response.content.decode()
    assert response.status_code == 200
    assert "一键报名" in html
    assert _key_in(html)
    assert f'name="room" value="{room.pk}"' in html
    assert 'value="张三"' in html  # name pre-filled from the account
    assert "昆山电子" in html  # in the consent sentence


def test_a_logged_in_seeker_applies_with_a_plain_post(client):
    # given
    job = job_make(organisation=organisation_make())
    room = room_make(organisation=job.organisation)
    seeker = seeker_make(phone="13800138000")
    client.force_login(seeker)
    url = reverse("hiring:apply", args=[job.pk])
    key = _key_in(client.get(url).content.decode())
    # when
    response = client.post(
        url, {"name": "张三", "consent": "on", "idempotency_key": key, "room": room.pk}
    )
    # then
    assert response.status_code == 200
    assert "报名成功" in response.content.decode()
    application = Application.objects.get()
    assert (application.seeker, application.job, application.room) == (seeker, job, room)
    assert application.phone == "13800138000"
    assert "手机号" in application.consent_text


def test_with_htmx_the_answer_is_only_the_success_fragment(client):
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())

    response = client.post(
        reverse("hiring:apply", args=[job.pk]),
        {"name": "张三", "consent": "on", "idempotency_key": "htmx-key-0001"},
        headers={"HX-Request": "true", "HX-Target": "apply-panel"},
    )

    html = response.content.decode()
    assert "报名成功" in html
    assert "<html" not in html
    assert 'id="apply-panel"' in html


def test_a_double_submitted_form_makes_one_application(client):
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())
    data = {"name": "张三", "consent": "on", "idempotency_key": "double-submit1"}
    url = reverse("hiring:apply", args=[job.pk])

    first = client.post(url, data)
    second = client.post(url, data)

    assert "报名成功" in first.content.decode()
    assert "报名成功" in second.content.decode()
    assert Application.objects.count() == 1


def test_without_the_consent_tick_the_form_says_so_and_nothing_is_saved(client):
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())

    response = client.post(
        reverse("hiring:apply", args=[job.pk]),
        {"name": "张三", "idempotency_key": "no-consent-01"},
    )

    assert "请勾选同意" in response.content.decode()
    assert Application.objects.count() == 0


def test_the_box_is_not_asked_again_for_an_organisation_already_consented_to(client):
    # given a seeker who applied to one job of the organisation
    organisation = organisation_make()
    seeker = seeker_make()
    client.force_login(seeker)
    client.post(
        reverse("hiring:apply", args=[job_make(organisation=organisation).pk]),
        {"name": "张三", "consent": "on", "idempotency_key": "consent-once1"},
    )
    second_job = job_make(organisation=organisation, title="叉车工")
    url = reverse("hiring:apply", args=[second_job.pk])
    # when they open another of its jobs
    page = client.get(url).content.decode()
    # then there is no box to tick, and applying without it works
    assert 'name="consent"' not in page
    assert "您已同意" in page
    response = client.post(url, {"name": "张三", "idempotency_key": "consent-once2"})
    assert "报名成功" in response.content.decode()
    assert Application.objects.filter(seeker=seeker).count() == 2


def test_opening_the_page_again_after_applying_shows_it_is_done(client):
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())
    url = reverse("hiring:apply", args=[job.pk])
    client.post(url, {"name": "张三", "consent": "on", "idempotency_key": "already-done1"})

    page = client.get(url).content.decode()

    assert "报名成功" in page
    assert "之前已报名" in page
    assert 'name="idempotency_key"' not in page


def test_a_closed_job_shows_why_instead_of_a_form(client):
    job = job_make(organisation=organisation_make(), status=Job.Status.CLOSED)

    page = client.get(reverse("hiring:apply", args=[job.pk])).content.decode()

    assert "停止招聘" in page
    assert 'name="idempotency_key"' not in page


def test_a_post_to_a_job_closed_meanwhile_is_refused_with_a_message(client):
    # given the form was opened while the job was open
    job = job_make(organisation=organisation_make())
    client.force_login(seeker_make())
    # when the job closes before the tap
    Job.objects.filter(pk=job.pk).update(status=Job.Status.CLOSED)
    response = client.post(
        reverse("hiring:apply", args=[job.pk]),
        {"name": "张三", "consent": "on", "idempotency_key": "closed-meanwhile"},
    )
    # then
    assert "停止招聘" in response.content.decode()
    assert Application.objects.count() == 0


def test_a_draft_job_has_no_apply_page(client):
    job = job_make(organisation=organisation_make(), status=Job.Status.DRAFT)

    assert client.get(reverse("hiring:apply", args=[job.pk])).status_code == 404


def test_a_room_id_of_another_organisation_is_ignored_not_recorded(client):
    job = job_make(organisation=organisation_make())
    foreign_room = room_make(organisation=organisation_make(name="别家"))
    client.force_login(seeker_make())

    client.post(
        reverse("hiring:apply", args=[job.pk]),
        {
            "name": "张三",
            "consent": "on",
            "idempotency_key": "foreign-room1",
            "room": foreign_room.pk,
        },
    )

    assert Application.objects.get().room is None
