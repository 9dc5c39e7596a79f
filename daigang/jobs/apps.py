from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "daigang.jobs"
    label = "jobs"
