from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "daigang.core"
    label = "core"
