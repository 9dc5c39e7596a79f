"""The seeker's pages: the offer, the contract to sign and download, the check-ins.

Only the seeker the row belongs to; anyone else logged in gets 404, anonymous visitors are
sent to log in (file downloads: 404).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from daigang.accounts.http import AuthenticatedRequest
from daigang.contracts import selectors
from daigang.contracts.forms import CheckInForm, DeclineForm, SignForm, form_errors_add
from daigang.contracts.models import CheckIn, Contract, Offer, Signature
from daigang.contracts.services import (
    checkin_answer,
    offer_accept,
    offer_decline,
)
from daigang.contracts.views.common import (
    pdf_response,
    sign_form_initial,
    sign_from_form,
)


def _offer_page(
    request: HttpRequest,
    offer: Offer,
    *,
    decline_form: DeclineForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "contracts/seeker_offer.html",
        {
            "offer": offer,
            "contract": getattr(offer, "contract", None),
            "decline_form": decline_form or DeclineForm(),
            "error": error,
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def seeker_offer(request: AuthenticatedRequest, offer_id: int) -> HttpResponse:
    """/me/offers/<id>/ — read the offer; accept (→ the contract) or decline."""
    offer = selectors.offer_for_seeker(user=request.user, offer_id=offer_id)
    if request.method == "GET":
        return _offer_page(request, offer)
    action = request.POST.get("action")
    if action == "accept":
        try:
            contract = offer_accept(offer=offer, seeker=request.user)
        except ValidationError as exc:
            return _offer_page(request, offer, error=exc.messages[0], status=400)
        messages.success(request, _("您已接受录用，请阅读合同后签署"))
        return redirect("contracts:seeker_contract", contract_id=contract.pk)
    if action == "decline":
        form = DeclineForm(request.POST)
        if form.is_valid():
            try:
                offer_decline(offer=offer, seeker=request.user, reason=form.cleaned_data["reason"])
            except ValidationError as exc:
                return _offer_page(
                    request, offer, decline_form=form, error=exc.messages[0], status=400
                )
            messages.info(request, _("您已拒绝这份录用通知"))
            return redirect("contracts:seeker_offer", offer_id=offer.pk)
        return _offer_page(request, offer, decline_form=form, status=400)
    return _offer_page(request, offer, error=_("请选择接受或拒绝"), status=400)


def _contract_page(
    request: HttpRequest, contract: Contract, *, form: SignForm | None = None, status: int = 200
) -> HttpResponse:
    signatures = list(contract.signatures.all())
    signed = any(s.party == Signature.Party.SEEKER for s in signatures)
    if form is None and not signed:
        form = SignForm(initial=sign_form_initial())
    return render(
        request,
        "contracts/seeker_contract.html",
        {
            "contract": contract,
            "contract_body": contract.body,
            "signatures": signatures,
            "form": form if not signed else None,
            "party_label": contract.party_label(Signature.Party.SEEKER),
            "pdf_url": reverse("contracts:seeker_contract_pdf", args=[contract.pk]),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def seeker_contract(request: AuthenticatedRequest, contract_id: int) -> HttpResponse:
    """/me/contracts/<id>/ — read and sign the contract; download it once both have signed."""
    contract = selectors.contract_for_seeker(user=request.user, contract_id=contract_id)
    if request.method == "GET":
        return _contract_page(request, contract)
    form = SignForm(request.POST)
    created = sign_from_form(request, contract=contract, party=Signature.Party.SEEKER, form=form)
    if created is not None:
        messages.success(request, _("签署成功") if created else _("您已经签署过了"))
        return redirect("contracts:seeker_contract", contract_id=contract.pk)
    return _contract_page(request, contract, form=form, status=400)


@require_GET
def seeker_contract_pdf(request: HttpRequest, contract_id: int) -> FileResponse:
    contract = selectors.contract_for_seeker(user=request.user, contract_id=contract_id)
    return pdf_response(contract)


def _checkin_page(
    request: HttpRequest, checkin: CheckIn, *, form: CheckInForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request,
        "contracts/seeker_checkin.html",
        {
            "checkin": checkin,
            "form": None if checkin.is_answered else form or CheckInForm(),
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def seeker_checkin(request: AuthenticatedRequest, checkin_id: int) -> HttpResponse:
    """/me/checkins/<id>/ — the three questions, once due."""
    checkin = selectors.checkin_for_seeker(user=request.user, checkin_id=checkin_id)
    if request.method == "GET":
        return _checkin_page(request, checkin)
    form = CheckInForm(request.POST)
    if form.is_valid():
        try:
            checkin, created = checkin_answer(
                checkin=checkin, seeker=request.user, answers=form.answers()
            )
        except ValidationError as exc:
            form_errors_add(form, exc)
        else:
            messages.success(request, _("谢谢您的回答！") if created else _("您已经回答过了"))
            return redirect("contracts:seeker_checkin", checkin_id=checkin.pk)
    return _checkin_page(request, checkin, form=form, status=400)


@login_required
@require_GET
def seeker_todo(request: AuthenticatedRequest) -> HttpResponse:
    """/me/contracts/ — offers to answer, contracts to sign or download, check-ins due."""
    todo = selectors.seeker_todo(user=request.user)
    return render(request, "contracts/seeker_todo.html", {"todo": todo})
