from __future__ import annotations

from django.urls import path

from daigang.streaming import views

app_name = "streaming"
urlpatterns = [
    path("rooms/<id:room_id>/whip", views.whip, name="whip"),
    path("rooms/<id:room_id>/whip/<str:session_id>", views.whip_session, name="whip_session"),
    path("rooms/<id:room_id>/whep", views.whep, name="whep"),
    path("rooms/<id:room_id>/whep/<str:session_id>", views.whep_session, name="whep_session"),
    path("rooms/<id:room_id>/guest", views.guest, name="guest"),
    path("rooms/<id:room_id>/guest/<str:session_id>", views.guest_session, name="guest_session"),
    path("rooms/<id:room_id>/hls/index.m3u8", views.hls_playlist, name="hls_playlist"),
    path("rooms/<id:room_id>/hls/<str:name>", views.hls_segment, name="hls_segment"),
    path("mediamtx/auth", views.mediamtx_auth, name="mediamtx_auth"),
    path("mediamtx/ready", views.mediamtx_ready, name="mediamtx_ready"),
    path("mediamtx/not-ready", views.mediamtx_not_ready, name="mediamtx_not_ready"),
]
