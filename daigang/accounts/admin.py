"""The moderators' back office. Verification goes through the same services as the review
pages, so the rules (documents required, a reason for every rejection) hold here too."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from daigang.accounts.forms import RejectForm
from daigang.accounts.http import AuthenticatedRequest
from daigang.accounts.models import (
    Membership,
    Organisation,
    OrganisationDocument,
    PhoneCode,
    User,
)
from daigang.accounts.services import organisation_approve, organisation_reject
from daigang.core.phones import phone_normalize
from daigang.core.refused import Refused


class UserAdminForm(forms.ModelForm):
    """A moderator typing a number goes through the same normalisation as a login."""

    class Meta:
        model = User
        fields = ("phone",)  # the admin adds the fields of UserAdmin.fields

    def clean_phone(self) -> str:
        return phone_normalize(self.cleaned_data["phone"])


@admin.register(User)
class UserAdmin(admin.ModelAdmin):
    form = UserAdminForm
    list_display = ("masked_phone", "name", "is_staff", "is_active", "date_joined")
    list_filter = ("is_staff", "is_active")
    search_fields = ("phone", "name")
    fields = (
        "phone",
        "name",
        "is_active",
        "is_staff",
        "is_superuser",
        "groups",
        "user_permissions",
        "date_joined",
        "last_login",
    )
    readonly_fields = ("date_joined", "last_login")
    filter_horizontal = ("groups", "user_permissions")

    @admin.display(description=gettext_lazy("手机号"), ordering="phone")
    def masked_phone(self, user: User) -> str:
        return user.masked_phone


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ("user",)
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)


class DocumentInline(admin.TabularInline):
    model = OrganisationDocument
    extra = 0
    can_delete = False
    fields = ("kind", "view", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # Uploads go through the content checks of the organisation page.
        return False

    @admin.display(description=gettext_lazy("文件"))
    def view(self, document: OrganisationDocument) -> str:
        url = reverse("accounts:document_file", args=[document.pk])
        return format_html('<a href="{}" target="_blank" rel="noopener">{}</a>', url, _("查看"))


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "uscc",
        "status",
        "verified_until",
        "hr_licence_expires_on",
        "submitted_at",
    )
    list_filter = ("status", "kind")
    search_fields = ("name", "uscc", "contact_name")
    ordering = ("status", "submitted_at")
    raw_id_fields = ("region",)  # ~3,200 regions: a code, not a select
    inlines = (MembershipInline, DocumentInline)
    # Verification changes only through the actions below, which call the services.
    readonly_fields = (
        "status",
        "verified_at",
        "verified_until",
        "reviewed_by",
        "reviewed_at",
        "rejection_reason",
        "created_at",
        "submitted_at",
    )
    actions = ("approve_selected", "reject_selected")

    @admin.action(description=gettext_lazy("通过认证（有效期6个月）"))
    def approve_selected(
        self, request: AuthenticatedRequest, queryset: QuerySet[Organisation]
    ) -> None:
        approved = 0
        for organisation in queryset:
            try:
                organisation_approve(organisation=organisation, by=request.user)
            except Refused as exc:
                self.message_user(request, f"{organisation.name}: {exc.message}", messages.ERROR)
            else:
                approved += 1
        if approved:
            self.message_user(request, _("已通过 %(n)d 家单位") % {"n": approved}, messages.SUCCESS)

    @admin.action(description=gettext_lazy("驳回（填写原因）"))
    def reject_selected(
        self, request: AuthenticatedRequest, queryset: QuerySet[Organisation]
    ) -> TemplateResponse | None:
        form = RejectForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            rejected = 0
            for organisation in queryset:
                try:
                    organisation_reject(
                        organisation=organisation,
                        by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except Refused as exc:
                    self.message_user(
                        request, f"{organisation.name}: {exc.message}", messages.ERROR
                    )
                else:
                    rejected += 1
            if rejected:
                self.message_user(
                    request, _("已驳回 %(n)d 家单位") % {"n": rejected}, messages.SUCCESS
                )
            return None
        return TemplateResponse(
            request,
            "accounts/admin_reject.html",
            {
                **self.admin_site.each_context(request),
                "title": _("驳回单位"),
                "opts": self.model._meta,
                "organisations": queryset,
                "form": form,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


@admin.register(PhoneCode)
class PhoneCodeAdmin(admin.ModelAdmin):
    """For support ("did my code go out?"). Codes are stored hashed; nothing here reveals one."""

    list_display = ("phone", "created_at", "expires_at", "attempts", "used_at")
    search_fields = ("phone",)
    fields = ("phone", "created_at", "expires_at", "attempts", "used_at")
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
