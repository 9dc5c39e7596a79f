from __future__ import annotations

from django.urls import path

from daigang.live import views

app_name = "live"
urlpatterns = [
    path("manage/<int:organisation_id>/rooms/", views.manage_rooms, name="manage_rooms"),
    path("manage/<int:organisation_id>/rooms/new/", views.room_new, name="room_new"),
    path("<int:room_id>/", views.room_page, name="room"),
    path("<int:room_id>/console/", views.room_console, name="console"),
    path("<int:room_id>/pin/", views.room_pin_view, name="pin"),
    path("<int:room_id>/unpin/", views.room_unpin_view, name="unpin"),
    path("<int:room_id>/stream-key/", views.room_stream_key_rotate_view, name="stream_key_rotate"),
]
