"""{% report_link kind id %}: the 举报 link on every reportable thing."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def report_link(kind: str, target_id: int, clause: int | None = None) -> str:
    url = reverse("safety:report", args=[kind, target_id])
    if clause:
        url = f"{url}?clause={clause}"
    return format_html(
        '<a class="report-link" href="{}" rel="nofollow" data-report="{}">{}</a>',
        url,
        kind,
        _("举报"),
    )
