"""URLs of the pipeline pages; appended to daigang.hiring.urls (namespace "hiring")."""

from __future__ import annotations

from django.urls import path

from daigang.hiring.pipeline import views

urlpatterns = [
    path("manage/<id:organisation_id>/pipeline/", views.pipeline_board, name="pipeline_board"),
    path(
        "manage/<id:organisation_id>/pipeline/changes/",
        views.pipeline_board_changes,
        name="pipeline_board_changes",
    ),
    path(
        "manage/<id:organisation_id>/pipeline/table/", views.pipeline_table, name="pipeline_table"
    ),
    path("manage/<id:organisation_id>/pipeline/bulk/", views.pipeline_bulk, name="pipeline_bulk"),
    path(
        "manage/<id:organisation_id>/pipeline/settings/",
        views.pipeline_settings,
        name="pipeline_settings",
    ),
    path(
        "manage/<id:organisation_id>/pipeline/stats/",
        views.pipeline_stats_page,
        name="pipeline_stats",
    ),
    path(
        "manage/<id:organisation_id>/applications/<id:application_id>/",
        views.application_detail,
        name="application_detail",
    ),
    path(
        "manage/<id:organisation_id>/applications/<id:application_id>/move/",
        views.application_move,
        name="application_move",
    ),
    path(
        "manage/<id:organisation_id>/applications/<id:application_id>/reject/",
        views.application_reject_view,
        name="application_reject",
    ),
    path(
        "manage/<id:organisation_id>/applications/<id:application_id>/notes/",
        views.application_note_add,
        name="application_note_add",
    ),
    path(
        "manage/<id:organisation_id>/applications/<id:application_id>/tags/",
        views.application_tags,
        name="application_tags",
    ),
    path("manage/<id:organisation_id>/phone-views/", views.phone_views_page, name="phone_views"),
    path("me/applications/", views.my_applications, name="my_applications"),
    path(
        "me/applications/<id:application_id>/withdraw/",
        views.my_application_withdraw,
        name="my_application_withdraw",
    ),
    path(
        "me/applications/<id:application_id>/consent/withdraw/",
        views.my_consent_withdraw,
        name="my_consent_withdraw",
    ),
    path(
        "me/applications/<id:application_id>/profile/",
        views.my_profile_attach,
        name="my_profile_attach",
    ),
    path("me/notifications/read/", views.my_notifications_read, name="my_notifications_read"),
]
