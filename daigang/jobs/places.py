"""A job's place: the region it points at, and the names shown for it.

The names (province / city / district) are derived from the region so that "东莞" and
"东莞市" can no longer split one city in two. `jobs_regions_match` gives jobs saved before
regions their region by their names; the migration jobs/0002 runs it once.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from daigang.regions.models import Region
from daigang.regions.selectors import region_acts_as_city, region_match, region_place

ADDRESS_MAX = 200


@dataclasses.dataclass(frozen=True)
class PlaceNames:
    province: str
    city: str
    district: str


def place_names(*, region: Region, model: Any = Region) -> PlaceNames:
    """广东省 / 东莞市 / "" — what a job in `region` shows (parents must be loaded)."""
    province, city, district = region_place(region=region, model=model)
    return PlaceNames(province.name, city.name, district.name if district else "")


def region_is_job_place(*, region: Region) -> bool:
    """A job sits in a county or a city; a province only when it is its own city (北京, 香港)."""
    return region.level != Region.Level.PROVINCE or region_acts_as_city(region=region)


@dataclasses.dataclass(frozen=True)
class Unmatched:
    job_id: int
    names: str
    reason: str


def jobs_regions_match(*, job_model: Any, region_model: Any) -> list[Unmatched]:
    """Give every job without a region the region its province/city/district names say.

    Matched jobs get the official names ("东莞" → "东莞市"). A district that is not a county of
    the city (a town under 东莞: "长安镇") is moved to the front of the address, so nothing
    written is lost. Jobs whose city matches nothing keep their names and no region; they are
    returned, with why, for the migration to report.
    """
    unmatched: list[Unmatched] = []
    for job in job_model.objects.filter(region__isnull=True).order_by("pk"):
        names = " / ".join(part for part in (job.province, job.city, job.district) if part)
        match = region_match(
            province=job.province, city=job.city, district=job.district, model=region_model
        )
        if match.region is None:
            unmatched.append(Unmatched(job.pk, names, "no region has these names"))
            continue
        region = region_model.objects.select_related("parent", "parent__parent").get(
            pk=match.region.pk
        )
        place = place_names(region=region, model=region_model)
        address = job.address
        if job.district and job.district != place.district and job.district not in address:
            address = (job.district + address)[:ADDRESS_MAX]
        if match.unmatched:
            unmatched.append(
                Unmatched(job.pk, names, f"kept {region.name}; not matched: {match.unmatched}")
            )
        job_model.objects.filter(pk=job.pk).update(
            region=region,
            province=place.province,
            city=place.city,
            district=place.district,
            address=address,
        )
    return unmatched
