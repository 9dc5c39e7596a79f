from django.apps import AppConfig


class StreamingConfig(AppConfig):
    name = "daigang.streaming"
    label = "streaming"
