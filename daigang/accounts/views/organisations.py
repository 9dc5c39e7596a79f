"""Member-side pages: my organisations, register, details, documents, members."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.forms import Form
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_http_methods, require_POST

from daigang.accounts.forms import (
    DocumentForm,
    MemberAddForm,
    OrganisationEditForm,
    OrganisationRegisterForm,
)
from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import Membership, Organisation, OrganisationDocument
from daigang.accounts.roles import Power
from daigang.accounts.selectors import (
    document_for_viewer,
    membership_get,
    membership_has,
    memberships_of_user,
    organisation_documents_current,
    organisation_for_member,
    organisation_members,
    organisation_reminders_current,
)
from daigang.accounts.services import (
    membership_add,
    membership_remove,
    organisation_document_add,
    organisation_register,
    organisation_renew_request,
    organisation_update,
    required_document_kinds,
)
from daigang.accounts.uploads import DOCUMENT_TYPES
from daigang.core.phones import phone_mask
from daigang.core.refused import Refused, refused_to_form


@login_required
def my_organisations(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    memberships = memberships_of_user(user=request.user)
    rows = [
        {
            "membership": membership,
            "organisation": membership.organisation,
            "status": membership.organisation.status_label(now),
            "verified": membership.organisation.is_verified(now),
        }
        for membership in memberships
    ]
    return render(request, "accounts/my_organisations.html", {"rows": rows})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_new(request: AuthenticatedRequest) -> HttpResponse:
    form = OrganisationRegisterForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = organisation_register(
                by=request.user,
                name=data["name"],
                kind=data["kind"],
                uscc=data["uscc"],
                contact_name=data["contact_name"],
                contact_phone=data["contact_phone"],
                address=data["address"],
                description=data["description"],
                business_licence=data["business_licence"],
                hr_service_licence=data.get("hr_service_licence") or None,
                hr_licence_number=data["hr_licence_number"],
                hr_licence_issuer=data["hr_licence_issuer"],
                hr_licence_expires_on=data["hr_licence_expires_on"],
                region=data.get("region"),
            )
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("已提交，请等待平台审核。审核结果会显示在单位页面上。"))
            return redirect("accounts:organisation_detail", organisation_id=organisation.id)
    return render(
        request,
        "accounts/organisation_form.html",
        {"form": form, "title": _("登记单位"), "multipart": True},
    )


def _detail_context(
    request: AuthenticatedRequest, organisation: Organisation, **forms: Form
) -> dict[str, Any]:
    now = timezone.now()
    membership = membership_get(
        user=request.user, organisation_id=organisation.pk, power=Power.ORGANISATION_SEE
    )
    is_owner = membership_has(
        user=request.user, organisation_id=organisation.pk, power=Power.ORGANISATION_MANAGE
    )
    documents = organisation_documents_current(organisation=organisation)
    present = {document.kind for document in documents}
    missing = [
        OrganisationDocument.Kind(kind).label
        for kind in required_document_kinds(organisation.kind)
        if kind not in present
    ]
    members = [
        {"membership": member, "masked_phone": phone_mask(member.user.phone)}
        for member in organisation_members(organisation=organisation)
    ]
    return {
        "organisation": organisation,
        "membership": membership,
        "is_owner": is_owner,
        "status": organisation.status_label(now),
        "verified": organisation.is_verified(now),
        "lapsed": organisation.is_lapsed(now),
        "licence_expired": organisation.status == Organisation.Status.VERIFIED
        and organisation.licence_expired(now),
        "reminders": organisation_reminders_current(organisation=organisation, now=now),
        "renewal_open": organisation.renewal_open(now),
        "documents": documents,
        "missing_documents": missing,
        "members": members,
        "document_form": forms.get("document_form") or DocumentForm(),
        "member_form": forms.get("member_form") or MemberAddForm(organisation=organisation),
    }


@login_required
def organisation_detail(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_SEE
    )
    return render(
        request, "accounts/organisation_detail.html", _detail_context(request, organisation)
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_edit(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_MANAGE
    )
    legal_locked = organisation.status == Organisation.Status.VERIFIED
    initial = {field: getattr(organisation, field) for field in OrganisationEditForm.base_fields}
    form = OrganisationEditForm(request.POST or None, initial=initial, legal_locked=legal_locked)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            organisation_update(organisation=organisation, by=request.user, **fields)
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("单位信息已保存"))
            return redirect("accounts:organisation_detail", organisation_id=organisation.id)
    return render(
        request,
        "accounts/organisation_form.html",
        {
            "form": form,
            "organisation": organisation,
            "title": _("修改单位信息"),
            "legal_locked": legal_locked,
        },
    )


@login_required
@require_POST
def document_add(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_MANAGE
    )
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            organisation_document_add(
                organisation=organisation,
                kind=form.cleaned_data["kind"],
                file=form.cleaned_data["file"],
                by=request.user,
            )
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(request, _("证件已上传"))
            return redirect("accounts:organisation_detail", organisation_id=organisation.id)
    context = _detail_context(request, organisation, document_form=form)
    return render(request, "accounts/organisation_detail.html", context, status=400)


@login_required
@require_POST
def organisation_renew(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_MANAGE
    )
    try:
        organisation_renew_request(organisation=organisation, by=request.user)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已提交认证申请，请等待平台审核"))
    return redirect("accounts:organisation_detail", organisation_id=organisation.id)


@login_required
@require_POST
def member_add(request: AuthenticatedRequest, organisation_id: int) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_MANAGE
    )
    form = MemberAddForm(request.POST, organisation=organisation)
    if form.is_valid():
        try:
            membership = membership_add(
                organisation=organisation,
                phone=form.cleaned_data["phone"],
                role=form.cleaned_data["role"],
                by=request.user,
            )
        except Refused as exc:
            refused_to_form(form, exc)
        else:
            messages.success(
                request,
                _("已添加 %(phone)s 为%(role)s，对方用该手机号登录即可使用")
                % {
                    "phone": phone_mask(membership.user.phone),
                    "role": membership.get_role_display(),
                },
            )
            return redirect("accounts:organisation_detail", organisation_id=organisation.id)
    context = _detail_context(request, organisation, member_form=form)
    return render(request, "accounts/organisation_detail.html", context, status=400)


@login_required
@require_POST
def member_remove(
    request: AuthenticatedRequest, organisation_id: int, membership_id: int
) -> HttpResponse:
    organisation = organisation_for_member(
        user=request.user, organisation_id=organisation_id, power=Power.ORGANISATION_MANAGE
    )
    membership = get_object_or_404(Membership, pk=membership_id, organisation=organisation)
    try:
        membership_remove(membership=membership, by=request.user)
    except Refused as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已移除该成员"))
    return redirect("accounts:organisation_detail", organisation_id=organisation.id)


@xframe_options_sameorigin  # the review page shows PDFs inline in an <object>
def document_file(request: HttpRequest, document_id: int) -> FileResponse:
    """A licence file, to the organisation's members and to moderators only. Everyone else,
    anonymous included, gets 404: no login redirect that would confirm the file exists."""
    document = document_for_viewer(user=request.user, document_id=document_id)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = DOCUMENT_TYPES.get(document.content_type, "bin")
    filename = f"{document.organisation.name}-{document.get_kind_display()}.{extension}"
    response = FileResponse(handle, content_type=document.content_type, filename=filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def document_preview(request: HttpRequest, document_id: int) -> FileResponse:
    """The PNG of a PDF licence's first page, to the same people as the file itself. The
    review page shows this image instead of embedding the PDF in the moderator's browser."""
    document = document_for_viewer(user=request.user, document_id=document_id)
    if not document.preview:
        raise Http404
    try:
        handle = document.preview.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(handle, content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
