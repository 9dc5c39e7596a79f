"""A seeker attaches their profile (求职资料) to an application: the organisation reads it with
the application while consent lasts; a seeker who never fills one loses nothing."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from daigang.accounts.models import Membership
from daigang.accounts.services.profiles import ProfileData, seeker_profile_save
from daigang.accounts.testing import member_make, organisation_make
from daigang.core.refused import Refused
from daigang.hiring.pipeline.consent import (
    application_profile_attach,
    organisation_consent_withdraw,
)
from daigang.hiring.testing import application_make, seeker_make
from daigang.jobs.testing import job_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(hr, application) -> str:
    url = reverse("hiring:application_detail", args=[application.organisation_id, application.pk])
    return _client(hr).get(url).content.decode()


def test_the_organisation_sees_an_attached_profile_until_consent_is_withdrawn():
    # given a seeker with a profile who applied
    organisation = organisation_make()
    hr = member_make(organisation=organisation, role=Membership.Role.HR)
    seeker = seeker_make()
    seeker_profile_save(user=seeker, data=ProfileData(certificates=["叉车证"]))
    application = application_make(job=job_make(organisation=organisation), seeker=seeker)
    assert "叉车证" not in _detail(hr, application)
    # when they attach it from 我的报名 (twice)
    for _ in range(2):
        response = _client(seeker).post(reverse("hiring:my_profile_attach", args=[application.pk]))
        assert response.status_code == 302
    # then the organisation reads it with the application
    assert "叉车证" in _detail(hr, application)
    # and no longer once the seeker withdraws consent
    organisation_consent_withdraw(application=application, seeker=seeker)
    assert "叉车证" not in _detail(hr, application)


def test_a_seeker_without_a_profile_is_told_to_fill_one_and_the_application_stands():
    seeker = seeker_make()
    application = application_make(job=job_make(organisation=organisation_make()), seeker=seeker)
    with pytest.raises(Refused) as refused:
        application_profile_attach(application=application, seeker=seeker)
    assert refused.value.code == "no_profile"
    application.refresh_from_db()
    assert application.profile_shared_at is None
