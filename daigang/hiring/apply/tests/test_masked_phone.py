"""Outside the organisation applied to, a seeker's phone shows masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from daigang.accounts.testing import organisation_make
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db

PHONE = "13698765432"


def test_the_admin_list_and_page_show_the_phone_masked(admin_client):
    application = application_make(
        job=job_make(organisation=organisation_make()), seeker=seeker_make(phone=PHONE)
    )

    listing = admin_client.get(reverse("admin:hiring_application_changelist")).content.decode()
    detail = admin_client.get(
        reverse("admin:hiring_application_change", args=[application.pk])
    ).content.decode()

    assert "136****5432" in listing and "136****5432" in detail
    assert PHONE not in listing and PHONE not in detail


def test_an_application_prints_with_the_phone_masked():
    application = application_make(
        job=job_make(organisation=organisation_make()), seeker=seeker_make(phone=PHONE)
    )

    assert PHONE not in str(application)
    assert application.masked_phone == "136****5432"
