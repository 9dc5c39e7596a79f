from django.contrib import admin

from daigang.fairs.models import Fair, FairEntry


@admin.register(Fair)
class FairAdmin(admin.ModelAdmin):
    list_display = ("title", "bureau", "region", "starts_at", "ends_at", "status")
    list_filter = ("status", "target_group")
    search_fields = ("title", "bureau__name")
    raw_id_fields = ("bureau", "region", "parent", "created_by")


@admin.register(FairEntry)
class FairEntryAdmin(admin.ModelAdmin):
    list_display = ("fair", "organisation", "status", "created_at")
    list_filter = ("status",)
    raw_id_fields = ("fair", "organisation", "registered_by", "decided_by")
