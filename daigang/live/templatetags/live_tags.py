"""`{% load live_tags %}{% rooms_strip %}` puts the live/upcoming rooms on any page (home)."""

from __future__ import annotations

from typing import Any

from django import template

from daigang.live.selectors import rooms_live_and_upcoming

register = template.Library()


@register.inclusion_tag("live/_rooms_strip.html")
def rooms_strip() -> dict[str, Any]:
    return {"rooms": rooms_live_and_upcoming()}
