"""Moderators' review of organisations: the pending list and approve / reject."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from daigang.accounts.forms import ApproveForm, RejectForm
from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import OrganisationDocument
from daigang.accounts.selectors import (
    organisation_documents_current,
    organisation_for_moderator,
    organisation_members,
    organisation_review_flags,
    organisations_pending_review,
)
from daigang.accounts.services import (
    organisation_approve,
    organisation_reject,
    required_document_kinds,
)
from daigang.core.phones import phone_mask
from daigang.core.refused import Refused


@login_required
def review_list(request: AuthenticatedRequest) -> HttpResponse:
    pending = organisations_pending_review(user=request.user)
    return render(request, "accounts/review_list.html", {"pending": pending})


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_moderator(user=request.user, organisation_id=organisation_id)
    reject_form = RejectForm()
    approve_form = ApproveForm()
    error = ""
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "approve":
                approve_form = ApproveForm(request.POST)
                approve_form.is_valid()
                organisation_approve(
                    organisation=organisation,
                    by=request.user,
                    licence_checked=bool(approve_form.cleaned_data.get("licence_checked")),
                )
                messages.success(request, _("已通过：%(name)s") % {"name": organisation.name})
                return redirect("accounts:review_list")
            if action == "reject":
                reject_form = RejectForm(request.POST)
                if reject_form.is_valid():
                    organisation_reject(
                        organisation=organisation,
                        by=request.user,
                        reason=reject_form.cleaned_data["reason"],
                    )
                    messages.success(request, _("已驳回：%(name)s") % {"name": organisation.name})
                    return redirect("accounts:review_list")
            else:
                error = _("请选择通过或驳回")
        except Refused as exc:
            error = exc.message
        status = 400
    now = timezone.now()
    documents = organisation_documents_current(organisation=organisation)
    present = {document.kind for document in documents}
    context = {
        "organisation": organisation,
        "status": organisation.status_label(now),
        "documents": documents,
        "all_documents": organisation.documents.order_by("-uploaded_at", "-id"),
        "missing": [
            OrganisationDocument.Kind(kind).label
            for kind in required_document_kinds(organisation.kind)
            if kind not in present
        ],
        "members": [
            {"membership": member, "masked_phone": phone_mask(member.user.phone)}
            for member in organisation_members(organisation=organisation)
        ],
        "reject_form": reject_form,
        "approve_form": approve_form,
        "licence_expired": organisation.kind == organisation.Kind.AGENCY
        and (
            organisation.hr_licence_expires_on is None
            or organisation.hr_licence_expires_on < timezone.localdate(now)
        ),
        "error": error,
        "flags": organisation_review_flags(organisation=organisation),
    }
    return render(request, "accounts/review_detail.html", context, status=status)
