from django.contrib import admin

from daigang.rules.models import AgeLimitedWork


@admin.register(AgeLimitedWork)
class AgeLimitedWorkAdmin(admin.ModelAdmin):
    list_display = ("kind_of_work", "reason")
    search_fields = ("kind_of_work",)
