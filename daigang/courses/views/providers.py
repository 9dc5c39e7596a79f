"""Training organisations (培训机构) and the bureaus that approve them to publish courses: the
organisation's page of its requests (/manage/<organisation>/training/) and the bureau's page
of the requests it decides (/manage/<bureau>/course-providers/)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.roles import Power
from daigang.core.refused import Refused, refused_to_form
from daigang.courses import selectors, services
from daigang.courses.forms import ProviderDecideForm, ProviderRequestForm
from daigang.courses.views.manage import _errors_to_form


@login_required
@require_http_methods(["GET", "POST"])
def training(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """A training organisation: the bureaus it asked, each answer with its reason, and a form
    to ask one more."""
    organisation = selectors.training_for_member(user=request.user, organisation_id=organisation_id)
    approvals = selectors.approvals_of_training(organisation=organisation)
    asked = {p.bureau_id for p in approvals if p.state in ("requested", "approved")}
    bureaus = [b for b in selectors.bureaus_to_ask(organisation=organisation) if b.pk not in asked]
    form = ProviderRequestForm(request.POST or None, bureaus=bureaus)
    if request.method == "POST" and form.is_valid():
        try:
            services.provider_request(
                organisation=organisation,
                bureau=form.bureaus[form.cleaned_data["bureau"]],
                by=request.user,
                note=form.cleaned_data.get("note") or "",
            )
        except ValidationError as exc:
            _errors_to_form(form, exc)
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("申请已提交，人社局审核后会通知您"))
            return redirect("courses:training", organisation_id=organisation.pk)
    return render(
        request,
        "courses/training.html",
        {
            "organisation": organisation,
            "approvals": approvals,
            "form": form,
            "approved": any(p.is_approved for p in approvals),
        },
        status=400 if form.is_bound else 200,
    )


@login_required
@require_http_methods(["GET"])
def providers(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """A bureau: the training organisations that asked to publish courses under it."""
    bureau = selectors.bureau_for_courses(
        user=request.user, organisation_id=organisation_id, power=Power.COURSES_WRITE
    )
    return render(
        request,
        "courses/providers.html",
        {"bureau": bureau, "providers": selectors.providers_of_bureau(bureau=bureau)},
    )


@login_required
@require_POST
def provider_decide(
    request: AuthenticatedRequest, organisation_id: int, provider_id: int
) -> HttpResponse:
    bureau = selectors.bureau_for_courses(
        user=request.user, organisation_id=organisation_id, power=Power.COURSES_WRITE
    )
    provider = selectors.provider_of_bureau(bureau=bureau, provider_id=provider_id)
    form = ProviderDecideForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择批准、不批准或撤销"))
        return redirect("courses:providers", organisation_id=bureau.pk)
    try:
        decided = services.provider_decide(
            provider=provider,
            by=request.user,
            decision=form.cleaned_data["decision"],
            reason=form.cleaned_data.get("reason") or "",
        )
    except ValidationError as exc:
        messages.error(request, " ".join(" ".join(m) for m in exc.message_dict.values()))
    except Refused as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(name)s：%(state)s")
            % {"name": decided.organisation.name, "state": decided.get_state_display()},
        )
    return redirect("courses:providers", organisation_id=bureau.pk)
