from __future__ import annotations

from django.urls import path

from daigang.jobs import views

app_name = "jobs"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/<int:job_id>/", views.detail, name="detail"),
    path("org/<int:organisation_id>/", views.organisation, name="organisation"),
    path("manage/<int:organisation_id>/jobs/", views.manage, name="manage"),
    path("manage/<int:organisation_id>/jobs/new/", views.create, name="create"),
    path("manage/<int:organisation_id>/jobs/<int:job_id>/edit/", views.edit, name="edit"),
    path("manage/<int:organisation_id>/jobs/<int:job_id>/publish/", views.publish, name="publish"),
    path("manage/<int:organisation_id>/jobs/<int:job_id>/close/", views.close, name="close"),
]
