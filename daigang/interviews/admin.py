"""Moderators can look up interviews (e.g. after a report); changes go through the pages."""

from __future__ import annotations

from django.contrib import admin

from daigang.interviews.models import Interview, InterviewParticipant, Verdict


class ParticipantInline(admin.TabularInline):
    model = InterviewParticipant
    extra = 0
    fields = ("role", "user", "application", "joined_at", "muted", "removed")
    readonly_fields = fields
    can_delete = False


@admin.register(Interview)
class InterviewAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "starts_at", "length_minutes", "state")
    list_filter = ("state",)
    search_fields = ("title", "organisation__name")
    readonly_fields = ("organisation", "created_by", "focus", "idempotency_key", "created_at")
    inlines = [ParticipantInline]


@admin.register(Verdict)
class VerdictAdmin(admin.ModelAdmin):
    list_display = ("interview", "application", "interviewer", "decision", "score", "updated_at")
    list_filter = ("decision",)
    readonly_fields = ("interview", "application", "interviewer", "created_at", "updated_at")
