from __future__ import annotations

from django.contrib import admin
from django.urls import include, path

from config.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("regions/", include("daigang.regions.urls")),
    path("accounts/", include("daigang.accounts.urls")),
    path("live/", include("daigang.live.urls")),
    path("stream/", include("daigang.streaming.urls")),
    path("", include("daigang.hiring.urls")),
    path("", include("daigang.replays.urls")),
    path("", include("daigang.interviews.urls")),
    path("", include("daigang.contracts.urls")),
    path("", include("daigang.fairs.urls")),
    path("", include("daigang.policies.urls")),
    path("", include("daigang.courses.urls")),
    path("", include("daigang.matchmaking.urls")),
    path("", include("daigang.privacy.urls")),
    path("", include("daigang.safety.urls")),
    path("", include("daigang.jobs.urls")),
]
