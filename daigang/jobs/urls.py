from __future__ import annotations

from django.urls import path

from daigang.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<id:job_id>/", views.detail, name="detail"),
    path("jobs/<id:job_id>/listen/<slug:sha>.mp3", views.listen, name="listen"),
    path("org/<id:organisation_id>/", views.organisation, name="organisation"),
    path("manage/<id:organisation_id>/jobs/", views.manage, name="manage"),
    path("manage/<id:organisation_id>/jobs/new/", views.create, name="create"),
    path("manage/<id:organisation_id>/jobs/<id:job_id>/edit/", views.edit, name="edit"),
    path("manage/<id:organisation_id>/jobs/<id:job_id>/publish/", views.publish, name="publish"),
    path("manage/<id:organisation_id>/jobs/<id:job_id>/close/", views.close, name="close"),
]
