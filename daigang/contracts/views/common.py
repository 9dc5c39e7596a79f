"""Bits both sides' contract pages share."""

from __future__ import annotations

from django.http import FileResponse, Http404, HttpRequest

from daigang.contracts.models import Contract, Signature


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
