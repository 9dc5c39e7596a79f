"""The organisation's pages: send an offer, sign the contract, mark onboarding, templates.

Owners and HR members of the organisation only (anchors and outsiders get 404; anonymous
visitors are sent to log in, except for file downloads which are 404 for them too).
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Organisation, User
from daigang.contracts import selectors
from daigang.contracts.forms import (
    OfferForm,
    OnboardForm,
    SignForm,
    TemplateForm,
    form_errors_add,
)
from daigang.contracts.models import Contract, ContractKind, Offer, Signature, contract_kind_for
from daigang.contracts.placeholders import PLACEHOLDERS
from daigang.contracts.services import (
    OfferTerms,
    contract_template_reset,
    contract_template_save,
    offer_send,
    onboarding_mark,
)
from daigang.contracts.services.contracts import contract_template_text
from daigang.contracts.views.common import (
    pdf_response,
    sign_form_initial,
    sign_from_form,
)
from daigang.hiring import phone_views
from daigang.hiring.models import Application, Stage


def _terms_of(offer: Offer) -> OfferTerms:
    """A declined offer's terms, as the starting point of a revised one."""
    return OfferTerms(**{field.name: getattr(offer, field.name) for field in fields(OfferTerms)})


def _offer_page(
    request: HttpRequest,
    organisation: Organisation,
    application: Application,
    *,
    form: OfferForm | None = None,
    onboard_form: OnboardForm | None = None,
    status: int = 200,
) -> HttpResponse:
    assert isinstance(request.user, User)  # organisation_for_contracts found their membership
    phone_views.phone_views_record(
        viewer=request.user,
        organisation_id=organisation.pk,
        applications=[application],
        source=phone_views.SOURCE_OFFER,
    )
    offer = selectors.offer_latest(application=application)
    if form is None and (offer is None or offer.status == Offer.Status.DECLINED):
        if offer is None:
            terms = selectors.offer_terms_from_job(application=application)
        else:
            terms = _terms_of(offer)
            if terms.start_date < timezone.localdate():
                terms = selectors.offer_terms_from_job(application=application)
        form = OfferForm(initial=OfferForm.initial_from(terms))
    contract = getattr(offer, "contract", None) if offer is not None else None
    onboarding = selectors.onboarding_of(application=application)
    if onboard_form is None and onboarding is None:
        onboard_form = OnboardForm(initial={"started_on": timezone.localdate().isoformat()})
    context: dict[str, Any] = {
        "organisation": organisation,
        "application": application,
        "offer": offer,
        "form": form,
        "contract": contract,
        "onboarding": onboarding,
        "onboard_form": onboard_form,
        "is_agency": organisation.kind == Organisation.Kind.AGENCY,
        "can_onboard": onboarding is None
        and application.stage not in (Stage.REJECTED, Stage.WITHDRAWN, Stage.ONBOARDED),
    }
    return render(request, "contracts/manage_offer.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def manage_offer(
    request: AuthenticatedRequest, organisation_id: int, application_id: int
) -> HttpResponse:
    """/manage/<org>/applications/<id>/offer/ — 录用与签约: send the offer, follow it through."""
    organisation = selectors.organisation_for_contracts(
        user=request.user, organisation_id=organisation_id
    )
    application = selectors.application_for_member(
        organisation=organisation, application_id=application_id
    )
    if request.method == "GET":
        return _offer_page(request, organisation, application)
    form = OfferForm(request.POST)
    if form.is_valid():
        try:
            _offer, created = offer_send(
                application=application, by=request.user, terms=form.terms()
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            if created:
                messages.success(
                    request, _("录用通知已发送给%(name)s") % {"name": application.name}
                )
            else:
                messages.info(request, _("录用通知已经发送过了，下面是它的状态"))
            return redirect(
                "contracts:manage_offer",
                organisation_id=organisation.pk,
                application_id=application.pk,
            )
    return _offer_page(request, organisation, application, form=form, status=400)


@login_required
@require_POST
def manage_onboard(
    request: AuthenticatedRequest, organisation_id: int, application_id: int
) -> HttpResponse:
    """Mark the seeker as started (入职) on a date: 已入职 and the check-ins are scheduled."""
    organisation = selectors.organisation_for_contracts(
        user=request.user, organisation_id=organisation_id
    )
    application = selectors.application_for_member(
        organisation=organisation, application_id=application_id
    )
    form = OnboardForm(request.POST)
    if form.is_valid():
        try:
            _onboarding, created = onboarding_mark(
                application=application, by=request.user, started_on=form.cleaned_data["started_on"]
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            if created:
                messages.success(request, _("已标记入职"))
            else:
                messages.info(request, _("已经标记过入职了"))
            return redirect(
                "contracts:manage_offer",
                organisation_id=organisation.pk,
                application_id=application.pk,
            )
    return _offer_page(request, organisation, application, onboard_form=form, status=400)


@login_required
@require_GET
def manage_contracts(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/contracts/ — every contract of the organisation and where it stands."""
    organisation = selectors.organisation_for_contracts(
        user=request.user, organisation_id=organisation_id
    )
    contracts = selectors.contracts_of_organisation(organisation=organisation)
    return render(
        request,
        "contracts/manage_contracts.html",
        {"organisation": organisation, "contracts": contracts},
    )


def _contract_page(
    request: HttpRequest,
    organisation: Organisation,
    contract: Contract,
    *,
    form: SignForm | None = None,
    status: int = 200,
) -> HttpResponse:
    assert isinstance(request.user, User)  # organisation_for_contracts found their membership
    signatures = list(contract.signatures.all())
    signed = any(s.party == Signature.Party.ORGANISATION for s in signatures)
    if form is None and not signed:
        form = SignForm(initial=sign_form_initial())
    if contract.shows_phone_to_organisation() and contract.seeker_phone in contract.body:
        phone_views.phone_views_record(
            viewer=request.user,
            organisation_id=organisation.pk,
            applications=[contract.application],
            source=phone_views.SOURCE_CONTRACT,
        )
    return render(
        request,
        "contracts/manage_contract.html",
        {
            "organisation": organisation,
            "contract": contract,
            "contract_body": contract.body_for_organisation(),
            "signatures": signatures,
            "form": form if not signed else None,
            "party_label": contract.party_label(Signature.Party.ORGANISATION),
            "pdf_url": reverse(
                "contracts:manage_contract_pdf", args=[organisation.pk, contract.pk]
            ),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_contract(
    request: AuthenticatedRequest, organisation_id: int, contract_id: int
) -> HttpResponse:
    """/manage/<org>/contracts/<id>/ — read and sign for the organisation."""
    organisation = selectors.organisation_for_contracts(
        user=request.user, organisation_id=organisation_id
    )
    contract = selectors.contract_for_member(organisation=organisation, contract_id=contract_id)
    if request.method == "GET":
        return _contract_page(request, organisation, contract)
    form = SignForm(request.POST)
    created = sign_from_form(
        request, contract=contract, party=Signature.Party.ORGANISATION, form=form
    )
    if created is not None:
        messages.success(request, _("已签署") if created else _("单位已经签署过了"))
        return redirect(
            "contracts:manage_contract", organisation_id=organisation.pk, contract_id=contract.pk
        )
    return _contract_page(request, organisation, contract, form=form, status=400)


@require_GET
def manage_contract_pdf(
    request: HttpRequest, organisation_id: int, contract_id: int
) -> FileResponse:
    organisation = selectors.organisation_for_contracts(
        user=request.user, organisation_id=organisation_id
    )
    contract = selectors.contract_for_member(organisation=organisation, contract_id=contract_id)
    return pdf_response(contract)


def _templates_page(
    request: HttpRequest,
    organisation: Organisation,
    *,
    bound: TemplateForm | None = None,
    status: int = 200,
) -> HttpResponse:
    in_use = contract_kind_for(organisation)
    # The kind this organisation signs comes first; the other stays editable.
    kinds = [in_use] + [kind for kind in ContractKind.values if kind != in_use]
    sections = []
    for kind in kinds:
        title, body, is_default = contract_template_text(organisation=organisation, kind=kind)
        if bound is not None and bound.data.get("kind") == kind:
            form = bound
        else:
            form = TemplateForm(initial={"kind": kind, "title": title, "body": body})
        sections.append(
            {
                "kind": kind,
                "label": ContractKind(kind).label,
                "in_use": kind == in_use,
                "is_default": is_default,
                "form": form,
            }
        )
    return render(
        request,
        "contracts/manage_templates.html",
        {
            "organisation": organisation,
            "sections": sections,
            "placeholders": [(name, _(help_text)) for name, help_text in PLACEHOLDERS.items()],
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def manage_templates(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    """/manage/<org>/contract-templates/ — edit the contract texts (or go back to default)."""
    organisation = selectors.organisation_for_contracts(
        user=request.user, organisation_id=organisation_id
    )
    if request.method == "GET":
        return _templates_page(request, organisation)
    kind = request.POST.get("kind", "")
    if request.POST.get("action") == "reset" and kind in ContractKind.values:
        contract_template_reset(organisation=organisation, kind=kind)
        messages.success(request, _("已恢复为默认模板"))
        return redirect("contracts:manage_templates", organisation_id=organisation.pk)
    form = TemplateForm(request.POST)
    if form.is_valid():
        try:
            contract_template_save(
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                by=request.user,
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("合同模板已保存，之后生成的合同将使用新模板"))
            return redirect("contracts:manage_templates", organisation_id=organisation.pk)
    return _templates_page(request, organisation, bound=form, status=400)
