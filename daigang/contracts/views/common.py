"""Bits both sides' contract pages share."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest

from daigang.accounts.http import AuthenticatedRequest
from daigang.contracts.forms import SignForm, form_errors_add
from daigang.contracts.models import Contract, Signature
from daigang.contracts.services import contract_sign


def request_ip(request: HttpRequest) -> str:
    """The client's address as the ASGI server reports it. Behind a reverse proxy, run
    uvicorn with --proxy-headers (and --forwarded-allow-ips) so this is the real client."""
    return request.META.get("REMOTE_ADDR") or "0.0.0.0"


def sign_form_initial() -> dict[str, str]:
    # The name is left for the signer to type: typing it is part of the intent to sign.
    return {"typed_name": "", "method": Signature.Method.TAPPED}


def pdf_response(contract: Contract) -> FileResponse:
    """The signed PDF exactly as stored (its SHA-256 is what verification compares)."""
    if not contract.is_signed or not contract.pdf:
        raise Http404
    try:
        handle = contract.pdf.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        content_type="application/pdf",
        filename=f"{contract.title}-{contract.number}.pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def sign_from_form(
    request: AuthenticatedRequest, *, contract: Contract, party: str, form: SignForm
) -> bool | None:
    """Sign `contract` for `party` from a posted SignForm, as the requesting user.

    Returns whether this request signed (False: that party had already signed), or None when
    the form or the service refused — the errors are then on `form`.
    """
    if not form.is_valid():
        return None
    try:
        _signature, created = contract_sign(
            contract=contract,
            party=party,
            user=request.user,
            typed_name=form.cleaned_data["typed_name"],
            method=form.cleaned_data["method"],
            image_data_url=form.cleaned_data["signature"],
            ip=request_ip(request),
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as exc:
        form_errors_add(form, exc)
        return None
    return created
