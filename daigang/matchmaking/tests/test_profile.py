"""The seeker's profile (求职资料): the page, the JSON API (idempotent PUT), the checks."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from daigang.accounts.models import SeekerProfile
from daigang.accounts.services.profiles import ProfileData, seeker_profile_save
from daigang.core.refused import Refused
from daigang.hiring.testing import seeker_make

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


BODY = {
    "name": "马小军",
    "birth_year": 1995,
    "home_region": "620102",
    "current_city": "兰州",
    "work_kinds": ["普工", "叉车工"],
    "wage_wanted": 5000,
    "needs": ["board", "couple_rooms"],
    "target_groups": ["veterans"],
    "certificates": ["叉车证"],
    "work_history": "在东莞电子厂做了两年普工",
}


def test_putting_the_same_profile_twice_leaves_one_profile_the_same():
    seeker = seeker_make()
    client = _client(seeker)
    url = "/api/v1/me/profile"
    first = client.put(url, json.dumps(BODY), content_type="application/json")
    second = client.put(url, json.dumps(BODY), content_type="application/json")
    assert first.status_code == second.status_code == 200
    assert first.json()["updated_at"] == second.json()["updated_at"]
    assert second.json()["home_region_name"] == "城关区"
    assert SeekerProfile.objects.filter(user=seeker).count() == 1
    got = client.get(url).json()
    assert got["needs"] == ["board", "couple_rooms"] and got["certificates"] == ["叉车证"]


def test_a_body_that_is_not_a_json_object_is_refused_and_the_profile_kept():
    # given a saved profile
    seeker = seeker_make()
    client = _client(seeker)
    url = "/api/v1/me/profile"
    client.put(url, json.dumps(BODY), content_type="application/json")
    # when a client sends a string, a number or a list instead of an object
    answers = [
        client.put(url, json.dumps(body), content_type="application/json")
        for body in ("x\u00bc", 5, [BODY])
    ]
    # then each is refused and nothing is emptied
    assert [answer.status_code for answer in answers] == [422, 422, 422]
    assert client.get(url).json()["name"] == "马小军"


def test_a_seeker_with_no_profile_gets_empty_fields():
    got = _client(seeker_make()).get("/api/v1/me/profile").json()
    assert got["name"] == "" and got["needs"] == [] and got["updated_at"] is None


def test_an_unknown_region_or_need_is_refused_with_its_field():
    client = _client(seeker_make())
    bad = client.put(
        "/api/v1/me/profile",
        json.dumps({**BODY, "home_region": "999999"}),
        content_type="application/json",
    )
    assert bad.status_code == 400 and bad.json()["field"] == "home_region"
    with pytest.raises(Refused) as refused:
        seeker_profile_save(user=seeker_make(), data=ProfileData(needs=["massage"]))
    assert refused.value.field == "needs"


def test_the_profile_page_saves_what_the_seeker_ticks_and_picks():
    seeker = seeker_make()
    client = _client(seeker)
    assert client.get(reverse("matchmaking:profile")).status_code == 200
    response = client.post(
        reverse("matchmaking:profile"),
        {
            "name": "马小军",
            "birth_year": "1995",
            "province": "620000",
            "city": "620100",
            "district": "620102",
            "work_kinds": "普工，叉车工",
            "needs": ["board"],
            "target_groups": ["graduates"],
            "certificates": "叉车证 电工证",
        },
    )
    assert response.status_code == 302
    profile = SeekerProfile.objects.get(user=seeker)
    assert profile.home_region_id == "620102"
    assert profile.work_kinds == ["普工", "叉车工"] and profile.certificates == ["叉车证", "电工证"]
    page = client.get(reverse("matchmaking:profile")).content.decode()
    assert 'value="620102" selected' in page
