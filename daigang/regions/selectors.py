"""Reads of China's divisions: children, a region with everything below it, lookup by name.

Everything below a region is found by code prefix, without walking the tree: a province's
descendants share its first 2 digits, a city's its first 4, and a county has none. This holds
for the irregular parts too: a 直辖市's counties (110101, 500229) and a province's own
county-level units (仙桃 429004, 济源 419001) start with the province's 2 digits and with no
city's 4 (no city is coded PP01/PP02 under a 直辖市 or PP90 anywhere), and a city without
counties (东莞 441900) simply has no descendants. tests/test_regions_hierarchy.py checks the
rule against the parent links of every loaded row.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from daigang.regions.models import Region
from daigang.regions.names import name_clean, short_name

_PREFIX_LENGTH = {Region.Level.PROVINCE: 2, Region.Level.CITY: 4, Region.Level.COUNTY: 6}


def region_prefix(*, region: Region) -> str:
    """The code prefix shared by `region` and every region below it."""
    return region.code[: _PREFIX_LENGTH[Region.Level(region.level)]]


def region_get(*, code: str, current_only: bool = True) -> Region | None:
    """The region with this code, or None (also for a retired one unless current_only=False)."""
    code = (code or "").strip()
    if not (len(code) == 6 and code.isdigit()):
        return None
    regions = Region.objects.select_related("parent", "parent__parent")
    if current_only:
        regions = regions.filter(retired_at__isnull=True)
    return regions.filter(code=code).first()


def regions_provinces() -> QuerySet[Region]:
    return Region.objects.filter(level=Region.Level.PROVINCE, retired_at__isnull=True)


def region_children(*, region: Region) -> QuerySet[Region]:
    """The current regions right below `region`, by code."""
    return Region.objects.filter(parent=region, retired_at__isnull=True)


def region_and_descendants(*, region: Region, current_only: bool = False) -> QuerySet[Region]:
    """`region` and every region below it (retired ones too unless current_only)."""
    regions = Region.objects.filter(code__startswith=region_prefix(region=region))
    return regions.filter(retired_at__isnull=True) if current_only else regions


def region_acts_as_city(*, region: Region) -> bool:
    """A province with no city below it: a 直辖市 (北京) or one with no divisions listed (香港).

    It is its own city: its counties are chosen right under it.
    """
    return (
        region.level == Region.Level.PROVINCE
        and not Region.objects.filter(parent=region, level=Region.Level.CITY).exists()
    )


def region_city_choices(*, province: Region) -> list[Region]:
    """What the job form offers as 市 under a province: its cities and the county-level units
    it runs itself (仙桃); a 直辖市 (or a province with no divisions) offers itself."""
    if region_acts_as_city(region=province):
        return [province]
    return list(region_children(region=province))


def region_district_choices(*, city: Region) -> list[Region]:
    """What the job form offers as 区县 under a city choice (none under 东莞 or 仙桃)."""
    if city.level == Region.Level.COUNTY:
        return []
    return [r for r in region_children(region=city) if r.level == Region.Level.COUNTY]


def region_place(*, region: Region) -> tuple[Region, Region, Region | None]:
    """(province, city, district) as a person says where `region` is.

    广东省 / 东莞市 / — for 东莞; 北京市 / 北京市 / 朝阳区 for 朝阳区; 湖北省 / 仙桃市 / — for 仙桃.
    Needs the parents loaded (region_get does).
    """
    parent = region.parent
    if region.level == Region.Level.PROVINCE or parent is None:
        return region, region, None
    if region.level == Region.Level.CITY:
        return parent, region, None
    if parent.level == Region.Level.CITY:
        assert parent.parent is not None
        return parent.parent, parent, region
    if region_acts_as_city(region=parent):
        return parent, parent, region
    return parent, region, None  # a county-level unit the province runs itself (仙桃)


def regions_named(
    *, name: str, levels: tuple[str, ...] = (), within: Region | None = None
) -> list[Region]:
    """Current regions whose official name or short name is `name` ("东莞" or "东莞市").

    Narrowed to `levels` and to the regions below `within` when given; by code.
    """
    name = name_clean(name)
    if not name:
        return []
    regions = Region.objects.filter(retired_at__isnull=True).filter(
        Q(name=name) | Q(short_name=short_name(name))
    )
    if levels:
        regions = regions.filter(level__in=levels)
    if within is not None:
        regions = regions.filter(code__startswith=region_prefix(region=within))
    return list(regions.select_related("parent", "parent__parent"))


# A place filter names a city more often than a province or a county: "朝阳" is first 辽宁's
# 朝阳市; "海南" the province before 青海's 海南藏族自治州.
_FILTER_LEVEL_ORDER = (Region.Level.CITY, Region.Level.PROVINCE, Region.Level.COUNTY)


def region_for_filter(*, value: str) -> Region | None:
    """The region a place filter means: a code ("441900"), or a name ("东莞", "东莞市",
    "广东"), tried as a city, then a province, then a county. None when nothing matches."""
    value = name_clean(value)
    if value.isdigit():
        return region_get(code=value, current_only=False)
    for level in _FILTER_LEVEL_ORDER:
        found = regions_named(name=value, levels=(level,))
        if found:
            return found[0]
    return None


def region_match(*, province: str, city: str, district: str = "") -> RegionMatch:
    """The region that free-text place fields name, as precisely as they allow.

    "广东"/"东莞"/"" gives 东莞市; "北京市"/"北京市"/"朝阳区" gives 北京's 朝阳区 (not 辽宁's
    朝阳市); a district that is not a county of the city (a town: "长安镇") is reported in
    `unmatched` and the city is kept. Used by the migration of existing jobs and by callers
    that still send names.
    """
    return _match(
        province=name_clean(province), city=name_clean(city), district=name_clean(district)
    )


class RegionMatch:
    __slots__ = ("region", "unmatched")

    def __init__(self, region: Region | None, unmatched: list[str]) -> None:
        self.region = region
        self.unmatched = unmatched

    def __repr__(self) -> str:
        return f"RegionMatch({self.region!r}, unmatched={self.unmatched!r})"


def _one(regions: list[Region]) -> Region | None:
    return regions[0] if len(regions) == 1 else None


def _match(*, province: str, city: str, district: str) -> RegionMatch:
    unmatched: list[str] = []
    found_province: Region | None = None
    if province:
        found_province = _one(regions_named(name=province, levels=(Region.Level.PROVINCE,)))
        if found_province is None:
            unmatched.append(province)
    found_city: Region | None = None
    if city:
        if found_province is not None and short_name(city) == found_province.short_name:
            found_city = found_province  # 北京市 / 北京市: the 直辖市 is its own city
        else:
            candidates = regions_named(
                name=city,
                levels=(Region.Level.CITY, Region.Level.COUNTY),
                within=found_province,
            )
            # Prefer a city; a county here is one the province runs itself (仙桃) or, with no
            # province given, a unique county name.
            cities = [r for r in candidates if r.level == Region.Level.CITY]
            found_city = _one(cities) or (_one(candidates) if not cities else None)
            if found_city is None and found_province is None:
                found_city = _one(regions_named(name=city, levels=(Region.Level.PROVINCE,)))
        if found_city is None:
            unmatched.append(city)
    anchor = found_city or found_province
    if district:
        found_district = None
        if anchor is not None and anchor.level != Region.Level.COUNTY:
            found_district = _one(
                regions_named(name=district, levels=(Region.Level.COUNTY,), within=anchor)
            )
        if found_district is not None:
            return RegionMatch(found_district, unmatched)
        if not (anchor is not None and anchor.name == district):
            unmatched.append(district)
    if anchor is not None and anchor.level == Region.Level.PROVINCE and found_city is None:
        # Only a province: not precise enough for a job's place.
        return RegionMatch(None, unmatched or [city or province])
    return RegionMatch(anchor, unmatched)
