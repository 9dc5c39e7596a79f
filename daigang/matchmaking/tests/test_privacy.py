"""The seeker's profile and matchmakers in their data export, and gone with their account."""

from __future__ import annotations

import pytest

from daigang.accounts.models import SeekerProfile
from daigang.accounts.services.profiles import ProfileData, seeker_profile_save
from daigang.accounts.testing import organisation_make
from daigang.fairs.testing import bureau_make
from daigang.hiring.testing import seeker_make
from daigang.jobs.testing import job_make
from daigang.matchmaking import services
from daigang.matchmaking.models import Case, Recommendation
from daigang.matchmaking.testing import case_make, matchmaker_make
from daigang.privacy.services.deletion import account_delete
from daigang.privacy.services.export import seeker_export

pytestmark = pytest.mark.django_db


def test_the_export_has_the_profile_the_matchmakers_and_their_recommendations():
    seeker = seeker_make()
    seeker_profile_save(user=seeker, data=ProfileData(name="马小军", certificates=["叉车证"]))
    matchmaker = matchmaker_make(organisation=bureau_make(region="620100"))
    case = case_make(membership=matchmaker, seeker=seeker)
    job = job_make(organisation=organisation_make(), title="叉车工")
    services.job_recommend(case=case, job=job, by=matchmaker.user)
    data = seeker_export(user=seeker)
    assert data["profile"]["certificates"] == ["叉车证"]
    [followed] = data["matchmakers"]
    assert followed["matchmaker"] == "专员小周" and followed["consented_at"]
    assert followed["recommendations"][0]["job"] == "叉车工"


def test_deleting_the_account_removes_the_profile_and_every_case():
    seeker = seeker_make()
    seeker_profile_save(user=seeker, data=ProfileData(name="马小军"))
    matchmaker = matchmaker_make(organisation=bureau_make(region="620100"))
    case = case_make(membership=matchmaker, seeker=seeker)
    services.job_recommend(
        case=case, job=job_make(organisation=organisation_make()), by=matchmaker.user
    )
    assert account_delete(user=seeker)
    assert not SeekerProfile.objects.filter(user=seeker).exists()
    assert not Case.objects.filter(seeker=seeker).exists()
    assert not Recommendation.objects.exists()
