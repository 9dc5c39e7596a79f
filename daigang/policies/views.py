"""Policy pages: the public list and page, the bureau's pages, the 宣策 room's pin actions.

Views parse input and call services/selectors; they hold no rules of their own.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation
from daigang.accounts.roles import Power
from daigang.accounts.selectors import membership_has
from daigang.core.http import HtmxRequest
from daigang.core.ids import id_or_none
from daigang.core.refused import Refused, refused_to_form
from daigang.live import selectors as live_selectors
from daigang.policies import rooms, selectors, services
from daigang.policies.forms import PolicyForm, PolicySearchForm
from daigang.policies.models import Policy
from daigang.regions.selectors import region_for_filter


@require_GET
def policies_list(request: HttpRequest) -> HttpResponse:
    """/policies/ — public policies where the seeker is (or the region they pick), by kind and
    keyword. `?region=all` shows every region's."""
    form = PolicySearchForm(request.GET)
    values = form.cleaned_data if form.is_valid() else {}
    query = (values.get("q") or "").strip()
    kind = values.get("kind") or ""
    choice = (values.get("region") or "").strip()
    mine = selectors.seeker_region(user=request.user)
    if choice == "all":
        region = None
    elif choice:
        region = selectors.region_from_choice(value=choice)
    else:
        region = mine
    bureau_id = id_or_none(request.GET.get("bureau"))
    if bureau_id is not None:
        region = None  # a bureau's own list: every region it published for
    policies = list(
        selectors.policies_public(region=region, kind=kind, query=query, bureau_id=bureau_id)[
            : selectors.PUBLIC_LIST_MAX
        ]
    )
    context: dict[str, Any] = {
        "policies": policies,
        "query": query,
        "kind": kind,
        "kinds": Policy.Kind.choices,
        "region": region,
        "region_choice": choice,
        "region_unknown": bool(choice and choice != "all" and region is None),
        "mine": mine,
        "region_chips": selectors.policy_regions_public(),
    }
    return render(request, "policies/list.html", context)


@require_GET
def policy_page(request: HttpRequest, policy_id: int) -> HttpResponse:
    """/policies/<id>/ — one published policy; an expired one says 已过期."""
    policy = selectors.policy_public_get(policy_id=policy_id)
    return render(
        request,
        "policies/policy.html",
        {
            "policy": policy,
            "expired": policy.is_expired(),
            "validity": rooms.policy_validity(policy=policy),
        },
    )


def _may_write(request: AuthenticatedRequest, bureau: Organisation) -> bool:
    return membership_has(user=request.user, organisation_id=bureau.pk, power=Power.POLICIES_WRITE)


@login_required
@require_GET
def bureau_policies(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<bureau>/policies/ — the bureau's policies, drafts and expired ones too."""
    bureau = selectors.bureau_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_SEE
    )
    return render(
        request,
        "policies/manage.html",
        {
            "bureau": bureau,
            "policies": list(selectors.policies_of_bureau(bureau=bureau)[:500]),
            "may_write": _may_write(request, bureau),
            "today": timezone.localdate(),
        },
    )


def _form_values(form: PolicyForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "region": region_for_filter(value=data["region"]),
        "kind": data["kind"],
        "title": data["title"],
        "summary": data["summary"],
        "eligibility": data["eligibility"],
        "how_to_apply": data["how_to_apply"],
        "valid_from": data["valid_from"],
        "valid_until": data["valid_until"],
    }


def _form_page(
    request: AuthenticatedRequest, *, bureau: Organisation, form: PolicyForm, policy: Policy | None
) -> HttpResponse:
    return render(
        request,
        "policies/form.html",
        {"bureau": bureau, "form": form, "policy": policy},
        status=400 if form.errors else 200,
    )


def _form_post(
    request: AuthenticatedRequest, *, bureau: Organisation, policy: Policy | None
) -> HttpResponse:
    form = PolicyForm(request.POST)
    if form.is_valid():
        try:
            if policy is None:
                saved = services.policy_create(bureau=bureau, by=request.user, **_form_values(form))
            else:
                saved = services.policy_edit(policy=policy, by=request.user, **_form_values(form))
        except ValidationError as exc:
            for field, errors in exc.error_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("已保存"))
            return redirect("policies:edit", organisation_id=bureau.pk, policy_id=saved.pk)
    return _form_page(request, bureau=bureau, form=form, policy=policy)


@login_required
@require_http_methods(["GET", "POST"])
def policy_new(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    bureau = selectors.bureau_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.POLICIES_WRITE
    )
    if request.method == "POST":
        return _form_post(request, bureau=bureau, policy=None)
    assert bureau.region is not None
    form = PolicyForm(initial={"region": bureau.region.code, "valid_from": timezone.localdate()})
    return _form_page(request, bureau=bureau, form=form, policy=None)


def _policy_of(request: AuthenticatedRequest, organisation_id: int, policy_id: int) -> Policy:
    policy = selectors.policy_for_member(
        user=request.user, policy_id=policy_id, power=Power.POLICIES_WRITE
    )
    if policy.bureau_id != organisation_id:
        raise Http404
    return policy


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit_view(
    request: AuthenticatedRequest, organisation_id: int, policy_id: int
) -> HttpResponse:
    policy = _policy_of(request, organisation_id, policy_id)
    if request.method == "POST":
        return _form_post(request, bureau=policy.bureau, policy=policy)
    form = PolicyForm(
        initial={
            "title": policy.title,
            "kind": policy.kind,
            "region": policy.region_id,
            "summary": policy.summary,
            "eligibility": policy.eligibility,
            "how_to_apply": policy.how_to_apply,
            "valid_from": policy.valid_from,
            "valid_until": policy.valid_until,
        }
    )
    return _form_page(request, bureau=policy.bureau, form=form, policy=policy)


@login_required
@require_POST
def policy_publish_view(
    request: AuthenticatedRequest, organisation_id: int, policy_id: int
) -> HttpResponse:
    """发布 (`publish=1`) or 撤回 (`publish=0`); repeating either changes nothing."""
    policy = _policy_of(request, organisation_id, policy_id)
    try:
        if request.POST.get("publish") == "0":
            services.policy_unpublish(policy=policy, by=request.user)
            messages.success(request, _("已撤回，政策不再公开"))
        else:
            services.policy_publish(policy=policy, by=request.user)
            messages.success(request, _("已发布"))
    except Refused as exc:
        messages.error(request, str(exc.message))
    return redirect("policies:manage", organisation_id=organisation_id)


# --- 宣策 rooms ---------------------------------------------------------------------------


def _console_response(request: HtmxRequest, room_id: int, error: str = "") -> HttpResponse:
    if request.htmx:
        room = live_selectors.room_for_runner(user=request.user, room_id=room_id)  # type: ignore[arg-type]
        context = {**rooms.console_policies_context(room=room), "error": error}
        return HttpResponse(
            render_to_string("policies/_console_policies.html", context, request=request)
        )
    if error:
        messages.error(request, error)
    return redirect("live:console", room_id=room_id)


@login_required
@require_POST
def room_policy_pin_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    room = live_selectors.room_for_runner(user=request.user, room_id=room_id)
    policy_id = id_or_none(request.POST.get("policy"))
    policy = Policy.objects.filter(pk=policy_id).first() if policy_id else None
    if policy is None:
        raise Http404
    try:
        rooms.room_policy_pin(room=room, policy=policy, by=request.user)
    except (Refused, PermissionDenied) as exc:
        return _console_response(request, room.pk, error=str(getattr(exc, "message", exc)))
    return _console_response(request, room.pk)


@login_required
@require_POST
def room_policy_unpin_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    room = live_selectors.room_for_runner(user=request.user, room_id=room_id)
    rooms.room_policy_unpin(room=room, by=request.user)
    return _console_response(request, room.pk)


@login_required
@require_POST
def room_session_view(request: AuthenticatedRequest, room_id: int) -> HttpResponse:
    """标为宣策直播: the room is listed among its fair's policy sessions."""
    room = live_selectors.room_for_runner(user=request.user, room_id=room_id)
    try:
        rooms.room_policy_session_mark(room=room, by=request.user)
    except Refused as exc:
        return _console_response(request, room.pk, error=str(exc.message))
    return _console_response(request, room.pk)


@require_GET
def room_pinned_view(request: HttpRequest, room_id: int) -> HttpResponse:
    """The policy pinned in a room now, for a viewer whose socket came back (events sent while
    it was away are lost): {"policy": card or null}."""
    room = live_selectors.room_get_public(room_id=room_id)
    pinned = rooms.room_pinned_policy(room=room)
    return JsonResponse({"policy": rooms.policy_card(policy=pinned) if pinned else None})
