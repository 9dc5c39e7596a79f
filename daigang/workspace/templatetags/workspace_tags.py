"""{% workspace_nav %}: the member's navigation on every workspace page (templates/workspace/
layout.html draws it), and {% workspace_home %}: the links and numbers on the workspace home.

The pages' views belong to the domain apps, which cannot import daigang.workspace: the tag
finds the organisation in the page's own context (`organisation`, `bureau`, `publisher`, a
fair's bureau, a room's organisation) or, failing that, in the URL (`organisation_id`), and
asks the selector."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.context import Context
from django.template.loader import render_to_string

from daigang.accounts.models import Organisation
from daigang.workspace.selectors import Workspace, workspace_for, workspace_numbers

register = template.Library()

_CACHE_KEY = "_workspace"


def _organisation_id(context: Context) -> int | None:
    for name in ("organisation", "bureau", "publisher"):
        value = context.get(name)
        if isinstance(value, Organisation):
            return value.pk
    for name, attribute in (("fair", "bureau_id"), ("room", "organisation_id")):
        value = getattr(context.get(name), attribute, None)
        if isinstance(value, int):
            return value
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    raw = match.kwargs.get("organisation_id") if match else None
    return raw if isinstance(raw, int) else None


def _workspace(context: Context) -> Workspace | None:
    """The page's workspace, computed once per page (the layout and the home both ask)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return None
    cached: dict[int, Workspace | None] = getattr(request, _CACHE_KEY, {})
    organisation_id = _organisation_id(context)
    if organisation_id is None:
        return None
    if organisation_id not in cached:
        cached[organisation_id] = workspace_for(user=request.user, organisation_id=organisation_id)
        setattr(request, _CACHE_KEY, cached)
    return cached[organisation_id]


@register.simple_tag(takes_context=True)
def workspace_nav(context: Context) -> str:
    workspace = _workspace(context)
    if workspace is None:
        return ""
    request = context["request"]
    data: dict[str, Any] = {
        "workspace": workspace,
        "current": workspace.current(request.path),
        "request": request,
    }
    return render_to_string("workspace/_nav.html", data, request=request)


@register.simple_tag(takes_context=True)
def workspace_home(context: Context) -> str:
    workspace = _workspace(context)
    if workspace is None:
        return ""
    request = context["request"]
    data = {
        "workspace": workspace,
        "numbers": workspace_numbers(workspace=workspace),
        "links": {item.key: item.url for item in workspace.items},
    }
    return render_to_string("workspace/_home.html", data, request=request)
