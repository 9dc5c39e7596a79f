from __future__ import annotations

app_name = "hiring"
urlpatterns: list = []
