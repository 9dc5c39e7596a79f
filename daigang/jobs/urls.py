from __future__ import annotations

from django.urls import path

from daigang.jobs import video_views, views

app_name = "jobs"
urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/feed/", video_views.feed, name="feed"),
    path("jobs/counts/", video_views.counts, name="counts"),
    path("jobs/<id:job_id>/", views.detail, name="detail"),
    path("jobs/<id:job_id>/listen/<slug:sha>.mp3", views.listen, name="listen"),
    path("org/<id:organisation_id>/", views.organisation, name="organisation"),
    path("videos/<id:video_id>/<slug:sha>.mp4", video_views.video_file, name="video_file"),
    path("videos/<id:video_id>/<slug:sha>.jpg", video_views.video_poster, name="video_poster"),
    path("manage/<id:organisation_id>/video/", video_views.company_video, name="company_video"),
    path("manage/<id:organisation_id>/jobs/", views.manage, name="manage"),
    path("manage/<id:organisation_id>/jobs/new/", views.create, name="create"),
    path("manage/<id:organisation_id>/jobs/<id:job_id>/edit/", views.edit, name="edit"),
    path(
        "manage/<id:organisation_id>/jobs/<id:job_id>/video/",
        video_views.job_video,
        name="job_video",
    ),
    path("manage/<id:organisation_id>/jobs/<id:job_id>/publish/", views.publish, name="publish"),
    path("manage/<id:organisation_id>/jobs/<id:job_id>/close/", views.close, name="close"),
]
