"""Moderators can look up offers and contracts (read-only: a signed record is never edited)."""

from __future__ import annotations

from django.contrib import admin

from daigang.contracts.models import Contract, Offer


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None) -> bool:  # type: ignore[no-untyped-def]
        return False


@admin.register(Offer)
class OfferAdmin(_ReadOnly):
    list_display = ("id", "organisation", "job_title", "status", "sent_at")
    list_filter = ("status",)
    search_fields = ("job_title", "organisation__name")


@admin.register(Contract)
class ContractAdmin(_ReadOnly):
    list_display = ("id", "number", "organisation", "kind", "status", "signed_at")
    list_filter = ("status", "kind")
    search_fields = ("organisation_name", "pdf_sha256", "content_sha256")
    exclude = ("pdf",)
