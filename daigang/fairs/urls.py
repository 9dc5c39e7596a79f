from django.urls import path

from daigang.fairs import views

app_name = "fairs"

urlpatterns = [
    path("fairs/", views.fairs_list, name="list"),
    path("fairs/<id:fair_id>/", views.fair_page, name="fair"),
    path("fairs/<id:fair_id>/i/<str:token>/", views.fair_invite, name="invite"),
    path("fairs/<id:fair_id>/remind/", views.fair_remind, name="remind"),
    path("fairs/<id:fair_id>/poster/<str:sha>/", views.fair_poster, name="poster"),
    path(
        "fairs/<id:fair_id>/register/<id:organisation_id>/",
        views.fair_register,
        name="register",
    ),
    path("manage/<id:organisation_id>/fairs/", views.bureau_fairs, name="bureau_fairs"),
    path("manage/<id:organisation_id>/fairs/new/", views.fair_new, name="fair_new"),
    path("fairs/<id:fair_id>/manage/", views.fair_manage, name="manage"),
    path("fairs/<id:fair_id>/manage/edit/", views.fair_edit, name="edit"),
    path("fairs/<id:fair_id>/manage/publish/", views.fair_publish_view, name="publish"),
    path(
        "fairs/<id:fair_id>/manage/entries/<id:entry_id>/",
        views.fair_entry_decide_view,
        name="entry_decide",
    ),
    path("fairs/<id:fair_id>/manage/rooms/", views.fair_room_add_view, name="room_add"),
    path("fairs/<id:fair_id>/manage/invites/", views.fair_invite_add, name="invite_add"),
    path("fairs/<id:fair_id>/stats/", views.fair_stats_page, name="stats"),
    path("fairs/<id:fair_id>/stats/report.csv", views.fair_export_csv, name="export_csv"),
    path("fairs/<id:fair_id>/stats/report.xlsx", views.fair_export_xlsx, name="export_xlsx"),
]
