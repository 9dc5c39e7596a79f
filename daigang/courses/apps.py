from django.apps import AppConfig


class CoursesConfig(AppConfig):
    name = "daigang.courses"
    label = "courses"
    verbose_name = "技能课程"
