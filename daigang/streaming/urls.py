from __future__ import annotations

app_name = "streaming"
urlpatterns: list = []
