from __future__ import annotations

from django.urls import path

from daigang.replays import views

app_name = "replays"
urlpatterns = [
    path("replays/<id:replay_id>/", views.replay_page, name="replay"),
    path("replays/<id:replay_id>/video.webm", views.replay_video, name="video"),
    path("manage/<id:organisation_id>/replays/", views.manage_replays, name="manage"),
    path(
        "manage/<id:organisation_id>/replays/<id:replay_id>/hide/",
        views.replay_hide_view,
        name="hide",
    ),
    path(
        "manage/<id:organisation_id>/replays/<id:replay_id>/delete/",
        views.replay_delete_view,
        name="delete",
    ),
]
