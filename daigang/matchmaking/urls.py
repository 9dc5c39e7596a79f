from django.urls import path

from daigang.matchmaking import views

app_name = "matchmaking"

urlpatterns = [
    path("me/profile/", views.profile_page, name="profile"),
    path("me/recommended/", views.recommended, name="recommended"),
    path("me/recommended/<id:job_id>/dismiss/", views.dismiss, name="dismiss"),
    path("me/matchmakers/", views.mine, name="mine"),
    path("me/matchmakers/<id:case_id>/consent/", views.consent, name="consent"),
    path("me/matchmakers/<id:case_id>/leave/", views.leave, name="leave"),
    path("me/matchmakers/guidance/<id:slot_id>/book/", views.guidance_book, name="guidance_book"),
    path(
        "me/matchmakers/guidance/<id:slot_id>/cancel/",
        views.guidance_unbook,
        name="guidance_unbook",
    ),
    path("m/<str:invite_token>/", views.invite, name="invite"),
    path("manage/<id:organisation_id>/caseload/", views.caseload, name="caseload"),
    path("manage/<id:organisation_id>/caseload/assign/", views.assign, name="assign"),
    path("manage/<id:organisation_id>/caseload/invite.svg", views.invite_qr, name="invite_qr"),
    path(
        "manage/<id:organisation_id>/caseload/guidance/", views.guidance_open, name="guidance_open"
    ),
    path(
        "manage/<id:organisation_id>/caseload/guidance/<id:slot_id>/cancel/",
        views.guidance_cancel,
        name="guidance_cancel",
    ),
    path("manage/<id:organisation_id>/caseload/<id:case_id>/", views.case_page, name="case"),
    path(
        "manage/<id:organisation_id>/caseload/<id:case_id>/follow-up/",
        views.follow_up,
        name="follow_up",
    ),
    path(
        "manage/<id:organisation_id>/caseload/<id:case_id>/recommend/",
        views.recommend,
        name="recommend",
    ),
    path("manage/<id:organisation_id>/matchmakers/", views.numbers, name="numbers"),
    path("manage/<id:organisation_id>/assistance/", views.assistance_page, name="assistance"),
    path(
        "manage/<id:organisation_id>/assistance/settings/",
        views.assistance_settings,
        name="assistance_settings",
    ),
    path(
        "manage/<id:organisation_id>/assistance/assign/",
        views.assistance_assign,
        name="assistance_assign",
    ),
]
