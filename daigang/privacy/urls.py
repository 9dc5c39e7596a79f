from __future__ import annotations

from django.urls import path

from daigang.privacy import views

app_name = "privacy"
urlpatterns = [
    path("me/privacy/", views.privacy_mine, name="mine"),
    path("me/privacy/export.json", views.privacy_export_json, name="export_json"),
    path("me/privacy/export/", views.privacy_export_html, name="export_html"),
    path("me/privacy/delete/", views.privacy_delete, name="delete"),
]
