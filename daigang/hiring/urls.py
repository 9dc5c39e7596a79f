from __future__ import annotations

from django.urls import path

from daigang.hiring.apply import console, views
from daigang.hiring.pipeline.urls import urlpatterns as pipeline_urlpatterns

app_name = "hiring"
urlpatterns = [
    path("jobs/<id:job_id>/apply/", views.apply_page, name="apply"),
    path("jobs/apply-states/", views.apply_states, name="apply_states"),
    path("manage/<id:organisation_id>/applications/", views.back_office, name="back_office"),
    path(
        "manage/<id:organisation_id>/applications/new/",
        views.back_office_rows,
        name="back_office_rows",
    ),
    path(
        "manage/rooms/<id:room_id>/applicants/",
        console.room_applicants_view,
        name="room_applicants",
    ),
]
urlpatterns += pipeline_urlpatterns
