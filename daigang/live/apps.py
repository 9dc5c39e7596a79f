from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "daigang.live"
    label = "live"
