from __future__ import annotations

from django.urls import path

from daigang.safety import views

app_name = "safety"
urlpatterns = [
    path("report/<str:kind>/<id:target_id>/", views.report_new, name="report"),
    path("me/reports/", views.reports_mine, name="mine"),
    path("moderation/", views.queue, name="queue"),
    path("moderation/cases/<id:case_id>/", views.case_detail, name="case"),
    path("moderation/cases/<id:case_id>/appeal/", views.appeal_decide_view, name="appeal_decide"),
    path("moderation/suspended/", views.suspended, name="suspended"),
    path("moderation/evidence/<id:report_id>/", views.evidence_file, name="evidence"),
    path(
        "moderation/cases/<id:case_id>/appeal-evidence/",
        views.appeal_evidence_file,
        name="appeal_evidence",
    ),
    path("manage/<id:organisation_id>/cases/", views.org_cases, name="org_cases"),
    path(
        "manage/<id:organisation_id>/cases/<id:case_id>/appeal/",
        views.org_appeal,
        name="org_appeal",
    ),
]
