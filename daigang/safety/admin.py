"""Reports in the admin, read-only: moderators act on /moderation/ (services record who, why
and when), never by editing rows here."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from daigang.safety.models import Case, SuspensionListing


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Case)
class CaseAdmin(_ReadOnly):
    list_display = ("label", "kind", "organisation", "status", "action", "opened_at", "decided_at")
    list_filter = ("status", "kind", "action")


@admin.register(SuspensionListing)
class SuspensionListingAdmin(_ReadOnly):
    list_display = ("name", "uscc", "hr_licence_number", "listed_at", "lifted_at")
    search_fields = ("uscc", "hr_licence_number", "name")
