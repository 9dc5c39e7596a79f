"""Builders for region tests: the loaded regions by code, without typing names by hand."""

from __future__ import annotations

from daigang.regions.models import Region


def region(code: str) -> Region:
    """A loaded region by its code (the data migration loaded them all)."""
    return Region.objects.select_related("parent", "parent__parent").get(code=code)
