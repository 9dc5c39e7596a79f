from django.apps import AppConfig


class HiringConfig(AppConfig):
    name = "daigang.hiring"
    label = "hiring"
