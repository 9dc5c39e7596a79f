"""The public verification page: is this PDF the one signed on daigang?"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from daigang.contracts.forms import VerifyForm
from daigang.contracts.selectors import contract_pdf_verify


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """/contracts/verify/ — upload a PDF; compared byte for byte (SHA-256) with the stored
    signed PDFs. Anyone may ask: only someone holding the exact file learns anything."""
    if request.method == "GET":
        return render(request, "contracts/verify.html", {"form": VerifyForm()})
    form = VerifyForm(request.POST, request.FILES)
    result = None
    status = 400
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            form.add_error("file", _("文件太大：合同PDF不会超过10MB"))
        else:
            result = contract_pdf_verify(file=upload)
            status = 200
    return render(request, "contracts/verify.html", {"form": form, "result": result}, status=status)
