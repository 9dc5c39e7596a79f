from __future__ import annotations

from django.urls import path

from daigang.live import mic_views, views

app_name = "live"
urlpatterns = [
    path("manage/<id:organisation_id>/rooms/", views.manage_rooms, name="manage_rooms"),
    path("manage/<id:organisation_id>/rooms/new/", views.room_new, name="room_new"),
    path("manage/<id:room_id>/chat/", views.room_chat_moderate, name="chat_moderate"),
    path("<id:room_id>/", views.room_page, name="room"),
    path("<id:room_id>/console/", views.room_console, name="console"),
    path("<id:room_id>/pin/", views.room_pin_view, name="pin"),
    path("<id:room_id>/unpin/", views.room_unpin_view, name="unpin"),
    path("<id:room_id>/end/", views.room_end_view, name="end"),
    path("<id:room_id>/jobs/<id:job_id>/opened/", views.room_card_open_view, name="card_open"),
    path("<id:room_id>/stream-key/", views.room_stream_key_rotate_view, name="stream_key_rotate"),
    path("<id:room_id>/mic/raise/", mic_views.mic_raise_view, name="mic_raise"),
    path("<id:room_id>/mic/cancel/", mic_views.mic_cancel_view, name="mic_cancel"),
    path("<id:room_id>/mic/consent/", mic_views.mic_consent_view, name="mic_consent"),
    path("<id:room_id>/mic/queue/", mic_views.mic_panel_view, name="mic_panel"),
    path("<id:room_id>/mic/<id:mic_request_id>/", mic_views.mic_act_view, name="mic_act"),
]
