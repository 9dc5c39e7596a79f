from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone

from daigang.jobs.models import Job
from daigang.jobs.services import job_create
from daigang.jobs.testing import draft_make, job_make, job_post_data
from daigang.regions.models import Region


def create_url(org):
    return reverse("jobs:create", args=[org.pk])


def place(job):
    return job.region_id, job.province, job.city, job.district


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("posted", "saved"),
    [
        (("440000", "441900", ""), ("441900", "广东省", "东莞市", "")),
        (("440000", "440300", "440306"), ("440306", "广东省", "深圳市", "宝安区")),
        (("110000", "110000", "110105"), ("110105", "北京市", "北京市", "朝阳区")),
        (("420000", "429004", ""), ("429004", "湖北省", "仙桃市", "")),
        (("", "441900", ""), ("441900", "广东省", "东莞市", "")),  # no JS: city list only
    ],
)
def test_the_job_form_saves_the_chosen_region_and_its_names(owner_client, org, posted, saved):
    # given
    province, city, district = posted
    # when
    response = owner_client.post(
        create_url(org), job_post_data(province=province, city=city, district=district)
    )
    # then
    assert response.status_code == 302
    assert place(Job.objects.get()) == saved


@pytest.mark.django_db
def test_a_district_outside_the_city_is_refused_and_nothing_is_saved(owner_client, org):
    # given 惠阳区 (惠州) posted under 深圳市
    data = job_post_data(province="440000", city="440300", district="441303")
    # when
    response = owner_client.post(create_url(org), data)
    # then
    assert response.status_code == 200
    assert "所选区县不在该城市内" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_city_outside_the_province_is_refused(owner_client, org):
    # given 苏州市 posted under 广东省
    data = job_post_data(province="440000", city="320500", district="")
    # when
    response = owner_client.post(create_url(org), data)
    # then
    assert "所选城市不在该省内" in response.content.decode()
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_a_province_with_cities_is_not_a_place_for_a_job(owner_client, org):
    # given 广东省 posted as the city (a crafted post: it is in no city list)
    data = job_post_data(province="", city="440000", district="")
    # when
    response = owner_client.post(create_url(org), data)
    # then
    assert response.status_code == 200
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_without_javascript_the_refresh_button_shows_the_districts_of_the_city_and_saves_nothing(
    owner_client, org
):
    # given 深圳市 chosen, title typed
    data = job_post_data(province="440000", city="440300", district="", place_refresh="1")
    # when
    response = owner_client.post(create_url(org), data)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert not Job.objects.exists()
    assert '<option value="440306">宝安区</option>' in body
    assert '<option value="441303">' not in body  # 惠阳区 is not in 深圳
    assert 'value="电子厂普工"' in body  # what was typed is kept
    assert "errorlist" not in body


@pytest.mark.django_db
def test_the_form_lists_cities_of_every_province_until_one_is_chosen(owner_client, org):
    # when
    body = owner_client.get(create_url(org)).content.decode()
    # then
    assert '<optgroup label="广东省">' in body
    assert '<option value="441900">东莞市</option>' in body
    assert '<option value="110000">北京市</option>' in body
    assert static("regions/places.js") in body and "data-region-refresh" in body


@pytest.mark.django_db
def test_editing_a_job_shows_its_province_city_and_district_chosen(owner_client, org):
    # given
    job = job_make(organisation=org, city="深圳市", district="宝安区")
    # when
    body = owner_client.get(reverse("jobs:edit", args=[org.pk, job.pk])).content.decode()
    # then
    assert '<option value="440000" selected>广东省</option>' in body
    assert '<option value="440300" selected>深圳市</option>' in body
    assert '<option value="440306" selected>宝安区</option>' in body


@pytest.mark.django_db
def test_the_service_refuses_an_unknown_a_retired_or_a_province_code(org):
    # given
    Region.objects.filter(code="429004").update(retired_at=timezone.now())
    # when / then
    for code in ("999999", "429004", "440000"):
        with pytest.raises(ValidationError) as caught:
            job_create(organisation=org, by=None, draft=draft_make(region_id=code))
        assert "city" in caught.value.message_dict
    assert not Job.objects.exists()


@pytest.mark.django_db
def test_names_sent_without_a_code_are_matched_and_normalised(org):
    # when
    job = job_create(
        organisation=org, by=None, draft=draft_make(province="广东", city="东莞", district="")
    )
    # then
    assert place(job) == ("441900", "广东省", "东莞市", "")


@pytest.mark.django_db
def test_names_that_match_no_city_are_refused(org):
    # when / then
    with pytest.raises(ValidationError) as caught:
        job_create(organisation=org, by=None, draft=draft_make(city="火星市"))
    assert "city" in caught.value.message_dict
