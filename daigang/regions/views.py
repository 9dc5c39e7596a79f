"""The lists below a region, as JSON, for the job form's province → city → district selects."""

from __future__ import annotations

from django.http import Http404, HttpRequest, JsonResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from daigang.regions.models import Region
from daigang.regions.selectors import region_city_choices, region_district_choices, region_get


def _answer(regions: list[Region]) -> JsonResponse:
    return JsonResponse({"choices": [{"code": r.code, "name": r.name} for r in regions]})


@require_GET
@cache_control(public=True, max_age=3600)
def cities(request: HttpRequest, code: str) -> JsonResponse:
    """{"choices": [{"code", "name"}]}: what the form offers as 市 under a province (a 直辖市
    offers itself)."""
    region = region_get(code=code)
    if region is None or region.level != Region.Level.PROVINCE:
        raise Http404
    return _answer(region_city_choices(province=region))


@require_GET
@cache_control(public=True, max_age=3600)
def districts(request: HttpRequest, code: str) -> JsonResponse:
    """{"choices": [{"code", "name"}]}: the 区县 under a city choice (none under 东莞)."""
    region = region_get(code=code)
    if region is None:
        raise Http404
    return _answer(region_district_choices(city=region))
