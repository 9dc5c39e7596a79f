from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.testing import organisation_make
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


def test_my_applications_lists_job_organisation_time_and_stage_in_words(client):
    seeker = seeker_make()
    job = job_make(organisation=organisation_make(name="无锡纺织厂"), title="挡车工")
    application_make(job=job, seeker=seeker)
    application_make(
        job=job_make(organisation=organisation_make()), seeker=seeker_make()
    )  # not mine
    client.force_login(seeker)

    html = client.get(reverse("hiring:my_applications")).content.decode()

    assert "挡车工" in html and "无锡纺织厂" in html
    assert "已报名" in html
    assert html.count("data-application-id=") == 1


def test_my_applications_is_empty_with_a_hint_for_a_new_seeker(client):
    client.force_login(seeker_make())

    html = client.get(reverse("hiring:my_applications")).content.decode()

    assert "您还没有报名" in html


def test_my_applications_asks_an_anonymous_visitor_to_log_in(client):
    response = client.get(reverse("hiring:my_applications"))

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
