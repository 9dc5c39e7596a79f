"""Moderators see applications with the phone masked: only the organisation applied to sees
it in full (in its own back office)."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from daigang.hiring.models import Application, PhoneView


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "name",
        "masked_phone_display",
        "job",
        "organisation",
        "room",
        "stage",
        "created_at",
    )
    list_filter = ("stage",)
    list_select_related = ("job", "organisation", "room")
    search_fields = ("name", "job__title", "organisation__name")
    # `phone` is left out of every form and list; the masked copy is shown instead.
    fields = (
        "seeker_display",
        "masked_phone_display",
        "name",
        "job",
        "organisation",
        "room",
        "stage",
        "consent_text",
        "consented_at",
        "consent_withdrawn_at",
        "idempotency_key",
        "created_at",
    )
    readonly_fields = fields
    ordering = ("-id",)

    @admin.display(description=_("手机号"))
    def masked_phone_display(self, obj: Application) -> str:
        return obj.masked_phone

    @admin.display(description=_("求职者"))
    def seeker_display(self, obj: Application) -> str:
        return str(obj.seeker)  # User.__str__ masks the phone too

    def has_add_permission(self, request) -> bool:  # type: ignore[no-untyped-def]
        return False  # applications are made by seekers, never typed in by a moderator


@admin.register(PhoneView)
class PhoneViewAdmin(admin.ModelAdmin):
    """The audit of full-phone views, for moderators: read-only, nobody edits or deletes it."""

    list_display = ("at", "organisation", "viewer", "seeker", "application_id", "source")
    list_filter = ("source",)
    list_select_related = ("organisation", "viewer", "seeker")
    search_fields = ("organisation__name",)
    date_hierarchy = "at"
    fields = list_display

    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False
