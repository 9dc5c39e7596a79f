from __future__ import annotations

import pytest


def names(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return [choice["name"] for choice in response.json()["choices"]]


@pytest.mark.django_db
def test_a_province_lists_its_cities_and_its_own_county_level_units(client):
    # when
    cities = names(client, "/regions/420000/cities")
    # then
    assert "武汉市" in cities and "仙桃市" in cities
    assert "武昌区" not in cities


@pytest.mark.django_db
def test_a_municipality_is_its_own_city_and_lists_its_districts(client):
    # when / then
    assert names(client, "/regions/110000/cities") == ["北京市"]
    assert "朝阳区" in names(client, "/regions/110000/districts")


@pytest.mark.django_db
def test_a_city_without_districts_lists_none(client):
    # when / then
    assert names(client, "/regions/441900/districts") == []
    assert "宝安区" in names(client, "/regions/440300/districts")


@pytest.mark.django_db
def test_unknown_codes_and_cities_asked_for_cities_are_404(client):
    # when / then
    assert client.get("/regions/999999/cities").status_code == 404
    assert client.get("/regions/441900/cities").status_code == 404
    assert client.get("/regions/abc/districts").status_code == 404
