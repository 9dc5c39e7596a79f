from __future__ import annotations

from django.urls import path

from daigang.courses.views import manage, providers, seeker

app_name = "courses"
_MANAGE = "manage/<id:organisation_id>/courses/"
_LESSON = "courses/<id:course_id>/lessons/<id:lesson_id>/"
urlpatterns = [
    # seekers and the public
    path("courses/", seeker.courses_list, name="list"),
    path("courses/<id:course_id>/", seeker.course_page, name="course"),
    path("courses/<id:course_id>/enrol/", seeker.course_enrol, name="enrol"),
    path(_LESSON, seeker.lesson_page, name="lesson"),
    path(_LESSON + "progress/", seeker.lesson_progress, name="progress"),
    path(_LESSON + "video/<str:sha>.mp4", seeker.lesson_video, name="video"),
    path(_LESSON + "poster/<str:sha>.jpg", seeker.lesson_poster, name="poster"),
    path("me/courses/", seeker.my_courses, name="my"),
    path(
        "me/certificates/<id:certificate_id>/pdf/", seeker.certificate_pdf, name="certificate_pdf"
    ),
    path(
        "me/certificates/<id:certificate_id>/attach/",
        seeker.certificate_attach,
        name="certificate_attach",
    ),
    path("certificates/<str:number>/", seeker.certificate_verify, name="verify"),
    # a bureau's (owner and operator; the numbers: roles.STATS_SEE)
    path(_MANAGE, manage.manage_courses, name="manage_list"),
    path(_MANAGE + "new/", manage.manage_course_new, name="manage_new"),
    path(_MANAGE + "stats/", manage.manage_course_stats, name="manage_stats"),
    path(_MANAGE + "stats.xlsx", manage.manage_course_stats_xlsx, name="manage_stats_xlsx"),
    path(_MANAGE + "<id:course_id>/", manage.manage_course, name="manage_course"),
    path(_MANAGE + "<id:course_id>/publish/", manage.manage_course_publish, name="manage_publish"),
    path(
        _MANAGE + "<id:course_id>/lessons/new/", manage.manage_lesson_new, name="manage_lesson_new"
    ),
    path(
        _MANAGE + "<id:course_id>/lessons/<id:lesson_id>/",
        manage.manage_lesson,
        name="manage_lesson",
    ),
    path(
        _MANAGE + "<id:course_id>/lessons/<id:lesson_id>/move/",
        manage.manage_lesson_move,
        name="manage_lesson_move",
    ),
    # training organisations (培训机构) ask a bureau to publish courses; its staff decide
    path("manage/<id:organisation_id>/training/", providers.training, name="training"),
    path("manage/<id:organisation_id>/course-providers/", providers.providers, name="providers"),
    path(
        "manage/<id:organisation_id>/course-providers/<id:provider_id>/decide/",
        providers.provider_decide,
        name="provider_decide",
    ),
]
