from __future__ import annotations

from django.urls import path

from daigang.interviews import views

app_name = "interviews"
urlpatterns = [
    path("manage/<id:organisation_id>/interviews/", views.interview_list, name="list"),
    path("manage/<id:organisation_id>/interviews/new/", views.interview_new, name="new"),
    path(
        "manage/<id:organisation_id>/interviews/<id:interview_id>/",
        views.interview_detail,
        name="detail",
    ),
    path(
        "manage/<id:organisation_id>/interviews/<id:interview_id>/verdicts/",
        views.verdict_save,
        name="verdict",
    ),
    path(
        "manage/<id:organisation_id>/interviews/<id:interview_id>/cancel/",
        views.interview_cancel,
        name="cancel",
    ),
    path(
        "manage/<id:organisation_id>/interviews/<id:interview_id>/finish/",
        views.interview_finish,
        name="finish",
    ),
    path(
        "manage/<id:organisation_id>/interviews/<id:interview_id>/participants/<id:participant_id>/remove/",
        views.participant_remove,
        name="remove",
    ),
    path("me/interviews/", views.my_interviews, name="mine"),
    path("interviews/<str:token>/", views.interview_call, name="call"),
    path("interviews/<str:token>/invite.ics", views.invite, name="invite"),
]
