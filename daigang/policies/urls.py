from django.urls import path

from daigang.policies import views

app_name = "policies"

urlpatterns = [
    path("policies/", views.policies_list, name="list"),
    path("policies/<id:policy_id>/", views.policy_page, name="policy"),
    path("manage/<id:organisation_id>/policies/", views.bureau_policies, name="manage"),
    path("manage/<id:organisation_id>/policies/new/", views.policy_new, name="new"),
    path(
        "manage/<id:organisation_id>/policies/<id:policy_id>/",
        views.policy_edit_view,
        name="edit",
    ),
    path(
        "manage/<id:organisation_id>/policies/<id:policy_id>/publish/",
        views.policy_publish_view,
        name="publish",
    ),
    path("live/<id:room_id>/policies/pin/", views.room_policy_pin_view, name="pin"),
    path("live/<id:room_id>/policies/unpin/", views.room_policy_unpin_view, name="unpin"),
    path("live/<id:room_id>/policies/session/", views.room_session_view, name="session"),
    path("live/<id:room_id>/policies/pinned/", views.room_pinned_view, name="pinned"),
]
