from __future__ import annotations

import pytest

from daigang.regions.models import Region
from daigang.regions.selectors import (
    region_and_descendants,
    region_children,
    region_city_choices,
    region_district_choices,
    region_for_filter,
    region_place,
    region_prefix,
    regions_named,
)
from daigang.regions.testing import region

pytestmark = pytest.mark.django_db


def test_code_prefixes_give_exactly_the_descendants_the_parent_links_give():
    # given every loaded region and its parent links
    regions = {r.code: r for r in Region.objects.all()}

    def ancestors(r):
        while r.parent_id:
            r = regions[r.parent_id]
            yield r.code

    below: dict[str, set[str]] = {code: {code} for code in regions}
    for r in regions.values():
        for code in ancestors(r):
            below[code].add(r.code)
    # when / then
    for r in regions.values():
        prefix = region_prefix(region=r)
        by_prefix = {code for code in regions if code.startswith(prefix)}
        assert by_prefix == below[r.code], r


def test_a_province_includes_its_cities_counties_and_the_counties_it_runs_itself():
    # given
    hubei = region("420000")
    # when
    codes = set(region_and_descendants(region=hubei).values_list("code", flat=True))
    # then
    assert {"420000", "420100", "420106", "429004", "429021"} <= codes
    assert not any(code.startswith("41") for code in codes)


def test_a_city_without_counties_has_only_itself():
    # given
    dongguan = region("441900")
    # when / then
    assert list(region_and_descendants(region=dongguan)) == [dongguan]


def test_children_of_a_city_are_its_counties():
    # given
    shenzhen = region("440300")
    # when
    names = [r.name for r in region_children(region=shenzhen)]
    # then
    assert "宝安区" in names and "龙华区" in names and len(names) == 9


def test_a_municipality_is_its_own_city_choice_and_offers_its_districts():
    # given
    beijing = region("110000")
    # when
    cities = region_city_choices(province=beijing)
    districts = region_district_choices(city=cities[0])
    # then
    assert cities == [beijing]
    assert "朝阳区" in [d.name for d in districts]


def test_a_province_offers_its_cities_and_its_own_county_level_units_as_cities():
    # given
    hubei = region("420000")
    # when
    names = [r.name for r in region_city_choices(province=hubei)]
    # then
    assert {"武汉市", "仙桃市", "神农架林区"} <= set(names)
    assert region_district_choices(city=region("429004")) == []


@pytest.mark.parametrize(
    ("code", "place"),
    [
        ("441900", ("广东省", "东莞市", None)),
        ("440306", ("广东省", "深圳市", "宝安区")),
        ("110105", ("北京市", "北京市", "朝阳区")),
        ("429004", ("湖北省", "仙桃市", None)),
        ("440000", ("广东省", "广东省", None)),
    ],
)
def test_the_place_of_a_region_reads_as_province_city_district(code, place):
    # given
    r = region(code)
    # when
    province, city, district = region_place(region=r)
    # then
    assert (province.name, city.name, district.name if district else None) == place


@pytest.mark.parametrize("name", ["东莞", "东莞市", " 东莞市 "])
def test_a_city_is_found_by_its_name_with_or_without_its_kind_word(name):
    # when
    found = regions_named(name=name)
    # then
    assert [r.code for r in found] == ["441900"]


def test_autonomous_regions_are_found_by_the_short_name_people_use():
    # when / then
    assert [r.code for r in regions_named(name="广西")] == ["450000"]
    assert [r.code for r in regions_named(name="黔南")] == ["522700"]
    assert [r.code for r in regions_named(name="内蒙古")] == ["150000"]


def test_a_name_shared_by_a_city_and_districts_is_narrowed_by_level_and_parent():
    # given 朝阳: a city and a county in 辽宁, districts in 北京 and 长春
    # when
    everywhere = regions_named(name="朝阳")
    in_beijing = regions_named(name="朝阳", within=region("110000"))
    # then
    assert len(everywhere) == 4
    assert [r.code for r in in_beijing] == ["110105"]
    assert region_for_filter(value="朝阳").code == "211300"


def test_a_filter_value_may_be_a_code_or_a_name():
    # when / then
    assert region_for_filter(value="441900").name == "东莞市"
    assert region_for_filter(value="广东").code == "440000"
    assert region_for_filter(value="长安镇") is None
    assert region_for_filter(value="999999") is None
