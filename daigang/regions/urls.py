from __future__ import annotations

from django.urls import path

from daigang.regions import views

app_name = "regions"
urlpatterns = [
    path("<str:code>/cities", views.cities, name="cities"),
    path("<str:code>/districts", views.districts, name="districts"),
]
