from __future__ import annotations

from django.contrib.auth.views import LogoutView
from django.urls import path

from daigang.accounts.views import login, organisations, review

app_name = "accounts"
urlpatterns = [
    path("login/", login.login_view, name="login"),
    path("logout/", LogoutView.as_view(next_page="/"), name="logout"),
    path("organisations/", organisations.my_organisations, name="my_organisations"),
    path("organisations/new/", organisations.organisation_new, name="organisation_new"),
    path(
        "organisations/<id:organisation_id>/",
        organisations.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "organisations/<id:organisation_id>/edit/",
        organisations.organisation_edit,
        name="organisation_edit",
    ),
    path(
        "organisations/<id:organisation_id>/documents/",
        organisations.document_add,
        name="document_add",
    ),
    path(
        "organisations/<id:organisation_id>/renew/",
        organisations.organisation_renew,
        name="organisation_renew",
    ),
    path(
        "organisations/<id:organisation_id>/members/",
        organisations.member_add,
        name="member_add",
    ),
    path(
        "organisations/<id:organisation_id>/members/<id:membership_id>/remove/",
        organisations.member_remove,
        name="member_remove",
    ),
    path("documents/<id:document_id>/", organisations.document_file, name="document_file"),
    path(
        "documents/<id:document_id>/preview/",
        organisations.document_preview,
        name="document_preview",
    ),
    path("review/", review.review_list, name="review_list"),
    path("review/<id:organisation_id>/", review.review_detail, name="review_detail"),
]
