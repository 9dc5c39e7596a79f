"""WebSocket URLs (under AuthMiddlewareStack in config/asgi.py)."""

from __future__ import annotations

from django.urls import path

from daigang.interviews.consumers import InterviewConsumer
from daigang.live.consumers import RoomConsumer

websocket_urlpatterns: list = [
    path("ws/rooms/<id:room_id>/", RoomConsumer.as_asgi()),
    path("ws/interviews/<str:token>/", InterviewConsumer.as_asgi()),
]
