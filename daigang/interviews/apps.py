from django.apps import AppConfig


class InterviewsConfig(AppConfig):
    name = "daigang.interviews"
    label = "interviews"
    verbose_name = "面试"
