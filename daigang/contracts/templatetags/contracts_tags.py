"""Template pieces other apps' pages include: the seeker's to-do panel and the public
"as described" score. Both only read (selectors)."""

from __future__ import annotations

import base64
from typing import Any

from django import template

from daigang.accounts.models import Organisation
from daigang.contracts.models import Signature
from daigang.contracts.selectors import (
    AS_DESCRIBED_MIN_HIRES,
    organisation_as_described,
    seeker_todo,
)

register = template.Library()


@register.inclusion_tag("contracts/_as_described.html")
def as_described(organisation: Organisation) -> dict[str, Any]:
    """{% as_described organisation %} — the score, or a note that there are too few answers."""
    return {
        "score": organisation_as_described(organisation=organisation),
        "min_hires": AS_DESCRIBED_MIN_HIRES,
    }


@register.inclusion_tag("contracts/_as_described_line.html")
def as_described_line(organisation: Organisation) -> dict[str, Any]:
    """{% as_described_line organisation %} — the score in one line for a job's page, linking to
    the organisation's table; nothing until enough hires have answered."""
    return {
        "score": organisation_as_described(organisation=organisation),
        "organisation": organisation,
    }


@register.inclusion_tag("contracts/_seeker_todo.html", takes_context=True)
def seeker_todo_panel(context: template.Context) -> dict[str, Any]:
    """{% seeker_todo_panel %} — offers, contracts and due check-ins of the logged-in user."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"todo": None}
    return {"todo": seeker_todo(user=user)}


@register.filter
def signature_data_url(signature: Signature) -> str:
    """The stored PNG as a data: URL for an <img> (it never leaves the signed-in page)."""
    if not signature.image_png:
        return ""
    return "data:image/png;base64," + base64.b64encode(bytes(signature.image_png)).decode()


@register.filter
def party_label_of(contract: Any, party: str) -> str:
    """{{ contract|party_label_of:"seeker" }} — 甲方/乙方 as the contract's kind calls them."""
    return contract.party_label(party)
